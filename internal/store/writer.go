package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// Group commit on SQLite.
//
// SQLite has one writer, and most of a small write's cost is fixed: BEGIN, COMMIT and the WAL
// frames of the pages every write touches (the generation row, the revisions table's last page,
// the indexes' last pages). So the writes that queue while one commits are run together: one
// goroutine (the batcher) takes up to maxBatch of them, runs each in a SAVEPOINT of its own inside
// one transaction, commits once, and only then answers each caller. A caller's error rolls back
// its savepoint only, so it gets its own error as if it had run alone; if the COMMIT fails, every
// caller of the batch gets an internal error and none of the batch is written. A write that finds
// nobody queued with it runs alone, without a savepoint, exactly as before.
//
// Invariants:
//   - No caller hears back before its write is committed (or known to have failed).
//   - Revisions take their ids from the generation row inside the transaction, one fn after the
//     other; a rolled-back savepoint takes its increment with it. So the ids stay gap-free and in
//     commit order, and a batch's revisions become visible to readers all at once.
//   - Each fn sees what the fns before it in the batch wrote (same connection, same transaction).
//   - A caller whose context is done before its turn never runs (it gets the context's error).
//     Once its turn comes its fn runs to the end without cancellation: on SQLite an interrupted
//     write rolls back the whole transaction, which would take the rest of the batch with it.
//   - writeBulk (imports, the seed, data migrations) never goes through the batcher: it takes the
//     writer connection for itself, and the batcher waits for it.
//   - A fn must not call write itself (it would wait for its own batch): no caller does, as none
//     could before either (one writer connection).
//
// PostgreSQL takes concurrent writers, so it keeps one transaction per write (Store.write).

// maxBatch bounds the writes committed together, so that one COMMIT never waits on too many fns.
const maxBatch = 64

// maxWriteStatements bounds the writer's prepared statements (statements with IN lists of every
// length would otherwise pile up); statements beyond it are prepared for each use.
const maxWriteStatements = 500

// queuedWrite is one call of Store.write waiting for the batcher.
type queuedWrite struct {
	ctx      context.Context
	fn       func(tx *gorm.DB) error
	err      error
	panicked any // what fn panicked with, re-panicked in the caller's goroutine
	done     chan struct{}
}

// batcher runs the SQLite store's writes (see above).
type batcher struct {
	s *Store

	mu     sync.Mutex
	queue  []*queuedWrite
	closed bool
	wake   chan struct{} // a write was queued (capacity 1)
	stop   chan struct{} // closed by Store.Close
	exited chan struct{} // closed when the batcher's goroutine returns

	// stmts are the writer connection's prepared statements, by their SQL; newStmts the SQL
	// first seen in the last batch, prepared once it has committed (see writeConnPool).
	stmts    map[string]*sql.Stmt
	newStmts []string

	// beforeCommit, if set, runs before each COMMIT; an error from it fails the commit as a failing
	// COMMIT would. For tests only: a plain function field, nil in production.
	beforeCommit func(batch []*queuedWrite) error
	// batches counts the transactions committed or rolled back, writes the writes they ran.
	batches, writes int64

	// dirty is set while the WAL holds commits that no checkpoint has folded back into the
	// database file; lastCheckpoint is when the last checkpoint ran (checkpoint.go).
	dirty          atomic.Bool
	lastCheckpoint time.Time
}

func newBatcher(s *Store) *batcher {
	b := &batcher{s: s, wake: make(chan struct{}, 1), stop: make(chan struct{}), exited: make(chan struct{}),
		stmts: map[string]*sql.Stmt{}, lastCheckpoint: time.Now()}
	b.dirty.Store(true) // whatever opening the store wrote (migrations, documents)
	go b.loop()
	return b
}

var errClosed = errors.New("store: closed")

// write queues fn and waits until its batch has committed or failed.
func (b *batcher) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	w := &queuedWrite{ctx: ctx, fn: fn, done: make(chan struct{})}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return errClosed
	}
	b.queue = append(b.queue, w)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default: // the batcher has been woken already
	}
	<-w.done
	if w.panicked != nil {
		panic(w.panicked)
	}
	return w.err
}

// queued is how many writes wait for their turn.
func (b *batcher) queued() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue)
}

// close stops the batcher once the writes queued so far have run.
func (b *batcher) close() {
	b.mu.Lock()
	already := b.closed
	b.closed = true
	b.mu.Unlock()
	if !already {
		close(b.stop)
	}
	<-b.exited
	for _, st := range b.stmts {
		st.Close()
	}
}

func (b *batcher) loop() {
	defer close(b.exited)
	for {
		b.mu.Lock()
		n := min(len(b.queue), maxBatch)
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		closed := b.closed
		b.mu.Unlock()
		if n > 0 {
			b.run(batch)
			b.dirty.Store(true)
			if time.Since(b.lastCheckpoint) >= checkpointEvery {
				b.checkpoint()
			}
			continue
		}
		if closed {
			return
		}
		// Idle with commits not folded back: checkpoint unless a write comes first.
		var idle *time.Timer
		var idleC <-chan time.Time
		if b.dirty.Load() {
			idle = time.NewTimer(checkpointEvery)
			idleC = idle.C
		}
		select {
		case <-b.wake:
		case <-b.stop:
		case <-idleC:
			b.checkpoint()
		}
		if idle != nil {
			idle.Stop()
		}
	}
}

// run runs one batch in one transaction and answers its callers.
func (b *batcher) run(batch []*queuedWrite) {
	err := b.runTx(batch)
	b.batches++
	b.writes += int64(len(batch))
	for _, w := range batch {
		if err != nil && w.err == nil && w.panicked == nil {
			w.err = err
		}
		close(w.done)
	}
	b.prepareNew()
}

// runTx runs the batch's fns and commits. It returns nil if the transaction committed (each
// write then holds its own result), or the internal error that every caller of the batch gets.
func (b *batcher) runTx(batch []*queuedWrite) error {
	// The transaction belongs to no caller: one caller's cancellation must not end the others'.
	tx, err := b.s.wSQL.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("store: transaction: %w", err)
	}
	pool := &writeConnPool{tx: tx, b: b}
	// A write alone runs as it always has, without a savepoint.
	savepoints := len(batch) > 1
	ran := false
	for _, w := range batch {
		if err := w.ctx.Err(); err != nil {
			w.err = fmt.Errorf("store: transaction: %w", err)
			continue
		}
		ran = true
		if savepoints {
			if _, err := tx.Exec("SAVEPOINT write"); err != nil {
				tx.Rollback()
				return fmt.Errorf("store: transaction: savepoint: %w", err)
			}
		}
		b.call(w, pool)
		if w.err == nil && w.panicked == nil {
			if savepoints {
				if _, err := tx.Exec("RELEASE write"); err != nil {
					tx.Rollback()
					return fmt.Errorf("store: transaction: release: %w", err)
				}
			}
			continue
		}
		if !savepoints {
			tx.Rollback()
			return nil // the caller has its own error
		}
		// Undo this write only. Should SQLite have rolled the whole transaction back (an I/O
		// error, a full disk), the savepoint is gone and the batch fails as a whole.
		if _, err := tx.Exec("ROLLBACK TO write"); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: transaction: rollback to savepoint: %w", err)
		}
		if _, err := tx.Exec("RELEASE write"); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: transaction: release: %w", err)
		}
	}
	if !ran {
		tx.Rollback()
		return nil
	}
	if b.beforeCommit != nil {
		if err := b.beforeCommit(batch); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: transaction: commit: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		// A COMMIT that fails (a deferred constraint, say) leaves the transaction open.
		tx.Rollback()
		return fmt.Errorf("store: transaction: commit: %w", err)
	}
	return nil
}

// call runs one write's fn on the batch's transaction, with the caller's context values (the
// principal and request id its revision records) but not its cancellation.
func (b *batcher) call(w *queuedWrite, pool *writeConnPool) {
	defer func() {
		if p := recover(); p != nil {
			w.panicked = p
		}
	}()
	db := b.s.bulk.Session(&gorm.Session{Context: context.WithoutCancel(w.ctx)})
	db.Statement.ConnPool = pool
	w.err = w.fn(db)
}

// prepareNew prepares the statements first seen in the last batch on the writer's pool, now that
// the transaction no longer holds its one connection.
func (b *batcher) prepareNew() {
	for _, q := range b.newStmts {
		if len(b.stmts) >= maxWriteStatements {
			break
		}
		if _, ok := b.stmts[q]; ok {
			continue
		}
		if st, err := b.s.wSQL.Prepare(q); err == nil {
			b.stmts[q] = st
		}
	}
	b.newStmts = b.newStmts[:0]
}

// writeConnPool is the connection a batch's fns see through GORM: the batch's transaction, each
// statement run through a statement prepared once on the writer connection.
//
// GORM's own prepared statements cannot do this for a transaction: a statement it prepares inside
// one is bound to it, and database/sql prepares it again in every later transaction (the profile
// of a create showed a tenth of its time in sqlite3_prepare). A statement prepared on the pool is
// prepared on the writer's single connection, and a transaction on that connection reuses it.
type writeConnPool struct {
	tx *sql.Tx
	b  *batcher
}

// stmt returns the transaction's use of q's prepared statement, or nil if q has none yet.
func (p *writeConnPool) stmt(ctx context.Context, q string) *sql.Stmt {
	if st, ok := p.b.stmts[q]; ok {
		return p.tx.StmtContext(ctx, st)
	}
	p.b.newStmts = append(p.b.newStmts, q)
	return nil
}

func (p *writeConnPool) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return p.tx.PrepareContext(ctx, q)
}

func (p *writeConnPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.tx.ExecContext(ctx, q, args...)
}

func (p *writeConnPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.tx.QueryContext(ctx, q, args...)
}

func (p *writeConnPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.tx.QueryRowContext(ctx, q, args...)
}

// Commit and Rollback make GORM see a transaction (a nested Transaction call takes a savepoint);
// the batcher alone ends it.
func (p *writeConnPool) Commit() error   { return errors.New("store: a write's fn cannot commit") }
func (p *writeConnPool) Rollback() error { return errors.New("store: a write's fn cannot roll back") }
