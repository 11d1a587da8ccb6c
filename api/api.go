// Package api builds chainkb's HTTP API: it is the one package that knows the whole surface, the
// middleware around it, and how errors become RFC 9457 problem+json responses.
package api

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
)

// New returns the HTTP API over st. Errors that are not the client's fault, and one line per
// request, are logged to log. Without options the body limit is DefaultMaxBodyBytes, there is no
// rate limit and no CORS, and no proxy is trusted.
func New(st *store.Store, log *slog.Logger, opts ...Option) http.Handler {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	r := gin.New()
	// 405 with an Allow header for a known path with the wrong method, instead of a 404.
	r.HandleMethodNotAllowed = true
	// The client's address is the peer's, unless the peer is a configured proxy: then it is the
	// one the proxy put in X-Forwarded-For. Trusting anyone else's header would let a client pick
	// its own address, and with it its rate limit and what the logs say.
	if err := r.SetTrustedProxies(o.trustedProxies); err != nil {
		log.Error("trusted proxies ignored: trusting none", "error", err)
		_ = r.SetTrustedProxies(nil)
	}
	lim := newLimiter(o.limits)
	m := newMetrics(st, lim, o.collectors...)
	rows := withHeadAndOptions(routes(st, m.handler(), o))
	table := newRouteTable(rows)

	// Order matters:
	//   - a request framed by Transfer-Encoding is marked to close its connection before anything
	//     can answer it;
	//   - requestID first, so that every log line and answer carries the id;
	//   - securityHeaders and observe outside everything else, so that the headers are on every
	//     answer and the access log and metrics see the final status (errors, panics, 429s);
	//   - renderErrors renders the errors of everything after it;
	//   - CORS before anything that can refuse, so that a browser page can read a 401 or a 429;
	//   - the per-IP limit before authenticate, so that guessing keys costs no lookups beyond the
	//     anonymous rate; the per-key limit after it, when the key is known;
	//   - the principal is known before the policy is checked, the body is capped before anything
	//     reads it, and the policy is checked before an Idempotency-Key is claimed.
	chain := []gin.HandlerFunc{closeAfterTransferEncoding(), requestID(), securityHeaders(table), observe(log, m, table), recoverPanics(log), renderErrors(log)}
	if h := allowCORS(o.corsOrigins); h != nil {
		chain = append(chain, h)
	}
	if lim != nil {
		chain = append(chain, lim.byIP(table))
	}
	chain = append(chain, authenticate(st))
	if lim != nil {
		chain = append(chain, lim.byKey(table))
	}
	chain = append(chain, authorize(table), refuseControls(), limitBody(table, o.maxBody, o.maxImport), idempotency(st, log, table), revalidate(st, table))
	r.Use(chain...)
	// Gin's own trailing-slash redirect answers before any middleware, without the security
	// headers and the access log: noRoute redirects instead, inside the chain.
	r.RedirectTrailingSlash = false
	r.NoRoute(noRoute(table))
	r.NoMethod(noMethod)
	for _, row := range rows {
		r.Handle(row.method, row.path, row.handle)
	}
	return r
}

// closeAfterTransferEncoding answers a request whose body is framed by Transfer-Encoding and then
// closes its connection. A request that also carries a Content-Length is how requests are smuggled
// (a proxy framing it by one header, the server by the other, serves the bytes after the body as
// a second request), and RFC 9112 §6.3 asks the server to close the connection after answering it.
// Go's server drops the Content-Length before any handler sees it, so the two cases cannot be told
// apart here: every chunked request loses keep-alive, which costs a client that streams an upload
// one new connection.
func closeAfterTransferEncoding() gin.HandlerFunc {
	return func(c *gin.Context) {
		if len(c.Request.TransferEncoding) > 0 {
			c.Header("Connection", "close")
		}
		c.Next()
	}
}
