package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"chainkb/internal/store"
)

// TestSameJSONAsStore checks the baseline's decoding of the v2 columns against chainkb's store on
// the details the benchmark's dataset does not hold: empty ones, and partial ones that take some
// of the defaults and not others.
func TestSameJSONAsStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	db, err := sql.Open("sqlite3", path+"?_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO chains (id, slug, name, description, citations, created_at, updated_at, version)
		VALUES (1, 'c', 'C', 'd', '[]', ?, ?, 1)`, at, at)
	exec(`INSERT INTO stages (id, chain_id, slug, name, actor, side, position, description, citations, created_at, updated_at, version)
		VALUES (1, 1, 's', 'S', 'a', 'supply', 1, 'd', '[{"source":"x","locator":"p. 1","quote":"","supports":"context"}]', ?, ?, 1)`, at, at)
	details := []string{
		"",
		"{}",
		`{"evidence":{"mechanism":"m"},"review":{"last_reviewed_on":"2026-02-03"}}`,
		`{"evidence":{"effect":{"direction":"positive"},"level":"rct","evaluation":"impact","cost":{"level":"","year":2020}},
		  "caveats":[{"type":"harm","text":"t","citations":null}],"adoption":{"where":null,"since":0,"note":""},
		  "review":{"state":"expert-checked","next_review_due":"2027-01-01"},"citations":[{"source":"x","locator":"","quote":"q","supports":"supports"}],
		  "acts_on":[{"symbol":"fine","direction":"raises","effect":"","citations":[]}],"also_applies_to":null,"jurisdictions":["GB"]}`,
	}
	kinds := []string{"current", "recommended", "condition", "current"}
	for i, d := range details {
		exec(`INSERT INTO tactics (id, stage_id, chain_id, code, kind, status, title, summary, description, attribution, detail, position, created_at, updated_at, version)
			VALUES (?, 1, 1, ?, ?, 'published', 't', 's', 'd', 'kara', ?, ?, ?, ?, 1)`, i+1, "T-S-C"+string(rune('1'+i)), kinds[i], d, i, at, at)
	}

	q, err := prepare(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for i := range details {
		id := int64(i + 1)
		want, err := st.Tactic(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := q.tactic(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "tactic "+details[i], got, want)
	}
	want, err := st.ChainTable(ctx, "c", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.table(ctx, "c", "")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "table", got, want)
}

// sameJSON fails unless got and want encode to the same bytes: the same fields in the same order
// with the same values.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Errorf("%s:\nbaseline %s\nchainkb  %s", what, g, w)
	}
}
