package webhooks

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"chainkb/internal/store"
)

// Metrics are the delivery worker's Prometheus metrics: attempts by result, counted in this
// process, and the outbox's depth and age, read from the database at each scrape (so every
// instance reports the same, whoever sends).
type Metrics struct {
	st       *store.Store
	attempts *prometheus.CounterVec
	depth    *prometheus.Desc
	oldest   *prometheus.Desc
}

func newMetrics(st *store.Store) *Metrics {
	m := &Metrics{
		st: st,
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chainkb_webhook_deliveries_total",
			Help: "Webhook delivery attempts made by this process, by result: delivered (2xx), retry (failed, tried again later), failed (given up, or 410 Gone).",
		}, []string{"result"}),
		depth: prometheus.NewDesc("chainkb_webhook_queue_depth",
			"Webhook deliveries owed to enabled subscriptions and not yet delivered.", nil, nil),
		oldest: prometheus.NewDesc("chainkb_webhook_oldest_undelivered_seconds",
			"Age of the oldest webhook delivery owed to an enabled subscription (0 when none is).", nil, nil),
	}
	for _, r := range []string{"delivered", "retry", "failed"} {
		m.attempts.WithLabelValues(r) // every result shows, at 0 until it happens
	}
	return m
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.attempts.Describe(ch)
	ch <- m.depth
	ch <- m.oldest
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.attempts.Collect(ch)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	depth, oldest, err := m.st.DeliveryQueue(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(m.depth, err)
		return
	}
	age := 0.0
	if !oldest.IsZero() {
		age = max(0, time.Since(oldest).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(m.depth, prometheus.GaugeValue, float64(depth))
	ch <- prometheus.MustNewConstMetric(m.oldest, prometheus.GaugeValue, age)
}
