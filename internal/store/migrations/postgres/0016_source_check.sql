-- A source's check record (issue 24): what an editor read of it (the whole work, the cited
-- passage, only an abstract, only somebody else's summary, or nothing), when, and who, with the
-- passage read. verified stays a column, now derived from the check on every write: the check's
-- date when the whole work or the cited passage was read, else NULL. Sources verified before
-- this migration carry no record of what was read; the data step 0016_source_check.data turns
-- each such date into a not-read check that keeps the date in its passage, with a revision.
ALTER TABLE sources ADD COLUMN check_reading TEXT NOT NULL DEFAULT 'not-read'
    CHECK (check_reading IN ('full-text', 'excerpt', 'abstract', 'summary-by-other', 'not-read'));
ALTER TABLE sources ADD COLUMN check_on TEXT; -- YYYY-MM-DD, or NULL
ALTER TABLE sources ADD COLUMN check_by TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN check_passage TEXT NOT NULL DEFAULT '';
CREATE INDEX sources_check_reading ON sources (check_reading, id);
CREATE INDEX sources_verified ON sources (verified, id);
