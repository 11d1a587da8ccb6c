-- The risk-reward model's parameters (issue 13): one value or range of one of the model's symbols
-- for a chain (and a stage, or the whole chain when stage_id is NULL), a geography and a period.
-- Citations live in the row (JSON) and are indexed in citations, like every other object's.
CREATE TABLE parameters (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT    NOT NULL UNIQUE,
    symbol     TEXT    NOT NULL,
    low        REAL,
    central    REAL,
    high       REAL,
    unit       TEXT    NOT NULL DEFAULT '',
    currency   TEXT    NOT NULL DEFAULT '',
    price_year INTEGER,
    geography  TEXT    NOT NULL,
    period     TEXT    NOT NULL,
    period_end INTEGER NOT NULL, -- last year of period, for the choice of the parameter in force
    chain_id   INTEGER NOT NULL REFERENCES chains (id) ON DELETE RESTRICT,
    stage_id   INTEGER REFERENCES stages (id) ON DELETE RESTRICT,
    estimate   TEXT    NOT NULL CHECK (estimate IN ('reported', 'derived', 'assumption')),
    citations  TEXT    NOT NULL DEFAULT '[]',
    note       TEXT    NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    CHECK (low IS NOT NULL OR central IS NOT NULL OR high IS NOT NULL)
);
CREATE INDEX parameters_chain ON parameters (chain_id, stage_id, symbol, id);
CREATE INDEX parameters_stage ON parameters (stage_id, id);
CREATE INDEX parameters_symbol ON parameters (symbol, id);
CREATE INDEX parameters_geography ON parameters (geography, id);
CREATE INDEX parameters_period ON parameters (period, id);
CREATE INDEX parameters_created ON parameters (created_at, id);
CREATE INDEX parameters_updated ON parameters (updated_at, id);
