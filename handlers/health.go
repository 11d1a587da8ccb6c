package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
)

// Health serves the liveness and readiness probes.
type Health struct{ store *store.Store }

// NewHealth returns the health handlers.
func NewHealth(st *store.Store) *Health { return &Health{store: st} }

// HealthStatus is the body of a health probe.
//
//	@Description	The answer of a probe.
type HealthStatus struct {
	// "ok" from the liveness probe, "ready" from the readiness probe.
	Status string `json:"status" example:"ok"`
}

// readyTimeout bounds the readiness check: a database that takes longer to answer is not ready.
const readyTimeout = 2 * time.Second

// LivenessDoc describes GET /healthz.
var LivenessDoc = apidoc.Op{
	ID: "getLiveness", Tag: "operations", Summary: "Liveness probe",
	Description: "200 while the process serves, whatever the state of the database: restart the process only when this fails.",
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "OK", Body: HealthStatus{}},
	},
}

// Live handles GET /healthz: the process is up and serving.
func (h *Health) Live(c *gin.Context) {
	c.JSON(http.StatusOK, HealthStatus{Status: "ok"})
}

// ReadinessDoc describes GET /readyz.
var ReadinessDoc = apidoc.Op{
	ID: "getReadiness", Tag: "operations", Summary: "Readiness probe",
	Description: "200 when the database answers within 2 s; 503 when it does not, and a load balancer should send traffic elsewhere until it does. Never rate limited.",
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "OK", Body: HealthStatus{}},
		{Status: http.StatusServiceUnavailable, Description: "The database is not reachable"},
	},
}

// Ready handles GET /readyz: the database answers, so this instance can take traffic.
func (h *Health) Ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		// The cause goes to the access log; the client only learns that the database is unreachable.
		c.Header("Retry-After", "5")
		_ = c.Error(&Problem{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Detail: "the database is not reachable; this instance takes no traffic until it is", cause: err})
		return
	}
	c.JSON(http.StatusOK, HealthStatus{Status: "ready"})
}

// MetricsDoc describes GET /metrics.
var MetricsDoc = apidoc.Op{
	ID: "getMetrics", Tag: "operations", Summary: "Prometheus metrics",
	Description: "Metrics in the Prometheus text exposition format: requests by route pattern, method and status (`chainkb_http_requests_total`), latency histograms by route (`chainkb_http_request_duration_seconds`), requests in flight, the database pools (`go_sql_*`, by `db_name`), the rate limiter's clients, and the Go runtime and process.",
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "Prometheus text format", Media: "text/plain"},
	},
}

// Metrics handles GET /metrics with the Prometheus handler h.
func Metrics(h http.Handler) gin.HandlerFunc {
	return gin.WrapH(h)
}
