// Package api builds chainkb's HTTP API: it is the one package that knows the whole surface, the
// middleware around it, and how errors become RFC 9457 problem+json responses.
package api

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
)

// New returns the HTTP API over st. Errors that are not the client's fault are logged to log.
func New(st *store.Store, log *slog.Logger) http.Handler {
	r := gin.New()
	// 405 with an Allow header for a known path with the wrong method, instead of a 404.
	r.HandleMethodNotAllowed = true
	// The API runs behind whatever proxy a deployment has; it never trusts forwarded headers for
	// anything until a later change configures trusted proxies.
	_ = r.SetTrustedProxies(nil)
	// Order matters: errors of everything after renderErrors are rendered by it; the principal
	// is known before the policy is checked, and the policy before an Idempotency-Key is claimed.
	r.Use(requestID(), recoverPanics(log), renderErrors(log), authenticate(st), authorize(), idempotency(st, log))
	r.NoRoute(noRoute)
	r.NoMethod(noMethod)
	addRoutes(r, st)
	return r
}
