-- The kinds of object that have a history are rows of a table, not a CHECK constraint on
-- revisions: the store's registry of resources (internal/store/registry.go) inserts the name of
-- each resource it holds at start-up, so a new resource needs no migration of revisions.

CREATE TABLE entities (
    name TEXT PRIMARY KEY
);
INSERT INTO entities (name) VALUES ('chain'), ('stage'), ('tactic'), ('tag'), ('source'), ('relation'), ('parameter');

ALTER TABLE revisions DROP CONSTRAINT revisions_entity_check;
ALTER TABLE revisions ADD CONSTRAINT revisions_entity_fkey FOREIGN KEY (entity) REFERENCES entities (name);
