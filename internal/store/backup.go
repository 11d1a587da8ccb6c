package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// ErrBackupNotSQLite is returned when asked to back up a database that is not an SQLite file:
// PostgreSQL has its own tools for that.
var ErrBackupNotSQLite = errors.New("store: chainkb backup copies SQLite databases only; back up PostgreSQL with pg_dump (for example: pg_dump --format=custom --file=chainkb.dump \"$CHAINKB_DB\")")

// Backup writes a consistent copy of the database to dest, a file that must not exist yet, while
// the store goes on serving: the copy is the database as it stood when the backup began, so it
// holds every write committed before the call.
//
// It runs SQLite's VACUUM INTO on a connection of its own, in a read transaction: in WAL mode that
// neither waits for the writer nor holds it up. (The store's readers are query-only, and SQLite
// counts writing the copy as a write, so it cannot use them.)
//
// It returns ErrBackupNotSQLite on PostgreSQL; its errors are all internal, none a *models.Error.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if s.dialect != dialectSQLite {
		return ErrBackupNotSQLite
	}
	// The file the store has open, as SQLite resolved it.
	var path string
	rows, err := s.r.WithContext(ctx).Raw("PRAGMA database_list").Rows()
	if err != nil {
		return fmt.Errorf("store: backup: find the database file: %w", err)
	}
	for rows.Next() {
		var seq int
		var name, file string
		if err := rows.Scan(&seq, &name, &file); err != nil {
			rows.Close()
			return fmt.Errorf("store: backup: find the database file: %w", err)
		}
		if name == "main" {
			path = file
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: backup: find the database file: %w", err)
	}
	if path == "" {
		return errors.New("store: backup: the database is not a file")
	}
	return BackupFile(ctx, path, dest)
}

// BackupFile writes a consistent copy of the SQLite database at path to dest, a file that must not
// exist yet, without opening the database as a Store: it never creates, migrates or checkpoints
// the source, so it is safe to run from another process while chainkb serves. It is what
// "chainkb backup" runs.
//
// The copy is written next to dest under a temporary name, checked with PRAGMA integrity_check,
// synced to disk, and only then given its name, so dest never names a partial copy.
//
// It returns ErrBackupNotSQLite for a PostgreSQL URL; its errors are all internal, none a
// *models.Error.
func BackupFile(ctx context.Context, path, dest string) error {
	if isPostgres(path) {
		return ErrBackupNotSQLite
	}
	if dest == "" {
		return errors.New("store: backup: no destination file")
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("store: backup: %s already exists; give a new file name", dest)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: backup: %w", err)
	}
	if fi, err := os.Stat(path); err != nil {
		return fmt.Errorf("store: backup: the database: %w", err)
	} else if !fi.Mode().IsRegular() {
		return fmt.Errorf("store: backup: %s is not a database file", path)
	}

	// VACUUM INTO writes into a file that is new or empty.
	tmpf, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.partial")
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	tmp := tmpf.Name()
	tmpf.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(tmp)
		}
	}()

	if err := backupVacuumInto(ctx, path, tmp); err != nil {
		return err
	}
	if err := backupCheckIntegrity(ctx, tmp); err != nil {
		return err
	}
	if err := backupSync(tmp); err != nil {
		return fmt.Errorf("store: backup: sync the copy: %w", err)
	}
	// A hard link gives the copy its name only if the name is still free; where the file system
	// has no hard links, fall back to a rename.
	if err := os.Link(tmp, dest); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("store: backup: %s already exists; give a new file name", dest)
		}
		if _, serr := os.Lstat(dest); serr == nil {
			return fmt.Errorf("store: backup: %s already exists; give a new file name", dest)
		}
		if err := os.Rename(tmp, dest); err != nil {
			return fmt.Errorf("store: backup: %w", err)
		}
	}
	done = true
	os.Remove(tmp)
	// The new name is durable once the directory is synced.
	_ = backupSync(filepath.Dir(dest))
	return nil
}

// backupReadOnlyDSN is a DSN that opens the SQLite file at path read-only (failing if it does not
// exist), waiting up to 10 s for a lock as the store's own connections do.
func backupReadOnlyDSN(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "mode=ro&_busy_timeout=10000"}
	return u.String(), nil
}

// backupVacuumInto copies the database at path into the empty file out.
func backupVacuumInto(ctx context.Context, path, out string) error {
	dsn, err := backupReadOnlyDSN(path)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return fmt.Errorf("store: backup: open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		return fmt.Errorf("store: backup: VACUUM INTO: %w", err)
	}
	return nil
}

// backupCheckIntegrity runs PRAGMA integrity_check on the SQLite file at path.
func backupCheckIntegrity(ctx context.Context, path string) error {
	dsn, err := backupReadOnlyDSN(path)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return fmt.Errorf("store: backup: check the copy: %w", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("store: backup: check the copy: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("store: backup: check the copy: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: backup: check the copy: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: backup: the copy fails integrity_check: %s", strings.Join(problems, "; "))
	}
	return nil
}

func backupSync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
