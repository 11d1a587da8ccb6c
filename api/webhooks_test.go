package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"chainkb/api"
	"chainkb/internal/store"
	"chainkb/internal/webhooks"
	"chainkb/models"
)

// Webhooks are tested with real receiving servers (httptest) on the loopback interface, which the
// test servers allow as targets (the operator's -webhook-allow-cidrs); every delivery's signature
// is verified with the Standard Webhooks specification's own Go library.

// fastWorker is a worker's options for tests: quick polls and short backoffs, loopback allowed.
func fastWorker(targets *webhooks.Targets) webhooks.Options {
	if targets == nil {
		targets = webhooks.NewTargets([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, nil)
	}
	return webhooks.Options{Targets: targets, Timeout: 2 * time.Second, MinBackoff: 40 * time.Millisecond,
		MaxBackoff: 200 * time.Millisecond, Poll: 20 * time.Millisecond, Concurrency: 4}
}

// newHookServer is newServer with a delivery worker running on its store, stopped before the
// store closes, and an API that checks subscriptions against the worker's network policy.
func newHookServer(t *testing.T, o webhooks.Options) (*testServer, *webhooks.Worker) {
	t.Helper()
	s := newServer(t)
	w := startWorker(t, s.Store, o)
	return newOpsServerOn(t, s, api.WithWebhookTargets(o.Targets), api.WithCollectors(w.Metrics())), w
}

// startWorker starts a worker on st, stopped at the end of the test before st closes.
func startWorker(t *testing.T, st *store.Store, o webhooks.Options) *webhooks.Worker {
	t.Helper()
	w := webhooks.NewWorker(st, o)
	w.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := w.Stop(ctx); err != nil {
			t.Errorf("stop the worker: %v", err)
		}
	})
	return w
}

// newOpsServerOn serves s's store with a second API built with opts.
func newOpsServerOn(t *testing.T, s *testServer, opts ...api.Option) *testServer {
	srv := httptest.NewServer(api.New(s.Store, slog.New(slog.DiscardHandler), opts...))
	t.Cleanup(srv.Close)
	view := *s
	view.URL = srv.URL
	return &view
}

// delivery is one request a receiver got.
type delivery struct {
	Path   string
	Header http.Header
	Body   []byte
	Event  models.WebhookEvent
	At     time.Time
}

// receiver is a webhook endpoint: it records every request and answers as respond says (the
// n-th request to a path, from 1).
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []delivery
	perPath map[string]int
	respond func(path string, n int) (status int, delay time.Duration)
}

func newReceiver(t *testing.T, respond func(path string, n int) (int, time.Duration)) *receiver {
	t.Helper()
	r := &receiver{perPath: map[string]int{}, respond: respond}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		d := delivery{Path: req.URL.Path, Header: req.Header.Clone(), Body: body, At: time.Now()}
		if err := json.Unmarshal(body, &d.Event); err != nil {
			t.Errorf("a delivery's body is not an event: %v: %s", err, body)
		}
		r.mu.Lock()
		r.got = append(r.got, d)
		r.perPath[req.URL.Path]++
		n := r.perPath[req.URL.Path]
		r.mu.Unlock()
		status, delay := http.StatusNoContent, time.Duration(0)
		if r.respond != nil {
			status, delay = r.respond(req.URL.Path, n)
		}
		time.Sleep(delay)
		w.WriteHeader(status)
		fmt.Fprint(w, "receiver says ", status)
	}))
	t.Cleanup(r.Close)
	return r
}

// to returns what path got, in order.
func (r *receiver) to(path string) []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []delivery
	for _, d := range r.got {
		if d.Path == path {
			out = append(out, d)
		}
	}
	return out
}

// waitFor waits until cond holds for what path got, and returns it.
func (r *receiver) waitFor(t *testing.T, path string, what string, cond func([]delivery) bool) []delivery {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := r.to(path)
		if cond(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never got %s; it got %d deliveries", path, what, len(got))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// verify checks a delivery's signature with the specification's reference library, and that its
// webhook-id names the change and the subscription.
func verify(t *testing.T, d delivery, secret string, webhook int64) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(d.Body, d.Header); err != nil {
		t.Errorf("delivery %s does not verify with the reference library: %v", d.Header.Get("webhook-id"), err)
	}
	if want := models.WebhookMessageID(d.Event.Data.ID, webhook); d.Header.Get("webhook-id") != want {
		t.Errorf("webhook-id %q, want %q", d.Header.Get("webhook-id"), want)
	}
	if want := d.Event.Data.Entity + "." + d.Event.Data.Action; d.Event.Type != want {
		t.Errorf("type %q, want %q", d.Event.Type, want)
	}
	if err := matchesCallback(mustContract(t), d); err != nil {
		t.Errorf("delivery %s is not what docs/openapi.json says createWebhook's delivery callback sends: %v", d.Header.Get("webhook-id"), err)
	}
}

// matchesCallback checks a delivery against the document's delivery callback: its headers, and
// its body against the request body's schema.
func matchesCallback(doc *openapi3.T, d delivery) error {
	cb := doc.Paths.Value("/webhooks").Post.Callbacks["delivery"]
	if cb == nil || cb.Value == nil || cb.Value.Value("{$request.body#/url}") == nil {
		return errors.New("the document has no delivery callback on POST /webhooks")
	}
	post := cb.Value.Value("{$request.body#/url}").Post
	for _, p := range post.Parameters {
		if p.Value.Required && d.Header.Get(p.Value.Name) == "" {
			return fmt.Errorf("header %s is missing", p.Value.Name)
		}
	}
	var body any
	if err := json.Unmarshal(d.Body, &body); err != nil {
		return err
	}
	return post.RequestBody.Value.Content.Get("application/json").Schema.Value.VisitJSON(body)
}

// subscribe makes a subscription as who and returns it with its secret.
func subscribe(t *testing.T, s *testServer, who string, in obj) models.NewWebhook {
	t.Helper()
	var w models.NewWebhook
	res := s.do(t, "POST", "/api/v1/webhooks", in, authAs(s, who)...).mustStatus(t, http.StatusCreated)
	res.decode(t, &w)
	if res.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(w.Secret, "whsec_") || res.Header.Get("Location") != fmt.Sprintf("/api/v1/webhooks/%d", w.ID) {
		t.Fatalf("create: Cache-Control %q, secret %q, Location %q", res.Header.Get("Cache-Control"), w.Secret, res.Header.Get("Location"))
	}
	return w
}

// lastChange is the id of the newest change in the editor's feed.
func lastChange(t *testing.T, s *testServer) int64 {
	feed := changeFeed(t, s, 200)
	return feed[len(feed)-1].ID
}

// etagAs GETs path as who and returns its ETag.
func etagAs(t *testing.T, s *testServer, path, who string) string {
	t.Helper()
	tag := s.do(t, "GET", path, nil, authAs(s, who)...).mustStatus(t, 200).Header.Get("ETag")
	if tag == "" {
		t.Fatalf("GET %s: no ETag", path)
	}
	return tag
}

// newTag creates a tag as the editor and returns its slug.
func newTag(t *testing.T, s *testServer, slug string) {
	t.Helper()
	s.do(t, "POST", "/api/v1/tags", obj{"slug": slug, "name": "Tag " + slug, "group": "webhooks"}).mustStatus(t, http.StatusCreated)
}

// TestWebhookDeliveries: each subscription gets exactly the changes made after it that it asked
// for, as its key sees the change feed, each signed so that the reference library verifies it;
// a reader key's subscription never gets a draft, nor may ask for one.
func TestWebhookDeliveries(t *testing.T) {
	t.Parallel()
	s, _ := newHookServer(t, fastWorker(nil))
	rec := newReceiver(t, nil)
	start := lastChange(t, s)
	admin := subscribe(t, s, "admin", obj{"url": rec.URL + "/admin", "include_drafts": true, "description": "everything"})
	reader := subscribe(t, s, "reader", obj{"url": rec.URL + "/reader", "entities": []string{"tactic", "tag"}, "chains": []string{"sex-trafficking"}})
	p := s.do(t, "POST", "/api/v1/webhooks", obj{"url": rec.URL + "/x", "include_drafts": true}, authAs(s, "reader")...).problem(t, http.StatusUnprocessableEntity)
	if len(p.Errors) != 1 || p.Errors[0].Field != "include_drafts" {
		t.Errorf("a reader asking for drafts: %+v", p.Errors)
	}
	if reader.Chains[0] != "sex-trafficking" || reader.Entities[1] != "tag" || reader.IncludeDrafts || !reader.Enabled || reader.OwnerKeyID != s.KeyIDs["reader"] {
		t.Errorf("the reader's subscription reads back as %+v", reader.Webhook)
	}

	// A published tactic, a draft, the draft published, a tag, and a stage (which the reader did
	// not ask for).
	pub := with(citedTactic(t, s), "status", "published", "title", "Published for the webhook test")
	var created obj
	s.do(t, "POST", "/api/v1/tactics", pub).mustStatus(t, 201).decode(t, &created)
	draft := with(citedTactic(t, s), "status", "draft", "title", "Draft for the webhook test")
	var d obj
	s.do(t, "POST", "/api/v1/tactics", draft).mustStatus(t, 201).decode(t, &d)
	s.do(t, "PATCH", fmt.Sprintf("/api/v1/tactics/%v", d["id"]), obj{"status": "published", "version": d["version"]},
		"Content-Type", "application/merge-patch+json").mustStatus(t, 200)
	newTag(t, s, "webhook-test")
	s.do(t, "PATCH", "/api/v1/stages/1", obj{"description": "Changed for the webhook test.", "version": 1},
		"Content-Type", "application/merge-patch+json")

	for _, c := range []struct {
		who, path string
		sub       models.NewWebhook
		keep      func(models.Revision) bool
	}{
		{"admin", "/admin", admin, func(models.Revision) bool { return true }},
		{"reader", "/reader", reader, func(r models.Revision) bool { return r.Entity == "tactic" || r.Entity == "tag" }},
	} {
		var want []models.Revision
		for _, r := range changeFeed(t, s, 200, authAs(s, c.who)...) {
			if r.ID > start && c.keep(r) {
				want = append(want, r)
			}
		}
		got := rec.waitFor(t, c.path, fmt.Sprintf("%d changes", len(want)), func(got []delivery) bool { return len(got) >= len(want) })
		time.Sleep(100 * time.Millisecond) // nothing more may come
		if got = rec.to(c.path); len(got) != len(want) {
			t.Fatalf("%s got %d deliveries, want %d", c.who, len(got), len(want))
		}
		byID := map[int64]delivery{}
		for _, g := range got {
			verify(t, g, c.sub.Secret, c.sub.ID)
			byID[g.Event.Data.ID] = g
		}
		for _, w := range want {
			g, ok := byID[w.ID]
			if !ok {
				t.Errorf("%s never got change %d (%s %s)", c.who, w.ID, w.Entity, w.Action)
				continue
			}
			gotJSON, _ := json.Marshal(g.Event.Data)
			wantJSON, _ := json.Marshal(w)
			if !sameJSON(t, gotJSON, wantJSON) {
				t.Errorf("%s: the delivery of change %d is not the feed's entry:\n got %s\nwant %s", c.who, w.ID, gotJSON, wantJSON)
			}
			if !g.Event.Timestamp.Equal(w.At) {
				t.Errorf("timestamp %s, want the change's %s", g.Event.Timestamp, w.At)
			}
		}
		if c.who == "reader" {
			for _, g := range got {
				if strings.Contains(string(g.Body), "Draft for the webhook test") && g.Event.Data.Action == "create" {
					t.Errorf("the reader got the draft's creation: %s", g.Body)
				}
			}
		}
	}
	// The delivery log says each was delivered at the first attempt.
	var log list[models.WebhookDelivery]
	s.do(t, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries?state=delivered", reader.ID), nil, authAs(s, "reader")...).mustStatus(t, 200).decode(t, &log)
	if len(log.Data) != len(rec.to("/reader")) {
		t.Errorf("the reader's log shows %d delivered, want %d", len(log.Data), len(rec.to("/reader")))
	}
	for _, l := range log.Data {
		if l.Attempts != 1 || l.LastStatus == nil || *l.LastStatus != http.StatusNoContent || l.FinishedAt == nil || l.NextAttemptAt != nil || l.LastError != nil {
			t.Errorf("log entry %+v", l)
		}
	}
}

// TestWebhookRetries: an endpoint that answers 500, or too late, is tried again after a backoff,
// with the same webhook-id and a fresh signature, until it answers 2xx; the log and the metrics
// say so.
func TestWebhookRetries(t *testing.T) {
	t.Parallel()
	o := fastWorker(nil)
	o.Timeout = 300 * time.Millisecond
	s, _ := newHookServer(t, o)
	rec := newReceiver(t, func(path string, n int) (int, time.Duration) {
		switch {
		case path == "/flaky" && n <= 2:
			return http.StatusInternalServerError, 0
		case path == "/slow" && n == 1:
			return http.StatusOK, time.Second // the worker gives up on it at 300 ms
		case path == "/busy" && n == 1:
			return http.StatusServiceUnavailable, 0
		}
		return http.StatusOK, 0
	})
	flaky := subscribe(t, s, "admin", obj{"url": rec.URL + "/flaky", "entities": []string{"tag"}})
	slow := subscribe(t, s, "admin", obj{"url": rec.URL + "/slow", "entities": []string{"tag"}})
	subscribe(t, s, "admin", obj{"url": rec.URL + "/busy", "entities": []string{"tag"}})
	newTag(t, s, "retried")

	got := rec.waitFor(t, "/flaky", "3 attempts", func(d []delivery) bool { return len(d) >= 3 })
	for i, d := range got {
		verify(t, d, flaky.Secret, flaky.ID)
		if d.Header.Get("webhook-id") != got[0].Header.Get("webhook-id") {
			t.Errorf("attempt %d has another webhook-id", i+1)
		}
		if i > 0 && d.At.Sub(got[i-1].At) < o.MinBackoff/2 {
			t.Errorf("attempt %d came %s after the one before, under the backoff's %s", i+1, d.At.Sub(got[i-1].At), o.MinBackoff/2)
		}
	}
	rec.waitFor(t, "/slow", "2 attempts", func(d []delivery) bool { return len(d) >= 2 })
	rec.waitFor(t, "/busy", "2 attempts", func(d []delivery) bool { return len(d) >= 2 })

	logOf := func(id int64) models.WebhookDelivery {
		t.Helper()
		var l list[models.WebhookDelivery]
		for range 200 {
			s.do(t, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries", id), nil, authAs(s, "admin")...).mustStatus(t, 200).decode(t, &l)
			if len(l.Data) == 1 && l.Data[0].State == models.DeliveryDelivered {
				return l.Data[0]
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("webhook %d's delivery never settled: %+v", id, l.Data)
		return models.WebhookDelivery{}
	}
	if l := logOf(flaky.ID); l.Attempts != 3 || *l.LastStatus != 200 {
		t.Errorf("flaky: %+v, want delivered at the third attempt", l)
	}
	if l := logOf(slow.ID); l.Attempts != 2 {
		t.Errorf("slow: %+v, want delivered at the second attempt", l)
	}
	families := scrape(t, s)
	for result, least := range map[string]float64{"delivered": 3, "retry": 3} {
		m := sample(families, "chainkb_webhook_deliveries_total", map[string]string{"result": result})
		if m == nil || m.GetCounter().GetValue() < least {
			t.Errorf("chainkb_webhook_deliveries_total{result=%q} = %v, want at least %v", result, m, least)
		}
	}
	if m := sample(families, "chainkb_webhook_queue_depth", nil); m == nil || m.GetGauge().GetValue() != 0 {
		t.Errorf("queue depth %v, want 0 once everything is delivered", m)
	}
}

// TestWebhookDisabledAfterPersistentFailure: a delivery that keeps failing for the whole retry
// window is given up and its subscription disabled with the reason; nothing more is owed to it
// until it is enabled again, and then a failed delivery can be redelivered. 410 Gone disables
// at once. The metrics count the deliveries owed, and how old the oldest is.
func TestWebhookDisabledAfterPersistentFailure(t *testing.T) {
	t.Parallel()
	o := fastWorker(nil)
	o.RetryFor = 400 * time.Millisecond
	s, _ := newHookServer(t, o)
	var healthy atomic.Bool
	rec := newReceiver(t, func(path string, n int) (int, time.Duration) {
		if path == "/gone" {
			return http.StatusGone, 0
		}
		if healthy.Load() {
			return http.StatusOK, 0
		}
		return http.StatusInternalServerError, 0
	})
	admin := authAs(s, "admin")
	down := subscribe(t, s, "admin", obj{"url": rec.URL + "/down", "entities": []string{"tag"}})
	gone := subscribe(t, s, "admin", obj{"url": rec.URL + "/gone", "entities": []string{"tag"}})
	newTag(t, s, "never-delivered")

	var w models.Webhook
	for range 500 {
		s.do(t, "GET", fmt.Sprintf("/api/v1/webhooks/%d", down.ID), nil, admin...).mustStatus(t, 200).decode(t, &w)
		if !w.Enabled {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if w.Enabled || w.DisabledReason == nil || !strings.Contains(*w.DisabledReason, "HTTP 500") || w.DisabledAt == nil {
		t.Fatalf("after its retry window the subscription is %+v, want disabled for HTTP 500", w)
	}
	attempts := len(rec.to("/down"))
	if attempts < 2 {
		t.Errorf("given up after %d attempts", attempts)
	}
	var g models.Webhook
	s.do(t, "GET", fmt.Sprintf("/api/v1/webhooks/%d", gone.ID), nil, admin...).mustStatus(t, 200).decode(t, &g)
	if g.Enabled || g.DisabledReason == nil || !strings.Contains(*g.DisabledReason, "410") || len(rec.to("/gone")) != 1 {
		t.Errorf("after 410 Gone: %+v after %d attempts, want disabled after 1", g, len(rec.to("/gone")))
	}
	var l list[models.WebhookDelivery]
	s.do(t, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries", down.ID), nil, admin...).mustStatus(t, 200).decode(t, &l)
	if len(l.Data) != 1 || l.Data[0].State != models.DeliveryFailed || l.Data[0].LastError == nil || !strings.HasPrefix(*l.Data[0].LastError, "HTTP 500: receiver says 500") {
		t.Fatalf("log %+v", l.Data)
	}
	failed := l.Data[0]

	// Disabled: a new change is not owed, and nothing is redelivered.
	newTag(t, s, "while-disabled")
	s.do(t, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries", down.ID), nil, admin...).mustStatus(t, 200).decode(t, &l)
	if len(l.Data) != 1 {
		t.Errorf("a disabled subscription is owed %d deliveries, want the 1 from before", len(l.Data))
	}
	redeliver := fmt.Sprintf("/api/v1/webhooks/%d/deliveries/%d/redeliver", down.ID, failed.ID)
	if p := s.do(t, "POST", redeliver, nil, admin...).problem(t, http.StatusConflict); p.Code != "webhook_disabled" {
		t.Errorf("redeliver while disabled: %s", p.Code)
	}
	// Enabled again, with the ETag as precondition; then the failed delivery is sent again.
	tag := etagAs(t, s, fmt.Sprintf("/api/v1/webhooks/%d", down.ID), "admin")
	healthy.Store(true)
	var e models.Webhook
	s.do(t, "PATCH", fmt.Sprintf("/api/v1/webhooks/%d", down.ID), obj{"enabled": true}, append(admin, "If-Match", tag, "Content-Type", "application/merge-patch+json")...).mustStatus(t, 200).decode(t, &e)
	if !e.Enabled || e.DisabledReason != nil || e.DisabledAt != nil || e.Version != w.Version+1 {
		t.Errorf("enabled again: %+v", e)
	}
	var again models.WebhookDelivery
	s.do(t, "POST", redeliver, nil, admin...).mustStatus(t, http.StatusAccepted).decode(t, &again)
	if again.State != models.DeliveryPending || again.MessageID != failed.MessageID {
		t.Errorf("redelivered: %+v", again)
	}
	got := rec.waitFor(t, "/down", "the redelivery", func(d []delivery) bool { return len(d) > attempts })
	verify(t, got[len(got)-1], down.Secret, down.ID)
	if p := s.do(t, "POST", redeliver, nil, admin...); p.Status != http.StatusAccepted {
		if p.problem(t, http.StatusConflict).Code != "delivery_pending" {
			t.Errorf("redeliver twice: %s", p.Body)
		}
	}
	// The reader key cannot see the admin's subscription, nor redeliver its deliveries.
	s.do(t, "POST", redeliver, nil, authAs(s, "reader")...).problem(t, http.StatusNotFound)
}

// TestWebhookQueueMetrics: the queue depth and the age of the oldest undelivered delivery grow
// while an endpoint fails, from the database, and fall to 0 once it is delivered.
func TestWebhookQueueMetrics(t *testing.T) {
	t.Parallel()
	var healthy atomic.Bool
	rec := newReceiver(t, func(string, int) (int, time.Duration) {
		if healthy.Load() {
			return http.StatusOK, 0
		}
		return http.StatusBadGateway, 0
	})
	s, _ := newHookServer(t, fastWorker(nil))
	subscribe(t, s, "admin", obj{"url": rec.URL, "entities": []string{"tag"}})
	newTag(t, s, "queued-1")
	newTag(t, s, "queued-2")
	rec.waitFor(t, "/", "attempts", func(d []delivery) bool { return len(d) >= 4 })
	time.Sleep(300 * time.Millisecond)
	families := scrape(t, s)
	if m := sample(families, "chainkb_webhook_queue_depth", nil); m.GetGauge().GetValue() != 2 {
		t.Errorf("queue depth %v, want 2", m.GetGauge().GetValue())
	}
	if m := sample(families, "chainkb_webhook_oldest_undelivered_seconds", nil); m.GetGauge().GetValue() < 0.3 {
		t.Errorf("oldest undelivered %v s, want at least 0.3", m.GetGauge().GetValue())
	}
	healthy.Store(true)
	deadline := time.Now().Add(10 * time.Second)
	for {
		families = scrape(t, s)
		if sample(families, "chainkb_webhook_queue_depth", nil).GetGauge().GetValue() == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the queue never emptied")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if m := sample(families, "chainkb_webhook_oldest_undelivered_seconds", nil); m.GetGauge().GetValue() != 0 {
		t.Errorf("oldest undelivered %v once everything is delivered, want 0", m.GetGauge().GetValue())
	}
}

// flipResolver answers a name with a public address the first time and with loopback after, as a
// DNS name whose owner changes its answers between the check of a URL and the delivery would.
type flipResolver struct {
	calls atomic.Int32
	later netip.Addr
}

func (r *flipResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	if r.calls.Add(1) == 1 {
		return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
	}
	return []netip.Addr{r.later}, nil
}

// TestWebhookSSRF: private, loopback and link-local targets are refused when a subscription is
// made or changed; a redirect to a target that is not allowed is never followed; and a name
// whose DNS answer turns to loopback after the check is refused when the delivery connects. The
// target that must never be reached listens on 127.0.0.2, which the policy does not allow (only
// 127.0.0.1 is), and counts the connections it gets: none. No traffic leaves the machine.
func TestWebhookSSRF(t *testing.T) {
	t.Parallel()
	strict := newOpsServer(t, nil) // the default policy: public addresses only
	forbidden := []string{"http://127.0.0.1:8080/hook", "http://10.0.0.1/hook", "http://172.16.0.5/", "http://192.168.1.1/",
		"http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/",
		"http://0.0.0.0/", "http://100.64.0.1/", "http://localhost:9/hook"}
	for _, u := range forbidden {
		p := strict.do(t, "POST", "/api/v1/webhooks", obj{"url": u}, authAs(strict, "admin")...).problem(t, http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "url" || !strings.Contains(p.Errors[0].Message, "not a public address") {
			t.Errorf("%s: %+v", u, p.Errors)
		}
	}
	for _, u := range []string{"ftp://example.org/", "https://user:pw@example.org/", "example.org/hook", "https://example.org/#x"} {
		p := strict.do(t, "POST", "/api/v1/webhooks", obj{"url": u}, authAs(strict, "admin")...).problem(t, http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "url" {
			t.Errorf("%s: %+v", u, p.Errors)
		}
	}

	// The target no delivery may reach, on 127.0.0.2.
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	var reached atomic.Int32
	target := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		reached.Add(1)
	})}}
	target.Start()
	t.Cleanup(target.Close)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	var redirects atomic.Int32
	redirector := newReceiver(t, nil)
	redirector.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirects.Add(1)
		http.Redirect(w, r, target.URL+"/internal", http.StatusTemporaryRedirect)
	})

	resolver := &flipResolver{later: netip.MustParseAddr("127.0.0.2")}
	targets := webhooks.NewTargets([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, resolver)
	s, _ := newHookServer(t, fastWorker(targets))
	admin := authAs(s, "admin")
	redirected := subscribe(t, s, "admin", obj{"url": redirector.URL + "/hook", "entities": []string{"tag"}})
	rebound := subscribe(t, s, "admin", obj{"url": "http://rebind.example:" + port + "/hook", "entities": []string{"tag"}})
	// Moving a subscription to a target that is not allowed is refused too.
	tag := etagAs(t, s, fmt.Sprintf("/api/v1/webhooks/%d", redirected.ID), "admin")
	s.do(t, "PATCH", fmt.Sprintf("/api/v1/webhooks/%d", redirected.ID), obj{"url": target.URL + "/x"},
		append(admin, "If-Match", tag, "Content-Type", "application/merge-patch+json")...).problem(t, http.StatusUnprocessableEntity)
	newTag(t, s, "ssrf")

	lastError := func(id int64, want string) {
		t.Helper()
		var l list[models.WebhookDelivery]
		for range 500 {
			s.do(t, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries", id), nil, admin...).mustStatus(t, 200).decode(t, &l)
			if len(l.Data) == 1 && l.Data[0].Attempts >= 2 && l.Data[0].LastError != nil {
				if !strings.Contains(*l.Data[0].LastError, want) || l.Data[0].State != models.DeliveryPending {
					t.Errorf("webhook %d: %+v, want a pending delivery whose last error says %q", id, l.Data[0], want)
				}
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("webhook %d was never tried twice: %+v", id, l.Data)
	}
	lastError(redirected.ID, "redirects are not followed")
	lastError(rebound.ID, "127.0.0.2 is not a public address")
	if n := reached.Load(); n != 0 {
		t.Errorf("the target on 127.0.0.2 was reached %d times", n)
	}
	// At least one attempt reached the redirector and was not led on to the target (on a loaded
	// machine an earlier attempt may time out before it connects, so two are not required).
	if redirects.Load() < 1 {
		t.Errorf("the redirector was never asked")
	}
}

// TestWebhookManagement: a key sees and manages its own subscriptions, an admin every one;
// another key's subscription does not exist for it; a PATCH needs a precondition; a DELETE takes
// the delivery log along.
func TestWebhookManagement(t *testing.T) {
	t.Parallel()
	s := newOpsServer(t, nil, api.WithWebhookTargets(webhooks.NewTargets([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, nil)))
	mine := subscribe(t, s, "reader", obj{"url": "http://127.0.0.1:9/a"})
	theirs := subscribe(t, s, "editor", obj{"url": "http://127.0.0.1:9/b", "include_drafts": true})
	count := func(who string) int {
		return len(collectAs[models.Webhook](t, s, "/api/v1/webhooks", authAs(s, who)...))
	}
	if count("reader") != 1 || count("editor") != 1 || count("admin") != 2 {
		t.Errorf("lists: reader %d, editor %d, admin %d; want 1, 1, 2", count("reader"), count("editor"), count("admin"))
	}
	path := fmt.Sprintf("/api/v1/webhooks/%d", theirs.ID)
	s.do(t, "GET", path, nil, authAs(s, "reader")...).problem(t, http.StatusNotFound)
	s.do(t, "DELETE", path, nil, authAs(s, "reader")...).problem(t, http.StatusNotFound)
	s.do(t, "GET", path, nil, authAs(s, "admin")...).mustStatus(t, 200)
	s.do(t, "PATCH", path, obj{"description": "x"}, authAs(s, "editor")...).problem(t, http.StatusPreconditionRequired)
	s.do(t, "PATCH", path, obj{"description": "x", "version": 7}, authAs(s, "editor")...).problem(t, http.StatusPreconditionFailed)
	var got models.Webhook
	s.do(t, "PATCH", path, obj{"description": "Changed", "entities": []string{"tactic"}, "version": 1}, authAs(s, "admin")...).mustStatus(t, 200).decode(t, &got)
	if got.Description != "Changed" || got.Version != 2 || !got.IncludeDrafts || got.OwnerKeyID != s.KeyIDs["editor"] {
		t.Errorf("patched: %+v", got)
	}
	// What a GET returns can be sent back.
	var cur obj
	s.do(t, "GET", fmt.Sprintf("/api/v1/webhooks/%d", mine.ID), nil, authAs(s, "reader")...).mustStatus(t, 200).decode(t, &cur)
	s.do(t, "PATCH", fmt.Sprintf("/api/v1/webhooks/%d", mine.ID), cur, authAs(s, "reader")...).mustStatus(t, 200)
	s.do(t, "PATCH", fmt.Sprintf("/api/v1/webhooks/%d", mine.ID), obj{"include_drafts": true, "version": 2}, authAs(s, "admin")...).problem(t, http.StatusUnprocessableEntity)
	s.do(t, "POST", "/api/v1/webhooks", obj{"url": "http://127.0.0.1:9/", "chains": []string{"no-such-chain"}, "entities": []string{"tactic", "tactic"}}, authAs(s, "reader")...).problem(t, http.StatusUnprocessableEntity)
	s.do(t, "DELETE", path, nil, authAs(s, "editor")...).mustStatus(t, http.StatusNoContent)
	s.do(t, "GET", path, nil, authAs(s, "admin")...).problem(t, http.StatusNotFound)
	s.do(t, "POST", "/api/v1/webhooks", obj{"url": "http://127.0.0.1:9/"}, authAs(s, "anonymous")...).problem(t, http.StatusUnauthorized)
}

// TestWebhookWorkersShare: two workers on two stores over one database, as two instances would
// be, share the deliveries so that each is sent once and never by both at the same time
// (PostgreSQL: SKIP LOCKED; SQLite: one writer).
func TestWebhookWorkersShare(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	second, err := store.Open(context.Background(), s.DB.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })
	var mu sync.Mutex
	inFlight, sent := map[string]bool{}, map[string]int{}
	var overlaps atomic.Int32
	rec := newReceiver(t, nil)
	rec.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("webhook-id")
		mu.Lock()
		if inFlight[id] {
			overlaps.Add(1)
		}
		inFlight[id] = true
		sent[id]++
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		inFlight[id] = false
		mu.Unlock()
	})
	o := fastWorker(nil)
	startWorker(t, s.Store, o)
	startWorker(t, second, o)
	hooks := newOpsServerOn(t, s, api.WithWebhookTargets(o.Targets))
	subscribe(t, hooks, "admin", obj{"url": rec.URL, "entities": []string{"tag"}})
	const n = 40
	for i := range n {
		newTag(t, s, fmt.Sprintf("shared-%02d", i))
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		done := len(sent)
		mu.Unlock()
		if done == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d deliveries arrived", done, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for id, k := range sent {
		if k != 1 {
			t.Errorf("%s was sent %d times", id, k)
		}
	}
	if overlaps.Load() != 0 {
		t.Errorf("%d deliveries were in flight twice at once", overlaps.Load())
	}
}
