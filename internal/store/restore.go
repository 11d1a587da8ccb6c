package store

import (
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"chainkb/models"
)

// restorer knows how to bring one kind of object back to the state a revision recorded.
type restorer[T any] struct {
	entity string
	// find returns the live object with its id and version, or a NotFound error.
	find func(tx *gorm.DB, id int64) (*T, int64, error)
	// update replaces the live object with data, recording a restore.
	update func(tx *gorm.DB, cur, data *T) (*T, error)
	// insert brings a deleted object back under its old id at version, recording a restore.
	insert func(tx *gorm.DB, id, version int64, data *T) (*T, error)
}

// restore brings the object named by key back to revision, as a new revision. A live object is
// updated (if pre holds); a deleted one is recreated under its old id, at the version after its
// last one, so that ETags and mirrors keyed on ids stay right.
func restore[T any](tx *gorm.DB, r restorer[T], key string, revision int64, pre models.Precondition) (*T, error) {
	id, err := historyID(tx, r.entity, key)
	if err != nil {
		return nil, err
	}
	rev, err := revisionAt(tx, r.entity, id, revision)
	if err != nil {
		return nil, err
	}
	if rev.Action == models.ActionDelete {
		return nil, models.Conflictf("not_restorable", "revision %d records a delete; restore a revision that holds a state of the %s", revision, r.entity)
	}
	var data T
	if err := json.Unmarshal([]byte(rev.Data), &data); err != nil {
		return nil, fmt.Errorf("store: revision %d: %w", revision, err)
	}
	cur, version, err := r.find(tx, id)
	switch {
	case err == nil:
		if err := checkPrecondition(pre, r.entity, id, version); err != nil {
			return nil, err
		}
		return r.update(tx, cur, &data)
	case models.IsKind(err, models.KindNotFound):
		if pre.Given() && !pre.AnyExisting {
			return nil, models.PreconditionFailedf("the %s is deleted; restore it without If-Match", r.entity)
		}
		last, err := lastVersion(tx, r.entity, id)
		if err != nil {
			return nil, err
		}
		return r.insert(tx, id, last+1, &data)
	default:
		return nil, err
	}
}
