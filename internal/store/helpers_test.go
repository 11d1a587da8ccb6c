package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// postgresURL is the PostgreSQL database the store tests run on instead of SQLite, when set; e.g.
// CHAINKB_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
var postgresURL = os.Getenv("CHAINKB_TEST_POSTGRES")

// newTestStore opens a store on an empty database of the test's own: an SQLite file in a
// temporary directory, or a fresh schema in the PostgreSQL database named by
// CHAINKB_TEST_POSTGRES, dropped at the end.
func newTestStore(t *testing.T) *store.Store {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "chainkb.db")
	if postgresURL != "" {
		dsn = newTestSchema(t)
	}
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newTestSchema makes a schema of the test's own in the PostgreSQL database and returns a DSN
// whose connections all work in it.
func newTestSchema(t *testing.T) string {
	t.Helper()
	admin, err := sql.Open("pgx", postgresURL)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "chainkb_store_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", postgresURL, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	sep := "?"
	if strings.Contains(postgresURL, "?") {
		sep = "&"
	}
	// pgx passes unknown URL parameters to the server as settings.
	return postgresURL + sep + "search_path=" + schema
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
