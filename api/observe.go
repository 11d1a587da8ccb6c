package api

import (
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"chainkb/internal/store"
	"chainkb/models"
)

// unmatchedRoute is the route label of a request that matched no route (a 404 or 405). Labels
// come from route patterns, never from raw paths, so that a client cannot make up new time series.
const unmatchedRoute = "unmatched"

// metrics are the Prometheus metrics of one API: a registry of its own, so that any number of APIs
// (in tests) can live in one process.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newMetrics(st *store.Store, lim *limiter, extra ...prometheus.Collector) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chainkb_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "chainkb_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "chainkb_http_requests_in_flight",
			Help: "HTTP requests being answered.",
		}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.inFlight,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		poolCollector{st},
	)
	m.registry.MustRegister(extra...)
	if lim != nil {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "chainkb_ratelimit_clients",
			Help: "Clients (keys and IP addresses) the rate limiter remembers; bounded by its maximum.",
		}, func() float64 { return float64(lim.size()) }))
	}
	return m
}

// handler serves the registry in the Prometheus exposition formats.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// knownMethods bounds the method label: anything else a client sends is "other".
var knownMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true}

// observe counts and times each request, and writes one access-log line for it. It runs outside
// every other middleware, so that it sees the final status, errors and panics included.
//
// The line has the path but never the query string, nor any header: keys travel in the
// Authorization header, and a key pasted into a path is masked.
func observe(log *slog.Logger, m *metrics, table routeTable) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		c.Next()
		elapsed := time.Since(start)

		route := c.FullPath()
		if route == "" {
			route = unmatchedRoute
		}
		method := c.Request.Method
		if !knownMethods[method] {
			method = "other"
		}
		status := c.Writer.Status()
		m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(route, method).Observe(elapsed.Seconds())

		ctx := c.Request.Context()
		attrs := []slog.Attr{
			slog.String("request_id", models.RequestIDFrom(ctx)),
			slog.String("method", c.Request.Method),
			slog.String("route", route),
			slog.String("path", maskKeys(c.Request.URL.Path)),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.Int("bytes", max(0, c.Writer.Size())),
			slog.String("client_ip", c.ClientIP()),
		}
		if p := models.PrincipalFrom(ctx); p.KeyID != 0 {
			attrs = append(attrs, slog.Int64("key_id", p.KeyID), slog.String("role", p.Role.String()))
		}
		level := slog.LevelInfo
		if table.of(c).flags&quiet != 0 && status < 400 {
			level = slog.LevelDebug
		}
		if status >= 500 {
			level = slog.LevelWarn
			if len(c.Errors) > 0 {
				attrs = append(attrs, slog.String("error", c.Errors.Last().Error()))
			}
		}
		log.LogAttrs(ctx, level, "request", attrs...)
	}
}

// keyLike finds anything shaped like an API key.
var keyLike = regexp.MustCompile(`ckb_[a-z2-7]{52}`)

// maskKeys replaces anything in s shaped like an API key. The regular expression runs only when
// the key's prefix is there: it is the access log's, on every request.
func maskKeys(s string) string {
	if !strings.Contains(s, "ckb_") {
		return s
	}
	return keyLike.ReplaceAllString(s, "ckb_[redacted]")
}

// poolCollector exports the statistics of the store's connection pools, under the names that
// client_golang's own DBStatsCollector uses (go_sql_*), with the pool's name as db_name.
type poolCollector struct{ st *store.Store }

var poolDescs = struct {
	maxOpen, open, inUse, idle, waitCount, waitDuration, maxIdleClosed, maxIdleTimeClosed, maxLifetimeClosed *prometheus.Desc
}{
	maxOpen:           poolDesc("max_open_connections", "Maximum number of open connections to the database."),
	open:              poolDesc("open_connections", "The number of established connections both in use and idle."),
	inUse:             poolDesc("in_use_connections", "The number of connections currently in use."),
	idle:              poolDesc("idle_connections", "The number of idle connections."),
	waitCount:         poolDesc("wait_count_total", "The total number of connections waited for."),
	waitDuration:      poolDesc("wait_duration_seconds_total", "The total time blocked waiting for a new connection."),
	maxIdleClosed:     poolDesc("max_idle_closed_total", "The total number of connections closed due to SetMaxIdleConns."),
	maxIdleTimeClosed: poolDesc("max_idle_time_closed_total", "The total number of connections closed due to SetConnMaxIdleTime."),
	maxLifetimeClosed: poolDesc("max_lifetime_closed_total", "The total number of connections closed due to SetConnMaxLifetime."),
}

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("go_sql_"+name, help, []string{"db_name"}, nil)
}

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	d := poolDescs
	for _, desc := range []*prometheus.Desc{d.maxOpen, d.open, d.inUse, d.idle, d.waitCount, d.waitDuration, d.maxIdleClosed, d.maxIdleTimeClosed, d.maxLifetimeClosed} {
		ch <- desc
	}
}

func (p poolCollector) Collect(ch chan<- prometheus.Metric) {
	d := poolDescs
	for name, s := range p.st.PoolStats() {
		gauge := func(desc *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, name)
		}
		counter := func(desc *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v, name)
		}
		gauge(d.maxOpen, float64(s.MaxOpenConnections))
		gauge(d.open, float64(s.OpenConnections))
		gauge(d.inUse, float64(s.InUse))
		gauge(d.idle, float64(s.Idle))
		counter(d.waitCount, float64(s.WaitCount))
		counter(d.waitDuration, s.WaitDuration.Seconds())
		counter(d.maxIdleClosed, float64(s.MaxIdleClosed))
		counter(d.maxIdleTimeClosed, float64(s.MaxIdleTimeClosed))
		counter(d.maxLifetimeClosed, float64(s.MaxLifetimeClosed))
	}
}
