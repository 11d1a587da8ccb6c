package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

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

var tagSorts = map[string]sortField{
	"id":         {"id", intColumn},
	"slug":       {"slug", textColumn},
	"name":       {"name", textColumn},
	"group":      {"tag_group", textColumn},
	"created_at": {"created_at", timeColumn},
	"updated_at": {"updated_at", timeColumn},
}

// Tag returns the tag with the given id or slug.
func (s *Store) Tag(ctx context.Context, key string) (*models.Tag, error) {
	return findTag(s.read(ctx), key)
}

// Tags returns one page of tags.
func (s *Store) Tags(ctx context.Context, f models.TagFilter) (models.List[models.Tag], error) {
	filter := func(q *gorm.DB) *gorm.DB {
		if f.Group != "" {
			q = q.Where("tags.tag_group = ?", f.Group)
		}
		if f.Q != "" {
			p := likePattern(f.Q)
			q = q.Where(`(LOWER(tags.name) LIKE ? ESCAPE '\' OR LOWER(tags.description) LIKE ? ESCAPE '\')`, p, p)
		}
		return q
	}
	spec := newListSpec("tags", "slug", tagSorts)
	spec.selectSQL = tagColumns(models.PrincipalFrom(ctx).CanSeeHidden())
	return paginate(s.read(ctx), spec, f.Page, fmt.Sprintf("group=%q q=%q", f.Group, f.Q), filter,
		func(t *models.Tag, field string) (any, int64) {
			switch field {
			case "slug":
				return t.Slug, t.ID
			case "name":
				return t.Name, t.ID
			case "group":
				return t.Group, t.ID
			case "created_at":
				return t.CreatedAt, t.ID
			case "updated_at":
				return t.UpdatedAt, t.ID
			}
			return t.ID, t.ID
		})
}

// CreateTag validates and stores a new tag.
func (s *Store) CreateTag(ctx context.Context, in *models.TagInput) (*models.Tag, error) {
	var t *models.Tag
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		t, err = createTag(tx, in)
		return err
	})
	return t, err
}

// ReplaceTag replaces the tag with the given id or slug, if pre holds.
func (s *Store) ReplaceTag(ctx context.Context, key string, in *models.TagInput, pre models.Precondition) (*models.Tag, error) {
	var t *models.Tag
	err := s.write(ctx, func(tx *gorm.DB) error {
		cur, err := findTag(tx, key)
		if err != nil {
			return err
		}
		if err := checkPrecondition(pre, "tag", cur.ID, cur.Version); err != nil {
			return err
		}
		t, err = updateTag(tx, cur, in, models.ActionUpdate)
		return err
	})
	return t, err
}

// DeleteTag deletes the tag with the given id or slug, if pre holds and no tactic carries it.
func (s *Store) DeleteTag(ctx context.Context, key string, pre models.Precondition) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		cur, err := findTag(tx, key)
		if err != nil {
			return err
		}
		if err := checkPrecondition(pre, "tag", cur.ID, cur.Version); err != nil {
			return err
		}
		// Counted here, whatever the caller may see: drafts hold tags too.
		var uses int64
		if err := tx.Table("tactic_tags").Where("tag_id = ?", cur.ID).Count(&uses).Error; err != nil {
			return err
		}
		if uses > 0 {
			return models.Conflictf("in_use", "tag %q is on %d tactic(s); take it off them first", cur.Slug, uses)
		}
		if err := deleteVersion(tx, "tags", cur.ID, cur.Version); err != nil {
			return err
		}
		return record(tx, tagChange(cur, models.ActionDelete))
	})
}

// RestoreTag brings the tag named by key (id or slug, deleted or not) back to a revision.
func (s *Store) RestoreTag(ctx context.Context, key string, revision int64, pre models.Precondition) (*models.Tag, error) {
	var t *models.Tag
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		t, err = restore(tx, tagRestorer, key, revision, pre)
		return err
	})
	return t, err
}

var tagRestorer = restorer[models.Tag]{
	entity: "tag",
	find: func(tx *gorm.DB, id int64) (*models.Tag, int64, error) {
		t, err := findTag(tx, strconv.FormatInt(id, 10))
		if err != nil {
			return nil, 0, err
		}
		return t, t.Version, nil
	},
	update: func(tx *gorm.DB, cur, data *models.Tag) (*models.Tag, error) {
		return updateTag(tx, cur, tagInputOf(data), models.ActionRestore)
	},
	insert: func(tx *gorm.DB, id, version int64, data *models.Tag) (*models.Tag, error) {
		return insertTag(tx, id, version, tagInputOf(data), models.ActionRestore)
	},
}

func tagInputOf(t *models.Tag) *models.TagInput {
	return &models.TagInput{Slug: t.Slug, Name: t.Name, Group: t.Group, Description: t.Description}
}

func createTag(tx *gorm.DB, in *models.TagInput) (*models.Tag, error) {
	return insertTag(tx, 0, 1, in, models.ActionCreate)
}

// insertTag stores a tag: a new one (id 0), or a deleted one brought back under its id.
func insertTag(tx *gorm.DB, id, version int64, in *models.TagInput, action string) (*models.Tag, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	t := &models.Tag{ID: id, Slug: in.Slug, Name: in.Name, Group: in.Group, Description: in.Description, Version: version}
	if err := tx.Table("tags").Create(t).Error; err != nil {
		return nil, tagConflict(err, in.Slug)
	}
	return t, record(tx, tagChange(t, action))
}

// updateTag replaces cur with in, moving it to its next version.
func updateTag(tx *gorm.DB, cur *models.Tag, in *models.TagInput, action string) (*models.Tag, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Group == models.HorizonGroup && cur.Group != models.HorizonGroup {
		if err := checkJoinsHorizon(tx, cur.ID); err != nil {
			return nil, err
		}
	}
	_, err := bumpVersion(tx, "tags", cur.ID, cur.Version, map[string]any{
		"slug": in.Slug, "name": in.Name, "tag_group": in.Group, "description": in.Description,
	})
	if err != nil {
		return nil, tagConflict(err, in.Slug)
	}
	t, err := findTag(tx, strconv.FormatInt(cur.ID, 10))
	if err != nil {
		return nil, err
	}
	return t, record(tx, tagChange(t, action))
}

func tagChange(t *models.Tag, action string) change {
	return change{entity: "tag", id: t.ID, slug: t.Slug, version: t.Version, action: action,
		visible: action != models.ActionDelete, wasVisible: action != models.ActionCreate, data: t}
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
		return err
	}
	if n > 0 {
		return models.Conflictf("horizon_clash", "%d tactic(s) with this tag already have a horizon tag, and a tactic holds at most one; retag them first", n)
	}
	return nil
}

// findTag finds a tag by id or slug. Its tactic_count counts what the context's principal may see.
func findTag(db *gorm.DB, key string) (*models.Tag, error) {
	id, slug := idOrSlug(key)
	q := db.Table("tags").Select(tagColumns(models.PrincipalFrom(db.Statement.Context).CanSeeHidden()))
	if slug != "" {
		q = q.Where("tags.slug = ?", slug)
	} else {
		q = q.Where("tags.id = ?", id)
	}
	var t models.Tag
	if err := q.Take(&t).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, models.NotFoundf("tag %q not found", key)
		}
		return nil, fmt.Errorf("store: find tag: %w", err)
	}
	return &t, nil
}

func tagConflict(err error, slug string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return models.Conflictf("duplicate_slug", "a tag with slug %q already exists", slug)
	}
	return translate(err, "write tag")
}
