-- The knowledge base's generation: one number, moved on by every change of content, in the
-- change's transaction. It numbers the revisions, so that the change feed's order is the order in
-- which changes committed, and it tells a cache whether anything changed, on any instance.
CREATE TABLE kb_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO kb_generation (id, n) SELECT 1, COALESCE(MAX(id), 0) FROM revisions;
