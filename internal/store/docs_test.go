package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// TestStore_TacticDocs checks the invariant of tactic documents: whatever wrote a tactic, what a
// GET or a list sends is the tactic as its columns say, byte for byte; and a tactic whose document
// is missing or stale (written by an older release) is rendered afresh, then filled on open.
func TestStore_TacticDocs(t *testing.T) {
	t.Parallel()
	dsn, driver := testDatabase(t)
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	ctx := editor()
	c := mustCreateChain(t, s, "chain")
	st := mustCreateStage(t, s, c.ID, "stage", 1)
	mustCreateStage(t, s, c.ID, "other", 2)
	mustCreateTag(t, s, "short-term", models.HorizonGroup)
	tag := mustCreateTag(t, s, "prosecution", "function")

	a := mustCreateTactic(t, s, st.ID, "Alpha", "short-term", "prosecution")
	b := mustCreateTactic(t, s, st.ID, "Beta")
	draft := tacticInput(st.ID, "Gamma draft")
	draft.Status = models.StatusDraft
	g, err := s.CreateTactic(ctx, draft)
	if err != nil {
		t.Fatal(err)
	}
	in := tacticInput(st.ID, "Beta, replaced", "prosecution")
	in.AlsoAppliesTo = []string{"other"}
	if b, err = s.ReplaceTactic(ctx, b.ID, in, models.Precondition{Version: ptr(b.Version)}); err != nil {
		t.Fatal(err)
	}
	// Deleted and restored: back with its first created_at, which is set after the insert.
	if err := s.DeleteTactic(ctx, a.ID, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	hist, err := s.Revisions(ctx, models.EntityTactic, idString(a.ID), models.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreTactic(ctx, a.ID, hist.Items[len(hist.Items)-1].ID, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	// Restored to an earlier revision while it exists.
	if _, err := s.RestoreTactic(ctx, b.ID, firstRevision(t, s, b.ID), models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	// A tag renamed shows on every tactic that carries it, though none of them changed.
	if _, err := s.ReplaceTag(ctx, "prosecution", &models.TagInput{Slug: "prosecutions", Name: "Prosecutions", Group: "function"},
		models.Precondition{Version: ptr(tag.Version)}); err != nil {
		t.Fatal(err)
	}
	checkDocs(t, s, []int64{a.ID, b.ID, g.ID}, "")

	// Behind the store's back, as a release without documents would write: one tactic loses its
	// document, another changes without it.
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if postgresURL != "" {
			q = pgPlaceholders(q)
		}
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec("DELETE FROM tactic_docs WHERE tactic_id = ?", a.ID)
	exec("UPDATE tactics SET title = ?, version = version + 1 WHERE id = ?", "Beta, behind the store's back", b.ID)
	checkDocs(t, s, []int64{a.ID, b.ID, g.ID}, "Beta, behind the store's back")

	// Opening the store renders the missing document.
	s.Close()
	if s, err = store.Open(context.Background(), dsn); err != nil {
		t.Fatal(err)
	}
	var n int
	q := "SELECT COUNT(*) FROM tactic_docs WHERE tactic_id = ?"
	if postgresURL != "" {
		q = pgPlaceholders(q)
	}
	if err := db.QueryRow(q, a.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("after open, tactic %d has %d documents (%v), want 1", a.ID, n, err)
	}
	checkDocs(t, s, []int64{a.ID, b.ID, g.ID}, "Beta, behind the store's back")
}

// checkDocs asserts that each tactic's representation, from TacticDoc and from a list, is the
// tactic as the store reads it from its columns (Tactic), for an editor and, for published
// tactics only, for a reader; and that one of them has the title want, if want is not empty.
func checkDocs(t *testing.T, s *store.Store, ids []int64, want string) {
	t.Helper()
	for _, who := range []struct {
		name string
		ctx  context.Context
	}{{"editor", editor()}, {"reader", reader()}} {
		list, err := s.TacticDocs(who.ctx, models.TacticFilter{Page: models.Page{Limit: 50}})
		if err != nil {
			t.Fatal(err)
		}
		listed := map[int64]string{}
		for _, d := range list.Items {
			var head struct{ ID int64 }
			if err := json.Unmarshal(d, &head); err != nil {
				t.Fatal(err)
			}
			listed[head.ID] = string(d)
		}
		found := false
		for _, id := range ids {
			tc, err := s.Tactic(who.ctx, id)
			if models.IsKind(err, models.KindNotFound) && who.name == "reader" {
				if _, err := s.TacticDoc(who.ctx, id); !models.IsKind(err, models.KindNotFound) {
					t.Errorf("reader: tactic %d: TacticDoc err = %v, want not found, as Tactic", id, err)
				}
				if _, ok := listed[id]; ok {
					t.Errorf("reader: the list shows tactic %d, which a reader cannot see", id)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			wantJSON, _ := json.Marshal(tc)
			doc, err := s.TacticDoc(who.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if string(doc.JSON) != string(wantJSON) || doc.ID != id || doc.Version != tc.Version {
				t.Errorf("%s: tactic %d: TacticDoc (id %d version %d)\n%s\nwant\n%s", who.name, id, doc.ID, doc.Version, doc.JSON, wantJSON)
			}
			if listed[id] != string(wantJSON) {
				t.Errorf("%s: tactic %d listed as\n%s\nwant\n%s", who.name, id, listed[id], wantJSON)
			}
			found = found || tc.Title == want
			for _, tg := range tc.Tags {
				if tg.Slug == "prosecution" {
					t.Errorf("%s: tactic %d still shows the tag's old slug", who.name, id)
				}
			}
		}
		if want != "" && !found {
			t.Errorf("%s: no tactic has the title %q", who.name, want)
		}
	}
}

// firstRevision is the id of the tactic's first revision.
func firstRevision(t *testing.T, s *store.Store, id int64) int64 {
	t.Helper()
	hist, err := s.Revisions(editor(), models.EntityTactic, idString(id), models.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	return hist.Items[len(hist.Items)-1].ID
}

// pgPlaceholders turns ? placeholders into PostgreSQL's $1, $2...
func pgPlaceholders(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestAppendTacticDocsIsTacticDocs checks the list body's path (AppendTacticDocs, which appends
// each document as SQLite returns it, without a copy) against TacticDocs, page by page through
// every cursor: the same bytes, cursor and total for each filter, sort, page size and caller,
// also when a document is behind its tactic (left to TacticDocs) and for a bad cursor.
func TestAppendTacticDocsIsTacticDocs(t *testing.T) {
	t.Parallel()
	dsn, driver := testDatabase(t)
	s := openTestStore(t, dsn)
	c := mustCreateChain(t, s, "chain")
	one := mustCreateStage(t, s, c.ID, "one", 1)
	two := mustCreateStage(t, s, c.ID, "two", 2)
	mustCreateTag(t, s, "short-term", models.HorizonGroup)
	mustCreateTag(t, s, "long-term", models.HorizonGroup)
	mustCreateTag(t, s, "prosecution", "function")
	var ids []int64
	for i := range 23 {
		stage, tags := one.ID, []string{"short-term"}
		if i%3 == 0 {
			stage = two.ID
		}
		if i%2 == 1 {
			tags = []string{"long-term", "prosecution"}
		}
		// Titles in another order than ids, and two tactics sharing each title, so that sorts
		// by title tie across pages.
		in := tacticInput(stage, "Tactic "+strconv.Itoa((i*7)%23/2), tags...)
		if i%5 == 0 {
			in.Status = models.StatusDraft
		}
		if i%4 == 0 {
			in.Kind = models.KindCurrent
		}
		tc, err := s.CreateTactic(editor(), in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tc.ID)
	}
	filters := []models.TacticFilter{{}, {StageID: one.ID}, {StageID: one.ID, Horizon: "short-term"},
		{StageID: two.ID, Horizon: "long-term"}, {Tags: []string{"prosecution"}}, {Kind: models.KindCurrent},
		{Chain: "chain"}, {Status: models.StatusDraft}, {StageID: 1 << 40}, {Q: "tactic"}}
	sorts := []string{"", "-id", "title", "-title", "position", "created_at", "-updated_at"}
	compare := func(name string) {
		t.Helper()
		for _, who := range []struct {
			name string
			ctx  context.Context
		}{{"editor", editor()}, {"reader", reader()}} {
			for _, f := range filters {
				for _, sort := range sorts {
					for _, limit := range []int{1, 4, 50} {
						f.Page = models.Page{Limit: limit, Sort: sort, IncludeTotal: limit == 4}
						for pages := 0; ; pages++ {
							what := fmt.Sprintf("%s, %s: %+v", name, who.name, f)
							want, werr := s.TacticDocs(who.ctx, f)
							got, page, err := s.AppendTacticDocs(who.ctx, f, []byte("["))
							if (werr == nil) != (err == nil) {
								t.Fatalf("%s: err %v, TacticDocs's %v", what, err, werr)
							}
							if werr != nil {
								t.Fatal(what, werr)
							}
							var b strings.Builder
							b.WriteString("[")
							for i, d := range want.Items {
								if i > 0 {
									b.WriteString(",")
								}
								b.Write(d)
							}
							if string(got) != b.String() {
								t.Fatalf("%s:\n got %s\nwant %s", what, got, b.String())
							}
							if page.NextCursor != want.NextCursor || (page.Total == nil) != (want.Total == nil) ||
								(page.Total != nil && *page.Total != *want.Total) || page.Items != nil {
								t.Fatalf("%s: page %+v, TacticDocs's cursor %q total %v", what, page, want.NextCursor, want.Total)
							}
							if want.NextCursor == "" {
								break
							}
							if pages > len(ids) {
								t.Fatalf("%s: more pages than tactics", what)
							}
							f.Page.Cursor = want.NextCursor
						}
					}
				}
			}
		}
	}
	compare("documents current")

	// A cursor made for another filter, or not made here, is refused by both.
	p, err := s.TacticDocs(editor(), models.TacticFilter{Page: models.Page{Limit: 1}})
	if err != nil || p.NextCursor == "" {
		t.Fatalf("first page: %v, cursor %q", err, p.NextCursor)
	}
	for _, cur := range []string{p.NextCursor, "garbage"} {
		f := models.TacticFilter{StageID: one.ID, Page: models.Page{Limit: 1, Cursor: cur}}
		_, werr := s.TacticDocs(editor(), f)
		_, _, err := s.AppendTacticDocs(editor(), f, nil)
		if werr == nil || err == nil || werr.Error() != err.Error() {
			t.Errorf("cursor %q: err %v, TacticDocs's %v: want the same refusal", cur, err, werr)
		}
	}

	// Behind the store's back: one tactic without its document, another changed without it.
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"DELETE FROM tactic_docs WHERE tactic_id = ?", "UPDATE tactics SET title = 'Changed', version = version + 1 WHERE id = ?"} {
		if postgresURL != "" {
			q = pgPlaceholders(q)
		}
		id := ids[1]
		if strings.HasPrefix(q, "UPDATE") {
			id = ids[8]
		}
		if _, err := db.Exec(q, id); err != nil {
			t.Fatal(err)
		}
	}
	compare("documents behind")
}
