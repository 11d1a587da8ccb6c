package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"chainkb/internal/pgtest"
	"chainkb/internal/store"
	"chainkb/models"
)

// postgresURL is the PostgreSQL database the store tests run on instead of SQLite, when set; e.g.
// CHAINKB_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
var postgresURL = pgtest.URL

// newTestStore opens a store on an empty database of the test's own (testDatabase).
func newTestStore(t *testing.T) *store.Store {
	t.Helper()
	dsn, _ := testDatabase(t)
	return openTestStore(t, dsn)
}

// testDatabase names an empty database of the test's own: an SQLite file in a temporary
// directory, or a database of its own on the PostgreSQL server named by CHAINKB_TEST_POSTGRES,
// dropped at the end. driver is the database/sql driver that opens it, for a test that writes
// behind the store's back.
func testDatabase(t *testing.T) (dsn, driver string) {
	t.Helper()
	if postgresURL != "" {
		return newTestDatabase(t), "pgx"
	}
	return filepath.Join(t.TempDir(), "chainkb.db"), "sqlite3"
}

// openTestStore opens a store on dsn, closed at the test's end.
func openTestStore(t *testing.T, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// migrated is the PostgreSQL template database, when the tests run there: migrated, so that
// migrating from nothing is still tested, once per test binary.
var migrated = pgtest.Template{Build: func(dsn string) error {
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		return err
	}
	return st.Close()
}}

func TestMain(m *testing.M) {
	code := m.Run()
	if err := migrated.Drop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// newTestDatabase makes a migrated database of the test's own on the PostgreSQL server and
// returns its DSN.
func newTestDatabase(t *testing.T) string {
	t.Helper()
	return migrated.Copy(t)
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

// feedWhere returns the entries of the change feed, as ctx sees it, that keep holds.
func feedWhere(t *testing.T, s *store.Store, ctx context.Context, keep func(models.Revision) bool) []models.Revision {
	t.Helper()
	feed, err := s.Changes(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []models.Revision
	for _, c := range feed.Items {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// relationEntries keeps the feed's entries of one relation.
func relationEntries(id int64) func(models.Revision) bool {
	return func(c models.Revision) bool { return c.Entity == models.EntityRelation && c.EntityID == id }
}
