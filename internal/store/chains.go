package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

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
		c, err = updateChain(tx, cur, in, models.ActionUpdate)
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
		if err := deleteVersion(tx, "chains", cur.ID, cur.Version); err != nil {
			return err
		}
		return record(tx, chainChange(cur, models.ActionDelete))
	})
}

// RestoreChain brings the chain named by key (id or slug, deleted or not) back to a revision.
func (s *Store) RestoreChain(ctx context.Context, key string, revision int64, pre models.Precondition) (*models.Chain, error) {
	var c *models.Chain
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		c, err = restore(tx, chainRestorer, key, revision, pre)
		return err
	})
	return c, err
}

var chainRestorer = restorer[models.Chain]{
	entity: "chain",
	find: func(tx *gorm.DB, id int64) (*models.Chain, int64, error) {
		c, err := findChain(tx, strconv.FormatInt(id, 10))
		if err != nil {
			return nil, 0, err
		}
		return c, c.Version, nil
	},
	update: func(tx *gorm.DB, cur, data *models.Chain) (*models.Chain, error) {
		return updateChain(tx, cur, chainInputOf(data), models.ActionRestore)
	},
	insert: func(tx *gorm.DB, id, version int64, data *models.Chain) (*models.Chain, error) {
		return insertChain(tx, id, version, chainInputOf(data), models.ActionRestore)
	},
}

func chainInputOf(c *models.Chain) *models.ChainInput {
	return &models.ChainInput{Slug: c.Slug, Name: c.Name, Description: c.Description}
}

func createChain(tx *gorm.DB, in *models.ChainInput) (*models.Chain, error) {
	return insertChain(tx, 0, 1, in, models.ActionCreate)
}

// insertChain stores a chain: a new one (id 0), or a deleted one brought back under its id.
func insertChain(tx *gorm.DB, id, version int64, in *models.ChainInput, action string) (*models.Chain, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	c := &models.Chain{ID: id, Slug: in.Slug, Name: in.Name, Description: in.Description, Version: version}
	if err := tx.Table("chains").Create(c).Error; err != nil {
		return nil, chainConflict(err, in.Slug)
	}
	return c, record(tx, chainChange(c, action))
}

// updateChain replaces cur with in, moving it to its next version.
func updateChain(tx *gorm.DB, cur *models.Chain, in *models.ChainInput, action string) (*models.Chain, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	_, err := bumpVersion(tx, "chains", cur.ID, cur.Version, map[string]any{
		"slug": in.Slug, "name": in.Name, "description": in.Description,
	})
	if err != nil {
		return nil, chainConflict(err, in.Slug)
	}
	c, err := findChain(tx, strconv.FormatInt(cur.ID, 10))
	if err != nil {
		return nil, err
	}
	return c, record(tx, chainChange(c, action))
}

func chainChange(c *models.Chain, action string) change {
	return change{entity: "chain", id: c.ID, slug: c.Slug, version: c.Version, action: action,
		visible: action != models.ActionDelete, wasVisible: action != models.ActionCreate, data: c}
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
