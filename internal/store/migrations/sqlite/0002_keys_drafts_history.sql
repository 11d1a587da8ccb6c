-- API keys: only a SHA-256 of each key is kept; the key itself is shown once, at creation.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT     NOT NULL,
    role         TEXT     NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    prefix       TEXT     NOT NULL, -- the first characters of the key, so a person can tell keys apart
    hash         TEXT     NOT NULL UNIQUE,
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME,
    last_used_at DATETIME,
    revoked_at   DATETIME
);

-- Tactics have a publication status; what was there before this migration is published.
ALTER TABLE tactics ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft', 'published', 'archived'));
CREATE INDEX tactics_status ON tactics (status, id);

-- One row per change of a chain, stage, tactic or tag, written in the change's own transaction.
-- The id orders the change feed. visible/was_visible say whether readers below editor could see
-- the object after and before the change (only tactics can be hidden: drafts and archived ones).
CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT     NOT NULL CHECK (entity IN ('chain', 'stage', 'tactic', 'tag')),
    entity_id   INTEGER  NOT NULL,
    slug        TEXT, -- chains and tags, so that a deleted one can still be found by slug
    version     INTEGER  NOT NULL,
    action      TEXT     NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
    actor       TEXT     NOT NULL,
    actor_key_id INTEGER,
    request_id  TEXT     NOT NULL DEFAULT '',
    at          DATETIME NOT NULL,
    visible     INTEGER  NOT NULL,
    was_visible INTEGER  NOT NULL,
    data        TEXT     NOT NULL
);
CREATE INDEX revisions_entity ON revisions (entity, entity_id, id);
CREATE INDEX revisions_slug ON revisions (entity, slug, id);
CREATE INDEX revisions_visible ON revisions (id) WHERE visible OR was_visible;

-- Responses to POSTs sent with an Idempotency-Key, so that a retry gets the first answer.
CREATE TABLE idempotency_keys (
    key_id       INTEGER  NOT NULL, -- the API key that sent it: keys are scoped to their sender
    idem_key     TEXT     NOT NULL,
    request_hash TEXT     NOT NULL,
    status       INTEGER  NOT NULL DEFAULT 0, -- 0 while the first request is in flight
    headers      TEXT     NOT NULL DEFAULT '{}',
    body         BLOB,
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (key_id, idem_key)
);
CREATE INDEX idempotency_created ON idempotency_keys (created_at);
