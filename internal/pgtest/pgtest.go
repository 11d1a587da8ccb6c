// Package pgtest gives each test a PostgreSQL database of its own, copied by the server from a
// template that the test binary builds once (CREATE DATABASE ... TEMPLATE), as the SQLite tests
// copy a file: migrating (and seeding) a database per test took seconds a test. The server is the
// one CHAINKB_TEST_POSTGRES names; its user needs CREATEDB. Only tests import this package.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for database/sql
)

// URL is the PostgreSQL database the tests run on instead of SQLite when set; e.g.
// CHAINKB_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
var URL = os.Getenv("CHAINKB_TEST_POSTGRES")

// Template is a database built once per test binary, which tests copy.
type Template struct {
	// Build fills the new, empty template database at dsn, and closes every connection it opened:
	// PostgreSQL copies only a database nobody is connected to.
	Build func(dsn string) error

	once sync.Once
	name string
	err  error
}

// Copy creates a database of the test's own from the template (built the first time) and returns
// its DSN; the database is dropped when the test ends, after the test's later cleanups (which
// close its connections).
func (tp *Template) Copy(t testing.TB) string {
	t.Helper()
	tp.once.Do(func() {
		name := NewName("chainkb_template")
		if tp.err = exec("CREATE DATABASE " + name); tp.err != nil {
			return
		}
		tp.name = name
		tp.err = tp.Build(DatabaseURL(name))
	})
	if tp.err != nil {
		t.Fatalf("the template database: %v", tp.err)
	}
	name := NewName("chainkb_test")
	if err := exec("CREATE DATABASE " + name + " TEMPLATE " + tp.name); err != nil {
		t.Fatalf("create database %s from %s: %v", name, tp.name, err)
	}
	t.Cleanup(func() {
		// FORCE ends the connections a test left open (a webhook worker's, say).
		if err := exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return DatabaseURL(name)
}

// Drop drops the template, if it was built; TestMain calls it after the tests.
func (tp *Template) Drop() error {
	if tp.name == "" {
		return nil
	}
	if err := exec("DROP DATABASE " + tp.name + " WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop the template database %s: %w", tp.name, err)
	}
	return nil
}

// DatabaseURL is URL naming the database name instead.
func DatabaseURL(name string) string {
	u, err := url.Parse(URL)
	if err != nil {
		panic(fmt.Sprintf("CHAINKB_TEST_POSTGRES: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

// NewName is prefix with a random suffix: a name no other test run takes.
func NewName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// exec runs one statement on the database URL names.
func exec(query string) error {
	admin, err := sql.Open("pgx", URL)
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.Exec(query)
	return err
}
