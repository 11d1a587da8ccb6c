// Command chainkb serves a curated knowledge base of interventions against sex trafficking and
// other forms of modern slavery, organised as Siddharth Kara's business chain: product (victim),
// wholesaler (trafficker), retailer (exploiter) and consumer.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"chainkb/api"
	"chainkb/internal/store"
	"chainkb/models"
	"chainkb/seeds"
)

//	@title				chainkb API
//	@version			1.0
//	@description		A curated knowledge base of interventions against sex trafficking and other forms of modern slavery, organised as Kara's business chain (product, wholesaler, retailer, consumer) with the efforts deployed today and what should be done at each link. Errors are RFC 9457 application/problem+json. Updates need a precondition (If-Match or version).
//	@license.name		Content: cite the sources given in each tactic
//	@BasePath			/api/v1
//	@schemes			http https
//	@tag.name			chains
//	@tag.description	Business chains of exploitation, and each as Kara's table
//	@tag.name			stages
//	@tag.description	The links of a chain: product, wholesaler, retailer, consumer
//	@tag.name			tactics
//	@tag.description	Efforts deployed today and what should be done, at each stage
//	@tag.name			tags
//	@tag.description	Facets of tactics: horizon, economic lever, 4P function
//	@tag.name			operations
//	@tag.description	Health of the service

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "chainkb:", err)
		os.Exit(1)
	}
}

// config is everything chainkb can be told at start-up.
type config struct {
	addr string
	db   string
	seed bool
	// adminKey, from CHAINKB_ADMIN_KEY only (a flag would show in the process list), is made an
	// admin key at start-up, for containers that cannot run "chainkb keys create" first.
	adminKey string
}

// parseConfig reads flags, with environment variables as their defaults.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	cfg := config{addr: ":8080", db: "chainkb.db", seed: true}
	if v := getenv("CHAINKB_ADDR"); v != "" {
		cfg.addr = v
	}
	if v := getenv("CHAINKB_DB"); v != "" {
		cfg.db = v
	}
	cfg.adminKey = getenv("CHAINKB_ADMIN_KEY")
	if v := getenv("CHAINKB_SEED"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("CHAINKB_SEED=%q: want true or false", v)
		}
		cfg.seed = b
	}
	fs := flag.NewFlagSet("chainkb", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.addr, "addr", cfg.addr, "address to listen on (env CHAINKB_ADDR)")
	fs.StringVar(&cfg.db, "db", cfg.db, "SQLite database file, or a postgres:// URL (env CHAINKB_DB)")
	fs.BoolVar(&cfg.seed, "seed", cfg.seed, "load the seed knowledge base into a database that has not had it (env CHAINKB_SEED)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v (the subcommands are: keys)", fs.Args())
	}
	return cfg, nil
}

// run starts chainkb and serves until ctx is cancelled, then shuts down gracefully; or runs a
// subcommand ("chainkb keys ...").
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "keys" {
		return runKeys(ctx, args[1:], getenv, stdout, stderr)
	}
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	gin.SetMode(gin.ReleaseMode)

	st, err := store.Open(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.adminKey != "" {
		if err := st.EnsureKey(ctx, "admin from CHAINKB_ADMIN_KEY", models.RoleAdmin, cfg.adminKey); err != nil {
			return fmt.Errorf("CHAINKB_ADMIN_KEY: %w", err)
		}
	}
	if cfg.seed {
		applied, err := seeds.Load(ctx, st)
		if err != nil {
			return err
		}
		for _, name := range applied {
			log.Info("seeded", "bundle", name)
		}
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           api.New(st, log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", cfg.db, "docs", "/swagger/index.html")

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Let requests in flight finish; refuse new ones.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
