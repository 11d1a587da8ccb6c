package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"chainkb/internal/store"
	"chainkb/models"
)

// Options tune the delivery worker. The zero value of each field takes its default.
type Options struct {
	// Targets is the network policy; default: public addresses only, the system's resolver.
	Targets *Targets
	// Timeout bounds one attempt, from connecting to reading the answer (default 15 s; the
	// specification recommends 15 to 30 s).
	Timeout time.Duration
	// RetryFor is how long a delivery is retried before it is given up and its subscription
	// disabled (default 72 h, as the specification's example schedule).
	RetryFor time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed attempt: MinBackoff after the
	// first, doubling each time up to MaxBackoff, with jitter (defaults 5 s and 2 h).
	MinBackoff, MaxBackoff time.Duration
	// Concurrency is how many attempts run at once in this process (default 4).
	Concurrency int
	// Poll is the longest the worker sleeps before looking for due deliveries (default 1 s):
	// changes committed on other instances are seen within it.
	Poll time.Duration
	// KeepLog is how long the log of a finished delivery is kept (default 30 days).
	KeepLog time.Duration
	// Log receives what the worker has to say; default: nothing.
	Log *slog.Logger
}

func (o *Options) defaults() {
	if o.Targets == nil {
		o.Targets = NewTargets(nil, nil)
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.RetryFor <= 0 {
		o.RetryFor = 72 * time.Hour
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 5 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 2 * time.Hour
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.KeepLog <= 0 {
		o.KeepLog = 30 * 24 * time.Hour
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// Worker sends the deliveries of the store's outbox. Several workers, in one process or in
// several instances on one PostgreSQL database, share the work: each delivery is claimed by one
// of them at a time, under a lease longer than an attempt can take.
type Worker struct {
	st      *store.Store
	o       Options
	client  *http.Client
	lease   time.Duration
	metrics *Metrics

	stop       chan struct{}
	done       chan struct{}
	sends      context.Context // attempts run under it; cancelled when Stop's grace runs out
	cancelSend context.CancelFunc
	inFlight   sync.WaitGroup
	freed      chan struct{} // an attempt ended: a slot is free
	startOnce  sync.Once
	stopOnce   sync.Once
}

// NewWorker returns a worker over st; Start starts it.
func NewWorker(st *store.Store, o Options) *Worker {
	o.defaults()
	w := &Worker{st: st, o: o, stop: make(chan struct{}), done: make(chan struct{}), freed: make(chan struct{}, 1),
		// A worker that died mid-attempt holds its deliveries this long; no attempt lasts longer
		// than the timeout, and recording its outcome takes a moment more.
		lease: o.Timeout + 5*time.Second}
	w.sends, w.cancelSend = context.WithCancel(context.Background())
	w.metrics = newMetrics(st)
	w.client = newClient(o.Targets, o.Timeout)
	return w
}

// newClient is the HTTP client of deliveries, every timeout explicit: connecting and the TLS
// handshake take at most 10 s, and the whole attempt at most timeout. It never uses a proxy
// from the environment (the policy checks the address it connects to, which would be the
// proxy's) and never follows a redirect (the specification counts a 3xx as a failure).
func newClient(targets *Targets, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                  nil,
			DialContext:            targets.DialContext,
			TLSHandshakeTimeout:    min(10*time.Second, timeout),
			ResponseHeaderTimeout:  timeout,
			ExpectContinueTimeout:  time.Second,
			IdleConnTimeout:        90 * time.Second,
			MaxIdleConnsPerHost:    4,
			MaxResponseHeaderBytes: 64 << 10,
			ForceAttemptHTTP2:      true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Metrics returns the worker's Prometheus collector.
func (w *Worker) Metrics() *Metrics { return w.metrics }

// Start starts the worker's loop. It runs until Stop.
func (w *Worker) Start() {
	w.startOnce.Do(func() { go w.run() })
}

// Stop stops claiming deliveries and waits for the attempts under way, until ctx is done; then it
// cancels them (their deliveries stay owed, and are tried again after a restart) and waits for
// them to record that. The store must stay open until Stop returns.
func (w *Worker) Stop(ctx context.Context) error {
	w.stopOnce.Do(func() { close(w.stop) })
	w.startOnce.Do(func() { close(w.done) }) // never started: nothing to wait for
	<-w.done
	finished := make(chan struct{})
	go func() {
		w.inFlight.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		w.cancelSend()
		<-finished
		return fmt.Errorf("webhooks: attempts still under way when the shutdown's grace ran out were cancelled: %w", ctx.Err())
	}
}

// run claims due deliveries while there are free slots, and otherwise sleeps until the next one is
// due (at most Poll), a slot frees, or Stop.
func (w *Worker) run() {
	defer close(w.done)
	slots := make(chan struct{}, w.o.Concurrency)
	ctx := w.sends
	lastPrune := time.Time{}
	for {
		select {
		case <-w.stop:
			return
		default:
		}
		if time.Since(lastPrune) > time.Hour {
			lastPrune = time.Now()
			if n, err := w.st.PruneDeliveries(ctx, time.Now().Add(-w.o.KeepLog)); err != nil {
				w.o.Log.Warn("webhooks: prune the delivery log", "error", err)
			} else if n > 0 {
				w.o.Log.Info("webhooks: pruned the delivery log", "deliveries", n)
			}
		}
		free := cap(slots) - len(slots)
		claimed := 0
		if free > 0 {
			jobs, err := w.st.ClaimDeliveries(ctx, free, w.lease)
			if err != nil {
				w.o.Log.Warn("webhooks: claim deliveries", "error", err)
			}
			claimed = len(jobs)
			for _, j := range jobs {
				slots <- struct{}{}
				w.inFlight.Add(1)
				go func() {
					defer w.inFlight.Done()
					w.attempt(j)
					<-slots
					select {
					case w.freed <- struct{}{}:
					default:
					}
				}()
			}
		}
		if claimed > 0 && claimed == free {
			continue // more may be due
		}
		wait := w.o.Poll
		if free > 0 {
			if due, ok, err := w.st.NextDeliveryDue(ctx); err == nil && ok {
				wait = min(wait, max(time.Until(due), 10*time.Millisecond))
			}
		}
		timer := time.NewTimer(wait)
		select {
		case <-w.stop:
			timer.Stop()
			return
		case <-w.freed:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// attempt sends one delivery and records what became of it.
func (w *Worker) attempt(j store.DeliveryJob) {
	out := w.send(j)
	w.metrics.attempts.WithLabelValues(resultOf(out)).Inc()
	// Recorded even when the shutdown's grace ran out: the attempt's outcome is known.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(w.sends), 5*time.Second)
	defer cancel()
	if err := w.st.FinishDelivery(ctx, j, out); err != nil {
		w.o.Log.Warn("webhooks: record a delivery", "delivery", j.ID, "error", err)
	}
	msgID := models.WebhookMessageID(j.ChangeID, j.WebhookID)
	switch {
	case out.Disable != "":
		w.o.Log.Warn("webhooks: subscription disabled", "webhook", j.WebhookID, "reason", out.Disable)
	case out.State == models.DeliveryPending:
		w.o.Log.Debug("webhooks: attempt failed; retrying", "webhook", j.WebhookID, "message", msgID,
			"attempt", j.Attempt, "error", out.Error, "next", out.Next)
	}
}

// resultOf names an attempt's outcome for the metrics.
func resultOf(o store.DeliveryOutcome) string {
	switch o.State {
	case models.DeliveryDelivered:
		return "delivered"
	case models.DeliveryFailed:
		return "failed"
	}
	return "retry"
}

// send makes one attempt and says what became of it: delivered on 2xx; otherwise tried again
// after a backoff, until the retry window is over; then failed, and the subscription disabled.
func (w *Worker) send(j store.DeliveryJob) store.DeliveryOutcome {
	msgID := models.WebhookMessageID(j.ChangeID, j.WebhookID)
	if j.OwnerGone {
		reason := "the key that made the subscription was revoked or has expired"
		return store.DeliveryOutcome{State: models.DeliveryFailed, Error: reason, Disable: reason}
	}
	body, err := json.Marshal(models.WebhookEvent{Type: j.Entry.Entity + "." + j.Entry.Action, Timestamp: j.Entry.At, Data: j.Entry})
	if err != nil {
		return w.failed(j, 0, fmt.Sprintf("encode the event: %v", err), 0)
	}
	ctx, cancel := context.WithTimeout(w.sends, w.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.URL, bytes.NewReader(body))
	if err != nil {
		return w.failed(j, 0, fmt.Sprintf("the URL cannot be requested: %v", err), 0)
	}
	if err := setHeaders(req.Header, j.Secret, msgID, time.Now(), body); err != nil {
		return w.failed(j, 0, err.Error(), 0)
	}
	res, err := w.client.Do(req)
	if err != nil {
		if w.sends.Err() != nil {
			// The shutdown's grace ran out: not the endpoint's fault, tried again after the restart.
			return store.DeliveryOutcome{State: models.DeliveryPending, Next: time.Now(), Error: "interrupted: chainkb shut down during the attempt"}
		}
		return w.failed(j, 0, describe(err, w.o.Timeout), 0)
	}
	snippet := readSnippet(res.Body)
	res.Body.Close()
	switch code := res.StatusCode; {
	case code >= 200 && code < 300:
		return store.DeliveryOutcome{State: models.DeliveryDelivered, Status: code}
	case code == http.StatusGone:
		reason := "the endpoint answered 410 Gone: it wants no more deliveries"
		return store.DeliveryOutcome{State: models.DeliveryFailed, Status: code, Error: reason, Disable: reason}
	case code >= 300 && code < 400:
		return w.failed(j, code, fmt.Sprintf("HTTP %d to %q: redirects are not followed; give the subscription the final URL", code, res.Header.Get("Location")), 0)
	default:
		msg := "HTTP " + strconv.Itoa(code)
		if snippet != "" {
			msg += ": " + snippet
		}
		return w.failed(j, code, msg, retryAfter(res.Header.Get("Retry-After")))
	}
}

// failed is the outcome of a failed attempt: tried again after a backoff (at least the endpoint's
// Retry-After), or given up, with the subscription disabled, once the retry window is over.
func (w *Worker) failed(j store.DeliveryJob, status int, msg string, after time.Duration) store.DeliveryOutcome {
	wait := max(w.backoff(j.Attempt), min(after, w.o.MaxBackoff))
	now := time.Now()
	if now.Add(wait).Sub(j.RetryFrom) > w.o.RetryFor {
		reason := fmt.Sprintf("delivery %s failed %d times over %s; the last attempt: %s",
			models.WebhookMessageID(j.ChangeID, j.WebhookID), j.Attempt, now.Sub(j.RetryFrom).Round(time.Second), msg)
		return store.DeliveryOutcome{State: models.DeliveryFailed, Status: status, Error: msg, Disable: reason}
	}
	return store.DeliveryOutcome{State: models.DeliveryPending, Next: now.Add(wait), Status: status, Error: msg}
}

// backoff is the wait after a delivery's attempt-th failure: MinBackoff doubled each time, at most
// MaxBackoff, with "equal jitter" (between half and all of it), so that deliveries that failed
// together do not all come back together.
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.o.MaxBackoff
	if attempt <= 40 {
		d = min(w.o.MinBackoff<<(max(attempt, 1)-1), w.o.MaxBackoff)
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// retryAfter reads a Retry-After header in seconds (its date form is rare from webhook
// endpoints, and ignored).
func retryAfter(h string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// describe says what went wrong with an attempt that got no answer.
func describe(err error, timeout time.Duration) string {
	var ne net.Error
	switch {
	case errors.Is(err, ErrRefused):
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) {
			err = ue.Unwrap() // without the client's "Post <url>:" prefix, which repeats the URL
		}
		return err.Error()
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("timeout: no answer within %s", timeout)
	}
	return "network: " + err.Error()
}

// readSnippet reads the start of an answer's body, for the delivery log, and drains a little more
// so that the connection can be reused.
func readSnippet(body io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(body, 200))
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	// One line, and valid UTF-8 even where the limit cut a character in two.
	return strings.ToValidUTF8(strings.Join(strings.Fields(string(b)), " "), "")
}
