-- chainkb:foreign-keys-off
-- The risk-reward model v2 (issue 23). A stage says what its link does in the trade (role), which
-- decides what the model computes for it. A parameter belongs to a named input set (figures
-- computed together come from one source family, place and period), says what a penalty stands
-- for (basis: imposed, served or statutory) and whether a law sets it per victim; its unit is
-- derived from its symbol and currency, so the free-text column goes; exchange rates and price
-- indices belong to no chain, so chain_id may be NULL. SQLite cannot drop a NOT NULL in place:
-- the table is rebuilt, as its documentation's procedure for schema changes says. Rows written
-- before input sets existed are put in a set named after their area and period.
ALTER TABLE stages ADD COLUMN role TEXT NOT NULL DEFAULT '';

CREATE TABLE parameters_v2 (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT    NOT NULL UNIQUE,
    symbol     TEXT    NOT NULL,
    input_set  TEXT    NOT NULL DEFAULT '',
    low        REAL,
    central    REAL,
    high       REAL,
    currency   TEXT    NOT NULL DEFAULT '',
    price_year INTEGER,
    basis      TEXT    NOT NULL DEFAULT '',
    per_victim BOOLEAN NOT NULL DEFAULT FALSE,
    geography  TEXT    NOT NULL,
    period     TEXT    NOT NULL,
    period_end INTEGER NOT NULL,
    chain_id   INTEGER REFERENCES chains (id) ON DELETE RESTRICT,
    stage_id   INTEGER REFERENCES stages (id) ON DELETE RESTRICT,
    estimate   TEXT    NOT NULL CHECK (estimate IN ('reported', 'derived', 'assumption')),
    citations  TEXT    NOT NULL DEFAULT '[]',
    note       TEXT    NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    CHECK (low IS NOT NULL OR central IS NOT NULL OR high IS NOT NULL)
);
INSERT INTO parameters_v2 (id, slug, symbol, input_set, low, central, high, currency, price_year, basis,
    per_victim, geography, period, period_end, chain_id, stage_id, estimate, citations, note, created_at,
    updated_at, version)
SELECT id, slug, symbol, lower(geography) || '-' || period, low, central, high, currency, price_year,
    CASE WHEN symbol IN ('fine', 'restitution', 'prison_years') THEN 'statutory-range' ELSE '' END,
    FALSE, geography, period, period_end, chain_id, stage_id, estimate, citations, note, created_at,
    updated_at, version
FROM parameters;
DROP TABLE parameters;
ALTER TABLE parameters_v2 RENAME TO parameters;
CREATE INDEX parameters_chain ON parameters (chain_id, stage_id, symbol, id);
CREATE INDEX parameters_stage ON parameters (stage_id, id);
CREATE INDEX parameters_symbol ON parameters (symbol, id);
CREATE INDEX parameters_geography ON parameters (geography, id);
CREATE INDEX parameters_period ON parameters (period, id);
CREATE INDEX parameters_input_set ON parameters (input_set, id);
CREATE INDEX parameters_created ON parameters (created_at, id);
CREATE INDEX parameters_updated ON parameters (updated_at, id);
