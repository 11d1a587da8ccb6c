// Package cli is chainkb's command line: serving the API (the default), and the subcommands keys,
// backup and healthcheck, with the configuration each reads from flags and the environment. The
// root package's main only calls Run.
package cli

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
	"runtime/debug"
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/api"
	"chainkb/internal/store"
	"chainkb/models"
	"chainkb/seeds"
)

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
	// hooks is how webhook deliveries reach their endpoints (webhooks.go).
	hooks webhookConfig
	// version: print the build's version and exit.
	version bool
	// addrFile, if set, is where the server writes the address it listens on, for
	// "chainkb healthcheck" (healthcheck.go).
	addrFile string
}

// parseConfig reads flags, with environment variables as their defaults. -h and --help print the
// usage to out and return flag.ErrHelp; a bad flag is returned as an error, with nothing printed.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	cfg := config{addr: ":8080", db: "chainkb.db", seed: true, ops: defaultOpsConfig(), hooks: defaultWebhookConfig()}
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
	cfg.addrFile = getenv("CHAINKB_ADDR_FILE")
	fs := flag.NewFlagSet("chainkb", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.addr, "addr", cfg.addr, "address to listen on (env CHAINKB_ADDR)")
	fs.StringVar(&cfg.addrFile, "addr-file", cfg.addrFile, "file to write the address it listens on to, which \"chainkb healthcheck\" reads; none by default (env CHAINKB_ADDR_FILE)")
	fs.BoolVar(&cfg.version, "version", false, "print the version (module version, VCS revision and time, modified) and exit")
	fs.StringVar(&cfg.db, "db", cfg.db, "SQLite database file, or a postgres:// URL (env CHAINKB_DB)")
	fs.BoolVar(&cfg.seed, "seed", cfg.seed, "load the seed knowledge base into a database that has not had it (env CHAINKB_SEED)")
	if err := cfg.ops.register(fs, getenv); err != nil {
		return cfg, err
	}
	if err := cfg.hooks.register(fs, getenv); err != nil {
		return cfg, err
	}
	// The usage goes to out on -h/--help only; a bad flag is the error Run prints, with a hint.
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(out)
		usage(fs)()
		return cfg, err
	} else if err != nil {
		return cfg, fmt.Errorf("%w (chainkb --help lists the flags)", err)
	}
	if err := errors.Join(cfg.ops.check(), cfg.hooks.check()); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v (the subcommands are: serve, keys, backup, export, import, healthcheck, version, help)", fs.Args())
	}
	return cfg, nil
}

// Run runs chainkb with the command-line arguments args (without the program's name) and returns
// the process's exit status: 0, or 1 after printing the error to stderr. It serves until ctx is
// cancelled, then shuts down gracefully; or it runs a subcommand.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if err := run(ctx, args, getenv, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "chainkb:", err)
		return 1
	}
	return 0
}

// run starts chainkb and serves until ctx is cancelled, then shuts down gracefully; or runs a
// subcommand ("chainkb keys ...").
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "help":
			// "chainkb help" is "chainkb --help"; "chainkb help keys" is "chainkb keys --help".
			if len(args) > 1 && args[1] != "serve" {
				return run(ctx, []string{args[1], "--help"}, getenv, stdout, stderr)
			}
			args = []string{"--help"}
		case "version":
			args = []string{"--version"}
		case "serve":
			args = args[1:]
		}
	}
	if len(args) > 0 && args[0] == "keys" {
		return runKeys(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "backup" {
		return runBackup(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "export" {
		return runExport(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "import" {
		return runImport(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "healthcheck" {
		return runHealthcheck(ctx, args[1:], getenv, stdout, stderr)
	}
	cfg, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h or --help: the usage is printed
	}
	if err != nil {
		return err
	}
	if cfg.version {
		fmt.Fprintln(stdout, versionLine())
		return nil
	}
	if cfg.ops.memoryLimit > 0 {
		debug.SetMemoryLimit(cfg.ops.memoryLimit)
	}
	log := cfg.ops.logger(stderr)
	// Everything logs through this logger, in the format asked for: the store's migrations and the
	// seed log through slog's default logger, and the log package writes through it too.
	prev := slog.Default()
	slog.SetDefault(log)
	defer slog.SetDefault(prev)
	gin.SetMode(gin.ReleaseMode)
	if err := checkDataDir(cfg.db); err != nil {
		return err
	}

	st, err := store.Open(ctx, cfg.db)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			st.Close()
		}
	}()
	if cfg.adminKey != "" {
		if err := st.EnsureKey(ctx, "admin from CHAINKB_ADMIN_KEY", models.RoleAdmin, cfg.adminKey); err != nil {
			return fmt.Errorf("CHAINKB_ADMIN_KEY: %w", err)
		}
	}
	if cfg.seed {
		// seeds.Load logs what it applied ("seed applied").
		if _, err := seeds.Load(ctx, st); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	// The webhook worker lives as long as the server: stopped within the shutdown's grace, before
	// the database closes.
	worker, hookOptions := cfg.hooks.start(st, log, ctx.Done())
	defer worker.Stop(context.Background()) // on an early return; a no-op after the shutdown's Stop
	srv := &http.Server{
		Handler:  api.New(st, log, append(cfg.ops.apiOptions(), hookOptions...)...),
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	cfg.ops.setTimeouts(srv)
	smallTextPages()
	log.Info("listening", "addr", ln.Addr().String(), "db", store.Redact(cfg.db), "docs", "/swagger/index.html", "version", version())
	if cfg.addrFile != "" {
		if err := writeAddrFile(cfg.addrFile, ln.Addr().String()); err != nil {
			log.Warn("cannot write the address file; chainkb healthcheck falls back to -addr and CHAINKB_ADDR", "addr_file", cfg.addrFile, "error", err)
		} else {
			defer os.Remove(cfg.addrFile)
		}
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Let requests in flight finish, for shutdownTimeout at most; refuse new ones. A client that
	// never finishes its request does not hold the shutdown up: its connection is closed when
	// the time is up, and the exit is clean as long as the database closes cleanly.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ops.shutdownTimeout)
	defer cancel()
	workerStopped := make(chan error, 1)
	go func() { workerStopped <- worker.Stop(shutdownCtx) }()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("requests still in flight when the shutdown timeout ran out: closing their connections",
			"shutdown_timeout", cfg.ops.shutdownTimeout.String(), "error", err)
		if err := srv.Close(); err != nil {
			log.Warn("close connections", "error", err)
		}
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if err := <-workerStopped; err != nil {
		log.Warn("webhook deliveries under way when the shutdown timeout ran out were cancelled; they are owed still", "error", err)
	}
	closed = true
	if err := st.Close(); err != nil {
		return fmt.Errorf("close the database: %w", err)
	}
	log.Info("stopped")
	return nil
}
