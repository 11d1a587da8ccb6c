-- tactics_chain (chain_id, position, id) is in no query plan of a documented list, filter or
-- sort, of search, of the chain table or of a write, on either engine: a chain filter is answered
-- by tactics_chain_status_id (chain_id, status, id), and a chain's table reads by stage
-- (TestTacticIndexesAreUsed shows each plan). Every create and every move of a tactic wrote it
-- for nothing (issue 30).
DROP INDEX IF EXISTS tactics_chain;
