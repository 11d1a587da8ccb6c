package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// postgresURL is the PostgreSQL database the store tests run on instead of SQLite, when set; e.g.
// CHAINKB_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
var postgresURL = os.Getenv("CHAINKB_TEST_POSTGRES")

// newTestStore opens a store on an empty database of the test's own: an SQLite file in a
// temporary directory, or a database of its own on the PostgreSQL server named by
// CHAINKB_TEST_POSTGRES, dropped at the end.
func newTestStore(t *testing.T) *store.Store {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "chainkb.db")
	if postgresURL != "" {
		dsn = newTestDatabase(t)
	}
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// migrated is the PostgreSQL database migrated once per test binary, which each test's database
// is created from (CREATE DATABASE ... TEMPLATE, a copy the server makes): migrating an empty
// schema took seconds a test. Migrating from nothing is still tested, by building it.
var migrated struct {
	once sync.Once
	name string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if migrated.name != "" {
		if err := execAdmin("DROP DATABASE " + migrated.name + " WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "drop the template database %s: %v\n", migrated.name, err)
			code = 1
		}
	}
	os.Exit(code)
}

// newTestDatabase makes a database of the test's own on the PostgreSQL server, migrated, and
// returns its DSN.
func newTestDatabase(t *testing.T) string {
	t.Helper()
	migrated.once.Do(func() {
		name := "chainkb_store_template_" + randomHex(6)
		if migrated.err = execAdmin("CREATE DATABASE " + name); migrated.err != nil {
			return
		}
		migrated.name = name
		st, err := store.Open(context.Background(), postgresDatabaseURL(name))
		if err != nil {
			migrated.err = err
			return
		}
		// Closed before any copy: PostgreSQL copies only a database nobody is connected to.
		migrated.err = st.Close()
	})
	if migrated.err != nil {
		t.Fatalf("the migrated template database: %v", migrated.err)
	}
	name := "chainkb_store_test_" + randomHex(6)
	if err := execAdmin("CREATE DATABASE " + name + " TEMPLATE " + migrated.name); err != nil {
		t.Fatalf("create database %s from %s: %v", name, migrated.name, err)
	}
	t.Cleanup(func() {
		// FORCE ends the connections a test left open; the stores are closed by then.
		if err := execAdmin("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return postgresDatabaseURL(name)
}

// execAdmin runs one statement on the database CHAINKB_TEST_POSTGRES names.
func execAdmin(query string) error {
	admin, err := sql.Open("pgx", postgresURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.Exec(query)
	return err
}

// postgresDatabaseURL is CHAINKB_TEST_POSTGRES naming the database name instead.
func postgresDatabaseURL(name string) string {
	u, err := url.Parse(postgresURL)
	if err != nil {
		panic(fmt.Sprintf("CHAINKB_TEST_POSTGRES: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// editor is a context whose principal is an editor, who sees drafts.
func editor() context.Context {
	return models.WithPrincipal(context.Background(), models.Principal{KeyID: 1, Name: "test", Role: models.RoleEditor})
}

// reader is a context without a key, who sees only published tactics.
func reader() context.Context { return context.Background() }

func ptr[T any](v T) *T { return &v }

func mustCreateChain(t *testing.T, s *store.Store, slug string) *models.Chain {
	t.Helper()
	c, err := s.CreateChain(editor(), &models.ChainInput{Slug: slug, Name: "Chain " + slug})
	if err != nil {
		t.Fatalf("create chain %s: %v", slug, err)
	}
	return c
}

func mustCreateStage(t *testing.T, s *store.Store, chainID int64, slug string, position int) *models.Stage {
	t.Helper()
	st, err := s.CreateStage(editor(), &models.StageInput{ChainID: &chainID, Slug: slug, Name: "Stage " + slug,
		Actor: "someone", Side: models.SideSupply, Position: &position})
	if err != nil {
		t.Fatalf("create stage %s: %v", slug, err)
	}
	return st
}

func mustCreateTag(t *testing.T, s *store.Store, slug, group string) *models.Tag {
	t.Helper()
	tg, err := s.CreateTag(editor(), &models.TagInput{Slug: slug, Name: "Tag " + slug, Group: group})
	if err != nil {
		t.Fatalf("create tag %s: %v", slug, err)
	}
	return tg
}

// tacticInput is a valid, published tactic input at the stage, with the tags.
func tacticInput(stageID int64, title string, tags ...string) *models.TacticInput {
	in := &models.TacticInput{StageID: &stageID, Kind: models.KindRecommended, Status: models.StatusPublished,
		Title: title, Summary: "Summary of " + title}
	for _, tg := range tags {
		in.Tags = append(in.Tags, models.TagRef(tg))
	}
	return in
}

func mustCreateTactic(t *testing.T, s *store.Store, stageID int64, title string, tags ...string) *models.Tactic {
	t.Helper()
	tc, err := s.CreateTactic(editor(), tacticInput(stageID, title, tags...))
	if err != nil {
		t.Fatalf("create tactic %q: %v", title, err)
	}
	return tc
}

// wantKind fails the test unless err is a *models.Error of kind with the code (any code if "").
func wantKind(t *testing.T, err error, kind models.ErrorKind, code string) *models.Error {
	t.Helper()
	e, ok := models.AsError(err)
	if !ok {
		t.Fatalf("err = %v, want a *models.Error of kind %d", err, kind)
	}
	if e.Kind != kind || (code != "" && e.Code != code) {
		t.Fatalf("err = kind %d code %q (%v), want kind %d code %q", e.Kind, e.Code, e, kind, code)
	}
	return e
}

// fieldsOf returns the names of an error's bad fields.
func fieldsOf(e *models.Error) []string {
	var names []string
	for _, f := range e.Fields {
		names = append(names, f.Field)
	}
	return names
}
