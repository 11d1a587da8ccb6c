package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"chainkb/models"
)

var tacticList = newListSpec("tactics", "id", map[string]sortField{
	"id":         {"id", intColumn},
	"title":      {"title", textColumn},
	"position":   {"position", intColumn},
	"created_at": {"created_at", timeColumn},
	"updated_at": {"updated_at", timeColumn},
})

// canSeeHidden reports whether the request behind ctx may see draft and archived tactics. Every
// read of tactics asks it, so that hiding is the default for any caller that is not an editor.
func canSeeHidden(ctx context.Context) bool { return models.PrincipalFrom(ctx).CanSeeHidden() }

// Tactic returns the tactic with the given id, with its tags. Below editor, a draft or archived
// tactic does not exist.
func (s *Store) Tactic(ctx context.Context, id int64) (*models.Tactic, error) {
	return s.tacticFast(ctx, id, canSeeHidden(ctx))
}

// Tactics returns one page of tactics, with their tags. It runs two queries (three with a total)
// whatever the page size.
func (s *Store) Tactics(ctx context.Context, f models.TacticFilter) (models.List[models.Tactic], error) {
	db := s.read(ctx)
	hidden := canSeeHidden(ctx)
	filter := func(q *gorm.DB) *gorm.DB {
		if !hidden {
			q = q.Where("tactics.status = ?", models.StatusPublished)
		}
		if f.Status != "" {
			q = q.Where("tactics.status = ?", f.Status)
		}
		if f.Chain != "" {
			q = whereChain(q, "tactics.chain_id", f.Chain)
		}
		if f.StageID != 0 {
			q = q.Where("tactics.stage_id = ?", f.StageID)
		}
		if f.Kind != "" {
			q = q.Where("tactics.kind = ?", f.Kind)
		}
		for _, slug := range f.Tags {
			q = q.Where(`EXISTS (SELECT 1 FROM tactic_tags tt JOIN tags t ON t.id = tt.tag_id
				WHERE tt.tactic_id = tactics.id AND t.slug = ?)`, slug)
		}
		if f.Horizon != "" {
			q = whereHorizon(q, f.Horizon)
		}
		if f.Q != "" {
			p := likePattern(f.Q)
			q = q.Where(`(LOWER(tactics.title) LIKE ? ESCAPE '\' OR LOWER(tactics.summary) LIKE ? ESCAPE '\' OR LOWER(tactics.description) LIKE ? ESCAPE '\')`, p, p, p)
		}
		return q
	}
	tags := slices.Clone(f.Tags)
	slices.Sort(tags)
	// The cursor is tied to what the caller may see, so that an editor's cursor is no use to a reader.
	filters := fmt.Sprintf("chain=%q stage=%d kind=%q tags=%q horizon=%q status=%q q=%q hidden=%t",
		f.Chain, f.StageID, f.Kind, tags, f.Horizon, f.Status, f.Q, hidden)
	page, err := paginate(db, tacticList, f.Page, filters, filter,
		func(t *models.Tactic, field string) (any, int64) {
			switch field {
			case "title":
				return t.Title, t.ID
			case "position":
				return t.Position, t.ID
			case "created_at":
				return t.CreatedAt, t.ID
			case "updated_at":
				return t.UpdatedAt, t.ID
			}
			return t.ID, t.ID
		})
	if err != nil {
		return page, err
	}
	ids := make([]int64, len(page.Items))
	for i, t := range page.Items {
		ids[i] = t.ID
	}
	err = attachTags(db.Where("tt.tactic_id IN ?", ids), page.Items)
	return page, err
}

// CreateTactic validates and stores a new tactic at an existing stage, with existing tags. A
// tactic is a draft unless the input says otherwise.
func (s *Store) CreateTactic(ctx context.Context, in *models.TacticInput) (*models.Tactic, error) {
	var t *models.Tactic
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		t, err = createTactic(tx, in)
		return err
	})
	return t, err
}

// ReplaceTactic replaces the tactic with the given id, its tags included, if pre holds.
func (s *Store) ReplaceTactic(ctx context.Context, id int64, in *models.TacticInput, pre models.Precondition) (*models.Tactic, error) {
	var t *models.Tactic
	err := s.write(ctx, func(tx *gorm.DB) error {
		// The row alone: its tags are about to be replaced, and the writer is the bottleneck.
		cur, err := findTacticRow(tx, id, true)
		if err != nil {
			return err
		}
		if err := checkPrecondition(pre, "tactic", cur.ID, cur.Version); err != nil {
			return err
		}
		t, err = updateTactic(tx, cur, in, models.ActionUpdate)
		return err
	})
	return t, err
}

// DeleteTactic deletes the tactic with the given id, if pre holds. Its tag links go with it.
func (s *Store) DeleteTactic(ctx context.Context, id int64, pre models.Precondition) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		cur, err := findTactic(tx, id, true)
		if err != nil {
			return err
		}
		if err := checkPrecondition(pre, "tactic", cur.ID, cur.Version); err != nil {
			return err
		}
		if err := deleteVersion(tx, "tactics", cur.ID, cur.Version); err != nil {
			return err
		}
		return record(tx, tacticChange(cur, cur, models.ActionDelete))
	})
}

// RestoreTactic brings the tactic with the given id (deleted or not) back to a revision. Its stage
// and tags must exist.
func (s *Store) RestoreTactic(ctx context.Context, id int64, revision int64, pre models.Precondition) (*models.Tactic, error) {
	var t *models.Tactic
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		t, err = restore(tx, tacticRestorer, fmt.Sprint(id), revision, pre)
		return err
	})
	return t, err
}

var tacticRestorer = restorer[models.Tactic]{
	entity: "tactic",
	find: func(tx *gorm.DB, id int64) (*models.Tactic, int64, error) {
		t, err := findTactic(tx, id, true)
		if err != nil {
			return nil, 0, err
		}
		return t, t.Version, nil
	},
	update: func(tx *gorm.DB, cur, data *models.Tactic) (*models.Tactic, error) {
		in, err := tacticInputOf(tx, data)
		if err != nil {
			return nil, err
		}
		return updateTactic(tx, cur, in, models.ActionRestore)
	},
	insert: func(tx *gorm.DB, id, version int64, data *models.Tactic) (*models.Tactic, error) {
		in, err := tacticInputOf(tx, data)
		if err != nil {
			return nil, err
		}
		return insertTactic(tx, id, version, in, models.ActionRestore)
	},
}

// tacticInputOf turns a recorded tactic back into an input. Tags are recorded with their ids,
// which outlive renames; a tag deleted since cannot come back with the tactic.
func tacticInputOf(tx *gorm.DB, t *models.Tactic) (*models.TacticInput, error) {
	ids := make([]int64, len(t.Tags))
	for i, tg := range t.Tags {
		ids[i] = tg.ID
	}
	var live []models.TagSummary
	if len(ids) > 0 {
		if err := tx.Table("tags").Select("id, slug, name, tag_group").Where("id IN ?", ids).Find(&live).Error; err != nil {
			return nil, err
		}
	}
	in := &models.TacticInput{StageID: &t.StageID, Kind: t.Kind, Status: t.Status, Title: t.Title, Summary: t.Summary,
		Description: t.Description, References: t.References, Position: &t.Position}
	var missing []string
	for _, tg := range t.Tags {
		i := slices.IndexFunc(live, func(l models.TagSummary) bool { return l.ID == tg.ID })
		if i < 0 {
			missing = append(missing, tg.Slug)
			continue
		}
		in.Tags = append(in.Tags, models.TagRef(live[i].Slug))
	}
	if len(missing) > 0 {
		return nil, models.Conflictf("not_restorable", "the tactic's tags %s have been deleted since; restore them first", strings.Join(missing, ", "))
	}
	var stages int64
	if err := tx.Table("stages").Where("id = ?", t.StageID).Count(&stages).Error; err != nil {
		return nil, err
	}
	if stages == 0 {
		return nil, models.Conflictf("not_restorable", "the tactic's stage %d has been deleted since; restore it first", t.StageID)
	}
	return in, nil
}

// tacticWrite is a TacticInput checked against the database: its stage and tags exist.
type tacticWrite struct {
	stage    *models.Stage
	tags     []models.TagSummary
	refs     models.References
	position int
}

// prepareTactic checks a tactic input, the rules that need the database included, and reports
// every bad field at once.
func prepareTactic(tx *gorm.DB, in *models.TacticInput) (*tacticWrite, error) {
	var fields []models.FieldError
	if err := in.Validate(); err != nil {
		e, ok := models.AsError(err)
		if !ok {
			return nil, err
		}
		fields = append(fields, e.Fields...)
	}
	w := &tacticWrite{refs: models.References(in.References)}
	if w.refs == nil {
		w.refs = models.References{}
	}
	if in.StageID != nil && *in.StageID > 0 {
		st, err := findStage(tx, *in.StageID)
		switch {
		case models.IsKind(err, models.KindNotFound):
			fields = append(fields, models.FieldError{Field: "stage_id", Message: fmt.Sprintf("stage %d does not exist", *in.StageID)})
		case err != nil:
			return nil, err
		}
		w.stage = st
	}
	tags, bad, err := resolveTags(tx, in.Tags)
	if err != nil {
		return nil, err
	}
	fields = append(fields, bad...)
	w.tags = tags
	if len(fields) > 0 {
		return nil, models.Invalid(fields...)
	}
	if in.Position != nil {
		w.position = *in.Position
	} else {
		// A new tactic without a position goes last among its stage's tactics of its kind.
		var last *int
		err := tx.Table("tactics").Select("MAX(position)").Where("stage_id = ? AND kind = ?", w.stage.ID, in.Kind).Scan(&last).Error
		if err != nil {
			return nil, err
		}
		if last != nil {
			w.position = *last + 1
		} else {
			w.position = 1
		}
	}
	return w, nil
}

// resolveTags looks tag slugs up. Unknown slugs and more than one horizon tag are field errors.
// Slugs that are malformed are left to Validate, which has already reported them.
func resolveTags(tx *gorm.DB, refs []models.TagRef) ([]models.TagSummary, []models.FieldError, error) {
	var slugs []string
	for _, r := range refs {
		s := string(r)
		if models.IsSlug(s) && !slices.Contains(slugs, s) {
			slugs = append(slugs, s)
		}
	}
	tags := []models.TagSummary{}
	if len(slugs) == 0 {
		return tags, nil, nil
	}
	// In the order a tactic shows its tags (attachTags): by group, then slug.
	if err := tx.Table("tags").Select("id, slug, name, tag_group").Where("slug IN ?", slugs).Order("tag_group, slug").Find(&tags).Error; err != nil {
		return nil, nil, err
	}
	var bad []models.FieldError
	var unknown, horizons []string
	for _, s := range slugs {
		i := slices.IndexFunc(tags, func(t models.TagSummary) bool { return t.Slug == s })
		if i < 0 {
			unknown = append(unknown, s)
		} else if tags[i].Group == models.HorizonGroup {
			horizons = append(horizons, s)
		}
	}
	if len(unknown) > 0 {
		bad = append(bad, models.FieldError{Field: "tags", Message: "unknown tag(s): " + strings.Join(unknown, ", ") + "; create them first or use existing tag slugs"})
	}
	if len(horizons) > 1 {
		bad = append(bad, models.FieldError{Field: "tags", Message: "at most one horizon tag is allowed; got " + strings.Join(horizons, ", ")})
	}
	return tags, bad, nil
}

func createTactic(tx *gorm.DB, in *models.TacticInput) (*models.Tactic, error) {
	return insertTactic(tx, 0, 1, in, models.ActionCreate)
}

// insertTactic stores a tactic: a new one (id 0), or a deleted one brought back under its id.
func insertTactic(tx *gorm.DB, id, version int64, in *models.TacticInput, action string) (*models.Tactic, error) {
	w, err := prepareTactic(tx, in)
	if err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = models.StatusDraft
	}
	t := &models.Tactic{ID: id, StageID: w.stage.ID, ChainID: w.stage.ChainID, Kind: in.Kind, Status: status, Title: in.Title,
		Summary: in.Summary, Description: in.Description, References: w.refs, Position: w.position, Version: version}
	if err := tx.Table("tactics").Create(t).Error; err != nil {
		return nil, translate(err, "create tactic")
	}
	if err := insertTacticTags(tx, t.ID, w.tags); err != nil {
		return nil, err
	}
	// The stored tactic is what was just written: no need to read it back.
	t.Tags = w.tags
	return t, record(tx, tacticChange(nil, t, action))
}

// updateTactic replaces cur with in, its tags included, moving it to its next version.
func updateTactic(tx *gorm.DB, cur *models.Tactic, in *models.TacticInput, action string) (*models.Tactic, error) {
	w, err := prepareTactic(tx, in)
	if err != nil {
		return nil, err
	}
	if in.Position == nil {
		// A replacement without a position keeps the tactic where it is.
		w.position = cur.Position
	}
	status := in.Status
	if status == "" {
		// ...and one without a status keeps its status: leaving it out must not unpublish.
		status = cur.Status
	}
	updated, err := bumpVersion(tx, "tactics", cur.ID, cur.Version, map[string]any{
		"stage_id": w.stage.ID, "chain_id": w.stage.ChainID, "kind": in.Kind, "status": status, "title": in.Title,
		"summary": in.Summary, "description": in.Description, "refs": w.refs, "position": w.position,
	})
	if err != nil {
		return nil, translate(err, "replace tactic")
	}
	if err := tx.Exec("DELETE FROM tactic_tags WHERE tactic_id = ?", cur.ID).Error; err != nil {
		return nil, err
	}
	if err := insertTacticTags(tx, cur.ID, w.tags); err != nil {
		return nil, err
	}
	// The stored tactic is what was just written: no need to read it back.
	t := &models.Tactic{ID: cur.ID, StageID: w.stage.ID, ChainID: w.stage.ChainID, Kind: in.Kind, Status: status,
		Title: in.Title, Summary: in.Summary, Description: in.Description, Tags: w.tags, References: w.refs,
		Position: w.position, CreatedAt: cur.CreatedAt, UpdatedAt: updated, Version: cur.Version + 1}
	return t, record(tx, tacticChange(cur, t, action))
}

// tacticChange describes a change from before (nil for a create) to after (before, for a delete).
func tacticChange(before, after *models.Tactic, action string) change {
	return change{entity: "tactic", id: after.ID, version: after.Version, action: action,
		visible:    action != models.ActionDelete && after.Status == models.StatusPublished,
		wasVisible: before != nil && before.Status == models.StatusPublished,
		data:       after}
}

func insertTacticTags(tx *gorm.DB, tacticID int64, tags []models.TagSummary) error {
	if len(tags) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(tags))
	for i, t := range tags {
		rows[i] = map[string]any{"tactic_id": tacticID, "tag_id": t.ID}
	}
	return translate(tx.Table("tactic_tags").Create(rows).Error, "tag tactic")
}

// findTactic finds a tactic with its tags; a hidden (draft or archived) one only if hidden.
func findTactic(db *gorm.DB, id int64, hidden bool) (*models.Tactic, error) {
	t, err := findTacticRow(db, id, hidden)
	if err != nil {
		return nil, err
	}
	one := []models.Tactic{*t}
	if err := attachTags(db.Where("tt.tactic_id = ?", id), one); err != nil {
		return nil, err
	}
	return &one[0], nil
}

// findTacticRow finds a tactic without its tags.
func findTacticRow(db *gorm.DB, id int64, hidden bool) (*models.Tactic, error) {
	var t models.Tactic
	q := db.Table("tactics").Where("id = ?", id)
	if !hidden {
		q = q.Where("status = ?", models.StatusPublished)
	}
	if err := q.Take(&t).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, models.NotFoundf("tactic %d not found", id)
		}
		return nil, fmt.Errorf("store: find tactic: %w", err)
	}
	return &t, nil
}

// tagLink is one tag of one tactic.
type tagLink struct {
	TacticID int64
	models.TagSummary
}

// attachTags loads, in one query, the tags of the tactics that q's WHERE clause selects (by
// tt.tactic_id), and sets them on the matching tactics, ordered by group then slug.
func attachTags(q *gorm.DB, tactics []models.Tactic) error {
	for i := range tactics {
		tactics[i].Tags = []models.TagSummary{}
	}
	if len(tactics) == 0 {
		return nil
	}
	var links []tagLink
	err := q.Table("tactic_tags tt").Joins("JOIN tags t ON t.id = tt.tag_id").
		Select("tt.tactic_id, t.id, t.slug, t.name, t.tag_group").
		Order("tt.tactic_id, t.tag_group, t.slug").Find(&links).Error
	if err != nil {
		return fmt.Errorf("store: load tactic tags: %w", err)
	}
	at := make(map[int64]int, len(tactics))
	for i, t := range tactics {
		at[t.ID] = i
	}
	for _, l := range links {
		if i, ok := at[l.TacticID]; ok {
			tactics[i].Tags = append(tactics[i].Tags, l.TagSummary)
		}
	}
	return nil
}

// whereHorizon keeps tactics that carry the horizon tag with the given slug.
func whereHorizon(q *gorm.DB, slug string) *gorm.DB {
	return q.Where(`EXISTS (SELECT 1 FROM tactic_tags tt JOIN tags t ON t.id = tt.tag_id
		WHERE tt.tactic_id = tactics.id AND t.slug = ? AND t.tag_group = ?)`, slug, models.HorizonGroup)
}
