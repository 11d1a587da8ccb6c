-- A new tactic without a position goes after the last published tactic of its stage and kind
-- (prepareTactic). With only (stage_id, kind, position, id) to go on, finding that position read
-- every tactic of the stage and kind, drafts included, to check its status: in a profile of 5,600
-- creates into eight stages (issue 17) it took about two fifths of a create's CPU by the end. With
-- the status in the index it is one lookup in a covering index.
CREATE INDEX tactics_stage_kind_status_position ON tactics (stage_id, kind, status, position);
