package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"chainkb/models"
)

var chainList = newListSpec("chains", "slug", map[string]sortField{
	"id":         {"id", intColumn},
	"slug":       {"slug", textColumn},
	"name":       {"name", textColumn},
	"created_at": {"created_at", timeColumn},
	"updated_at": {"updated_at", timeColumn},
})

// Chain returns the chain with the given id or slug.
func (s *Store) Chain(ctx context.Context, key string) (*models.Chain, error) {
	return findChain(s.read(ctx), key)
}

// Chains returns one page of chains.
func (s *Store) Chains(ctx context.Context, f models.ChainFilter) (models.List[models.Chain], error) {
	filter := func(q *gorm.DB) *gorm.DB {
		if f.Q != "" {
			p := likePattern(f.Q)
			q = q.Where(`(LOWER(chains.name) LIKE ? ESCAPE '\' OR LOWER(chains.description) LIKE ? ESCAPE '\')`, p, p)
		}
		return q
	}
	return paginate(s.read(ctx), chainList, f.Page, fmt.Sprintf("q=%q", f.Q), filter,
		func(c *models.Chain, field string) (any, int64) {
			switch field {
			case "slug":
				return c.Slug, c.ID
			case "name":
				return c.Name, c.ID
			case "created_at":
				return c.CreatedAt, c.ID
			case "updated_at":
				return c.UpdatedAt, c.ID
			}
			return c.ID, c.ID
		})
}

// CreateChain validates and stores a new chain.
func (s *Store) CreateChain(ctx context.Context, in *models.ChainInput) (*models.Chain, error) {
	var c *models.Chain
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		c, err = createChain(tx, in)
		return err
	})
	return c, err
}

// ReplaceChain replaces the chain with the given id or slug, if pre holds.
func (s *Store) ReplaceChain(ctx context.Context, key string, in *models.ChainInput, pre models.Precondition) (*models.Chain, error) {
	var c *models.Chain
	err := s.write(ctx, func(tx *gorm.DB) error {
		cur, err := findChain(tx, key)
		if err != nil {
			return err
		}
		if err := checkPrecondition(pre, "chain", cur.ID, cur.Version); err != nil {
			return err
		}
		// Preconditions first, as RFC 9110 orders them: a stale editor hears 412 before anything else.
		if err := in.Validate(); err != nil {
			return err
		}
		err = bumpVersion(tx, "chains", cur.ID, cur.Version, map[string]any{
			"slug": in.Slug, "name": in.Name, "description": in.Description,
		})
		if err != nil {
			return chainConflict(err, in.Slug)
		}
		c, err = findChain(tx, fmt.Sprint(cur.ID))
		return err
	})
	return c, err
}

// DeleteChain deletes the chain with the given id or slug, if pre holds and it has no stages.
func (s *Store) DeleteChain(ctx context.Context, key string, pre models.Precondition) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		cur, err := findChain(tx, key)
		if err != nil {
			return err
		}
		if err := checkPrecondition(pre, "chain", cur.ID, cur.Version); err != nil {
			return err
		}
		var stages int64
		if err := tx.Table("stages").Where("chain_id = ?", cur.ID).Count(&stages).Error; err != nil {
			return err
		}
		if stages > 0 {
			return models.Conflictf("in_use", "chain %q still has %d stage(s); delete or move them first", cur.Slug, stages)
		}
		return deleteVersion(tx, "chains", cur.ID, cur.Version)
	})
}

func createChain(tx *gorm.DB, in *models.ChainInput) (*models.Chain, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	c := &models.Chain{Slug: in.Slug, Name: in.Name, Description: in.Description, Version: 1}
	if err := tx.Table("chains").Create(c).Error; err != nil {
		return nil, chainConflict(err, in.Slug)
	}
	return c, nil
}

func findChain(db *gorm.DB, key string) (*models.Chain, error) {
	id, slug := idOrSlug(key)
	q := db.Table("chains")
	if slug != "" {
		q = q.Where("slug = ?", slug)
	} else {
		q = q.Where("id = ?", id)
	}
	var c models.Chain
	if err := q.Take(&c).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, models.NotFoundf("chain %q not found", key)
		}
		return nil, fmt.Errorf("store: find chain: %w", err)
	}
	return &c, nil
}

func chainConflict(err error, slug string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return models.Conflictf("duplicate_slug", "a chain with slug %q already exists", slug)
	}
	return translate(err, "write chain")
}
