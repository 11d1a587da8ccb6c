package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"gorm.io/gorm"

	"chainkb/models"
)

// object describes one kind of content object (chain, stage, tactic, tag) to the write code that
// every kind shares: create, replace, delete and restore all take the same steps, in the same
// transaction, whatever the kind; only these functions differ.
type object[T, In any] struct {
	entity string // as its revisions name it: one of the models.Entity constants
	table  string
	// plural is the resource's collection: its path (/api/v1/<plural>) and its bundle array.
	plural string
	// cites, if set, says how an object of the resource that cites a source is named in the
	// source's cited_by (sourceUses).
	cites *citing
	// get returns the object that key names as the context's principal may see it (a reader does
	// not see drafts): what a GET answers.
	get func(ctx context.Context, s *Store, key string) (*T, error)
	// find returns the live object named by key (an id, or a slug where the kind has one), or a
	// NotFound error. A write sees every object, hidden or not.
	find func(db *gorm.DB, key string) (*T, error)
	// findRow is what a replace reads, when it can read less than find; nil means find.
	findRow func(db *gorm.DB, key string) (*T, error)
	// ref returns an object's id and version.
	ref func(*T) (id, version int64)
	// insert stores in: a new object (id 0, version 1), or a deleted one brought back under its id
	// at version. It validates in and records the change.
	insert func(tx *gorm.DB, id, version int64, in *In, action string) (*T, error)
	// update replaces cur with in, moving it to its next version. It validates in and records the
	// change.
	update func(tx *gorm.DB, cur *T, in *In, action string) (*T, error)
	// inputOf turns an object recorded in a revision back into an input, or says why it cannot
	// come back (a Conflict).
	inputOf func(tx *gorm.DB, data *T) (*In, error)
	// asInput is the input that would write cur as it is, read from cur alone: what an export
	// writes, and what an import compares a bundle's object with.
	asInput func(cur *T) *In
	// version is the version field of an input: a PUT's precondition, an import's check.
	version func(in *In) **int64
	// fill, if set, fills in what an input leaves out from the current object, as a replace does,
	// before an import compares them (a tactic's position and status).
	fill func(cur *T, in *In)
	// inUse refuses to delete an object that others still need (a Conflict); nil if none do.
	inUse func(tx *gorm.DB, cur *T) error
	// change describes a change from before (nil for a create) to after (before, for a delete).
	change func(before, after *T, action string) change
	// beforeDelete, if set, removes what goes with the object when it is deleted (a tactic's
	// relations), after the object's delete revision (numbered rev) is recorded and before its
	// row goes.
	beforeDelete func(tx *gorm.DB, cur *T, rev int64) error
	// afterRestore, if set, brings back what went with the object when it was deleted, once a
	// deleted object is back (deleteRev is the revision of that delete).
	afterRestore func(tx *gorm.DB, obj *T, deleteRev int64) error
}

// idKey is an id as a path key.
func idKey(id int64) string { return strconv.FormatInt(id, 10) }

// create stores a new object in tx.
func (o *object[T, In]) create(tx *gorm.DB, in *In) (*T, error) {
	return o.insert(tx, 0, 1, in, models.ActionCreate)
}

// createOne stores a new object in a transaction of its own.
func (o *object[T, In]) createOne(ctx context.Context, s *Store, in *In) (*T, error) {
	var obj *T
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		obj, err = o.create(tx, in)
		return err
	})
	return obj, err
}

// replace replaces the object named by key with in, if pre holds.
func (o *object[T, In]) replace(ctx context.Context, s *Store, key string, in *In, pre models.Precondition) (*T, error) {
	find := o.find
	if o.findRow != nil {
		find = o.findRow
	}
	var obj *T
	err := s.write(ctx, func(tx *gorm.DB) error {
		cur, err := find(tx, key)
		if err != nil {
			return err
		}
		id, version := o.ref(cur)
		if err := checkPrecondition(pre, o.entity, id, version); err != nil {
			return err
		}
		obj, err = o.update(tx, cur, in, models.ActionUpdate)
		return err
	})
	return obj, err
}

// remove deletes the object named by key, if pre holds and nothing still needs it.
func (o *object[T, In]) remove(ctx context.Context, s *Store, key string, pre models.Precondition) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		return o.removeWith(tx, key, pre)
	})
}

// removeIn deletes the object named by key in tx, without a precondition: for the store's own
// changes (the seed), never for a client's.
func (o *object[T, In]) removeIn(tx *gorm.DB, key string) error {
	return o.removeWith(tx, key, models.Precondition{})
}

func (o *object[T, In]) removeWith(tx *gorm.DB, key string, pre models.Precondition) error {
	cur, err := o.find(tx, key)
	if err != nil {
		return err
	}
	id, version := o.ref(cur)
	if err := checkPrecondition(pre, o.entity, id, version); err != nil {
		return err
	}
	if o.inUse != nil {
		if err := o.inUse(tx, cur); err != nil {
			return err
		}
	}
	rev, err := recordID(tx, o.change(cur, cur, models.ActionDelete))
	if err != nil {
		return err
	}
	if o.beforeDelete != nil {
		if err := o.beforeDelete(tx, cur, rev); err != nil {
			return err
		}
	}
	// A deleted object cites nothing: its citations live on in its revisions only.
	if err := dropCitations(tx, o.entity, id); err != nil {
		return err
	}
	return deleteVersion(tx, o.table, id, version)
}

// restoreOne brings the object named by key (deleted or not) back to a revision, in a transaction
// of its own.
func (o *object[T, In]) restoreOne(ctx context.Context, s *Store, key string, revision int64, pre models.Precondition) (*T, error) {
	var obj *T
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		obj, err = o.restore(tx, key, revision, pre)
		return err
	})
	return obj, err
}

// countIn counts the rows of table where column = id, for the in-use checks of a delete.
func countIn(tx *gorm.DB, table, column string, id int64) (int64, error) {
	var n int64
	if err := tx.Table(table).Where(column+" = ?", id).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count %s: %w", table, err)
	}
	return n, nil
}

// findByKey loads the row that key names in q's table: by id if key is all digits, else by slug.
// q carries the table and the columns to select.
func findByKey[T any](q *gorm.DB, table, entity, key string) (*T, error) {
	id, slug := idOrSlug(key)
	if slug != "" {
		q = q.Where(table+".slug = ?", slug)
	} else {
		q = q.Where(table+".id = ?", id)
	}
	var obj T
	if err := q.Take(&obj).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, models.NotFoundf("%s %q not found", entity, key)
		}
		return nil, fmt.Errorf("store: find %s: %w", entity, err)
	}
	return &obj, nil
}

// slugConflict turns a unique violation on a slug into a Conflict (duplicate_slug) that names it;
// scope says where the slug must be unique, if not everywhere.
func slugConflict(err error, entity, slug, scope string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return models.Conflictf("duplicate_slug", "a %s with slug %q already exists%s", entity, slug, scope)
	}
	return translate(err, "write "+entity)
}

// plainChange describes a change of an object that every reader sees in every state: all but
// tactics, which can be hidden. slug is "" for objects that are not found by slug.
func plainChange(entity string, id int64, slug string, version int64, action string, data any) change {
	return change{entity: entity, id: id, slug: slug, version: version, action: action,
		visible: action != models.ActionDelete, wasVisible: action != models.ActionCreate, data: data}
}
