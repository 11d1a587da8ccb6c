package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"time"

	"gorm.io/gorm"
)

// migrations are the schema changes, applied in file-name order. A file, once released, never
// changes: a new change is a new file.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrate applies every migration of the store's engine not yet recorded in schema_migrations,
// each in its own transaction with its record, so that a crash leaves the schema at a known
// version. Two instances starting at once apply each migration once: SQLite's BEGIN IMMEDIATE and
// PostgreSQL's advisory lock make the second wait, then see the record.
func (s *Store) migrate(ctx context.Context) error {
	dir := "migrations/" + s.dialect
	names, err := fs.Glob(migrations, path.Join(dir, "*.sql"))
	if err != nil {
		return fmt.Errorf("store: list migrations: %w", err)
	}
	sort.Strings(names)

	db := s.w.WithContext(ctx)
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := s.serialize(tx, "migrate"); err != nil {
			return err
		}
		return tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version    TEXT PRIMARY KEY,
			applied_at TIMESTAMP NOT NULL
		)`).Error
	})
	if err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	for _, name := range names {
		version := path.Base(name)
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("store: read migration %s: %w", version, err)
		}
		err = db.Transaction(func(tx *gorm.DB) error {
			// Checked inside the transaction: under BEGIN IMMEDIATE a second process starting at
			// the same moment waits here, then sees the record and skips.
			if err := s.serialize(tx, "migrate"); err != nil {
				return err
			}
			var n int64
			if err := tx.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", version).Scan(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if err := tx.Exec(string(body)).Error; err != nil {
				return err
			}
			return tx.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
				version, time.Now().UTC()).Error
		})
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", version, err)
		}
	}
	return nil
}

// serialize makes concurrent transactions that pass the same name run one after the other, on
// any engine: SQLite's writer transactions already do (BEGIN IMMEDIATE, one writer); PostgreSQL
// takes a transaction-scoped advisory lock on the name.
func (s *Store) serialize(tx *gorm.DB, name string) error {
	if s.dialect != dialectPostgres {
		return nil
	}
	return tx.Exec("SELECT pg_advisory_xact_lock(hashtext(?))", "chainkb:"+name).Error
}

// SchemaVersions lists the migrations recorded in the database, oldest first.
func (s *Store) SchemaVersions(ctx context.Context) ([]string, error) {
	var v []string
	err := s.read(ctx).Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&v).Error
	return v, err
}
