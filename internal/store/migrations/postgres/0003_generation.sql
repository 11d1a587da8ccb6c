-- The knowledge base's generation: see migrations/sqlite/0003_generation.sql. On PostgreSQL it is
-- what keeps the change feed whole: identity values are handed out when a transaction asks, not
-- when it commits, so a feed ordered by them could skip a change that commits after a later one.
-- The generation row is locked from the moment a change takes its number until it commits, so
-- numbers are taken in commit order.
CREATE TABLE kb_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO kb_generation (id, n) SELECT 1, COALESCE(MAX(id), 0) FROM revisions;
