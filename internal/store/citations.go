package store

import (
	"encoding/json"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"chainkb/models"
)

// Citations live inside the object that makes the claim (a JSON column read and written with it);
// the citations table indexes them by source, in the same transaction as the write, so that a
// source can say where it is cited and cannot be deleted while it is.

// invalidFields is the bad fields of a failed validation (err), for a prepare step to add those
// that need the database to and report them all at once; an error that is not a models.Error is
// returned as it is.
func invalidFields(err error) ([]models.FieldError, error) {
	if err == nil {
		return nil, nil
	}
	e, ok := models.AsError(err)
	if !ok {
		return nil, err
	}
	return e.Fields, nil
}

// resolveCitations looks up the sources that refs name and returns their ids, once each. A source
// that does not exist is a field error at the citation's JSON pointer; malformed slugs are left
// to Validate, which has already reported them.
func resolveCitations(tx *gorm.DB, refs []models.CitationRef) ([]int64, []models.FieldError, error) {
	var slugs []string
	for _, r := range refs {
		if models.IsSlug(r.Source) && !slices.Contains(slugs, r.Source) {
			slugs = append(slugs, r.Source)
		}
	}
	if len(slugs) == 0 {
		return nil, nil, nil
	}
	// Scanned by hand: a tactic's write runs this on SQLite's single writer (see stageOfTactic).
	rows, err := tx.Raw("SELECT id, slug FROM sources WHERE slug IN ?", slugs).Rows()
	if err != nil {
		return nil, nil, fmt.Errorf("store: resolve citations: %w", err)
	}
	defer rows.Close()
	idOf := make(map[string]int64, len(slugs))
	for rows.Next() {
		var id int64
		var slug string
		if err := rows.Scan(&id, &slug); err != nil {
			return nil, nil, fmt.Errorf("store: resolve citations: %w", err)
		}
		idOf[slug] = id
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: resolve citations: %w", err)
	}
	var bad []models.FieldError
	for _, r := range refs {
		if models.IsSlug(r.Source) && idOf[r.Source] == 0 {
			bad = append(bad, models.FieldError{Field: r.Pointer, Message: fmt.Sprintf("source %q does not exist; create it at /api/v1/sources first", r.Source)})
		}
	}
	ids := make([]int64, 0, len(slugs))
	for _, s := range slugs {
		if id := idOf[s]; id != 0 {
			ids = append(ids, id)
		}
	}
	return ids, bad, nil
}

// addCitations indexes the citations of an object that has none in the index: a new one, or a
// deleted one brought back (its delete dropped them).
func addCitations(tx *gorm.DB, entity string, id int64, sourceIDs []int64) error {
	if len(sourceIDs) == 0 {
		return nil
	}
	rows := make([][]any, len(sourceIDs))
	for i, sid := range sourceIDs {
		rows[i] = []any{sid, entity, id}
	}
	if err := insertRows(tx, "citations", []string{"source_id", "entity", "entity_id"}, rows); err != nil {
		return fmt.Errorf("store: index citations: %w", err)
	}
	return nil
}

// syncCitations makes the index say that an existing object cites exactly sourceIDs. An update
// mostly leaves an object's citations as they were: they are read, and rewritten only if they
// change (deleting and inserting the same rows writes two indexes for nothing).
func syncCitations(tx *gorm.DB, entity string, id int64, sourceIDs []int64) error {
	cur, err := linkedIDs(tx, "SELECT source_id FROM citations WHERE entity = ? AND entity_id = ?", entity, id)
	if err != nil {
		return fmt.Errorf("store: read citations: %w", err)
	}
	if sameIDs(cur, sourceIDs) {
		return nil
	}
	if err := dropCitations(tx, entity, id); err != nil {
		return err
	}
	return addCitations(tx, entity, id, sourceIDs)
}

// dropCitations removes an object's rows from the index, when it is deleted.
func dropCitations(tx *gorm.DB, entity string, id int64) error {
	if err := tx.Exec("DELETE FROM citations WHERE entity = ? AND entity_id = ?", entity, id).Error; err != nil {
		return fmt.Errorf("store: unindex citations: %w", err)
	}
	return nil
}

// jsonText encodes v for a JSON text column; a nil slice is stored as [].
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the model's own plain types get here, which always encode.
		panic(fmt.Sprintf("store: encode JSON column: %v", err))
	}
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// scanJSON decodes a JSON text column into dst; an empty column leaves dst as it is.
func scanJSON(src string, dst any) error {
	if src == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(src), dst); err != nil {
		return fmt.Errorf("store: decode JSON column: %w", err)
	}
	return nil
}
