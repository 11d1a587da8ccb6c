-- chainkb:foreign-keys-off
-- A relation of type addresses (issue 24): a current or recommended tactic answers a condition.
-- Its ends' kinds are checked by the store; the table only has to admit the type. SQLite cannot
-- widen a CHECK constraint in place, so the table is rebuilt by the procedure of
-- https://www.sqlite.org/lang_altertable.html#otheralter (the runner turns foreign keys off around
-- this migration and checks them before it commits), its rows, ids and id sequence kept.
CREATE TABLE relations_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    from_id    INTEGER NOT NULL REFERENCES tactics (id) ON DELETE RESTRICT,
    to_id      INTEGER NOT NULL REFERENCES tactics (id) ON DELETE RESTRICT,
    type       TEXT    NOT NULL CHECK (type IN ('complements', 'prerequisite-of', 'conflicts-with', 'duplicates', 'supersedes', 'addresses')),
    note       TEXT    NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    CHECK (from_id <> to_id),
    UNIQUE (from_id, to_id, type)
);
INSERT INTO relations_new (id, from_id, to_id, type, note, created_at, updated_at, version)
    SELECT id, from_id, to_id, type, note, created_at, updated_at, version FROM relations;
-- Keep the id sequence, so that a new relation never takes the id of a deleted one, whose history
-- (and restore) is by id.
DELETE FROM sqlite_sequence WHERE name = 'relations_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'relations_new', seq FROM sqlite_sequence WHERE name = 'relations';
DROP TABLE relations;
ALTER TABLE relations_new RENAME TO relations;
CREATE INDEX relations_to ON relations (to_id, id);
CREATE INDEX relations_type ON relations (type, id);
CREATE INDEX relations_created ON relations (created_at, id);
CREATE INDEX relations_updated ON relations (updated_at, id);
