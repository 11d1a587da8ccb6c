package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"chainkb/api"
)

// opsConfig is what whoever runs chainkb tunes: logs, limits, proxies, CORS and timeouts.
type opsConfig struct {
	logFormat string
	logLevel  string

	maxBody, maxImport int64
	// memoryLimit is the Go runtime's soft memory limit, in bytes; 0 leaves the runtime's own
	// (none, or GOMEMLIMIT's).
	memoryLimit int64

	rateAnon, rateKey   float64
	burstAnon, burstKey int
	rateClients         int

	trustedProxies string
	corsOrigins    string

	readHeaderTimeout, readTimeout, writeTimeout, idleTimeout time.Duration
	// shutdownTimeout bounds how long a shutdown waits for requests in flight before it closes
	// their connections.
	shutdownTimeout time.Duration

	// Parsed from the above by check.
	proxies, origins []string
	level            slog.Level
}

// defaultShutdownTimeout is the default -shutdown-timeout.
const defaultShutdownTimeout = 8 * time.Second

// defaultMemoryLimit is the default -memory-limit. Without a limit the garbage collector lets the
// heap grow to twice what is live before it collects, so the busier the server the more memory it
// holds: at 100,000 tactics under 32 connections chainkb's peak RSS went from 56-66 MB on a
// loaded machine to 79-87 MB on a quiet one, where it answered twice as many requests. With a soft
// limit the collector runs sooner instead. The limit covers Go's memory only; SQLite's caches
// (about 8 MB) and the executable's pages (about 21 MB) come on top: with 40 MiB the process peaked
// at 48-72 MB there, ranking new searches included, at the same CPU a request (bench/results.md,
// issue 30). It is soft: a larger live heap (an import of a large bundle) is
// allowed, at the cost of more collection while it lasts.
//
// GOGC stays the runtime's (100, or the environment's). Raising it under this limit was measured
// and not kept: GOGC 400 saved about 15 % of the CPU of a get by id and of a create (alternated),
// but with GOGC 200 or 400 peak RSS at 100,000 tactics rose to 78-80 MiB (the largest chain's
// table, the mix), over issue 30's 80 MB; a 32 MiB limit with GOGC 400 kept it at 71 MiB but
// doubled the CPU of a 15 MB import (10.7 → 21.2 s), and 36 MiB still cost it 10 %
// (bench/results.md, seventh pass).
const defaultMemoryLimit = 40 << 20

func defaultOpsConfig() opsConfig {
	return opsConfig{
		logFormat:         "text",
		logLevel:          "info",
		maxBody:           api.DefaultMaxBodyBytes,
		maxImport:         api.DefaultMaxImportBytes,
		memoryLimit:       defaultMemoryLimit,
		rateAnon:          10,
		burstAnon:         40,
		rateKey:           50,
		burstKey:          200,
		rateClients:       api.DefaultMaxClients,
		readHeaderTimeout: 5 * time.Second,
		readTimeout:       30 * time.Second,
		writeTimeout:      60 * time.Second,
		idleTimeout:       120 * time.Second,
		// Below the 10 s that docker stop, podman stop and Kubernetes (30 s) wait before SIGKILL,
		// so that a stop is clean with their defaults (TestShutdownGraceFitsDockerStop).
		shutdownTimeout: defaultShutdownTimeout,
	}
}

// register defines the operations flags on fs. Each takes its environment variable as its
// default, so that a flag wins over the environment.
func (o *opsConfig) register(fs *flag.FlagSet, getenv func(string) string) error {
	fs.StringVar(&o.logFormat, "log-format", o.logFormat, "log format: text (for people) or json (for log collectors) (env CHAINKB_LOG_FORMAT)")
	fs.StringVar(&o.logLevel, "log-level", o.logLevel, "least level logged: debug, info, warn or error (env CHAINKB_LOG_LEVEL)")
	fs.Int64Var(&o.maxBody, "max-body", o.maxBody, "largest request body in bytes; a larger one is refused with 413 (env CHAINKB_MAX_BODY)")
	fs.Int64Var(&o.maxImport, "max-import-body", o.maxImport, "largest bundle POST /api/v1/import reads, in bytes; a larger one is refused with 413 (env CHAINKB_MAX_IMPORT_BODY)")
	if getenv("GOMEMLIMIT") != "" {
		o.memoryLimit = 0 // the Go runtime's own setting, which it has already applied
	}
	fs.Int64Var(&o.memoryLimit, "memory-limit", o.memoryLimit, "soft limit of the Go heap and runtime, in bytes, past which the garbage collector works harder; 0 for none; 0 by default when GOMEMLIMIT is set (env CHAINKB_MEMORY_LIMIT)")
	fs.Float64Var(&o.rateAnon, "rate-anon", o.rateAnon, "requests per second each IP address may send without a key, on average; 0 for no limit (env CHAINKB_RATE_ANON)")
	fs.IntVar(&o.burstAnon, "rate-anon-burst", o.burstAnon, "requests an IP address may send at once without a key (env CHAINKB_RATE_ANON_BURST)")
	fs.Float64Var(&o.rateKey, "rate-key", o.rateKey, "requests per second each API key may send, on average; 0 for no limit (env CHAINKB_RATE_KEY)")
	fs.IntVar(&o.burstKey, "rate-key-burst", o.burstKey, "requests an API key may send at once (env CHAINKB_RATE_KEY_BURST)")
	fs.IntVar(&o.rateClients, "rate-clients", o.rateClients, "most clients (keys and addresses) the rate limiter remembers at once (env CHAINKB_RATE_CLIENTS)")
	fs.StringVar(&o.trustedProxies, "trusted-proxies", o.trustedProxies, "comma-separated IP addresses or CIDR networks of the proxies whose X-Forwarded-For names the client; none by default (env CHAINKB_TRUSTED_PROXIES)")
	fs.StringVar(&o.corsOrigins, "cors-origins", o.corsOrigins, "comma-separated origins (https://app.example.org) whose pages may call the API from a browser, or *; none by default (env CHAINKB_CORS_ORIGINS)")
	fs.DurationVar(&o.readHeaderTimeout, "read-header-timeout", o.readHeaderTimeout, "time a client has to send the request headers (env CHAINKB_READ_HEADER_TIMEOUT)")
	fs.DurationVar(&o.readTimeout, "read-timeout", o.readTimeout, "time a client has to send the whole request (env CHAINKB_READ_TIMEOUT)")
	fs.DurationVar(&o.writeTimeout, "write-timeout", o.writeTimeout, "time to answer a request, from the end of its headers (env CHAINKB_WRITE_TIMEOUT)")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", o.idleTimeout, "time an idle keep-alive connection stays open (env CHAINKB_IDLE_TIMEOUT)")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", o.shutdownTimeout, "on SIGTERM or SIGINT, time requests in flight have to finish before their connections are closed (env CHAINKB_SHUTDOWN_TIMEOUT)")

	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		env := envOf(f)
		if env == "" || !opsFlags[f.Name] {
			return
		}
		if v := getenv(env); v != "" {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %v", env, v, err))
			}
		}
	})
	return errors.Join(errs...)
}

// opsFlags are the flags register defines.
var opsFlags = map[string]bool{
	"log-format": true, "log-level": true, "max-body": true, "max-import-body": true, "memory-limit": true,
	"rate-anon": true, "rate-anon-burst": true, "rate-key": true, "rate-key-burst": true, "rate-clients": true,
	"trusted-proxies": true, "cors-origins": true,
	"read-header-timeout": true, "read-timeout": true, "write-timeout": true, "idle-timeout": true,
	"shutdown-timeout": true,
}

// envOf reads a flag's environment variable from its usage text: "... (env CHAINKB_X)".
func envOf(f *flag.Flag) string {
	_, after, ok := strings.Cut(f.Usage, "(env ")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(after, ")")
	return name
}

// check validates the configuration and parses the lists in it.
func (o *opsConfig) check() error {
	var errs []error
	if o.logFormat != "text" && o.logFormat != "json" {
		errs = append(errs, fmt.Errorf("-log-format %q: want text or json", o.logFormat))
	}
	if err := o.level.UnmarshalText([]byte(o.logLevel)); err != nil {
		errs = append(errs, fmt.Errorf("-log-level %q: want debug, info, warn or error", o.logLevel))
	}
	if o.maxBody <= 0 {
		errs = append(errs, fmt.Errorf("-max-body %d: want a number of bytes above 0", o.maxBody))
	}
	if o.maxImport <= 0 {
		errs = append(errs, fmt.Errorf("-max-import-body %d: want a number of bytes above 0", o.maxImport))
	}
	if o.memoryLimit < 0 {
		errs = append(errs, fmt.Errorf("-memory-limit %d: want a number of bytes, or 0 for none", o.memoryLimit))
	}
	if o.rateAnon < 0 || o.rateKey < 0 || o.burstAnon < 0 || o.burstKey < 0 {
		errs = append(errs, errors.New("rate limits and bursts cannot be negative"))
	}
	if o.rateClients <= 0 {
		errs = append(errs, fmt.Errorf("-rate-clients %d: want a number above 0", o.rateClients))
	}
	for name, d := range map[string]time.Duration{"read-header-timeout": o.readHeaderTimeout, "read-timeout": o.readTimeout, "write-timeout": o.writeTimeout, "idle-timeout": o.idleTimeout, "shutdown-timeout": o.shutdownTimeout} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("-%s %v: want a duration above 0 (a server without timeouts is open to slowloris)", name, d))
		}
	}
	var err error
	if o.proxies, err = api.ParseTrustedProxies(o.trustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("-trusted-proxies: %w", err))
	}
	if o.origins, err = api.ParseCORSOrigins(o.corsOrigins); err != nil {
		errs = append(errs, fmt.Errorf("-cors-origins: %w", err))
	}
	return errors.Join(errs...)
}

// logger returns the logger the configuration asks for, writing to w.
func (o *opsConfig) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: o.level}
	if o.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// apiOptions are the API's options from the configuration.
func (o *opsConfig) apiOptions() []api.Option {
	return []api.Option{
		api.WithMaxBodyBytes(o.maxBody),
		api.WithMaxImportBytes(o.maxImport),
		api.WithRateLimits(api.RateLimits{
			Anonymous:  api.RateLimit{PerSecond: o.rateAnon, Burst: o.burstAnon},
			Key:        api.RateLimit{PerSecond: o.rateKey, Burst: o.burstKey},
			MaxClients: o.rateClients,
		}),
		api.WithTrustedProxies(o.proxies),
		api.WithCORSOrigins(o.origins),
	}
}

// setTimeouts sets the server's timeouts. Without ReadHeaderTimeout a client that sends its
// headers a byte at a time holds a connection for ever (slowloris).
func (o *opsConfig) setTimeouts(srv *http.Server) {
	srv.ReadHeaderTimeout = o.readHeaderTimeout
	srv.ReadTimeout = o.readTimeout
	srv.WriteTimeout = o.writeTimeout
	srv.IdleTimeout = o.idleTimeout
}

// usage prints what -h and --help print: every flag with its environment variable, and the
// variables that have no flag.
func usage(fs *flag.FlagSet) func() {
	return func() {
		w := fs.Output()
		fmt.Fprint(w, `Usage: chainkb [serve] [flags]      serve the API (serve is the default command)
       chainkb help [COMMAND]          this text, or a command's (chainkb help keys)
       chainkb --version               the version: module version, VCS revision and time, modified
       chainkb keys ...                manage API keys
       chainkb backup ...              copy the database while it serves
       chainkb export FILE             write the knowledge base to FILE as one bundle
       chainkb import [-dry-run] FILE  import a bundle into the database
       chainkb healthcheck [-addr]     ask a running chainkb for /healthz (for HEALTHCHECK)

Flags; each one's environment variable is read when the flag is not given:
`)
		fs.PrintDefaults()
		fmt.Fprint(w, `
Environment only (secrets never go in flags, which any user can see in the process list):
  CHAINKB_ADMIN_KEY
    	a key (from "chainkb keys generate") to accept as an admin key; no default
`)
	}
}
