package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"chainkb/internal/store"
)

const backupUsage = `usage: chainkb backup [-db FILE] DEST
  Writes a consistent copy of the SQLite database to DEST, a new file, while chainkb keeps serving:
  the copy holds every write acknowledged before the backup began, and passes PRAGMA integrity_check.
  For PostgreSQL, use pg_dump.`

// runBackup is "chainkb backup": an online backup of the SQLite database.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chainkb backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, backupUsage)
		fs.PrintDefaults()
	}
	db := fs.String("db", "chainkb.db", "SQLite database file (env CHAINKB_DB)")
	if v := getenv("CHAINKB_DB"); v != "" {
		*db = v
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil // the usage is printed
	} else if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(backupUsage)
	}
	dest := fs.Arg(0)
	start := time.Now()
	if err := store.BackupFile(ctx, *db, dest); err != nil {
		return err
	}
	size := int64(-1)
	if fi, err := os.Stat(dest); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(stderr, "backed up %s to %s (%d bytes, integrity_check ok) in %s\n", *db, dest, size, time.Since(start).Round(time.Millisecond))
	return nil
}
