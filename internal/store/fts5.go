package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// errNoFTS5 is why a store refuses an SQLite build without FTS5: search and the triggers that
// keep its index would fail at the first query or write instead.
var errNoFTS5 = errors.New("store: this binary's SQLite has no FTS5, which full-text search needs: build and test with -tags sqlite_fts5 (go build -tags sqlite_fts5 .; go test -tags sqlite_fts5 ./...)")

// requireFTS5 fails loudly, at start-up, when SQLite was compiled without FTS5 (mattn's driver
// compiles it in only with the build tag sqlite_fts5), rather than letting search fall back to
// something slower or the index's triggers fail the first write.
func requireFTS5(ctx context.Context, db *sql.DB) error {
	var used int
	if err := db.QueryRowContext(ctx, "SELECT sqlite_compileoption_used('ENABLE_FTS5')").Scan(&used); err != nil {
		return fmt.Errorf("store: check for FTS5: %w", err)
	}
	if used != 1 {
		return errNoFTS5
	}
	return nil
}
