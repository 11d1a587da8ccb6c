-- Countries (issue 27): a country's statutory penalties, enforcement figures by year and
-- ratifications, as JSON arrays whose every entry names a source (indexed in citations, like every
-- other object's citations). The country is named by its ISO 3166-1 alpha-2 code; its M49
-- continent and sub-region are derived from the code and kept for the list's filter.
CREATE TABLE countries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    iso           TEXT    NOT NULL UNIQUE,
    region        TEXT    NOT NULL DEFAULT '',
    subregion     TEXT    NOT NULL DEFAULT '',
    summary       TEXT    NOT NULL DEFAULT '',
    penalties     TEXT    NOT NULL DEFAULT '[]',
    enforcement   TEXT    NOT NULL DEFAULT '[]',
    ratifications TEXT    NOT NULL DEFAULT '[]',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX countries_region ON countries (region, id);
CREATE INDEX countries_subregion ON countries (subregion, id);
CREATE INDEX countries_created ON countries (created_at, id);
CREATE INDEX countries_updated ON countries (updated_at, id);
