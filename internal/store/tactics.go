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

// Tactic returns the tactic with the given id, with its tags.
func (s *Store) Tactic(ctx context.Context, id int64) (*models.Tactic, error) {
	return findTactic(s.read(ctx), id)
}

// Tactics returns one page of tactics, with their tags. It runs two queries (three with a total)
// whatever the page size.
func (s *Store) Tactics(ctx context.Context, f models.TacticFilter) (models.List[models.Tactic], error) {
	db := s.read(ctx)
	filter := func(q *gorm.DB) *gorm.DB {
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
	filters := fmt.Sprintf("chain=%q stage=%d kind=%q tags=%q horizon=%q q=%q", f.Chain, f.StageID, f.Kind, tags, f.Horizon, f.Q)
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

// CreateTactic validates and stores a new tactic at an existing stage, with existing tags.
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
		cur, err := findTactic(tx, id)
		if err != nil {
			return err
		}
		if err := checkPrecondition(pre, "tactic", cur.ID, cur.Version); err != nil {
			return err
		}
		w, err := prepareTactic(tx, in)
		if err != nil {
			return err
		}
		if in.Position == nil {
			// A replacement without a position keeps the tactic where it is.
			w.position = cur.Position
		}
		err = bumpVersion(tx, "tactics", cur.ID, cur.Version, map[string]any{
			"stage_id": w.stage.ID, "chain_id": w.stage.ChainID, "kind": in.Kind, "title": in.Title,
			"summary": in.Summary, "description": in.Description, "refs": w.refs, "position": w.position,
		})
		if err != nil {
			return translate(err, "replace tactic")
		}
		if err := tx.Exec("DELETE FROM tactic_tags WHERE tactic_id = ?", cur.ID).Error; err != nil {
			return err
		}
		if err := insertTacticTags(tx, cur.ID, w.tags); err != nil {
			return err
		}
		t, err = findTactic(tx, cur.ID)
		return err
	})
	return t, err
}

// DeleteTactic deletes the tactic with the given id, if pre holds. Its tag links go with it.
func (s *Store) DeleteTactic(ctx context.Context, id int64, pre models.Precondition) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		cur, err := findTactic(tx, id)
		if err != nil {
			return err
		}
		if err := checkPrecondition(pre, "tactic", cur.ID, cur.Version); err != nil {
			return err
		}
		return deleteVersion(tx, "tactics", cur.ID, cur.Version)
	})
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
	if len(slugs) == 0 {
		return nil, nil, nil
	}
	var tags []models.TagSummary
	if err := tx.Table("tags").Select("id, slug, name, tag_group").Where("slug IN ?", slugs).Order("slug").Find(&tags).Error; err != nil {
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
	w, err := prepareTactic(tx, in)
	if err != nil {
		return nil, err
	}
	t := &models.Tactic{StageID: w.stage.ID, ChainID: w.stage.ChainID, Kind: in.Kind, Title: in.Title,
		Summary: in.Summary, Description: in.Description, References: w.refs, Position: w.position, Version: 1}
	if err := tx.Table("tactics").Create(t).Error; err != nil {
		return nil, translate(err, "create tactic")
	}
	if err := insertTacticTags(tx, t.ID, w.tags); err != nil {
		return nil, err
	}
	return findTactic(tx, t.ID)
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

func findTactic(db *gorm.DB, id int64) (*models.Tactic, error) {
	var t models.Tactic
	if err := db.Table("tactics").Where("id = ?", id).Take(&t).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, models.NotFoundf("tactic %d not found", id)
		}
		return nil, fmt.Errorf("store: find tactic: %w", err)
	}
	one := []models.Tactic{t}
	if err := attachTags(db.Where("tt.tactic_id = ?", id), one); err != nil {
		return nil, err
	}
	return &one[0], nil
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
