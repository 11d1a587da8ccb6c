package api_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"chainkb/internal/pgtest"
	"chainkb/internal/store"
	"chainkb/seeds"
)

// The world is built once per test binary: one database migrated and seeded (the seed is some 700
// objects, each written through the import's code with its revision and document), which
// newServer copies for each test instead of migrating and seeding a new one. On SQLite the
// template is a file and a copy is a few MB of file system work; on PostgreSQL it is a database
// and each test's is created from it (CREATE DATABASE ... TEMPLATE). The build takes seconds,
// more under -race.
var seeded struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// seededPG is the PostgreSQL template database, when the suite runs there: migrated and seeded.
var seededPG = pgtest.Template{Build: func(dsn string) error {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	if _, err := seeds.Load(ctx, st); err != nil {
		st.Close()
		return fmt.Errorf("seed: %w", err)
	}
	return st.Close()
}}

func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	if err := seededPG.Drop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// seededTemplate makes the template once and returns its path.
func seededTemplate(t *testing.T) string {
	t.Helper()
	seeded.once.Do(func() {
		seeded.dir, seeded.err = os.MkdirTemp("", "chainkb-api-seeded-")
		if seeded.err != nil {
			return
		}
		seeded.path = filepath.Join(seeded.dir, "seeded.db")
		ctx := context.Background()
		st, err := store.Open(ctx, seeded.path)
		if err != nil {
			seeded.err = err
			return
		}
		if _, err := seeds.Load(ctx, st); err != nil {
			st.Close()
			seeded.err = fmt.Errorf("seed: %w", err)
			return
		}
		// A clean close folds the WAL back into the file, so that the file alone is the database.
		seeded.err = st.Close()
		for _, side := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(seeded.path + side); err == nil && seeded.err == nil {
				seeded.err = fmt.Errorf("the template's %s outlived a clean close", side)
			}
		}
	})
	if seeded.err != nil {
		t.Fatalf("the seeded template database: %v", seeded.err)
	}
	return seeded.path
}

// seededSQLiteDSN copies the seeded template into the test's temporary directory and returns the
// copy's path.
func seededSQLiteDSN(t *testing.T) string {
	t.Helper()
	src, err := os.Open(seededTemplate(t))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dsn := filepath.Join(t.TempDir(), "chainkb.db")
	dst, err := os.Create(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return dsn
}
