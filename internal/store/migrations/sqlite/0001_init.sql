-- The knowledge base: chains, their stages, the tactics at each stage and the tags on tactics.
-- AUTOINCREMENT so that an id is never reused after a delete: ETags and partner mirrors key on ids.
-- ON DELETE RESTRICT everywhere but tactic_tags: deleting something in use is refused (409), and
-- the store checks first so that it can say how many things still point at it.

CREATE TABLE chains (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX chains_created ON chains (created_at, id);
CREATE INDEX chains_updated ON chains (updated_at, id);
CREATE INDEX chains_name ON chains (name, id);

CREATE TABLE stages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    chain_id    INTEGER NOT NULL REFERENCES chains (id) ON DELETE RESTRICT,
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    side        TEXT    NOT NULL CHECK (side IN ('supply', 'demand')),
    position    INTEGER NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (chain_id, slug)
);
CREATE INDEX stages_chain_position ON stages (chain_id, position, id);
CREATE INDEX stages_position ON stages (position, id);
CREATE INDEX stages_created ON stages (created_at, id);
CREATE INDEX stages_updated ON stages (updated_at, id);

CREATE TABLE tags (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    tag_group   TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tags_group ON tags (tag_group, slug);
CREATE INDEX tags_name ON tags (name, id);
CREATE INDEX tags_created ON tags (created_at, id);
CREATE INDEX tags_updated ON tags (updated_at, id);

CREATE TABLE tactics (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    stage_id    INTEGER NOT NULL REFERENCES stages (id) ON DELETE RESTRICT,
    -- chain_id is the stage's chain, kept here so that chain filters and the chain table need no join.
    chain_id    INTEGER NOT NULL REFERENCES chains (id) ON DELETE RESTRICT,
    kind        TEXT    NOT NULL CHECK (kind IN ('current', 'recommended')),
    title       TEXT    NOT NULL,
    summary     TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    refs        TEXT    NOT NULL DEFAULT '[]', -- JSON array of {citation, url, locator}
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tactics_stage ON tactics (stage_id, kind, position, id);
CREATE INDEX tactics_chain ON tactics (chain_id, position, id);
CREATE INDEX tactics_kind ON tactics (kind, id);
CREATE INDEX tactics_position ON tactics (position, id);
CREATE INDEX tactics_title ON tactics (title, id);
CREATE INDEX tactics_created ON tactics (created_at, id);
CREATE INDEX tactics_updated ON tactics (updated_at, id);

CREATE TABLE tactic_tags (
    tactic_id INTEGER NOT NULL REFERENCES tactics (id) ON DELETE CASCADE,
    tag_id    INTEGER NOT NULL REFERENCES tags (id) ON DELETE RESTRICT,
    PRIMARY KEY (tactic_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX tactic_tags_tag ON tactic_tags (tag_id, tactic_id);

-- Seed bundles applied to this database, so that a restart never re-adds what editors deleted.
CREATE TABLE seeds_applied (
    name       TEXT PRIMARY KEY,
    applied_at DATETIME NOT NULL
);
