package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"chainkb/models"
)

// tagColumns selects a tag with its derived tactic_count. Below editor, only published tactics
// count: a count must not reveal that drafts exist.
func tagColumns(hidden bool) string {
	if hidden {
		return "tags.*, (SELECT COUNT(*) FROM tactic_tags tt WHERE tt.tag_id = tags.id) AS tactic_count"
	}
	return "tags.*, (SELECT COUNT(*) FROM tactic_tags tt JOIN tactics tc ON tc.id = tt.tactic_id " +
		"WHERE tt.tag_id = tags.id AND tc.status = 'published') AS tactic_count"
}

// tagQuery is a tag filter and whether the caller may see hidden tactics, which tactic_count counts.
type tagQuery struct {
	models.TagFilter
	hidden bool
}

// tagList is how tags are listed: filtered by group and text, sorted by slug unless asked
// otherwise.
var tagList = listSpec[models.Tag, tagQuery]{
	table:   "tags",
	columns: func(f tagQuery, _ string) string { return tagColumns(f.hidden) },
	where: func(q *gorm.DB, f tagQuery) *gorm.DB {
		if f.Group != "" {
			q = q.Where("tags.tag_group = ?", f.Group)
		}
		return whereText(q, f.Q, "tags.name", "tags.description")
	},
	// Not hidden: the sort fields and the filters do not depend on it.
	filterKey:   func(f tagQuery) string { return fmt.Sprintf("group=%q q=%q", f.Group, f.Q) },
	defaultSort: "slug",
	sorts: map[string]sortField[models.Tag]{
		"id":         {"id", intColumn, func(t *models.Tag) any { return t.ID }},
		"slug":       {"slug", textColumn, func(t *models.Tag) any { return t.Slug }},
		"name":       {"name", textColumn, func(t *models.Tag) any { return t.Name }},
		"group":      {"tag_group", textColumn, func(t *models.Tag) any { return t.Group }},
		"created_at": {"created_at", timeColumn, func(t *models.Tag) any { return t.CreatedAt }},
		"updated_at": {"updated_at", timeColumn, func(t *models.Tag) any { return t.UpdatedAt }},
	},
	id: func(t *models.Tag) int64 { return t.ID },
}

// tagObject is how tags are written.
var tagObject = &object[models.Tag, models.TagInput]{
	entity:  models.EntityTag,
	table:   "tags",
	plural:  "tags",
	cites:   &citing{key: "slug", title: "name"},
	get:     func(ctx context.Context, s *Store, key string) (*models.Tag, error) { return s.Tag(ctx, key) },
	find:    findTag,
	ref:     func(t *models.Tag) (int64, int64) { return t.ID, t.Version },
	insert:  insertTag,
	update:  updateTag,
	inputOf: restorableTag,
	asInput: tagInputOf,
	version: func(in *models.TagInput) **int64 { return &in.Version },
	inUse: func(tx *gorm.DB, cur *models.Tag) error {
		// Counted here, whatever the caller may see: drafts hold tags too.
		n, err := countIn(tx, "tactic_tags", "tag_id", cur.ID)
		if err == nil && n > 0 {
			err = models.Conflictf("in_use", "tag %q is on %d tactic(s); take it off them first", cur.Slug, n)
		}
		return err
	},
	change: tagChange,
}

func tagChange(_, t *models.Tag, action string) change {
	return plainChange(models.EntityTag, t.ID, t.Slug, t.Version, action, t)
}

// Tag returns the tag with the given id or slug: NotFound if there is none. Its tactic_count
// counts what the context's principal may see.
func (s *Store) Tag(ctx context.Context, key string) (*models.Tag, error) {
	return findTag(s.read(ctx), key)
}

// Tags returns one page of tags: BadRequest for a bad sort or cursor.
func (s *Store) Tags(ctx context.Context, f models.TagFilter) (models.List[models.Tag], error) {
	return tagList.page(s.read(ctx), tagQuery{TagFilter: f, hidden: canSeeHidden(ctx)}, f.Page)
}

// CreateTag validates and stores a new tag: Invalid for a bad field, Conflict (duplicate_slug)
// if the slug is taken.
func (s *Store) CreateTag(ctx context.Context, in *models.TagInput) (*models.Tag, error) {
	return tagObject.createOne(ctx, s, in)
}

// ReplaceTag replaces the tag with the given id or slug, if pre holds: NotFound if there is no such
// tag, PreconditionFailed if pre does not hold or the tag changed meanwhile, Invalid for a bad
// field, Conflict if the new slug is taken (duplicate_slug) or the tag would join the horizon group
// on a tactic that has a horizon tag already (horizon_clash).
func (s *Store) ReplaceTag(ctx context.Context, key string, in *models.TagInput, pre models.Precondition) (*models.Tag, error) {
	return tagObject.replace(ctx, s, key, in, pre)
}

// DeleteTag deletes the tag with the given id or slug, if pre holds and no tactic carries it:
// NotFound if there is no such tag, PreconditionFailed if pre does not hold, Conflict (in_use) if
// a tactic, draft or not, still carries it.
func (s *Store) DeleteTag(ctx context.Context, key string, pre models.Precondition) error {
	return tagObject.remove(ctx, s, key, pre)
}

// RestoreTag brings the tag named by key (id or slug, deleted or not) back to a revision: NotFound
// if it has no history or no such revision, PreconditionFailed if pre does not hold, Conflict if
// the revision records a delete (not_restorable), the slug is taken meanwhile (duplicate_slug) or
// the restore would give a tactic two horizon tags (horizon_clash); not_restorable too if the
// revision cites a source deleted since.
func (s *Store) RestoreTag(ctx context.Context, key string, revision int64, pre models.Precondition) (*models.Tag, error) {
	return tagObject.restoreOne(ctx, s, key, revision, pre)
}

// restorableTag turns a recorded tag back into an input, unless it cites a source deleted since.
func restorableTag(tx *gorm.DB, t *models.Tag) (*models.TagInput, error) {
	return tagInputOf(t), checkCitedSources(tx, models.EntityTag, t.ID, t.Citations)
}

func tagInputOf(t *models.Tag) *models.TagInput {
	return &models.TagInput{Slug: t.Slug, Name: t.Name, Group: t.Group, Description: t.Description, Citations: t.Citations}
}

// insertTag stores a tag: a new one (id 0), or a deleted one brought back under its id.
func insertTag(tx *gorm.DB, id, version int64, in *models.TagInput, action string) (*models.Tag, error) {
	sources, err := validateCiting(tx, in.Validate, in.Citations)
	if err != nil {
		return nil, err
	}
	t := &models.Tag{ID: id, Slug: in.Slug, Name: in.Name, Group: in.Group, Description: in.Description,
		Citations: nonNil(in.Citations), Version: version}
	if err := tx.Table("tags").Create(t).Error; err != nil {
		return nil, slugConflict(err, models.EntityTag, in.Slug, "")
	}
	if err := addCitations(tx, models.EntityTag, t.ID, sources); err != nil {
		return nil, err
	}
	return t, record(tx, tagChange(nil, t, action))
}

// updateTag replaces cur with in, moving it to its next version.
func updateTag(tx *gorm.DB, cur *models.Tag, in *models.TagInput, action string) (*models.Tag, error) {
	sources, err := validateCiting(tx, in.Validate, in.Citations)
	if err != nil {
		return nil, err
	}
	if in.Group == models.HorizonGroup && cur.Group != models.HorizonGroup {
		if err := checkJoinsHorizon(tx, cur.ID); err != nil {
			return nil, err
		}
	}
	_, err = bumpVersion(tx, "tags", cur.ID, cur.Version, map[string]any{
		"slug": in.Slug, "name": in.Name, "tag_group": in.Group, "description": in.Description,
		"citations": jsonText(in.Citations),
	})
	if err != nil {
		return nil, slugConflict(err, models.EntityTag, in.Slug, "")
	}
	if err := syncCitations(tx, models.EntityTag, cur.ID, sources); err != nil {
		return nil, err
	}
	if in.Slug != cur.Slug || in.Name != cur.Name || in.Group != cur.Group {
		// The tactics that carry the tag show its slug, name and group.
		var carriers []int64
		if err := tx.Table("tactic_tags").Where("tag_id = ?", cur.ID).Order("tactic_id").Pluck("tactic_id", &carriers).Error; err != nil {
			return nil, fmt.Errorf("store: tactics of tag: %w", err)
		}
		if err := renderTacticDocs(tx, carriers); err != nil {
			return nil, err
		}
	}
	t, err := findTag(tx, idKey(cur.ID))
	if err != nil {
		return nil, err
	}
	// The revision is read by everyone who reads the change feed: its tactic_count counts
	// published tactics only, whoever made the change, so that it never tells how many drafts
	// carry the tag. (The answer to the editor counts what the editor sees.)
	recorded := *t
	published, err := findByKey[models.Tag](tx.Table("tags").Select(tagColumns(false)), "tags", models.EntityTag, idKey(cur.ID))
	if err != nil {
		return nil, err
	}
	recorded.TacticCount = published.TacticCount
	return t, record(tx, tagChange(cur, &recorded, action))
}

// checkJoinsHorizon refuses to move a tag into the horizon group when a tactic carrying it
// already has a horizon tag: a tactic holds at most one.
func checkJoinsHorizon(tx *gorm.DB, tagID int64) error {
	var n int64
	err := tx.Raw(`SELECT COUNT(DISTINCT tt.tactic_id) FROM tactic_tags tt
		JOIN tactic_tags other ON other.tactic_id = tt.tactic_id AND other.tag_id <> tt.tag_id
		JOIN tags t ON t.id = other.tag_id AND t.tag_group = ?
		WHERE tt.tag_id = ?`, models.HorizonGroup, tagID).Scan(&n).Error
	if err != nil {
		return fmt.Errorf("store: check horizon: %w", err)
	}
	if n > 0 {
		return models.Conflictf("horizon_clash", "%d tactic(s) with this tag already have a horizon tag, and a tactic holds at most one; retag them first", n)
	}
	return nil
}

// findTag finds a tag by id or slug. Its tactic_count counts what the context's principal may see.
func findTag(db *gorm.DB, key string) (*models.Tag, error) {
	q := db.Table("tags").Select(tagColumns(canSeeHidden(db.Statement.Context)))
	return findByKey[models.Tag](q, "tags", models.EntityTag, key)
}

// tagKind is tags in the registry: a bundle holds their inputs, found by slug.
var tagKind = &kind[models.Tag, models.TagInput, models.TagInput]{
	object: tagObject,
	items:  func(b *Bundle) *[]models.TagInput { return &b.Tags },
	key:    func(in *models.TagInput) string { return in.Slug }, keyField: "slug",
	batch: func(tx *gorm.DB, after int64, _ bool) ([]models.Tag, error) {
		return findAfter[models.Tag](tx, "tags", after)
	},
	toBundle:   asIs[models.Tag, models.TagInput],
	fromBundle: bySlug(func(in *models.TagInput) string { return in.Slug }),
}

// TagObjects is tags for the API's shared endpoint code: the methods above, by path key.
func (s *Store) TagObjects() *Resource[models.Tag, models.TagInput] {
	return sameResource(s, tagObject)
}
