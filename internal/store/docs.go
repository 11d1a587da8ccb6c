package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"chainkb/models"
)

// Tactic documents (issue 17). A tactic is read far more often than it is written, and decoding
// its stored detail and encoding it again was most of the cost of a GET and of a list page
// (bench/results.md). So each write renders the tactic's representation once, in the transaction
// that writes it, into tactic_docs (migration 0009), and reads send those bytes.
//
// The invariant: a document whose version is its tactic's version is exactly json.Marshal of the
// tactic as findTactic reads it, which is what a write answers too, so one representation has one
// ETag however it was served. A reader that finds no document at the tactic's version (a tactic
// written by an older release, or by a data migration) renders the tactic afresh; Open renders
// every missing document once.

// TacticDoc is one tactic's representation, ready to send.
type TacticDoc struct {
	ID, Version int64
	JSON        []byte
}

// renderTactic is a tactic's representation: the bytes every read and write of it sends.
func renderTactic(t *models.Tactic) ([]byte, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("store: render tactic %d: %w", t.ID, err)
	}
	return b, nil
}

// saveTacticDoc renders t, as just written in tx, and keeps it as t's document.
func saveTacticDoc(tx *gorm.DB, t *models.Tactic) error {
	doc, err := renderTactic(t)
	if err != nil {
		return err
	}
	err = tx.Exec(`INSERT INTO tactic_docs (tactic_id, version, doc) VALUES (?, ?, ?)
		ON CONFLICT (tactic_id) DO UPDATE SET version = excluded.version, doc = excluded.doc`,
		t.ID, t.Version, string(doc)).Error
	if err != nil {
		return fmt.Errorf("store: save tactic document: %w", err)
	}
	return nil
}

// insertTacticDoc is insertTactic, keeping the tactic's document.
func insertTacticDoc(tx *gorm.DB, id, version int64, in *models.TacticInput, action string) (*models.Tactic, error) {
	t, err := insertTactic(tx, id, version, in, action)
	if err != nil {
		return nil, err
	}
	return t, saveTacticDoc(tx, t)
}

// updateTacticDoc is updateTactic, keeping the tactic's document.
func updateTacticDoc(tx *gorm.DB, cur *models.Tactic, in *models.TacticInput, action string) (*models.Tactic, error) {
	t, err := updateTactic(tx, cur, in, action)
	if err != nil {
		return nil, err
	}
	return t, saveTacticDoc(tx, t)
}

// docBatch is how many tactics renderTacticDocs reads at a time.
const docBatch = 500

// renderTacticDocs renders the documents of the tactics with the given ids afresh, in tx: after a
// change that shows in them without changing the tactics themselves (a tag renamed), and for
// tactics that have none.
func renderTacticDocs(tx *gorm.DB, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), docBatch)
		batch := ids[:n]
		ids = ids[n:]
		tactics, err := tacticsByID(tx, batch)
		if err != nil {
			return err
		}
		for i := range tactics {
			if err := saveTacticDoc(tx, &tactics[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// tacticsByID reads the tactics with the given ids, hidden or not, with their tags, in two
// queries.
func tacticsByID(db *gorm.DB, ids []int64) ([]models.Tactic, error) {
	tactics, err := scanAll(db.Table("tactics").Select(tacticColumns).Where("id IN ?", ids),
		func(rows *sql.Rows) (*models.Tactic, error) { return scanTactic(rows, 0) })
	if err != nil {
		return nil, fmt.Errorf("store: read tactics: %w", err)
	}
	return tactics, attachTags(db.Where("tt.tactic_id IN ?", ids), tactics)
}

// fillTacticDocs renders the document of every tactic that has none: all of them after the
// migration that brought documents in, and any that were written without one since (rows loaded
// into the file directly, as the benchmark harness does). A batch per transaction, so that the
// writer is never held for long.
func (s *Store) fillTacticDocs(ctx context.Context) error {
	var after int64 // in id order, so that each batch starts where the last one ended
	for {
		var ids []int64
		err := s.w.WithContext(ctx).Table("tactics t").
			Where("t.id > ? AND NOT EXISTS (SELECT 1 FROM tactic_docs d WHERE d.tactic_id = t.id)", after).
			Order("t.id").Limit(docBatch).Pluck("t.id", &ids).Error
		if err != nil {
			return fmt.Errorf("store: find tactics without a document: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		after = ids[len(ids)-1]
		if err := s.writeBulk(ctx, func(tx *gorm.DB) error { return renderTacticDocs(tx, ids) }); err != nil {
			return err
		}
	}
}

// TacticDoc returns the representation of the tactic with the given id: NotFound if there is none
// (below editor, also if it is hidden). One indexed read when its document is current.
func (s *Store) TacticDoc(ctx context.Context, id int64) (*TacticDoc, error) {
	st := s.hot.tacticDocPublished
	if canSeeHidden(ctx) {
		st = s.hot.tacticDoc
	}
	var version int64
	var docVersion sql.NullInt64
	var doc []byte
	err := st.QueryRowContext(ctx, id).Scan(&version, &docVersion, &doc)
	s.statements.Add(1)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.NotFoundf("tactic %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find tactic: %w", err)
	}
	if docVersion.Valid && docVersion.Int64 == version {
		return &TacticDoc{ID: id, Version: version, JSON: doc}, nil
	}
	t, err := s.tacticFast(ctx, id, canSeeHidden(ctx))
	if err != nil {
		return nil, err
	}
	b, err := renderTactic(t)
	if err != nil {
		return nil, err
	}
	return &TacticDoc{ID: t.ID, Version: t.Version, JSON: b}, nil
}
