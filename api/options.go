package api

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"chainkb/handlers"
	"chainkb/internal/webhooks"
)

// DefaultMaxBodyBytes is the request body limit when none is configured (1 MiB). A knowledge-base
// object is a few KiB; the limit keeps a client from making the server buffer an arbitrary amount.
const DefaultMaxBodyBytes int64 = 1 << 20

// DefaultMaxImportBytes is the body limit of POST /import when none is configured (20 MiB): a
// bundle of the whole knowledge base is a few MiB.
const DefaultMaxImportBytes int64 = 20 << 20

// Option configures the API that New builds.
type Option func(*options)

type options struct {
	maxBody        int64
	maxImport      int64
	limits         RateLimits
	trustedProxies []string
	corsOrigins    []string
	webhookTargets *webhooks.Targets
	stream         handlers.StreamTiming
	collectors     []prometheus.Collector
}

func defaultOptions() options {
	return options{maxBody: DefaultMaxBodyBytes, maxImport: DefaultMaxImportBytes, webhookTargets: webhooks.NewTargets(nil, nil)}
}

// WithWebhookTargets sets the network policy a webhook subscription's URL is checked against
// (the delivery worker's own). Without it only public addresses are accepted.
func WithWebhookTargets(t *webhooks.Targets) Option {
	return func(o *options) {
		if t != nil {
			o.webhookTargets = t
		}
	}
}

// WithStreamTiming tunes the change feed's stream (GET /api/v1/changes/stream): its heartbeat,
// how often it looks for changes, and the channel whose closing ends every stream, which the
// server closes when it starts to shut down.
func WithStreamTiming(t handlers.StreamTiming) Option {
	return func(o *options) { o.stream = t }
}

// WithCollectors adds Prometheus collectors to /metrics, such as the webhook worker's.
func WithCollectors(cs ...prometheus.Collector) Option {
	return func(o *options) { o.collectors = append(o.collectors, cs...) }
}

// WithMaxBodyBytes sets the largest request body the API reads; a larger one is refused with 413.
// n <= 0 keeps the default (DefaultMaxBodyBytes).
func WithMaxBodyBytes(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.maxBody = n
		}
	}
}

// WithMaxImportBytes sets the largest bundle POST /import reads; a larger one is refused with 413.
// n <= 0 keeps the default (DefaultMaxImportBytes).
func WithMaxImportBytes(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.maxImport = n
		}
	}
}

// RateLimit is a token bucket: PerSecond requests per second on average, in bursts of up to
// Burst. A zero PerSecond means no limit.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// RateLimits are the request rates each client may send: a client is the API key of an
// authenticated request, and otherwise the client's IP address (its /64 network for IPv6).
type RateLimits struct {
	// Anonymous limits each IP address for requests without a key, and also for failed attempts
	// with a key that is not valid, so that guessing keys is as slow as anonymous traffic.
	Anonymous RateLimit
	// Key limits each valid API key; it is meant to be higher than Anonymous.
	Key RateLimit
	// MaxClients bounds how many clients are remembered at once (0: DefaultMaxClients).
	MaxClients int
}

// DefaultMaxClients is how many rate-limited clients are remembered when RateLimits does not say.
const DefaultMaxClients = 50_000

// WithRateLimits limits the request rate of each client. Without it (the default of New) there is
// no rate limit; the command sets one from its configuration.
func WithRateLimits(l RateLimits) Option {
	return func(o *options) { o.limits = l }
}

// WithTrustedProxies names the proxies (IP addresses or CIDR networks, as ParseTrustedProxies
// reads them) whose X-Forwarded-For header tells the client's address. Without it the address is
// always the peer's: a forwarded header from anyone else could be forged to dodge rate limits or to
// poison logs.
func WithTrustedProxies(proxies []string) Option {
	return func(o *options) { o.trustedProxies = proxies }
}

// WithCORSOrigins allows browser pages on these origins (as ParseCORSOrigins reads them) to call
// the API. Without it no cross-origin page may.
func WithCORSOrigins(origins []string) Option {
	return func(o *options) { o.corsOrigins = origins }
}

// ParseTrustedProxies reads a comma-separated list of IP addresses and CIDR networks.
func ParseTrustedProxies(s string) ([]string, error) {
	var out []string
	for _, p := range splitList(s) {
		if _, err := netip.ParsePrefix(p); err == nil {
			out = append(out, p)
			continue
		}
		if _, err := netip.ParseAddr(p); err == nil {
			out = append(out, p)
			continue
		}
		return nil, fmt.Errorf("trusted proxy %q is neither an IP address nor a CIDR network", p)
	}
	return out, nil
}

// ParseCORSOrigins reads a comma-separated list of origins ("https://app.example.org", with a
// port if it is not the default), or "*" for any origin. Keys travel in the Authorization header,
// never in cookies, so CORS never allows credentials and "*" does not hand a browser's session to
// other sites; still, list the partner apps' origins rather than "*" where you can.
func ParseCORSOrigins(s string) ([]string, error) {
	var out []string
	for _, o := range splitList(s) {
		if o == "*" {
			out = append(out, o)
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("CORS origin %q must be scheme://host[:port], such as https://app.example.org", o)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
