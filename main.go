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

// The API's documents, from the annotations on the handlers and the models: swag's Swagger 2.0,
// the OpenAPI 3.0 made from it (docs/openapi.*), and the Go client generated from that. Run
// "go generate ." after changing an annotation, and commit docs/ and internal/client/.
//go:generate go tool swag init -g main.go -o docs --parseInternal --quiet
//go:generate go run ./internal/openapi/cmd/gen
//go:generate go tool oapi-codegen -config internal/client/oapi-codegen.yaml docs/openapi.json

//	@title				chainkb API
//	@version			1.0
//	@description		A curated knowledge base of interventions against sex trafficking and other forms of modern slavery, organised as Kara's business chain (product, wholesaler, retailer, consumer) with the efforts deployed today and what should be done at each link.
//	@description
//	@description		**Keys.** Anyone may read published content. Writes need an API key with the editor role, sent as `Authorization: Bearer <key>` (in Swagger UI: *Authorize*, paste the key). A key that is sent must be valid, even on a read.
//	@description
//	@description		**Errors** are RFC 9457 `application/problem+json`: `status`, `title`, `detail` (what to do), `code` (a stable reason) and `errors` (each bad field or parameter).
//	@description
//	@description		**No lost updates.** Every object has a `version` and an `ETag`. PUT and PATCH need a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body; stale is 412, none is 428.
//	@description
//	@description		**Lists** come in pages: pass `next_cursor` back as `cursor` (also in the `Link` header). Every request gets an `X-Request-ID` (yours, if you send a sane one), which the history records.
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
//	@tag.name			changes
//	@tag.description	The change feed, for partner apps that keep a mirror
//	@tag.name			keys
//	@tag.description	API keys and their roles, for admins
//	@tag.name			operations
//	@tag.description	Probes for the platform that runs the service; served at the root, not under /api/v1

//	@securityDefinitions.apikey	BearerKey
//	@in							header
//	@name						Authorization
//	@description				An API key: "Bearer <key>". Reads need none; writes need an editor key, the change feed a reader key, keys an admin key.

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
	// ops is logging, limits, proxies, CORS and timeouts (opsconfig.go).
	ops opsConfig
}

// parseConfig reads flags, with environment variables as their defaults.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	cfg := config{addr: ":8080", db: "chainkb.db", seed: true, ops: defaultOpsConfig()}
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
	if err := cfg.ops.register(fs, getenv); err != nil {
		return cfg, err
	}
	fs.Usage = usage(fs)
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if err := cfg.ops.check(); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v (the subcommands are: keys, backup, healthcheck)", fs.Args())
	}
	return cfg, nil
}

// run starts chainkb and serves until ctx is cancelled, then shuts down gracefully; or runs a
// subcommand ("chainkb keys ...").
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "keys" {
		return runKeys(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "backup" {
		return runBackup(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "healthcheck" {
		return runHealthcheck(ctx, args[1:], getenv, stdout, stderr)
	}
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h or --help: the usage is printed
	}
	if err != nil {
		return err
	}
	log := cfg.ops.logger(stderr)
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
		Handler:  api.New(st, log, cfg.ops.apiOptions()...),
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	cfg.ops.setTimeouts(srv)
	log.Info("listening", "addr", ln.Addr().String(), "db", store.Redact(cfg.db), "docs", "/swagger/index.html")

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
