-- Countries in search (issue 27). A country's name comes from its ISO code (CLDR, in Go), and its
-- statutes are in a JSON array: neither is text SQL can index. Two columns keep them as text,
-- written with the code and the penalties at every write (store.countryColumnsOf), as region
-- and subregion are: name, the English name, and statutes, each penalty's instrument and offence.
-- The data step 0028_countries_search.data fills them for the countries already there; the
-- index below is then kept by its triggers, as migration 0007's are.
ALTER TABLE countries ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE countries ADD COLUMN statutes TEXT NOT NULL DEFAULT '';

CREATE VIRTUAL TABLE countries_fts USING fts5(name, summary, statutes,
    content='countries', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER countries_fts_insert AFTER INSERT ON countries BEGIN
    INSERT INTO countries_fts (rowid, name, summary, statutes) VALUES (new.id, new.name, new.summary, new.statutes);
END;
CREATE TRIGGER countries_fts_delete AFTER DELETE ON countries BEGIN
    INSERT INTO countries_fts (countries_fts, rowid, name, summary, statutes) VALUES ('delete', old.id, old.name, old.summary, old.statutes);
END;
CREATE TRIGGER countries_fts_update AFTER UPDATE OF name, summary, statutes ON countries BEGIN
    INSERT INTO countries_fts (countries_fts, rowid, name, summary, statutes) VALUES ('delete', old.id, old.name, old.summary, old.statutes);
    INSERT INTO countries_fts (rowid, name, summary, statutes) VALUES (new.id, new.name, new.summary, new.statutes);
END;
INSERT INTO countries_fts (countries_fts) VALUES ('rebuild');
