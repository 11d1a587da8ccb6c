package cli

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"chainkb/api"
	"chainkb/handlers"
	"chainkb/internal/store"
	"chainkb/internal/webhooks"
)

// webhookConfig is how webhook deliveries reach their endpoints (internal/webhooks).
type webhookConfig struct {
	// allowCIDRs lists the networks deliveries may reach besides public addresses: none by
	// default, so that a subscription cannot make chainkb call into its own network (SSRF).
	allowCIDRs string
	timeout    time.Duration
	retryFor   time.Duration

	allowed []netip.Prefix // parsed by check
}

func defaultWebhookConfig() webhookConfig {
	return webhookConfig{timeout: 15 * time.Second, retryFor: 72 * time.Hour}
}

// register defines the webhook flags on fs, with their environment variables as defaults.
func (w *webhookConfig) register(fs *flag.FlagSet, getenv func(string) string) error {
	var errs []error
	if v := getenv("CHAINKB_WEBHOOK_ALLOW_CIDRS"); v != "" {
		w.allowCIDRs = v
	}
	for name, d := range map[string]*time.Duration{"CHAINKB_WEBHOOK_TIMEOUT": &w.timeout, "CHAINKB_WEBHOOK_RETRY_FOR": &w.retryFor} {
		if v := getenv(name); v != "" {
			p, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: want a duration such as 30s", name, v))
			}
			*d = p
		}
	}
	fs.StringVar(&w.allowCIDRs, "webhook-allow-cidrs", w.allowCIDRs, "comma-separated networks (CIDR) that webhook deliveries may reach besides public addresses, e.g. 10.1.0.0/16; private, loopback and link-local ones are refused otherwise (env CHAINKB_WEBHOOK_ALLOW_CIDRS)")
	fs.DurationVar(&w.timeout, "webhook-timeout", w.timeout, "time one webhook delivery attempt may take, from connecting to the answer (env CHAINKB_WEBHOOK_TIMEOUT)")
	fs.DurationVar(&w.retryFor, "webhook-retry-for", w.retryFor, "how long a failing webhook delivery is retried before it is given up and its subscription disabled (env CHAINKB_WEBHOOK_RETRY_FOR)")
	return errors.Join(errs...)
}

// check validates the configuration and parses the networks.
func (w *webhookConfig) check() error {
	var errs []error
	var err error
	if w.allowed, err = webhooks.ParseAllowedCIDRs(w.allowCIDRs); err != nil {
		errs = append(errs, fmt.Errorf("-webhook-allow-cidrs: %w", err))
	}
	if w.timeout <= 0 || w.retryFor <= 0 {
		errs = append(errs, errors.New("-webhook-timeout and -webhook-retry-for must be durations above 0"))
	}
	return errors.Join(errs...)
}

// start starts the delivery worker and returns it with the API's options that go with it: the
// same network policy for the subscriptions' URLs, the worker's metrics, and streams of the
// change feed that end when done is closed (when the server starts to shut down).
func (w *webhookConfig) start(st *store.Store, log *slog.Logger, done <-chan struct{}) (*webhooks.Worker, []api.Option) {
	targets := webhooks.NewTargets(w.allowed, nil)
	worker := webhooks.NewWorker(st, webhooks.Options{Targets: targets, Timeout: w.timeout, RetryFor: w.retryFor, Log: log})
	worker.Start()
	return worker, []api.Option{api.WithWebhookTargets(targets), api.WithCollectors(worker.Metrics()),
		api.WithStreamTiming(handlers.StreamTiming{Done: done})}
}
