-- Releases (issue 28): fixed, citable states of the published knowledge base. Each keeps its
-- bundle byte for byte, so that its export and digest never change whatever the knowledge base
-- becomes. A release is never updated or deleted: the store has no statement that does either.
CREATE TABLE releases (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    version    TEXT     NOT NULL UNIQUE,
    notes      TEXT     NOT NULL DEFAULT '',
    digest     TEXT     NOT NULL, -- sha256:<hex> of bundle
    generation INTEGER  NOT NULL, -- the knowledge base's generation that the bundle holds
    counts     TEXT     NOT NULL, -- JSON: objects per resource
    changelog  TEXT     NOT NULL, -- JSON: models.Changelog
    created_at DATETIME NOT NULL,
    created_by TEXT     NOT NULL,
    bundle     BLOB     NOT NULL
);
-- A release is in the change feed (entity release), though it is no resource of the registry.
INSERT INTO entities (name) VALUES ('release') ON CONFLICT (name) DO NOTHING;
