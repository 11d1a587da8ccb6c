package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"chainkb/models"
)

// chainList is how chains are listed: filtered by text, sorted by slug unless asked otherwise.
var chainList = listSpec[models.Chain, models.ChainFilter]{
	table: "chains",
	where: func(q *gorm.DB, f models.ChainFilter) *gorm.DB {
		return whereText(q, f.Q, "chains.name", "chains.description")
	},
	filterKey:   func(f models.ChainFilter) string { return fmt.Sprintf("q=%q", f.Q) },
	defaultSort: "slug",
	sorts: map[string]sortField[models.Chain]{
		"id":         {"id", intColumn, func(c *models.Chain) any { return c.ID }},
		"slug":       {"slug", textColumn, func(c *models.Chain) any { return c.Slug }},
		"name":       {"name", textColumn, func(c *models.Chain) any { return c.Name }},
		"created_at": {"created_at", timeColumn, func(c *models.Chain) any { return c.CreatedAt }},
		"updated_at": {"updated_at", timeColumn, func(c *models.Chain) any { return c.UpdatedAt }},
	},
	id: func(c *models.Chain) int64 { return c.ID },
}

// chainObject is how chains are written.
var chainObject = &object[models.Chain, models.ChainInput]{
	entity:  models.EntityChain,
	table:   "chains",
	plural:  "chains",
	cites:   &citing{key: "slug", title: "name"},
	get:     func(ctx context.Context, s *Store, key string) (*models.Chain, error) { return s.Chain(ctx, key) },
	find:    findChain,
	ref:     func(c *models.Chain) (int64, int64) { return c.ID, c.Version },
	insert:  insertChain,
	update:  updateChain,
	inputOf: restorableChain,
	asInput: chainInputOf,
	version: func(in *models.ChainInput) **int64 { return &in.Version },
	inUse: func(tx *gorm.DB, cur *models.Chain) error {
		n, err := countIn(tx, "stages", "chain_id", cur.ID)
		if err == nil && n > 0 {
			err = models.Conflictf("in_use", "chain %q still has %d stage(s); delete or move them first", cur.Slug, n)
		}
		if err == nil {
			err = parametersIn(tx, "chain_id", cur.ID, fmt.Sprintf("chain %q", cur.Slug))
		}
		return err
	},
	change: chainChange,
}

func chainChange(_, c *models.Chain, action string) change {
	return plainChange(models.EntityChain, c.ID, c.Slug, c.Version, action, c)
}

// Chain returns the chain with the given id or slug: NotFound if there is none.
func (s *Store) Chain(ctx context.Context, key string) (*models.Chain, error) {
	return findChain(s.read(ctx), key)
}

// Chains returns one page of chains: BadRequest for a bad sort or cursor.
func (s *Store) Chains(ctx context.Context, f models.ChainFilter) (models.List[models.Chain], error) {
	return chainList.page(s.read(ctx), f, f.Page)
}

// CreateChain validates and stores a new chain: Invalid for a bad field, Conflict
// (duplicate_slug) if the slug is taken.
func (s *Store) CreateChain(ctx context.Context, in *models.ChainInput) (*models.Chain, error) {
	return chainObject.createOne(ctx, s, in)
}

// ReplaceChain replaces the chain with the given id or slug, if pre holds: NotFound if there is no
// such chain, PreconditionFailed if pre does not hold or the chain changed meanwhile, Invalid for
// a bad field, Conflict (duplicate_slug) if the new slug is taken.
func (s *Store) ReplaceChain(ctx context.Context, key string, in *models.ChainInput, pre models.Precondition) (*models.Chain, error) {
	return chainObject.replace(ctx, s, key, in, pre)
}

// DeleteChain deletes the chain with the given id or slug, if pre holds and it has no stages:
// NotFound if there is no such chain, PreconditionFailed if pre does not hold, Conflict (in_use)
// if it still has stages.
func (s *Store) DeleteChain(ctx context.Context, key string, pre models.Precondition) error {
	return chainObject.remove(ctx, s, key, pre)
}

// RestoreChain brings the chain named by key (id or slug, deleted or not) back to a revision:
// NotFound if it has no history or no such revision, PreconditionFailed if pre does not hold,
// Conflict if the revision records a delete (not_restorable) or the slug is taken meanwhile
// (duplicate_slug), or the revision cites a source deleted since (not_restorable).
func (s *Store) RestoreChain(ctx context.Context, key string, revision int64, pre models.Precondition) (*models.Chain, error) {
	return chainObject.restoreOne(ctx, s, key, revision, pre)
}

// restorableChain turns a recorded chain back into an input, unless it cites a source deleted since.
func restorableChain(tx *gorm.DB, c *models.Chain) (*models.ChainInput, error) {
	return chainInputOf(c), checkCitedSources(tx, models.EntityChain, c.ID, c.Citations)
}

func chainInputOf(c *models.Chain) *models.ChainInput {
	return &models.ChainInput{Slug: c.Slug, Name: c.Name, Description: c.Description, Citations: c.Citations}
}

// insertChain stores a chain: a new one (id 0), or a deleted one brought back under its id.
func insertChain(tx *gorm.DB, id, version int64, in *models.ChainInput, action string) (*models.Chain, error) {
	sources, err := validateCiting(tx, in.Validate, in.Citations)
	if err != nil {
		return nil, err
	}
	c := &models.Chain{ID: id, Slug: in.Slug, Name: in.Name, Description: in.Description,
		Citations: nonNil(in.Citations), Version: version}
	if err := tx.Table("chains").Create(c).Error; err != nil {
		return nil, slugConflict(err, models.EntityChain, in.Slug, "")
	}
	if err := addCitations(tx, models.EntityChain, c.ID, sources); err != nil {
		return nil, err
	}
	return c, record(tx, chainChange(nil, c, action))
}

// updateChain replaces cur with in, moving it to its next version.
func updateChain(tx *gorm.DB, cur *models.Chain, in *models.ChainInput, action string) (*models.Chain, error) {
	sources, err := validateCiting(tx, in.Validate, in.Citations)
	if err != nil {
		return nil, err
	}
	_, err = bumpVersion(tx, "chains", cur.ID, cur.Version, map[string]any{
		"slug": in.Slug, "name": in.Name, "description": in.Description, "citations": jsonText(in.Citations),
	})
	if err != nil {
		return nil, slugConflict(err, models.EntityChain, in.Slug, "")
	}
	if err := syncCitations(tx, models.EntityChain, cur.ID, sources); err != nil {
		return nil, err
	}
	c, err := findChain(tx, idKey(cur.ID))
	if err != nil {
		return nil, err
	}
	return c, record(tx, chainChange(cur, c, action))
}

func findChain(db *gorm.DB, key string) (*models.Chain, error) {
	return findByKey[models.Chain](db.Table("chains"), "chains", models.EntityChain, key)
}

// chainKind is chains in the registry: a bundle holds their inputs, found by slug.
var chainKind = &kind[models.Chain, models.ChainInput, models.ChainInput]{
	object: chainObject,
	items:  func(b *Bundle) *[]models.ChainInput { return &b.Chains },
	key:    func(in *models.ChainInput) string { return in.Slug }, keyField: "slug",
	batch: func(tx *gorm.DB, after int64, _ bool) ([]models.Chain, error) {
		return findAfter[models.Chain](tx, "chains", after)
	},
	toBundle:   asIs[models.Chain, models.ChainInput],
	fromBundle: bySlug(func(in *models.ChainInput) string { return in.Slug }),
}

// ChainObjects is chains for the API's shared endpoint code: the methods above, by path key.
func (s *Store) ChainObjects() *Resource[models.Chain, models.ChainInput] {
	return sameResource(s, chainObject)
}
