package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"chainkb/internal/search"
	"chainkb/internal/store"
	"chainkb/models"
)

// TestSearchIndexBuiltForExistingDatabases checks that migration 0007 indexes what a database
// already holds: the index is taken away again as if the database were from before it, a chain is
// written without it, and opening the store builds the index with that chain in it.
func TestSearchIndexBuiltForExistingDatabases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	driver, dsn := "sqlite3", filepath.Join(t.TempDir(), "chainkb.db")
	undo := []string{}
	for _, table := range []string{"tactics", "sources", "stages", "chains"} {
		undo = append(undo, "DROP TRIGGER "+table+"_fts_insert", "DROP TRIGGER "+table+"_fts_delete",
			"DROP TRIGGER "+table+"_fts_update", "DROP TABLE "+table+"_fts")
	}
	if postgresURL != "" {
		driver, dsn = "pgx", newTestDatabase(t)
		undo = undo[:0]
		for _, table := range []string{"tactics", "sources", "stages", "chains"} {
			undo = append(undo, "ALTER TABLE "+table+" DROP COLUMN search")
		}
		undo = append(undo, "DROP TEXT SEARCH CONFIGURATION chainkb", "DROP TEXT SEARCH DICTIONARY chainkb_english")
	}
	undo = append(undo, "DELETE FROM schema_migrations WHERE version = '0007_search.sql'")

	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range undo {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	now := time.Now().UTC()
	if _, err := db.Exec("INSERT INTO chains (slug, name, description, created_at, updated_at, version) VALUES ('old-chain', 'Quixotic labour', 'From before search.', $1, $1, 1)", now); err != nil {
		t.Fatal(err)
	}

	st, err = store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	page, err := st.Search(ctx, models.SearchFilter{Q: "quixotic", Page: models.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].Key != "old-chain" || page.Items[0].Snippet == "" {
		t.Errorf("search after the migration = %+v, want the chain written before it, with a snippet", page.Items)
	}
}

// The handler parses a query to check it, and the store runs that parsed form rather than parsing
// the text again (issue 26): given both, the parsed form is what is searched.
func TestSearchRunsTheParsedQuery(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	mustCreateChain(t, s, "quixotic-chain")
	parsed, err := search.Parse("quixotic")
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Search(editor(), models.SearchFilter{Q: "unmatched", Parsed: parsed, Page: models.Page{Limit: 10}})
	if err != nil || len(page.Items) != 1 || page.Items[0].Key != "quixotic-chain" {
		t.Errorf("search with a parsed query = %+v, %v; want the chain it matches", page.Items, err)
	}
	list, err := s.Tactics(editor(), models.TacticFilter{Q: "unmatched", Parsed: parsed, Page: models.Page{Limit: 10}})
	if err != nil || len(list.Items) != 0 {
		t.Errorf("tactics with a parsed query = %+v, %v", list.Items, err)
	}
}
