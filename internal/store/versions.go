package store

import (
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// checkPrecondition refuses a write whose precondition names a state other than the current one.
func checkPrecondition(pre models.Precondition, what string, id, version int64) error {
	if pre.Holds(id, version) {
		return nil
	}
	return models.PreconditionFailedf("the %s has changed since you read it (it is now at version %d); GET it again, reapply your change and send the new ETag or version", what, version)
}

// bumpVersion writes set to the row at id if it is still at version, and moves it to the next
// version. The version in the WHERE clause makes the check and the write one atomic step, so two
// editors who read the same version can never both succeed.
// It returns the time it recorded as updated_at. A database error comes back as it is, for the
// caller to translate (a duplicate slug is the caller's to name).
func bumpVersion(tx *gorm.DB, table string, id, version int64, set map[string]any) (time.Time, error) {
	now := tx.Config.NowFunc()
	if err := checkNextVersion(version); err != nil {
		return now, err
	}
	set["version"] = gorm.Expr("version + 1")
	set["updated_at"] = now
	res := tx.Table(table).Where("id = ? AND version = ?", id, version).Updates(set)
	if res.Error != nil {
		return now, res.Error
	}
	if res.RowsAffected == 0 {
		return now, models.PreconditionFailedf("the object changed while your request was processed; GET it again and retry")
	}
	return now, nil
}

// checkNextVersion refuses to move an object past models.MaxVersion: 1 + 2^63-1 does not fit the
// column on either engine, and an import could once set any version (issue 25). No object gets
// near it otherwise: a version grows by one a change.
func checkNextVersion(version int64) error {
	if version < models.MaxVersion {
		return nil
	}
	return models.Conflictf("version_limit", "the object is at version %d, the largest a version may be (%d), and cannot change again; create a new object in its place",
		version, models.MaxVersion)
}

// deleteVersion deletes the row at id if it is still at version.
func deleteVersion(tx *gorm.DB, table string, id, version int64) error {
	res := tx.Exec("DELETE FROM "+table+" WHERE id = ? AND version = ?", id, version)
	if res.Error != nil {
		return translate(res.Error, "delete from "+table)
	}
	if res.RowsAffected == 0 {
		return models.PreconditionFailedf("the object changed while your request was processed; GET it again and retry")
	}
	return nil
}
