-- A list page of tactics in id order reads each tactic's document at the tactic's version. With
-- the version in the index that a stage's list walks, (stage_id, status, id, version), such a page
-- is read from this index, the tag index and the documents alone, never from the tactics' long
-- rows (each about a page of the file, with their text and detail): issue 30. The index keeps its
-- name's prefix and replaces (stage_id, status, id), whose every use it serves.
DROP INDEX IF EXISTS tactics_stage_status_id;
CREATE INDEX tactics_stage_status_id ON tactics (stage_id, status, id, version);
