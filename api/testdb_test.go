package api_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the test's own view of a PostgreSQL database
	_ "github.com/mattn/go-sqlite3"    // ... and of an SQLite file

	"chainkb/internal/pgtest"
)

// postgresURL is the PostgreSQL database the suite runs on instead of SQLite, when set; e.g.
// CHAINKB_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
var postgresURL = pgtest.URL

// testDB is one test's database: its DSN for the store, and a connection of the test's own.
type testDB struct {
	*sql.DB
	DSN      string
	Postgres bool
}

// newTestDB makes an empty database for one test: an SQLite file in a temporary directory, or a
// fresh schema in the PostgreSQL database named by CHAINKB_TEST_POSTGRES, dropped at the end.
func newTestDB(t *testing.T) *testDB {
	t.Helper()
	return openTestDB(t, false)
}

// openTestDB is newTestDB; with seededCopy the database is a copy of the seeded template
// (template_test.go) rather than empty: a file on SQLite, a database of the test's own on
// PostgreSQL.
func openTestDB(t *testing.T, seededCopy bool) *testDB {
	t.Helper()
	if postgresURL != "" && seededCopy {
		return seededPostgresDB(t)
	}
	if postgresURL == "" {
		dsn := filepath.Join(t.TempDir(), "chainkb.db")
		if seededCopy {
			dsn = seededSQLiteDSN(t)
		}
		db, err := sql.Open("sqlite3", dsn+"?_busy_timeout=5000")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return &testDB{DB: db, DSN: dsn}
	}
	admin, err := sql.Open("pgx", postgresURL)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "chainkb_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", postgresURL, err)
	}
	sep := "?"
	if strings.Contains(postgresURL, "?") {
		sep = "&"
	}
	// pgx passes unknown URL parameters to the server as settings: every connection of the store
	// and of the test then works in the test's own schema.
	dsn := postgresURL + sep + "search_path=" + schema
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	return &testDB{DB: db, DSN: dsn, Postgres: true}
}

// Tables lists the tables of the test's database.
func (d *testDB) Tables(t *testing.T) []string {
	t.Helper()
	if d.Postgres {
		return d.column(t, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
	}
	return d.column(t, "SELECT name FROM sqlite_master WHERE type = 'table'")
}

// contentTables lists the tables that hold the database's content, in name order: the tables of
// Tables without the full-text indexes (SQLite's virtual tables and their shadow tables).
func (d *testDB) contentTables(t *testing.T) []string {
	t.Helper()
	if d.Postgres {
		return d.column(t, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
	}
	return d.column(t, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE '%\\_fts\\_%' ESCAPE '\\' ORDER BY name")
}

// column runs query, which selects one text column, and returns its values.
func (d *testDB) column(t *testing.T, query string) []string {
	t.Helper()
	rows, err := d.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// TestEngine says which engine the suite ran on, so that a run without PostgreSQL says what it
// skipped.
func TestEngine(t *testing.T) {
	if postgresURL == "" {
		t.Skip("the HTTP suite ran on SQLite; set CHAINKB_TEST_POSTGRES=postgres://... to run it on PostgreSQL too")
	}
	t.Logf("the HTTP suite ran on PostgreSQL at %s", postgresURL)
}

// seededPostgresDB is a database of the test's own copied from the seeded template.
func seededPostgresDB(t *testing.T) *testDB {
	t.Helper()
	dsn := seededPG.Copy(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &testDB{DB: db, DSN: dsn, Postgres: true}
}
