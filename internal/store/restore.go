package store

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// restore brings the object named by key back to revision, as a new revision. A live object is
// updated (if pre holds); a deleted one is recreated under its old id, at the version after its
// last one, so that ETags and mirrors keyed on ids stay right. An object that cannot come back
// because what it needs has gone since is a Conflict (not_restorable).
func (o *object[T, In]) restore(tx *gorm.DB, key string, revision int64, pre models.Precondition) (*T, error) {
	id, err := historyID(tx, o.entity, key)
	if err != nil {
		return nil, err
	}
	rev, err := revisionAt(tx, o.entity, id, revision)
	if err != nil {
		return nil, err
	}
	if rev.Action == models.ActionDelete {
		return nil, models.Conflictf("not_restorable", "revision %d records a delete; restore a revision that holds a state of the %s", revision, o.entity)
	}
	var data T
	if err := json.Unmarshal([]byte(rev.Data), &data); err != nil {
		return nil, fmt.Errorf("store: revision %d: %w", revision, err)
	}
	cur, err := o.find(tx, idKey(id))
	switch {
	case err == nil:
		_, version := o.ref(cur)
		if err := checkPrecondition(pre, o.entity, id, version); err != nil {
			return nil, err
		}
		in, err := o.inputOf(tx, &data)
		if err != nil {
			return nil, err
		}
		return o.update(tx, cur, in, models.ActionRestore)
	case models.IsKind(err, models.KindNotFound):
		if pre.Given() && !pre.AnyExisting {
			return nil, models.PreconditionFailedf("the %s is deleted; restore it without If-Match", o.entity)
		}
		last, err := lastVersion(tx, o.entity, id)
		if err != nil {
			return nil, err
		}
		if err := checkNextVersion(last); err != nil {
			return nil, err
		}
		in, err := o.inputOf(tx, &data)
		if err != nil {
			return nil, err
		}
		obj, err := o.insert(tx, id, last+1, in, models.ActionRestore)
		if models.IsKind(err, models.KindInvalid) {
			// What the recorded state refers to has gone since (a stage's chain).
			return nil, models.Conflictf("not_restorable", "%s %d cannot come back: %v; restore what it needs first", o.entity, id, err)
		}
		if err != nil {
			return nil, err
		}
		if obj, err = o.keepCreatedAt(tx, id, rev.Data); err != nil {
			return nil, err
		}
		if o.afterRestore == nil {
			return obj, nil
		}
		deleteRev, err := lastDelete(tx, o.entity, id)
		if err != nil {
			return nil, err
		}
		return obj, o.afterRestore(tx, obj, deleteRev)
	default:
		return nil, err
	}
}

// lastDelete returns the id of the object's latest delete revision, or 0 if it was never deleted.
func lastDelete(tx *gorm.DB, entity string, id int64) (int64, error) {
	var ids []int64
	err := tx.Table("revisions").Where("entity = ? AND entity_id = ? AND action = ?", entity, id, models.ActionDelete).
		Order("id DESC").Limit(1).Pluck("id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("store: last delete of %s %d: %w", entity, id, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

// keepCreatedAt gives an object brought back under its old id the created_at it had (recorded
// in revData, any state of it), in its row and in the revision that records its return, rather
// than the time of the restore; and returns it as it is now.
func (o *object[T, In]) keepCreatedAt(tx *gorm.DB, id int64, revData string) (*T, error) {
	var was struct {
		CreatedAt *time.Time `json:"created_at"`
	}
	if err := json.Unmarshal([]byte(revData), &was); err != nil || was.CreatedAt == nil {
		return o.find(tx, idKey(id)) // nothing recorded to keep
	}
	createdAt := was.CreatedAt.UTC()
	if err := tx.Table(o.table).Where("id = ?", id).Update("created_at", createdAt).Error; err != nil {
		return nil, fmt.Errorf("store: restore %s %d: %w", o.entity, id, err)
	}
	var rec struct {
		ID   int64
		Data string
	}
	err := tx.Table("revisions").Select("id, data").Where("entity = ? AND entity_id = ?", o.entity, id).
		Order("id DESC").Limit(1).Take(&rec).Error
	if err != nil {
		return nil, fmt.Errorf("store: restore %s %d: %w", o.entity, id, err)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal([]byte(rec.Data), &data); err == nil && data != nil {
		data["created_at"], _ = json.Marshal(createdAt) // a time always marshals
		fixed, err := json.Marshal(data)
		if err != nil {
			return nil, fmt.Errorf("store: restore %s %d: %w", o.entity, id, err)
		}
		if err := tx.Table("revisions").Where("id = ?", rec.ID).Update("data", string(fixed)).Error; err != nil {
			return nil, fmt.Errorf("store: restore %s %d: %w", o.entity, id, err)
		}
	}
	return o.find(tx, idKey(id))
}
