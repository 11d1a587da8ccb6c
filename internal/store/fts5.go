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

// searchIndexes are the FTS5 tables of migrations 0007 and 0028, one per searchable table.
var searchIndexes = []string{"tactics_fts", "sources_fts", "stages_fts", "chains_fts", "countries_fts"}

// OptimizeSearch merges each of SQLite's full-text indexes into a single segment (FTS5's
// 'optimize'). Many rows written in a few transactions (an import, a bulk load, the rebuild of a
// migration) leave an index in ten or more segments, and every search then looks each word up in
// each of them: at 1,000 tactics that took the ranking query from about 90 to 210 µs. The
// writes of the normal path fragment it again slowly, and FTS5's automerge keeps that bounded.
// exec runs one statement; a *sql.DB, *sql.Tx or *sql.Conn's ExecContext will do.
func OptimizeSearch(ctx context.Context, exec func(ctx context.Context, query string, args ...any) (sql.Result, error)) error {
	for _, t := range searchIndexes {
		if _, err := exec(ctx, "INSERT INTO "+t+" ("+t+") VALUES ('optimize')"); err != nil {
			return fmt.Errorf("store: optimize %s: %w", t, err)
		}
	}
	return nil
}
