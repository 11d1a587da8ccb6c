package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"chainkb/models"
)

// stageList is how stages are listed: filtered by chain, side and text, in position order unless
// asked otherwise.
var stageList = listSpec[models.Stage, models.StageFilter]{
	table: "stages",
	where: func(q *gorm.DB, f models.StageFilter) *gorm.DB {
		if f.Chain != "" {
			q = whereChain(q, "stages.chain_id", f.Chain)
		}
		if f.Side != "" {
			q = q.Where("stages.side = ?", f.Side)
		}
		return whereText(q, f.Q, "stages.name", "stages.actor", "stages.description")
	},
	filterKey: func(f models.StageFilter) string {
		return fmt.Sprintf("chain=%q side=%q q=%q", f.Chain, f.Side, f.Q)
	},
	defaultSort: "position",
	sorts: map[string]sortField[models.Stage]{
		"id":         {"id", intColumn, func(st *models.Stage) any { return st.ID }},
		"slug":       {"slug", textColumn, func(st *models.Stage) any { return st.Slug }},
		"name":       {"name", textColumn, func(st *models.Stage) any { return st.Name }},
		"position":   {"position", intColumn, func(st *models.Stage) any { return st.Position }},
		"created_at": {"created_at", timeColumn, func(st *models.Stage) any { return st.CreatedAt }},
		"updated_at": {"updated_at", timeColumn, func(st *models.Stage) any { return st.UpdatedAt }},
	},
	id: func(st *models.Stage) int64 { return st.ID },
}

// stageObject is how stages are written.
var stageObject = &object[models.Stage, models.StageInput]{
	entity: models.EntityStage,
	table:  "stages",
	plural: "stages",
	cites:  &citing{key: "slug", title: "name"},
	get: func(ctx context.Context, s *Store, key string) (*models.Stage, error) {
		return s.Stage(ctx, tacticID(key))
	},
	find: func(db *gorm.DB, key string) (*models.Stage, error) {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, models.NotFoundf("stage %q not found", key)
		}
		return findStage(db, id)
	},
	ref:     func(st *models.Stage) (int64, int64) { return st.ID, st.Version },
	insert:  insertStage,
	update:  updateStage,
	inputOf: restorableStage,
	asInput: stageInputOf,
	version: func(in *models.StageInput) **int64 { return &in.Version },
	inUse: func(tx *gorm.DB, cur *models.Stage) error {
		n, err := countIn(tx, "tactics", "stage_id", cur.ID)
		if err == nil && n > 0 {
			err = models.Conflictf("in_use", "stage %d still has %d tactic(s); delete or move them first", cur.ID, n)
		}
		if err == nil {
			err = parametersIn(tx, "stage_id", cur.ID, fmt.Sprintf("stage %d", cur.ID))
		}
		if err == nil {
			// Refused rather than taken out of those tactics: a delete changes nothing else.
			var naming []*models.Tactic
			if naming, err = tacticsNamingStage(tx, cur.ChainID, cur.Slug); err == nil && len(naming) > 0 {
				err = models.Conflictf("in_use", "stage %d (%s) is named in also_applies_to or acts_on links of %d tactic(s), such as %s; take it out of them first",
					cur.ID, cur.Slug, len(naming), naming[0].Code)
			}
		}
		return err
	},
	change: stageChange,
}

func stageChange(_, st *models.Stage, action string) change {
	return plainChange(models.EntityStage, st.ID, "", st.Version, action, st)
}

// Stage returns the stage with the given id: NotFound if there is none.
func (s *Store) Stage(ctx context.Context, id int64) (*models.Stage, error) {
	return findStage(s.read(ctx), id)
}

// Stages returns one page of stages: BadRequest for a bad sort or cursor.
func (s *Store) Stages(ctx context.Context, f models.StageFilter) (models.List[models.Stage], error) {
	return stageList.page(s.read(ctx), f, f.Page)
}

// CreateStage validates and stores a new stage in an existing chain: Invalid for a bad field or a
// chain that does not exist, Conflict (duplicate_slug) if the slug is taken in the chain.
func (s *Store) CreateStage(ctx context.Context, in *models.StageInput) (*models.Stage, error) {
	return stageObject.createOne(ctx, s, in)
}

// ReplaceStage replaces the stage with the given id, if pre holds. A stage cannot move to
// another chain: its tactics' chain is derived from it. NotFound if there is no such stage,
// PreconditionFailed if pre does not hold or the stage changed meanwhile, Invalid for a bad field
// or another chain, Conflict (duplicate_slug) if the new slug is taken in the chain.
func (s *Store) ReplaceStage(ctx context.Context, id int64, in *models.StageInput, pre models.Precondition) (*models.Stage, error) {
	return stageObject.replace(ctx, s, idKey(id), in, pre)
}

// DeleteStage deletes the stage with the given id, if pre holds and it has no tactics: NotFound if
// there is no such stage, PreconditionFailed if pre does not hold, Conflict (in_use) if it still
// has tactics.
func (s *Store) DeleteStage(ctx context.Context, id int64, pre models.Precondition) error {
	return stageObject.remove(ctx, s, idKey(id), pre)
}

// RestoreStage brings the stage with the given id (deleted or not) back to a revision. Its chain
// must exist. NotFound if it has no history or no such revision, PreconditionFailed if pre does
// not hold, Conflict if the revision records a delete, the chain has gone or a cited source has
// been deleted since (not_restorable), or the slug is taken meanwhile (duplicate_slug).
func (s *Store) RestoreStage(ctx context.Context, id int64, revision int64, pre models.Precondition) (*models.Stage, error) {
	return stageObject.restoreOne(ctx, s, idKey(id), revision, pre)
}

// restorableStage turns a recorded stage back into an input, unless it cites a source deleted since.
func restorableStage(tx *gorm.DB, st *models.Stage) (*models.StageInput, error) {
	return stageInputOf(st), checkCitedSources(tx, models.EntityStage, st.ID, st.Citations)
}

func stageInputOf(st *models.Stage) *models.StageInput {
	return &models.StageInput{ChainID: &st.ChainID, Slug: st.Slug, Name: st.Name, Actor: st.Actor, Side: st.Side,
		Position: &st.Position, Role: st.Role, Description: st.Description, Citations: st.Citations}
}

// insertStage stores a stage: a new one (id 0), or a deleted one brought back under its id.
func insertStage(tx *gorm.DB, id, version int64, in *models.StageInput, action string) (*models.Stage, error) {
	sources, err := validateCiting(tx, in.Validate, in.Citations)
	if err != nil {
		return nil, err
	}
	chains, err := countIn(tx, "chains", "id", *in.ChainID)
	if err != nil {
		return nil, err
	}
	if chains == 0 {
		return nil, models.Invalid(models.FieldError{Field: "chain_id", Message: fmt.Sprintf("chain %d does not exist", *in.ChainID)})
	}
	st := &models.Stage{ID: id, ChainID: *in.ChainID, Slug: in.Slug, Name: in.Name, Actor: in.Actor, Side: in.Side,
		Position: *in.Position, Role: in.Role, Description: in.Description, Citations: nonNil(in.Citations), Version: version}
	if err := tx.Table("stages").Create(st).Error; err != nil {
		return nil, slugConflict(err, models.EntityStage, in.Slug, " in this chain")
	}
	if err := addCitations(tx, models.EntityStage, st.ID, sources); err != nil {
		return nil, err
	}
	return st, record(tx, stageChange(nil, st, action))
}

// updateStage replaces cur with in, moving it to its next version.
func updateStage(tx *gorm.DB, cur *models.Stage, in *models.StageInput, action string) (*models.Stage, error) {
	sources, err := validateCiting(tx, in.Validate, in.Citations)
	if err != nil {
		return nil, err
	}
	if *in.ChainID != cur.ChainID {
		return nil, models.Invalid(models.FieldError{Field: "chain_id",
			Message: fmt.Sprintf("cannot change (the stage belongs to chain %d); create a stage in the other chain instead", cur.ChainID)})
	}
	_, err = bumpVersion(tx, "stages", cur.ID, cur.Version, map[string]any{
		"slug": in.Slug, "name": in.Name, "actor": in.Actor, "side": in.Side,
		"position": *in.Position, "role": in.Role, "description": in.Description, "citations": jsonText(in.Citations),
	})
	if err != nil {
		return nil, slugConflict(err, models.EntityStage, in.Slug, " in this chain")
	}
	if err := syncCitations(tx, models.EntityStage, cur.ID, sources); err != nil {
		return nil, err
	}
	if in.Slug != cur.Slug {
		if err := renameInOtherTactics(tx, cur.ChainID, cur.Slug, in.Slug); err != nil {
			return nil, err
		}
	}
	st, err := findStage(tx, cur.ID)
	if err != nil {
		return nil, err
	}
	return st, record(tx, stageChange(cur, st, action))
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

// BundleStage is a stage whose chain is named by slug.
//
//	@Description	A stage, its chain named by slug (no chain_id).
type BundleStage struct {
	// Slug of the stage's chain.
	Chain string `json:"chain" validate:"required,slug" example:"sex-trafficking"`
	models.StageInput
	// A bundle names no database ids: this shadows the input's chain_id, so that one sent is
	// refused rather than read.
	ChainID *int64 `json:"chain_id,omitempty" swaggerignore:"true"`
}

// stageKind is stages in the registry: a bundle names a stage's chain by slug, and finds the stage
// by its chain and its slug.
var stageKind = &kind[models.Stage, models.StageInput, BundleStage]{
	object: stageObject,
	items:  func(b *Bundle) *[]BundleStage { return &b.Stages },
	key: func(bs *BundleStage) string {
		if bs.Slug == "" {
			return ""
		}
		return bs.Chain + "/" + bs.Slug
	},
	keyField: "slug",
	batch: func(tx *gorm.DB, after int64, _ bool) ([]models.Stage, error) {
		return findAfter[models.Stage](tx, "stages", after)
	},
	toBundle: func(e *exporter, st *models.Stage, in *models.StageInput) (BundleStage, error) {
		chain, err := e.chainSlug(st.ChainID)
		in.ChainID = nil
		return BundleStage{Chain: chain, StageInput: *in}, err
	},
	fromBundle: func(im *importer, at string, bs *BundleStage) (*models.StageInput, string, bool, error) {
		if bs.ChainID != nil {
			im.fault(at+"/chain_id", "a bundle names no database ids: name the stage's chain by its slug, in chain")
			return nil, "", false, nil
		}
		id, ok, err := im.chainID(bs.Chain)
		if err != nil || !ok {
			im.policy.unresolved(im, at+"/chain", fmt.Sprintf("chain %q is neither in the bundle nor in the database", bs.Chain),
				fmt.Sprintf("stage %s/%s: its chain is not there", bs.Chain, bs.Slug))
			return nil, "", false, err
		}
		in := bs.StageInput
		in.ChainID = &id
		sid, err := stageIDIn(im.tx, id, bs.Slug)
		return &in, idKey(sid), true, err
	},
}

// stageIDIn finds the stage of a chain by slug: its id, or 0 if there is none.
func stageIDIn(tx *gorm.DB, chainID int64, slug string) (int64, error) {
	var ids []int64
	if err := tx.Table("stages").Where("chain_id = ? AND slug = ?", chainID, slug).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("store: find stage %s: %w", slug, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

// tacticsNamingStage loads the tactics of a chain that name the stage with slug in also_applies_to
// or in the links of an acts_on effect.
func tacticsNamingStage(tx *gorm.DB, chainID int64, slug string) ([]*models.Tactic, error) {
	// The detail is JSON text: a match of the quoted slug is only a candidate, checked below.
	ids, err := linkedIDs(tx, "SELECT id FROM tactics WHERE chain_id = ? AND detail LIKE ? ESCAPE '\\' ORDER BY id",
		chainID, "%"+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strconv.Quote(slug))+"%")
	if err != nil {
		return nil, fmt.Errorf("store: tactics naming stage %s: %w", slug, err)
	}
	var out []*models.Tactic
	for _, id := range ids {
		t, err := findTactic(tx, id, true)
		if err != nil {
			return nil, err
		}
		if namesStage(t, slug) {
			out = append(out, t)
		}
	}
	return out, nil
}

func namesStage(t *models.Tactic, slug string) bool {
	if slices.Contains(t.AlsoAppliesTo, slug) {
		return true
	}
	for _, e := range t.ActsOn {
		if slices.Contains(e.Links, slug) {
			return true
		}
	}
	return false
}

// renamed returns slugs with from replaced by to, each slug once, in their order.
func renamed(slugs []string, from, to string) []string {
	out := make([]string, 0, len(slugs))
	for _, sl := range slugs {
		if sl == from {
			sl = to
		}
		if !slices.Contains(out, sl) {
			out = append(out, sl)
		}
	}
	return out
}

// renameInOtherTactics follows a stage's new slug in the also_applies_to and acts_on links of the
// tactics of its chain that name it: each is updated as an editor's write would be (its next version, a
// revision with the same actor and request, its document), so that mirrors and the history see
// the change, and no later write of the tactic fails on a slug that names nothing.
func renameInOtherTactics(tx *gorm.DB, chainID int64, from, to string) error {
	naming, err := tacticsNamingStage(tx, chainID, from)
	if err != nil {
		return err
	}
	for _, t := range naming {
		in := tacticInput(t)
		in.AlsoAppliesTo = renamed(in.AlsoAppliesTo, from, to)
		in.ActsOn = slices.Clone(in.ActsOn)
		for i := range in.ActsOn {
			in.ActsOn[i].Links = renamed(in.ActsOn[i].Links, from, to)
		}
		if _, err := tacticObject.update(tx, t, in, models.ActionUpdate); err != nil {
			return fmt.Errorf("store: rename stage %s in tactic %s: %w", from, t.Code, err)
		}
	}
	return nil
}

// StageObjects is stages for the API's shared endpoint code: the methods above, by path key.
func (s *Store) StageObjects() *Resource[models.Stage, models.StageInput] {
	return sameResource(s, stageObject)
}
