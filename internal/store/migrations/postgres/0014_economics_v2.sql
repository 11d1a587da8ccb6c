-- The risk-reward model v2 (issue 23). A stage says what its link does in the trade (role), which
-- decides what the model computes for it. A parameter belongs to a named input set (figures
-- computed together come from one source family, place and period), says what a penalty stands
-- for (basis: imposed, served or statutory) and whether a law sets it per victim; its unit is
-- derived from its symbol and currency, so the free-text column goes; exchange rates and price
-- indices belong to no chain, so chain_id may be NULL. Rows written before input sets existed are
-- put in a set named after their area and period.
ALTER TABLE stages ADD COLUMN role TEXT NOT NULL DEFAULT '';

ALTER TABLE parameters DROP COLUMN unit;
ALTER TABLE parameters ALTER COLUMN chain_id DROP NOT NULL;
ALTER TABLE parameters ADD COLUMN input_set TEXT NOT NULL DEFAULT '' COLLATE "C";
ALTER TABLE parameters ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE parameters ADD COLUMN per_victim BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE parameters SET input_set = lower(geography) || '-' || period,
    basis = CASE WHEN symbol IN ('fine', 'restitution', 'prison_years') THEN 'statutory-range' ELSE '' END;
CREATE INDEX parameters_input_set ON parameters (input_set, id);
