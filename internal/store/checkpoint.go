package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"time"

	"github.com/mattn/go-sqlite3"
)

// SQLite appends every commit to the WAL, which must be copied back into the database file now
// and then: a checkpoint. By default the connection that commits does it, inside its commit, as
// soon as the WAL holds 1,000 pages. At the rate of the harness's creates that was nearly every
// group commit, and every caller of the batch waited for it before hearing back: 10 s runs of
// creates at 100,000 tactics did 812-857 req/s with it and 992-1,072 with no checkpoint at all
// (bench/results.md).
//
// So the writer's connection never checkpoints by itself (wal_autocheckpoint=0), and the batcher
// (writer.go) does, on the same connection: after a batch has committed and its callers have been
// answered, once checkpointEvery has passed since the last checkpoint, and when it has been idle
// for checkpointEvery with commits not yet folded back. Checkpointing less often copies fewer
// pages in all (a page written by many commits is copied once). Running it between batches, with
// no write in flight, lets it fold back the whole WAL, which SQLite then starts again from the
// beginning: a checkpoint run from another connection while the writer kept writing never
// caught up, and the WAL grew by 80 MB a second. Its checkpoints are PASSIVE: they never wait for
// readers.
//
// Durability is unchanged: a commit is in the WAL when its caller hears back, and a crash of the
// process loses nothing; synchronous=NORMAL syncs the WAL at checkpoints, which come at least
// every checkpointEvery while there are writes.

// checkpointEvery is the most time between a commit and the checkpoint that folds it back.
const checkpointEvery = 200 * time.Millisecond

// openWriter opens the writer's pool: each of its connections has automatic checkpoints off.
func openWriter(dsn string) *sql.DB {
	d := &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec("PRAGMA wal_autocheckpoint=0", nil)
		return err
	}}
	return sql.OpenDB(connector{dsn: dsn, driver: d})
}

// connector opens connections to dsn with a driver of the store's own (database/sql's
// driver.Connector), so that the writer's hook needs no global driver registration.
type connector struct {
	dsn    string
	driver *sqlite3.SQLiteDriver
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.driver }

// checkpoint folds the WAL back into the database file, on the writer's connection; the batcher
// calls it between batches.
func (b *batcher) checkpoint() {
	// Cleared first: a bulk write that commits while the checkpoint runs marks it again.
	b.dirty.Store(false)
	// An error (the file busy with a backup's checkpoint, say) leaves the pages for the next
	// try; the WAL keeps every commit meanwhile, so nothing is lost by waiting.
	if _, err := b.s.wSQL.Exec("PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
		b.dirty.Store(true)
	}
	b.lastCheckpoint = time.Now()
}

// markDirty tells the batcher that the WAL holds commits no checkpoint has folded back yet: a
// bulk write's, which went around it.
func (b *batcher) markDirty() {
	b.dirty.Store(true)
	select {
	case b.wake <- struct{}{}:
	default: // the batcher has been woken already
	}
}
