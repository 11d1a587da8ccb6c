-- The rebuild of migration 0007 (and imports before this release) left each full-text index in
-- many segments, which every search visits; merge each into one (FTS5's 'optimize', as an import
-- now does when it ends: store.OptimizeSearch).
INSERT INTO tactics_fts (tactics_fts) VALUES ('optimize');
INSERT INTO sources_fts (sources_fts) VALUES ('optimize');
INSERT INTO stages_fts (stages_fts) VALUES ('optimize');
INSERT INTO chains_fts (chains_fts) VALUES ('optimize');
