-- SQLite's migration 0013 drops an index that duplicated the unique constraint on tactics.code.
-- PostgreSQL has only the constraint's index (tactics_code_key): the migration exists on both
-- engines so that their versions stay in step.
SELECT 1;
