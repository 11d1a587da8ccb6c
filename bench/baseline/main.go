// Command baseline is the ceiling that chainkb's read path is measured against: the same read
// endpoints, answering the same JSON from the same SQLite file with the same SQL, written with
// nothing but net/http, database/sql and mattn/go-sqlite3. Whatever chainkb spends beyond it goes
// to its framework, ORM and encoding, not to SQLite.
//
// It only reads, and it validates only what it needs to run its queries: it is a yardstick, not
// a second implementation of the API.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// dsnParams are chainkb's reader settings (internal/store/store.go): the same busy timeout,
// journal mode, durability and foreign keys, and query-only connections.
const dsnParams = "_busy_timeout=10000&_journal_mode=WAL&_synchronous=NORMAL&_foreign_keys=on&_query_only=true"

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	dbPath := flag.String("db", "", "chainkb SQLite database file")
	flag.Parse()
	if err := run(*addr, *dbPath); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run(addr, dbPath string) error {
	if dbPath == "" {
		return errors.New("-db is required")
	}
	db, err := sql.Open("sqlite3", dbPath+"?"+dsnParams)
	if err != nil {
		return err
	}
	defer db.Close()
	// chainkb's reader pool size, so that both servers run as many queries at once.
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	q, err := prepare(ctx, db)
	if err != nil {
		return err
	}
	s := &server{q: q}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /api/v1/tactics/{id}", s.tactic)
	mux.HandleFunc("GET /api/v1/tactics", s.tactics)
	mux.HandleFunc("GET /api/v1/chains/{key}/table", s.table)

	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("baseline: shutdown: %v", err)
	}
	return nil
}
