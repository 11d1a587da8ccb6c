// Package store keeps chainkb's knowledge base in SQLite (or PostgreSQL) through GORM. It is the
// only package that knows SQL; it validates every write, runs each write in one transaction, and
// reports failures a client may see as *models.Error.
//
// Each exported method's comment names the kinds of *models.Error it returns. Any other error it
// returns is internal, never meant for a client, and says what the store was doing
// ("store: <op>: ..."): no bare database error leaves the package.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Store is the knowledge base on one SQLite file, or on a PostgreSQL database shared by several
// instances.
//
// On SQLite it holds two connection pools on the same file, as SQLite wants to be used by a
// server: one writer connection, so that writes queue in Go instead of failing with "database is
// locked", and a pool of readers, which WAL lets run while the writer writes.
type Store struct {
	dialect string
	w, r    *gorm.DB
	// bulk is the writer without prepared statements, for transactions of thousands of writes
	// (an import, the seed, data migrations): database/sql keeps every statement a transaction
	// binds to a prepared one until the commit, so a long one would hold them all in memory.
	bulk *gorm.DB
	// scan is the readers without prepared statements, for read transactions of thousands of
	// queries (an export), for the same reason: GORM prepares a statement on the transaction,
	// and database/sql then prepares it again each time the transaction runs it, holding each
	// copy until the end. An export of 100,000 tactics held about 25 MB of SQLite statements
	// that way (issue 30).
	scan       *gorm.DB
	wSQL, rSQL *sql.DB // the same pool on PostgreSQL
	hot        *hotStatements
	// batcher runs SQLite's writes, committing those that queue together (writer.go), and
	// checkpoints the WAL between them (checkpoint.go); nil on PostgreSQL.
	batcher *batcher

	// statements counts the SQL statements run, so that tests can prove a request runs a fixed
	// number of them whatever the size of the data.
	statements atomic.Int64
}

// The database engines the store runs on.
const (
	dialectSQLite   = "sqlite"
	dialectPostgres = "postgres"
)

// sqliteParams are the mattn/go-sqlite3 DSN parameters for every connection. They are in the DSN,
// not run once as PRAGMAs, because the driver applies them to each new connection of the pool.
var sqliteParams = []string{
	// Wait up to 10 s for a lock instead of failing at once with SQLITE_BUSY: other processes
	// (a backup, a second instance) may hold the file briefly.
	"_busy_timeout=10000",
	// WAL lets readers run while the writer writes, and commits with one fsync.
	"_journal_mode=WAL",
	// In WAL mode NORMAL syncs at checkpoints, not at every commit: a committed transaction survives
	// a crash of the process; only a power loss or OS crash can lose the last commits.
	"_synchronous=NORMAL",
	// SQLite leaves foreign keys off unless every connection turns them on.
	"_foreign_keys=on",
}

// Open opens the database named by dsn and migrates it to the latest schema. dsn is a
// postgres:// URL, or else the path of an SQLite file, which is created if needed. Any error is
// internal (not a *models.Error).
func Open(ctx context.Context, dsn string) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("store: empty database path")
	}
	s := &Store{}
	var err error
	if isPostgres(dsn) {
		err = s.openPostgres(dsn)
	} else {
		err = s.openSQLite(dsn)
		if err == nil {
			err = requireFTS5(ctx, s.wSQL)
		}
	}
	if err == nil {
		// Migrate before the first read: SQLite's readers are query-only and see the schema once
		// the writer has committed it.
		err = s.migrate(ctx)
	}
	if err == nil {
		err = s.syncEntities(ctx)
	}
	if err == nil {
		err = s.migrateData(ctx)
	}
	if err == nil {
		err = s.fillTacticDocs(ctx)
	}
	if err == nil {
		err = s.prepareHot(ctx)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openSQLite opens the two pools on one SQLite file.
func (s *Store) openSQLite(path string) error {
	if strings.ContainsAny(path, "?#") {
		// The driver would read what follows as connection parameters and override ours.
		return fmt.Errorf("store: database path %q must not contain '?' or '#'", path)
	}
	s.dialect = dialectSQLite
	base := path + "?" + strings.Join(sqliteParams, "&")

	// The writer starts every transaction with BEGIN IMMEDIATE: it takes the write lock at BEGIN, so a
	// transaction that reads and then writes can never fail half-way on a lock upgrade.
	// Its connections leave checkpoints to the store's checkpointer (checkpoint.go).
	wSQL := openWriter(base + "&_txlock=immediate")
	// One writer connection: SQLite allows one writer at a time anyway, and queueing in database/sql
	// is fairer and faster than busy-waiting on the file lock.
	wSQL.SetMaxOpenConns(1)
	wSQL.SetConnMaxLifetime(0)
	s.wSQL = wSQL

	// Each reader keeps a page cache of 512 KiB instead of SQLite's 2 MB: the operating system caches
	// the file's pages anyway, and 16 caches of 2 MB, with the allocator's arenas around them, were
	// about 55 MB of the process's memory under the harness's mix at 100,000 tactics (174 against
	// 119 MB peak), with no gain in throughput (bench/results.md).
	rSQL, err := sql.Open("sqlite3", base+"&_query_only=true&_cache_size=-512")
	if err != nil {
		return fmt.Errorf("store: open readers: %w", err)
	}
	rSQL.SetMaxOpenConns(16)
	rSQL.SetMaxIdleConns(16)
	rSQL.SetConnMaxIdleTime(5 * time.Minute)
	s.rSQL = rSQL

	if s.w, err = s.gormOn(sqlite.New(sqlite.Config{Conn: wSQL}), true); err != nil {
		return err
	}
	if s.bulk, err = s.gormOn(sqlite.New(sqlite.Config{Conn: wSQL}), false); err != nil {
		return err
	}
	if s.r, err = s.gormOn(sqlite.New(sqlite.Config{Conn: rSQL}), true); err != nil {
		return err
	}
	if s.scan, err = s.gormOn(sqlite.New(sqlite.Config{Conn: rSQL}), false); err != nil {
		return err
	}
	s.batcher = newBatcher(s)
	return nil
}

// openPostgres opens one pool on a PostgreSQL database. PostgreSQL takes concurrent writers, so
// reads and writes share the pool; preconditions and constraints keep several instances right.
func (s *Store) openPostgres(dsn string) error {
	s.dialect = dialectPostgres
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("store: open postgres: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s.wSQL, s.rSQL = db, db
	if s.w, err = s.gormOn(postgres.New(postgres.Config{Conn: db}), true); err != nil {
		return err
	}
	s.r = s.w
	s.bulk, err = s.gormOn(postgres.New(postgres.Config{Conn: db}), false)
	s.scan = s.bulk
	return err
}

// gormOn opens GORM on a pool, keeping its statements prepared, keyed by their SQL:
// reads and writes run the same few statements over and over, and preparing them again each time
// was the largest single cost of a GET (bench/README.md). (Migrations, whose files hold several
// statements each, go through database/sql instead.)
func (s *Store) gormOn(dialector gorm.Dialector, prepared bool) (*gorm.DB, error) {
	g, err := gorm.Open(dialector, &gorm.Config{
		PrepareStmt: prepared,
		// Lists put their page's ids in an IN (...) clause, one statement per page size: bound the
		// cache, so that those statements cannot pile up.
		PrepareStmtMaxSize: 500,
		PrepareStmtTTL:     time.Hour,
		// Turn unique and foreign-key violations into gorm.ErrDuplicatedKey / ErrForeignKeyViolated.
		TranslateError: true,
		// Every write is already in a transaction of ours.
		SkipDefaultTransaction: true,
		// Times are stored in UTC with microsecond precision, so that they compare as text in
		// keyset pagination and survive a round trip through any engine.
		NowFunc: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		Logger:  logger.Discard,
	})
	if err != nil {
		return nil, fmt.Errorf("store: gorm: %w", err)
	}
	count := func(*gorm.DB) { s.statements.Add(1) }
	cb := g.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("chainkb:count", count),
		cb.Row().After("gorm:row").Register("chainkb:count", count),
		cb.Raw().After("gorm:raw").Register("chainkb:count", count),
		cb.Create().After("gorm:create").Register("chainkb:count", count),
		cb.Update().After("gorm:update").Register("chainkb:count", count),
		cb.Delete().After("gorm:delete").Register("chainkb:count", count),
	} {
		if err != nil {
			return nil, fmt.Errorf("store: register callback: %w", err)
		}
	}
	return g, nil
}

// Close closes the pools. Any error is internal.
func (s *Store) Close() error {
	var errs []error
	if s.hot != nil {
		s.hot.close()
	}
	if s.batcher != nil {
		s.batcher.close() // after the writes already queued
	}
	if s.rSQL != nil && s.rSQL != s.wSQL {
		errs = append(errs, s.rSQL.Close())
	}
	if s.wSQL != nil {
		if s.dialect == dialectSQLite {
			// A final checkpoint folds the WAL back into the main file, so that a copy of the .db
			// alone is complete after a clean shutdown.
			_, _ = s.wSQL.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		}
		errs = append(errs, s.wSQL.Close())
	}
	return errors.Join(errs...)
}

// Statements returns how many SQL statements the store has run since it was opened.
func (s *Store) Statements() int64 { return s.statements.Load() }

// Ping checks that the database answers a query: on SQLite a ping alone does not touch the file.
// Any error is internal.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.rSQL.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Redact returns dsn fit for a log: a PostgreSQL URL without its password.
func Redact(dsn string) string {
	if !isPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return u.Redacted()
}

// write runs fn in one transaction on the writer connection: all of it commits, or none of it,
// and write returns only once it has committed. It returns fn's error as it is, or else an
// internal error if the transaction could not begin or commit. On SQLite, writes that queue
// together commit in one transaction, each in a savepoint of its own (writer.go).
//
// On PostgreSQL, where writers run at once, a transaction that a concurrent one made fail (a
// deadlock, a row it checked deleted meanwhile) runs again from the start, so fn must do the same
// thing each time it runs: it sees the other's work then, and answers as if they had taken turns
// (retryRaces, errors.go).
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.batcher != nil {
		return s.batcher.write(ctx, fn)
	}
	return retryRaces(ctx, func() error { return inTx(s.w.WithContext(ctx), fn, nil) })
}

// writeBulk is write for a transaction of many writes (see Store.bulk).
func (s *Store) writeBulk(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	if s.dialect == dialectPostgres {
		err = retryRaces(ctx, func() error { return inTx(s.bulk.WithContext(ctx), fn, nil) })
	} else {
		err = inTx(s.bulk.WithContext(ctx), fn, nil)
	}
	if s.batcher != nil {
		s.batcher.markDirty() // the batcher checkpoints what went around it
	}
	return err
}

// inTx runs fn in one transaction on db. It returns fn's error as it is, or else an internal
// error if the transaction could not begin or commit: no bare driver error leaves the store.
func inTx(db *gorm.DB, fn func(tx *gorm.DB) error, opts *sql.TxOptions) error {
	var fnErr error
	var txOpts []*sql.TxOptions
	if opts != nil {
		txOpts = append(txOpts, opts)
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		fnErr = fn(tx)
		return fnErr
	}, txOpts...)
	if err != nil && fnErr == nil {
		return fmt.Errorf("store: transaction: %w", err)
	}
	return err
}

// read returns a session on the reader pool.
func (s *Store) read(ctx context.Context) *gorm.DB { return s.r.WithContext(ctx) }

// now is the time a write records, in the form the store keeps times.
func (s *Store) now() time.Time { return s.w.Config.NowFunc() }

// idOrSlug splits a path key into an id (all digits) or a slug. Slugs are never all digits, so
// the two cannot be confused.
func idOrSlug(key string) (id int64, slug string) {
	if key != "" && strings.Trim(key, "0123456789") == "" {
		var n int64
		if _, err := fmt.Sscan(key, &n); err == nil {
			return n, ""
		}
	}
	return 0, key
}

// whereText keeps the rows where q, if not empty, occurs in any of columns, case-insensitively
// for ASCII.
func whereText(q *gorm.DB, text string, columns ...string) *gorm.DB {
	if text == "" {
		return q
	}
	p := likePattern(text)
	conds := make([]string, len(columns))
	args := make([]any, len(columns))
	for i, c := range columns {
		conds[i] = "LOWER(" + c + `) LIKE ? ESCAPE '\'`
		args[i] = p
	}
	return q.Where("("+strings.Join(conds, " OR ")+")", args...)
}

// whereChain filters on a chain given by id or slug. A slug that names no chain matches nothing,
// which lists report as an empty page.
func whereChain(q *gorm.DB, column, key string) *gorm.DB {
	id, slug := idOrSlug(key)
	if slug != "" {
		return q.Where(column+" IN (SELECT id FROM chains WHERE slug = ?)", slug)
	}
	return q.Where(column+" = ?", id)
}

// likePattern returns a LIKE pattern that matches q anywhere, case-insensitively for ASCII, with
// LIKE's wildcards in q taken literally (the queries say ESCAPE '\').
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(q)) + "%"
}

// mapRows converts the rows a query read into the objects they hold, stopping at the first that
// does not convert (mapList does the same for a page).
func mapRows[R, T any](rows []R, conv func(*R) (T, error)) ([]T, error) {
	out := make([]T, len(rows))
	for i := range rows {
		var err error
		if out[i], err = conv(&rows[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// insertObject stores the row of an object (cols) with its timestamps (now) and version: a new
// one's (id 0: the database chooses its id), or a deleted one's brought back under its id. It
// returns the id.
func insertObject(tx *gorm.DB, table string, id, version int64, now time.Time, cols map[string]any) (int64, error) {
	cols["created_at"], cols["updated_at"], cols["version"] = now, now, version
	if id != 0 {
		cols["id"] = id
	}
	return insertReturningID(tx, table, cols)
}

// insertReturningID inserts one row of cols into table and returns its id. GORM fills in the id
// of a struct it creates, but not of a map, and a tactic's columns are not all fields of its model.
func insertReturningID(tx *gorm.DB, table string, cols map[string]any) (int64, error) {
	names := make([]string, 0, len(cols))
	for k := range cols {
		names = append(names, k)
	}
	sort.Strings(names)
	args := make([]any, len(names))
	marks := make([]string, len(names))
	for i, n := range names {
		args[i] = cols[n]
		marks[i] = "?"
	}
	var id int64
	q := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ") RETURNING id"
	if err := tx.Raw(q, args...).Scan(&id).Error; err != nil {
		// GORM translates driver errors (a unique violation into ErrDuplicatedKey) for the
		// statements it builds, not for raw ones: do it here, so callers see the same errors.
		if t, ok := tx.Dialector.(gorm.ErrorTranslator); ok {
			return 0, t.Translate(err)
		}
		return 0, err
	}
	return id, nil
}

// linkedIDs reads the ids that query (one integer column) returns, scanned by hand.
func linkedIDs(tx *gorm.DB, query string, args ...any) ([]int64, error) {
	rows, err := tx.Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// sameIDs reports whether a and b hold the same ids, in any order; neither repeats one.
func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for _, id := range a {
		if !slices.Contains(b, id) {
			return false
		}
	}
	return true
}

// insertRows inserts rows into table's columns in one statement, without GORM's reflection over
// maps or structs: for the small link rows every write of a tactic makes (tags, citations).
func insertRows(tx *gorm.DB, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
	marks := "(?" + strings.Repeat(", ?", len(columns)-1) + ")"
	args := make([]any, 0, len(rows)*len(columns))
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(marks)
		args = append(args, r...)
	}
	return tx.Exec(b.String(), args...).Error
}
