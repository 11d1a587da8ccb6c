-- chainkb:foreign-keys-off
-- Knowledge model v2: a bibliography of sources cited from every object, a tactic's code,
-- attribution, evidence, caveats, positions, scope and review, the kind "condition", and typed
-- relations between tactics.
--
-- SQLite cannot widen a CHECK constraint in place, so tactics and revisions are rebuilt by the
-- procedure of https://www.sqlite.org/lang_altertable.html#otheralter: the runner turns foreign
-- keys off around this migration (the header above) and checks them before it commits, because
-- dropping tactics with foreign keys on would cascade into tactic_tags.

CREATE TABLE sources (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    slug         TEXT    NOT NULL UNIQUE,
    authors      TEXT    NOT NULL DEFAULT '[]', -- JSON array of names
    year         INTEGER,
    title        TEXT    NOT NULL,
    container    TEXT    NOT NULL DEFAULT '',
    doi          TEXT    NOT NULL DEFAULT '',
    url          TEXT    NOT NULL DEFAULT '',
    archived_url TEXT    NOT NULL DEFAULT '',
    accessed_on  TEXT, -- YYYY-MM-DD
    type         TEXT    NOT NULL CHECK (type IN ('primary-official', 'primary-author', 'peer-reviewed', 'grey', 'news', 'secondary', 'legal-instrument')),
    language     TEXT    NOT NULL DEFAULT 'en',
    verified     TEXT, -- YYYY-MM-DD, or NULL: not verified
    note         TEXT    NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sources_type ON sources (type, id);
CREATE INDEX sources_year ON sources (year, id);
CREATE INDEX sources_title ON sources (title, id);
CREATE INDEX sources_created ON sources (created_at, id);
CREATE INDEX sources_updated ON sources (updated_at, id);

-- Which objects cite which source. Citations themselves live in their object (they are read and
-- written with it); this index, kept in the same transaction, answers "where is this source
-- cited" and refuses the delete of a cited source.
CREATE TABLE citations (
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE RESTRICT,
    entity    TEXT    NOT NULL,
    entity_id INTEGER NOT NULL,
    PRIMARY KEY (entity, entity_id, source_id)
) WITHOUT ROWID;
CREATE INDEX citations_source ON citations (source_id, entity, entity_id);

ALTER TABLE chains ADD COLUMN citations TEXT NOT NULL DEFAULT '[]';
ALTER TABLE stages ADD COLUMN citations TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tags   ADD COLUMN citations TEXT NOT NULL DEFAULT '[]';

CREATE TABLE tactics_v2 (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    stage_id      INTEGER NOT NULL REFERENCES stages (id) ON DELETE RESTRICT,
    chain_id      INTEGER NOT NULL REFERENCES chains (id) ON DELETE RESTRICT,
    code          TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL CHECK (kind IN ('current', 'recommended', 'condition')),
    title         TEXT    NOT NULL,
    summary       TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    refs          TEXT    NOT NULL DEFAULT '[]', -- v1 references; emptied by the data step of this migration
    attribution   TEXT    NOT NULL DEFAULT 'editorial' CHECK (attribution IN ('kara', 'kara-reading', 'other-source', 'editorial')),
    evidence_rank INTEGER NOT NULL DEFAULT 0, -- position of evidence.level in models.EvidenceLevels, for filters
    review_due    TEXT, -- review.next_review_due (YYYY-MM-DD), for filters
    detail        TEXT    NOT NULL DEFAULT '{}', -- JSON: evidence, caveats, positions, scope, review, citations, acts_on, also_applies_to
    position      INTEGER NOT NULL DEFAULT 0,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    status        TEXT    NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'archived'))
);
-- The tactics that exist get placeholder codes, V1-T-X<id>: the seed gives its own tactics their
-- codes, and an editor may set a code once on any tactic that still has a placeholder.
INSERT INTO tactics_v2 (id, stage_id, chain_id, code, kind, title, summary, description, refs, position,
                        created_at, updated_at, version, status)
SELECT id, stage_id, chain_id, 'V1-T-X' || id, kind, title, summary, description, refs, position,
       created_at, updated_at, version, status FROM tactics;
DROP TABLE tactics;
ALTER TABLE tactics_v2 RENAME TO tactics;
CREATE INDEX tactics_stage ON tactics (stage_id, kind, position, id);
CREATE INDEX tactics_chain ON tactics (chain_id, position, id);
CREATE INDEX tactics_kind ON tactics (kind, id);
CREATE INDEX tactics_position ON tactics (position, id);
CREATE INDEX tactics_title ON tactics (title, id);
CREATE INDEX tactics_created ON tactics (created_at, id);
CREATE INDEX tactics_updated ON tactics (updated_at, id);
CREATE INDEX tactics_status ON tactics (status, id);
CREATE INDEX tactics_stage_status_id ON tactics (stage_id, status, id);
CREATE INDEX tactics_chain_status_id ON tactics (chain_id, status, id);
CREATE INDEX tactics_kind_status_id ON tactics (kind, status, id);
CREATE INDEX tactics_code ON tactics (code);
CREATE INDEX tactics_attribution ON tactics (attribution, status, id);
CREATE INDEX tactics_evidence ON tactics (evidence_rank, status, id);
CREATE INDEX tactics_review_due ON tactics (review_due, id);

CREATE TABLE relations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    from_id    INTEGER NOT NULL REFERENCES tactics (id) ON DELETE RESTRICT,
    to_id      INTEGER NOT NULL REFERENCES tactics (id) ON DELETE RESTRICT,
    type       TEXT    NOT NULL CHECK (type IN ('complements', 'prerequisite-of', 'conflicts-with', 'duplicates', 'supersedes')),
    note       TEXT    NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    CHECK (from_id <> to_id),
    UNIQUE (from_id, to_id, type)
);
CREATE INDEX relations_to ON relations (to_id, id);
CREATE INDEX relations_type ON relations (type, id);
CREATE INDEX relations_created ON relations (created_at, id);
CREATE INDEX relations_updated ON relations (updated_at, id);

-- Revisions of the new kinds of object; cascade_of ties the delete of a relation to the delete
-- of the tactic that took it along, so that restoring the tactic brings it back.
CREATE TABLE revisions_v2 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT     NOT NULL CHECK (entity IN ('chain', 'stage', 'tactic', 'tag', 'source', 'relation', 'parameter')),
    entity_id   INTEGER  NOT NULL,
    slug        TEXT,
    version     INTEGER  NOT NULL,
    action      TEXT     NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
    actor       TEXT     NOT NULL,
    actor_key_id INTEGER,
    request_id  TEXT     NOT NULL DEFAULT '',
    at          DATETIME NOT NULL,
    visible     INTEGER  NOT NULL,
    was_visible INTEGER  NOT NULL,
    data        TEXT     NOT NULL,
    cascade_of  INTEGER
);
INSERT INTO revisions_v2 (id, entity, entity_id, slug, version, action, actor, actor_key_id, request_id, at,
                          visible, was_visible, data)
SELECT id, entity, entity_id, slug, version, action, actor, actor_key_id, request_id, at,
       visible, was_visible, data FROM revisions;
DROP TABLE revisions;
ALTER TABLE revisions_v2 RENAME TO revisions;
CREATE INDEX revisions_entity ON revisions (entity, entity_id, id);
CREATE INDEX revisions_slug ON revisions (entity, slug, id);
CREATE INDEX revisions_visible ON revisions (id) WHERE visible OR was_visible;
CREATE INDEX revisions_cascade ON revisions (cascade_of) WHERE cascade_of IS NOT NULL;
