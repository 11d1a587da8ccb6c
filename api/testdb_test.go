package api_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the test's own view of a PostgreSQL database
	_ "github.com/mattn/go-sqlite3"    // ... and of an SQLite file
)

// postgresURL is the PostgreSQL database the suite runs on instead of SQLite, when set; e.g.
// CHAINKB_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
var postgresURL = os.Getenv("CHAINKB_TEST_POSTGRES")

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
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if d.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
	}
	rows, err := d.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return names
}

// TestEngine says which engine the suite ran on, so that a run without PostgreSQL says what it
// skipped.
func TestEngine(t *testing.T) {
	if postgresURL == "" {
		t.Skip("the HTTP suite ran on SQLite; set CHAINKB_TEST_POSTGRES=postgres://... to run it on PostgreSQL too")
	}
	t.Logf("the HTTP suite ran on PostgreSQL at %s", postgresURL)
}

// seededPostgresDB creates a database of the test's own from the seeded template database
// (CREATE DATABASE ... TEMPLATE, a copy made by the server) and drops it at the end.
func seededPostgresDB(t *testing.T) *testDB {
	t.Helper()
	template := seededPostgresTemplate(t)
	admin, err := sql.Open("pgx", postgresURL)
	if err != nil {
		t.Fatal(err)
	}
	name := "chainkb_test_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + template); err != nil {
		admin.Close()
		t.Fatalf("create database %s from %s: %v", name, template, err)
	}
	dsn := postgresDatabaseURL(t, name)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		// FORCE ends the connections a test left behind (a webhook worker's, say); the store
		// is closed by then in every test that closes it.
		if _, err := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
		admin.Close()
	})
	return &testDB{DB: db, DSN: dsn, Postgres: true}
}

// postgresDatabaseURL is CHAINKB_TEST_POSTGRES naming the database name instead.
func postgresDatabaseURL(t *testing.T, name string) string {
	t.Helper()
	u, err := url.Parse(postgresURL)
	if err != nil {
		t.Fatalf("CHAINKB_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
