package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
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

	err = s.migrationTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    TEXT PRIMARY KEY,
			applied_at TIMESTAMP NOT NULL
		)`)
		return err
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
		// A SQLite migration that rebuilds a table runs with foreign keys off, as SQLite's own
		// procedure for schema changes asks; the runner checks them before it commits.
		fkOff := s.dialect != dialectPostgres && strings.HasPrefix(string(body), fkOffHeader)
		err = s.migrationTxOpts(ctx, fkOff, func(tx *sql.Tx) error {
			// Checked inside the transaction: a second instance starting at the same moment waits
			// for the lock, then sees the record and skips.
			var n int64
			if err := tx.QueryRowContext(ctx, s.rebind("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, s.rebind("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"),
				version, time.Now().UTC())
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", version, err)
		}
	}
	return nil
}

// fkOffHeader is the first line of a SQLite migration that must run with foreign keys off.
const fkOffHeader = "-- chainkb:foreign-keys-off"

// migrationTx runs fn in one transaction on the writer, serialized with every other instance's
// migrations. Migrations go through database/sql, not GORM: a migration file holds several
// statements, and GORM's prepared statements would run only the first.
func (s *Store) migrationTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.migrationTxOpts(ctx, false, fn)
}

// migrationTxOpts is migrationTx, with SQLite's foreign keys off for the transaction if fkOff.
// PRAGMA foreign_keys is a no-op inside a transaction, so it is set on the connection before
// BEGIN and set back after; foreign_key_check must find nothing before the commit.
func (s *Store) migrationTxOpts(ctx context.Context, fkOff bool, fn func(*sql.Tx) error) error {
	conn, err := s.wSQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if fkOff {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	}
	tx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE on SQLite (the writer's DSN)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	if s.dialect == dialectPostgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext('chainkb:migrate'))"); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if fkOff {
		rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			return err
		}
		broken := rows.Next()
		rows.Close()
		if broken {
			return errors.New("foreign key check failed after the migration")
		}
	}
	return tx.Commit()
}

// serialize makes concurrent transactions that pass the same name run one after the other, on
// any engine: SQLite's writer transactions already do (BEGIN IMMEDIATE, one writer); PostgreSQL
// takes a transaction-scoped advisory lock on the name.
func (s *Store) serialize(tx *gorm.DB, name string) error { return serialize(tx, name) }

// serialize is Store.serialize, for code that has the transaction only.
func serialize(tx *gorm.DB, name string) error {
	if !onPostgres(tx) {
		return nil
	}
	if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext(?))", "chainkb:"+name).Error; err != nil {
		return fmt.Errorf("store: lock %s: %w", name, err)
	}
	return nil
}

// SchemaVersions lists the migrations recorded in the database, oldest first. Any error is
// internal.
func (s *Store) SchemaVersions(ctx context.Context) ([]string, error) {
	var v []string
	if err := s.read(ctx).Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&v).Error; err != nil {
		return nil, fmt.Errorf("store: schema versions: %w", err)
	}
	return v, nil
}
