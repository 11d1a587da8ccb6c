// Command profile serves chainkb's API exactly as the chainkb binary does (api.New over
// store.Open), plus net/http/pprof on a second address, so that the server can be profiled under
// the benchmark's load without chainkb itself exposing pprof. It does not seed the database and
// takes no keys from the environment: point it at a database the benchmark kept (-keep).
//
//	go run ./profile -db /tmp/chainkb-bench-*/n100000/kb.db -addr 127.0.0.1:8080 -pprof 127.0.0.1:6060
//	go tool pprof -top 'http://127.0.0.1:6060/debug/pprof/profile?seconds=10'   # while loading it
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"chainkb/api"
	"chainkb/internal/store"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address of the API")
	pprofAddr := flag.String("pprof", "127.0.0.1:6060", "address of /debug/pprof/")
	db := flag.String("db", "", "chainkb SQLite database file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *pprofAddr, *db); err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr, pprofAddr, db string) error {
	if db == "" {
		return errors.New("-db is required")
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	gin.SetMode(gin.ReleaseMode)
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()

	// pprof on its own mux and port: the API's router must stay exactly chainkb's.
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	servers := []*http.Server{
		{Addr: addr, Handler: api.New(st, log), ReadHeaderTimeout: 5 * time.Second},
		{Addr: pprofAddr, Handler: mux, ReadHeaderTimeout: 5 * time.Second},
	}
	errc := make(chan error, len(servers))
	for _, s := range servers {
		go func() { errc <- s.ListenAndServe() }()
	}
	log.Info("serving", "api", addr, "pprof", pprofAddr, "db", db)
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	for _, s := range servers {
		_ = s.Shutdown(context.Background())
	}
	return err
}
