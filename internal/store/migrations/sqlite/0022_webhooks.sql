-- Webhooks (issue 29). A subscription is operational configuration, like an API key, not content
-- of the knowledge base: it has no history, is not in the change feed and is not exported.
CREATE TABLE webhook_subscriptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The key that made it: it sees what that key sees (drafts only for editors and admins), and
    -- nothing more is owed to it once the key is revoked or expired.
    owner_key_id    INTEGER  NOT NULL REFERENCES api_keys (id),
    url             TEXT     NOT NULL,
    description     TEXT     NOT NULL DEFAULT '',
    -- Lists kept as ',a,b,' so that one LIKE '%,x,%' matches an item on both engines; '' is all.
    entities        TEXT     NOT NULL DEFAULT '', -- entity names: ',tactic,stage,'
    chains          TEXT     NOT NULL DEFAULT '', -- chain ids: ',1,2,'
    include_drafts  INTEGER  NOT NULL DEFAULT 0,
    -- The signing secret (whsec_...). Unlike an API key's it must be kept as it is: every delivery
    -- is signed with it.
    secret          TEXT     NOT NULL,
    enabled         INTEGER  NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    disabled_at     DATETIME,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    version         INTEGER  NOT NULL DEFAULT 1
);
CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner_key_id, id);

-- The outbox: one row per change owed to a subscription, written in the change's own transaction
-- (store.recordID), so that a committed change is a delivery owed and a rolled-back one never is.
-- The row then doubles as the delivery's log: its state, attempts and last outcome.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER  NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    revision_id     INTEGER  NOT NULL REFERENCES revisions (id),
    state           TEXT     NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER  NOT NULL DEFAULT 0,
    -- When a pending delivery is next due; while an attempt is under way, when its lease ends (a
    -- worker that died with it leaves it to be tried again then).
    next_attempt_at DATETIME NOT NULL,
    -- Retries stop (and the subscription is disabled) once they have gone on this long since.
    retry_from      DATETIME NOT NULL,
    created_at      DATETIME NOT NULL,
    last_attempt_at DATETIME,
    last_status     INTEGER,
    last_error      TEXT,
    finished_at     DATETIME,
    UNIQUE (subscription_id, revision_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, id);
