package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// copyV1Release copies testdata/v1-release.db, a database made by chainkb 1 (commit 75d0038): its
// seed, plus an editor's changes (tactic 5 edited, tactic 20 deleted, tactic 33 made with two
// references, the long-term tag edited), to a file of the test's own.
func copyV1Release(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/v1-release.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "chainkb.db")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type v1Ref struct {
	Citation, URL, Locator string
}

// TestMigrateReferences opens a chainkb 1 database: every free-text reference of every tactic
// comes back as a citation of a source that holds its text, URL and locator; one source per work.
func TestMigrateReferences(t *testing.T) {
	t.Parallel()
	path := copyV1Release(t)

	before := map[int64][]v1Ref{}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT id, refs FROM tactics")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for rows.Next() {
		var id int64
		var raw string
		if err := rows.Scan(&id, &raw); err != nil {
			t.Fatal(err)
		}
		var refs []v1Ref
		if err := json.Unmarshal([]byte(raw), &refs); err != nil {
			t.Fatal(err)
		}
		before[id] = refs
		total += len(refs)
	}
	rows.Close()
	db.Close()
	if len(before) != 32 || total < 60 {
		t.Fatalf("fixture: %d tactics with %d references; want the v1 seed's 32 tactics (one deleted, one added) and its references", len(before), total)
	}

	ctx := models.WithPrincipal(context.Background(), models.Principal{Name: "test", Role: models.RoleEditor})
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("open a chainkb 1 database: %v", err)
	}
	defer s.Close()

	sources := readSources(t, path)
	works := map[string]string{} // URL or text -> slug: one source per work
	for id, refs := range before {
		tac, err := s.Tactic(ctx, id)
		if err != nil {
			t.Fatalf("tactic %d: %v", id, err)
		}
		if tac.Version < 2 {
			t.Errorf("tactic %d: version %d; a migrated tactic moves to its next version", id, tac.Version)
		}
		for _, ref := range refs {
			found := false
			for _, c := range tac.Citations {
				src := sources[c.Source]
				if src == nil {
					t.Fatalf("tactic %d cites %q, which is not a source", id, c.Source)
				}
				if src.Title == ref.Citation && src.URL == ref.URL && c.Locator == ref.Locator {
					found = true
					key := ref.URL
					if key == "" {
						key = ref.Citation
					}
					if other, ok := works[key]; ok && other != src.Slug {
						t.Errorf("the same work %q became two sources: %s and %s", key, other, src.Slug)
					}
					works[key] = src.Slug
				}
			}
			if !found {
				t.Errorf("tactic %d: reference %+v was lost; citations %+v", id, ref, tac.Citations)
			}
		}
	}
	for _, src := range sources {
		if src.verified.Valid {
			t.Errorf("source %s made from free text is marked verified", src.Slug)
		}
	}

	// Opening again runs nothing twice.
	s.Close()
	s2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if again := readSources(t, path); len(again) != len(sources) {
		t.Errorf("second open: %d sources, want %d", len(again), len(sources))
	}
}

type sourceRow struct {
	Slug, Title, URL string
	verified         sql.NullString
}

// readSources reads the sources table of the SQLite file at path, by slug.
func readSources(t *testing.T, path string) map[string]*sourceRow {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT slug, title, url, verified FROM sources")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]*sourceRow{}
	for rows.Next() {
		var r sourceRow
		if err := rows.Scan(&r.Slug, &r.Title, &r.URL, &r.verified); err != nil {
			t.Fatal(err)
		}
		out[r.Slug] = &r
	}
	return out
}

// TestForgetKeySecrets: chainkb 1 kept the answer of a key creation retried with an
// Idempotency-Key, the key in it; migration 0008 forgets such answers, and only those.
func TestForgetKeySecrets(t *testing.T) {
	t.Parallel()
	path := copyV1Release(t)
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for i, body := range []string{`{"id":9,"name":"ops","role":"admin","key":"ckb_aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkkkkllllmmmm"}`, `{"id":40,"title":"a tactic"}`} {
		if _, err := db.Exec("INSERT INTO idempotency_keys (key_id, idem_key, request_hash, status, headers, body, created_at) VALUES (1, ?, 'h', 201, '{}', ?, CURRENT_TIMESTAMP)",
			fmt.Sprintf("idem-%d", i), []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err = sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var kept []string
	rows, err := db.Query("SELECT idem_key FROM idempotency_keys ORDER BY idem_key")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		rows.Scan(&k)
		kept = append(kept, k)
	}
	if len(kept) != 1 || kept[0] != "idem-1" {
		t.Errorf("idempotency answers kept after migration 0008: %v; want only the one without a key", kept)
	}
}

// TestMigrateSourceChecks: a verified date stored before check records (migration 0016) says
// nothing of what was read, so the data step 0016 keeps it as a not-read claim, with a revision;
// a source with a check record is left as it is.
func TestMigrateSourceChecks(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "chainkb.db")
	ctx := models.WithPrincipal(context.Background(), models.Principal{Name: "test", Role: models.RoleEditor})
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	on, _ := models.ParseDate("2026-12-01")
	for _, in := range []*models.SourceInput{
		{Slug: "old-claim", Title: "Verified before check records", Type: models.SourceGrey},
		{Slug: "checked", Title: "Checked", Type: models.SourceGrey,
			Check: &models.SourceCheck{Reading: models.ReadingExcerpt, On: &on, By: "an editor", Passage: "s. 2"}},
	} {
		if _, err := s.CreateSource(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	// The state a database of the release before had: a bare verified date, and no data step yet.
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE sources SET verified = '2026-11-29' WHERE slug = 'old-claim'",
		"DELETE FROM schema_migrations WHERE version = '0016_source_check.data'"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old, err := s.Source(ctx, "old-claim")
	if err != nil {
		t.Fatal(err)
	}
	if old.Verified != nil || old.Check.Reading != models.ReadingNotRead || !strings.Contains(old.Check.Passage, "2026-11-29") || old.Version != 2 {
		t.Errorf("after the data step: verified %v, check %+v, version %d; want not verified, a not-read check keeping the date, version 2",
			old.Verified, old.Check, old.Version)
	}
	revs, err := s.Revisions(ctx, models.EntitySource, "old-claim", models.Page{Limit: 5})
	if err != nil || len(revs.Items) != 2 || revs.Items[0].Actor != "migration 0016_source_check.data" {
		t.Errorf("revisions %+v (%v); want the data step's on top of the create", revs.Items, err)
	}
	checked, err := s.Source(ctx, "checked")
	if err != nil || checked.Version != 1 || checked.Verified == nil || checked.Verified.String() != "2026-12-01" {
		t.Errorf("a checked source was changed: %+v, %v", checked, err)
	}
}

// TestMigrateRelationAddresses: migration 0017 rebuilds the relations table on SQLite to admit
// addresses; rows, ids and the id sequence stay, so a new relation never takes the id of a
// deleted one (whose history is by id).
func TestMigrateRelationAddresses(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "chainkb.db")
	ctx := models.WithPrincipal(context.Background(), models.Principal{Name: "test", Role: models.RoleEditor})
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.CreateChain(ctx, &models.ChainInput{Slug: "c", Name: "C"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.CreateStage(ctx, &models.StageInput{ChainID: &ch.ID, Slug: "s", Name: "S", Actor: "a", Side: "supply", Position: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, title := range []string{"a", "b", "c"} {
		tc, err := s.CreateTactic(ctx, &models.TacticInput{StageID: &st.ID, Kind: models.KindRecommended, Status: models.StatusPublished, Title: title, Summary: "S."})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, tc.Code)
	}
	var ids []int64
	for _, pair := range [][2]int{{0, 1}, {1, 2}, {0, 2}} {
		r, err := s.CreateRelation(ctx, &models.RelationInput{From: codes[pair[0]], To: codes[pair[1]], Type: models.RelationComplements})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if err := s.DeleteRelation(ctx, ids[2], models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM schema_migrations WHERE version = '0017_relation_addresses.sql'"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err = store.Open(ctx, path) // runs 0017 again on the data
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range ids[:2] {
		if _, err := s.Relation(ctx, id); err != nil {
			t.Errorf("relation %d after the rebuild: %v", id, err)
		}
	}
	r, err := s.CreateRelation(ctx, &models.RelationInput{From: codes[2], To: codes[0], Type: models.RelationDuplicates})
	if err != nil {
		t.Fatal(err)
	}
	if r.ID <= ids[2] {
		t.Errorf("a new relation took id %d; the deleted relation %d had it or a later one", r.ID, ids[2])
	}
}
