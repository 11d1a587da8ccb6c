package api_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

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

// seededPG is the PostgreSQL template database, when the suite runs there.
var seededPG struct {
	once sync.Once
	name string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	if seededPG.name != "" {
		if err := dropPostgresDatabase(seededPG.name); err != nil {
			fmt.Fprintf(os.Stderr, "drop the template database %s: %v\n", seededPG.name, err)
			code = 1
		}
	}
	os.Exit(code)
}

// seededPostgresTemplate makes the template database once and returns its name. Its store is
// closed before any test copies it: PostgreSQL copies only a database nobody is connected to.
func seededPostgresTemplate(t *testing.T) string {
	t.Helper()
	seededPG.once.Do(func() {
		admin, err := sql.Open("pgx", postgresURL)
		if err != nil {
			seededPG.err = err
			return
		}
		defer admin.Close()
		name := "chainkb_template_" + randomHex(6)
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			seededPG.err = err
			return
		}
		seededPG.name = name
		ctx := context.Background()
		st, err := store.Open(ctx, postgresDatabaseURL(t, name))
		if err != nil {
			seededPG.err = err
			return
		}
		if _, err := seeds.Load(ctx, st); err != nil {
			st.Close()
			seededPG.err = fmt.Errorf("seed: %w", err)
			return
		}
		seededPG.err = st.Close()
	})
	if seededPG.err != nil {
		t.Fatalf("the seeded template database: %v", seededPG.err)
	}
	return seededPG.name
}

func dropPostgresDatabase(name string) error {
	admin, err := sql.Open("pgx", postgresURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
	return err
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
