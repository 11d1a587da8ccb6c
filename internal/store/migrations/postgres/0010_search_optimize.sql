-- SQLite's migration 0010 merges its FTS5 indexes into one segment each. PostgreSQL's GIN indexes
-- on the search columns need nothing of the kind (VACUUM keeps their pending lists merged): the
-- migration exists on both engines so that their versions stay in step.
SELECT 1;
