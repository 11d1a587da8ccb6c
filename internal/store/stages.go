package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"chainkb/models"
)

var stageList = newListSpec("stages", "position", map[string]sortField{
	"id":         {"id", intColumn},
	"slug":       {"slug", textColumn},
	"name":       {"name", textColumn},
	"position":   {"position", intColumn},
	"created_at": {"created_at", timeColumn},
	"updated_at": {"updated_at", timeColumn},
})

// Stage returns the stage with the given id.
func (s *Store) Stage(ctx context.Context, id int64) (*models.Stage, error) {
	return findStage(s.read(ctx), id)
}

// Stages returns one page of stages.
func (s *Store) Stages(ctx context.Context, f models.StageFilter) (models.List[models.Stage], error) {
	filter := func(q *gorm.DB) *gorm.DB {
		if f.Chain != "" {
			q = whereChain(q, "stages.chain_id", f.Chain)
		}
		if f.Side != "" {
			q = q.Where("stages.side = ?", f.Side)
		}
		if f.Q != "" {
			p := likePattern(f.Q)
			q = q.Where(`(LOWER(stages.name) LIKE ? ESCAPE '\' OR LOWER(stages.actor) LIKE ? ESCAPE '\' OR LOWER(stages.description) LIKE ? ESCAPE '\')`, p, p, p)
		}
		return q
	}
	return paginate(s.read(ctx), stageList, f.Page, fmt.Sprintf("chain=%q side=%q q=%q", f.Chain, f.Side, f.Q), filter,
		func(st *models.Stage, field string) (any, int64) {
			switch field {
			case "slug":
				return st.Slug, st.ID
			case "name":
				return st.Name, st.ID
			case "position":
				return st.Position, st.ID
			case "created_at":
				return st.CreatedAt, st.ID
			case "updated_at":
				return st.UpdatedAt, st.ID
			}
			return st.ID, st.ID
		})
}

// CreateStage validates and stores a new stage in an existing chain.
func (s *Store) CreateStage(ctx context.Context, in *models.StageInput) (*models.Stage, error) {
	var st *models.Stage
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		st, err = createStage(tx, in)
		return err
	})
	return st, err
}

// ReplaceStage replaces the stage with the given id, if pre holds. A stage cannot move to
// another chain: its tactics' chain is derived from it.
func (s *Store) ReplaceStage(ctx context.Context, id int64, in *models.StageInput, pre models.Precondition) (*models.Stage, error) {
	var st *models.Stage
	err := s.write(ctx, func(tx *gorm.DB) error {
		cur, err := findStage(tx, id)
		if err != nil {
			return err
		}
		if err := checkPrecondition(pre, "stage", cur.ID, cur.Version); err != nil {
			return err
		}
		st, err = updateStage(tx, cur, in, models.ActionUpdate)
		return err
	})
	return st, err
}

// DeleteStage deletes the stage with the given id, if pre holds and it has no tactics.
func (s *Store) DeleteStage(ctx context.Context, id int64, pre models.Precondition) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		cur, err := findStage(tx, id)
		if err != nil {
			return err
		}
		if err := checkPrecondition(pre, "stage", cur.ID, cur.Version); err != nil {
			return err
		}
		var tactics int64
		if err := tx.Table("tactics").Where("stage_id = ?", cur.ID).Count(&tactics).Error; err != nil {
			return err
		}
		if tactics > 0 {
			return models.Conflictf("in_use", "stage %d still has %d tactic(s); delete or move them first", cur.ID, tactics)
		}
		if err := deleteVersion(tx, "stages", cur.ID, cur.Version); err != nil {
			return err
		}
		return record(tx, stageChange(cur, models.ActionDelete))
	})
}

// RestoreStage brings the stage with the given id (deleted or not) back to a revision. Its chain
// must exist.
func (s *Store) RestoreStage(ctx context.Context, id int64, revision int64, pre models.Precondition) (*models.Stage, error) {
	var st *models.Stage
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		st, err = restore(tx, stageRestorer, fmt.Sprint(id), revision, pre)
		return err
	})
	return st, err
}

var stageRestorer = restorer[models.Stage]{
	entity: "stage",
	find: func(tx *gorm.DB, id int64) (*models.Stage, int64, error) {
		st, err := findStage(tx, id)
		if err != nil {
			return nil, 0, err
		}
		return st, st.Version, nil
	},
	update: func(tx *gorm.DB, cur, data *models.Stage) (*models.Stage, error) {
		return updateStage(tx, cur, stageInputOf(data), models.ActionRestore)
	},
	insert: func(tx *gorm.DB, id, version int64, data *models.Stage) (*models.Stage, error) {
		st, err := insertStage(tx, id, version, stageInputOf(data), models.ActionRestore)
		if models.IsKind(err, models.KindInvalid) {
			return nil, models.Conflictf("not_restorable", "stage %d cannot come back: %v; restore what it needs first", id, err)
		}
		return st, err
	},
}

func stageInputOf(st *models.Stage) *models.StageInput {
	return &models.StageInput{ChainID: &st.ChainID, Slug: st.Slug, Name: st.Name, Actor: st.Actor, Side: st.Side,
		Position: &st.Position, Description: st.Description}
}

func createStage(tx *gorm.DB, in *models.StageInput) (*models.Stage, error) {
	return insertStage(tx, 0, 1, in, models.ActionCreate)
}

// insertStage stores a stage: a new one (id 0), or a deleted one brought back under its id.
func insertStage(tx *gorm.DB, id, version int64, in *models.StageInput, action string) (*models.Stage, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var chains int64
	if err := tx.Table("chains").Where("id = ?", *in.ChainID).Count(&chains).Error; err != nil {
		return nil, err
	}
	if chains == 0 {
		return nil, models.Invalid(models.FieldError{Field: "chain_id", Message: fmt.Sprintf("chain %d does not exist", *in.ChainID)})
	}
	st := &models.Stage{ID: id, ChainID: *in.ChainID, Slug: in.Slug, Name: in.Name, Actor: in.Actor, Side: in.Side,
		Position: *in.Position, Description: in.Description, Version: version}
	if err := tx.Table("stages").Create(st).Error; err != nil {
		return nil, stageConflict(err, in.Slug)
	}
	return st, record(tx, stageChange(st, action))
}

// updateStage replaces cur with in, moving it to its next version.
func updateStage(tx *gorm.DB, cur *models.Stage, in *models.StageInput, action string) (*models.Stage, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if *in.ChainID != cur.ChainID {
		return nil, models.Invalid(models.FieldError{Field: "chain_id",
			Message: fmt.Sprintf("cannot change (the stage belongs to chain %d); create a stage in the other chain instead", cur.ChainID)})
	}
	_, err := bumpVersion(tx, "stages", cur.ID, cur.Version, map[string]any{
		"slug": in.Slug, "name": in.Name, "actor": in.Actor, "side": in.Side,
		"position": *in.Position, "description": in.Description,
	})
	if err != nil {
		return nil, stageConflict(err, in.Slug)
	}
	st, err := findStage(tx, cur.ID)
	if err != nil {
		return nil, err
	}
	return st, record(tx, stageChange(st, action))
}

func stageChange(st *models.Stage, action string) change {
	return change{entity: "stage", id: st.ID, version: st.Version, action: action,
		visible: action != models.ActionDelete, wasVisible: action != models.ActionCreate, data: st}
}

func findStage(db *gorm.DB, id int64) (*models.Stage, error) {
	var st models.Stage
	if err := db.Table("stages").Where("id = ?", id).Take(&st).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, models.NotFoundf("stage %d not found", id)
		}
		return nil, fmt.Errorf("store: find stage: %w", err)
	}
	return &st, nil
}

// whereChain filters on a chain given by id or slug. A slug that names no chain matches nothing,
// which lists report as an empty page.
func whereChain(q *gorm.DB, column, key string) *gorm.DB {
	id, slug := idOrSlug(key)
	if slug != "" {
		return q.Where(column+" IN (SELECT id FROM chains WHERE slug = ?)", slug)
	}
	return q.Where(column+" = ?", id)
}

func stageConflict(err error, slug string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return models.Conflictf("duplicate_slug", "a stage with slug %q already exists in this chain", slug)
	}
	return translate(err, "write stage")
}
