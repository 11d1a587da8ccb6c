-- Lists filter by stage, chain or kind, always by status (below editor), and page in id order:
-- these indexes let the engine seek to the filter and walk ids in order, stopping after one page,
-- instead of walking every id and testing each row (bench/README.md: a filtered page at 100,000
-- tactics went from a scan to a seek).
CREATE INDEX tactics_stage_status_id ON tactics (stage_id, status, id);
CREATE INDEX tactics_chain_status_id ON tactics (chain_id, status, id);
CREATE INDEX tactics_kind_status_id ON tactics (kind, status, id);
