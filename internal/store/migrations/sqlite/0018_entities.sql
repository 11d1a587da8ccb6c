-- chainkb:foreign-keys-off
-- The kinds of object that have a history are rows of a table, not a CHECK constraint on
-- revisions: the store's registry of resources (internal/store/registry.go) inserts the name of
-- each resource it holds at start-up, so a new resource needs no migration of revisions. The
-- CHECK that listed them goes: SQLite cannot drop a constraint in place, so revisions is rebuilt
-- once, by the procedure of https://www.sqlite.org/lang_altertable.html#otheralter (foreign keys
-- off around it, as the header asks; the runner checks them before it commits).

CREATE TABLE entities (
    name TEXT PRIMARY KEY
);
INSERT INTO entities (name) VALUES ('chain'), ('stage'), ('tactic'), ('tag'), ('source'), ('relation'), ('parameter');

CREATE TABLE revisions_v3 (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    entity       TEXT     NOT NULL REFERENCES entities (name),
    entity_id    INTEGER  NOT NULL,
    slug         TEXT,
    version      INTEGER  NOT NULL,
    action       TEXT     NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
    actor        TEXT     NOT NULL,
    actor_key_id INTEGER,
    request_id   TEXT     NOT NULL DEFAULT '',
    at           DATETIME NOT NULL,
    visible      INTEGER  NOT NULL,
    was_visible  INTEGER  NOT NULL,
    data         TEXT     NOT NULL,
    cascade_of   INTEGER
);
INSERT INTO revisions_v3 (id, entity, entity_id, slug, version, action, actor, actor_key_id, request_id, at,
                          visible, was_visible, data, cascade_of)
SELECT id, entity, entity_id, slug, version, action, actor, actor_key_id, request_id, at,
       visible, was_visible, data, cascade_of FROM revisions;
DROP TABLE revisions;
ALTER TABLE revisions_v3 RENAME TO revisions;
CREATE INDEX revisions_entity ON revisions (entity, entity_id, id);
CREATE INDEX revisions_slug ON revisions (entity, slug, id);
CREATE INDEX revisions_visible ON revisions (id) WHERE visible OR was_visible;
CREATE INDEX revisions_cascade ON revisions (cascade_of) WHERE cascade_of IS NOT NULL;
