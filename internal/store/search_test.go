package store_test

import (
	"context"
	"database/sql"
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
	dsn, driver := testDatabase(t)
	undo := []string{}
	for _, table := range []string{"tactics", "sources", "stages", "chains"} {
		undo = append(undo, "DROP TRIGGER "+table+"_fts_insert", "DROP TRIGGER "+table+"_fts_delete",
			"DROP TRIGGER "+table+"_fts_update", "DROP TABLE "+table+"_fts")
	}
	if postgresURL != "" {
		undo = undo[:0]
		for _, table := range []string{"tactics", "sources", "stages", "chains"} {
			undo = append(undo, "ALTER TABLE "+table+" DROP COLUMN search")
		}
		// Migration 0028's index of countries uses the configuration too: it goes, and comes
		// back, with it.
		undo = append(undo, "ALTER TABLE countries DROP COLUMN search, DROP COLUMN name, DROP COLUMN statutes",
			"DROP TEXT SEARCH CONFIGURATION chainkb", "DROP TEXT SEARCH DICTIONARY chainkb_english",
			"DELETE FROM schema_migrations WHERE version IN ('0028_countries_search.sql', '0028_countries_search.data')")
	}
	undo = append(undo, "DELETE FROM schema_migrations WHERE version = '0007_search.sql'")

	db := migratedSQL(t, dsn, driver)
	for _, stmt := range undo {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	now := time.Now().UTC()
	if _, err := db.Exec("INSERT INTO chains (slug, name, description, created_at, updated_at, version) VALUES ('old-chain', 'Quixotic labour', 'From before search.', $1, $1, 1)", now); err != nil {
		t.Fatal(err)
	}

	st := openTestStore(t, dsn)
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

// A country stored before migration 0028 has no name or statutes in its row: the data step
// writes them, so that search finds it by its name and its statutes.
func TestCountrySearchFilledForExistingCountries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, driver := testDatabase(t)
	db := migratedSQL(t, dsn, driver)
	// As a country written before the columns were: name and statutes empty, and the data step
	// not yet run.
	now := time.Now().UTC()
	if _, err := db.Exec(`INSERT INTO countries (iso, region, subregion, summary, penalties, created_at, updated_at, version)
		VALUES ('NP', '142', '034', 'The main law.', '[{"chain":"sex-trafficking","offence":"human trafficking","instrument":"Gorblimey Act","source":"x"}]', $1, $1, 1)`, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM schema_migrations WHERE version = '0028_countries_search.data'"); err != nil {
		t.Fatal(err)
	}
	if n := 0; db.QueryRow("SELECT count(*) FROM countries WHERE name = ''").Scan(&n) != nil || n != 1 {
		t.Fatalf("%d countries without a name before the data step, want 1", n)
	}

	st := openTestStore(t, dsn)
	// Migration 0029 made the countries already there published: a reader finds it.
	if status := ""; db.QueryRow("SELECT status FROM countries WHERE iso = 'NP'").Scan(&status) != nil || status != models.StatusPublished {
		t.Errorf("a country from before statuses is %q, want published", status)
	}
	for _, q := range []string{"nepal", "gorblimey"} {
		page, err := st.Search(ctx, models.SearchFilter{Q: q, Types: []string{models.SearchCountry}, Page: models.Page{Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || page.Items[0].Key != "NP" || page.Items[0].Title != "Nepal" {
			t.Errorf("search %q after the data step = %+v, want Nepal", q, page.Items)
		}
	}
}

// migratedSQL migrates the database at dsn (a store opened on it and closed) and opens it with
// database/sql, to write in it what an older release would have left; it is closed at the test's
// end.
func migratedSQL(t *testing.T, dsn, driver string) *sql.DB {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
