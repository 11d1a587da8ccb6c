package store

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// relationRow is a relation as stored: tactics by id. The API names them by code.
type relationRow struct {
	ID        int64
	FromID    int64
	ToID      int64
	Type      string
	Note      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// relationState is what a relation's revision records: the relation as the API shows it, plus the
// tactic ids, which outlive nothing less than the tactics themselves.
type relationState struct {
	models.Relation
	FromID int64 `json:"from_id"`
	ToID   int64 `json:"to_id"`
}

// relationsOf loads the relations from or to a tactic, with both ends' codes.
func relationsOf(tx *gorm.DB, tacticID int64) ([]relationState, error) {
	var rows []struct {
		relationRow
		FromCode string
		ToCode   string
	}
	err := tx.Table("relations r").
		Select("r.id, r.from_id, r.to_id, r.type, r.note, r.created_at, r.updated_at, r.version, f.code AS from_code, t.code AS to_code").
		Joins("JOIN tactics f ON f.id = r.from_id").Joins("JOIN tactics t ON t.id = r.to_id").
		Where("r.from_id = ? OR r.to_id = ?", tacticID, tacticID).Order("r.id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: relations of tactic %d: %w", tacticID, err)
	}
	out := make([]relationState, len(rows))
	for i, r := range rows {
		out[i] = relationState{Relation: models.Relation{ID: r.ID, From: r.FromCode, To: r.ToCode, Type: r.Type,
			Note: r.Note, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}, FromID: r.FromID, ToID: r.ToID}
	}
	return out, nil
}

// deleteRelationsOf deletes a tactic's relations along with it: each gets a delete revision that
// names the tactic's delete (rev), so that restoring the tactic brings them back.
func deleteRelationsOf(tx *gorm.DB, tacticID, rev int64) error {
	rels, err := relationsOf(tx, tacticID)
	if err != nil {
		return err
	}
	for i := range rels {
		r := &rels[i]
		c := plainChange(models.EntityRelation, r.ID, "", r.Version, models.ActionDelete, &r.Relation)
		c.cascadeOf = rev
		if err := record(tx, c); err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM relations WHERE id = ?", r.ID).Error; err != nil {
			return fmt.Errorf("store: delete relation %d: %w", r.ID, err)
		}
	}
	return nil
}

// restoreRelationsOf brings back the relations that the tactic's delete (deleteRev) took along,
// where the tactic at their other end still exists and they have not been made again since.
func restoreRelationsOf(tx *gorm.DB, tacticID, deleteRev int64) error {
	if deleteRev == 0 {
		return nil
	}
	var revs []revisionRow
	if err := tx.Table("revisions").Where("entity = ? AND cascade_of = ?", models.EntityRelation, deleteRev).Order("id").Find(&revs).Error; err != nil {
		return fmt.Errorf("store: relations deleted with tactic %d: %w", tacticID, err)
	}
	for _, rev := range revs {
		var r models.Relation
		if err := json.Unmarshal([]byte(rev.Data), &r); err != nil {
			return fmt.Errorf("store: revision %d: %w", rev.ID, err)
		}
		var ends []struct {
			ID   int64
			Code string
		}
		if err := tx.Table("tactics").Select("id, code").Where("code IN ?", []string{r.From, r.To}).Find(&ends).Error; err != nil {
			return fmt.Errorf("store: restore relation %d: %w", r.ID, err)
		}
		var from, to int64
		for _, e := range ends {
			if e.Code == r.From {
				from = e.ID
			}
			if e.Code == r.To {
				to = e.ID
			}
		}
		if from == 0 || to == 0 {
			continue // the other tactic has gone too; it brings the relation back when it returns
		}
		var n int64
		if err := tx.Table("relations").Where("id = ? OR (from_id = ? AND to_id = ? AND type = ?)", r.ID, from, to, r.Type).Count(&n).Error; err != nil {
			return fmt.Errorf("store: restore relation %d: %w", r.ID, err)
		}
		if n > 0 {
			continue
		}
		now := tx.Config.NowFunc()
		r.Version = rev.Version + 1
		r.UpdatedAt = now
		if _, err := insertReturningID(tx, "relations", map[string]any{"id": r.ID, "from_id": from, "to_id": to,
			"type": r.Type, "note": r.Note, "created_at": r.CreatedAt, "updated_at": now, "version": r.Version}); err != nil {
			return translate(err, "restore relation")
		}
		if err := record(tx, plainChange(models.EntityRelation, r.ID, "", r.Version, models.ActionRestore, &r)); err != nil {
			return err
		}
	}
	return nil
}
