package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"chainkb/api"
	"chainkb/internal/store"
)

// newOpsServer is newServer's database, keys and seed, served by a second API built with opts and
// logging to log (nil: nowhere).
func newOpsServer(t *testing.T, log *slog.Logger, opts ...api.Option) *testServer {
	t.Helper()
	s := newServer(t)
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := httptest.NewServer(api.New(s.Store, log, append([]api.Option{api.WithWebhookTargets(offlineTargets)}, opts...)...))
	t.Cleanup(srv.Close)
	ops := *s
	ops.URL = srv.URL
	return &ops
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var body struct{ Status string }
	s.do(t, "GET", "/readyz", nil, "Authorization", "").mustStatus(t, 200).decode(t, &body)
	if body.Status != "ready" {
		t.Errorf("readyz = %+v", body)
	}

	// A store whose database is gone: not ready, while the process still lives.
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "gone.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	logs := &lockedBuffer{}
	srv := httptest.NewServer(api.New(st, slog.New(slog.NewTextHandler(logs, nil))))
	defer srv.Close()
	gone := &testServer{URL: srv.URL}
	p := gone.do(t, "GET", "/readyz", nil, "Authorization", "").problem(t, http.StatusServiceUnavailable)
	if p.Code != "not_ready" || strings.Contains(p.Detail, "closed") {
		t.Errorf("problem = %+v; want code not_ready and no internals", p)
	}
	gone.do(t, "GET", "/healthz", nil, "Authorization", "").mustStatus(t, 200)
	if !strings.Contains(logs.String(), "status=503") || !strings.Contains(logs.String(), "closed") {
		t.Errorf("the failed readiness check is not in the access log with its cause:\n%s", logs)
	}
}

// scrape reads /metrics with a reader key and parses the text format.
func scrape(t *testing.T, s *testServer) map[string]*dto.MetricFamily {
	t.Helper()
	res := s.do(t, "GET", "/metrics", nil, "Authorization", "Bearer "+s.Keys["reader"]).mustStatus(t, 200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("metrics Content-Type = %q", ct)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatalf("metrics do not parse: %v\n%s", err, res.Body)
	}
	return families
}

// sample finds the sample of a family whose labels include want.
func sample(families map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	f := families[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		return m
	}
	return nil
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	anon := "Authorization"
	s.do(t, "GET", "/api/v1/tactics/1", nil, anon, "").mustStatus(t, 200)
	s.do(t, "GET", "/api/v1/tactics/2", nil, anon, "").mustStatus(t, 200)
	s.do(t, "GET", "/no/such/path-1", nil, anon, "").mustStatus(t, 404)
	s.do(t, "GET", "/no/such/path-2", nil, anon, "").mustStatus(t, 404)
	s.do(t, "BREW", "/api/v1/tactics", nil, anon, "").mustStatus(t, 405)

	// Metrics need a key.
	s.do(t, "GET", "/metrics", nil, anon, "").problem(t, http.StatusUnauthorized)

	families := scrape(t, s)
	if m := sample(families, "chainkb_http_requests_total", map[string]string{"route": "/api/v1/tactics/:id", "method": "GET", "status": "200"}); m.GetCounter().GetValue() != 2 {
		t.Errorf("requests to /api/v1/tactics/:id = %v, want 2 (counted by route pattern)", m)
	}
	if m := sample(families, "chainkb_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "status": "404"}); m.GetCounter().GetValue() != 2 {
		t.Errorf("unmatched 404s = %v, want 2", m)
	}
	if m := sample(families, "chainkb_http_requests_total", map[string]string{"route": "unmatched", "method": "other", "status": "405"}); m == nil {
		t.Error("a made-up method is not counted as other")
	}
	if m := sample(families, "chainkb_http_requests_total", map[string]string{"route": "/metrics", "status": "401"}); m == nil {
		t.Error("the refused scrape is not counted")
	}
	for _, m := range families["chainkb_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if strings.Contains(l.GetValue(), "path-") || strings.Contains(l.GetValue(), "tactics/1") || l.GetValue() == "BREW" {
				t.Errorf("a label holds what the client sent: %s=%s", l.GetName(), l.GetValue())
			}
		}
	}
	h := sample(families, "chainkb_http_request_duration_seconds", map[string]string{"route": "/api/v1/tactics/:id", "method": "GET"})
	if h.GetHistogram().GetSampleCount() != 2 || len(h.GetHistogram().GetBucket()) < 5 {
		t.Errorf("latency histogram = %v, want 2 samples in buckets", h)
	}
	pools := 0
	for _, m := range families["go_sql_max_open_connections"].GetMetric() {
		pools++
		if m.GetGauge().GetValue() < 1 {
			t.Errorf("pool %v has max_open_connections %v", m.GetLabel(), m.GetGauge().GetValue())
		}
	}
	if pools == 0 || families["go_sql_wait_count_total"] == nil || families["go_sql_in_use_connections"] == nil {
		t.Error("no database pool metrics")
	}
	for _, name := range []string{"go_goroutines", "chainkb_http_requests_in_flight"} {
		if families[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	if families["chainkb_ratelimit_clients"] != nil {
		t.Error("rate-limiter metrics without a rate limit")
	}
}

type logLine map[string]any

func jsonLines(t *testing.T, logs string) []logLine {
	t.Helper()
	var lines []logLine
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var l logLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		lines = append(lines, l)
	}
	return lines
}

func TestAccessLog(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	s := newOpsServer(t, slog.New(slog.NewJSONHandler(logs, nil)))

	first := s.do(t, "GET", "/api/v1/tactics?q=secret-query&limit=2", nil, "X-Request-ID", "trace-me-1").mustStatus(t, 200)
	got := s.do(t, "GET", "/api/v1/tactics/999999", nil, "Authorization", "").Header.Get("X-Request-ID")
	keyInPath := "ckb_" + strings.Repeat("a", 52)
	s.do(t, "GET", "/api/v1/tactics/"+keyInPath, nil).problem(t, http.StatusBadRequest)
	s.do(t, "GET", "/api/v1/tags", nil, "Authorization", "Bearer "+s.Keys["revoked"]).problem(t, http.StatusUnauthorized)

	lines := jsonLines(t, logs.String())
	byID := map[string]logLine{}
	for _, l := range lines {
		if l["msg"] == "request" {
			byID[fmt.Sprint(l["request_id"])] = l
		}
	}
	if len(byID) != 4 {
		t.Fatalf("%d access-log lines, want one per request:\n%s", len(byID), logs)
	}
	l := byID["trace-me-1"]
	want := logLine{"method": "GET", "route": "/api/v1/tactics", "path": "/api/v1/tactics", "status": 200.0, "client_ip": "127.0.0.1", "key_id": float64(s.KeyIDs["editor"]), "role": "editor", "level": "INFO"}
	for k, v := range want {
		if l[k] != v {
			t.Errorf("access log %s = %v, want %v (line %v)", k, l[k], v, l)
		}
	}
	if d, ok := l["duration_ms"].(float64); !ok || d <= 0 {
		t.Errorf("duration_ms = %v", l["duration_ms"])
	}
	if b, ok := l["bytes"].(float64); !ok || int(b) != len(first.Body) {
		t.Errorf("bytes = %v", l["bytes"])
	}
	if l := byID[got]; l == nil || l["status"] != 404.0 || l["route"] != "/api/v1/tactics/:id" || l["key_id"] != nil {
		t.Errorf("generated request id %q: line %v", got, l)
	}
	for _, secret := range append([]string{"secret-query", "Bearer", keyInPath}, s.Keys["editor"], s.Keys["revoked"]) {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	tag := func(size int) string {
		// A tag whose description pads the body to size bytes.
		head := `{"slug":"padded","name":"Padded","group":"lever","description":"`
		return head + strings.Repeat("x", size-len(head)-2) + `"}`
	}
	s := newOpsServer(t, nil, api.WithMaxBodyBytes(1000))
	for _, size := range []int{1001, 5000} {
		p := s.do(t, "POST", "/api/v1/tags", tag(size)).problem(t, http.StatusRequestEntityTooLarge)
		if p.Code != "body_too_large" || !strings.Contains(p.Detail, "1000") {
			t.Errorf("%d bytes: problem %+v", size, p)
		}
		p = s.do(t, "POST", "/api/v1/tags", tag(size), "Idempotency-Key", fmt.Sprint("k", size)).problem(t, http.StatusRequestEntityTooLarge)
		if p.Code != "body_too_large" {
			t.Errorf("%d bytes with an Idempotency-Key: problem %+v", size, p)
		}
	}
	if res := s.do(t, "POST", "/api/v1/tags", tag(1000)); res.Status == http.StatusRequestEntityTooLarge {
		t.Errorf("a body of exactly the limit was refused: %s", res.Body)
	}

	// Without a Content-Length (chunked), the limit holds while the body is read.
	for _, idem := range []string{"", "chunked-1"} {
		req, _ := http.NewRequest("PUT", s.URL+"/api/v1/tags/1", io.MultiReader(strings.NewReader(tag(3000))))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+s.Keys["editor"])
		req.Header.Set("If-Match", "*")
		if idem != "" {
			req.Method = "POST"
			req.URL.Path = "/api/v1/tags"
			req.Header.Set("Idempotency-Key", idem)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if req.ContentLength != 0 {
			t.Fatalf("the request was not chunked")
		}
		if res.StatusCode != http.StatusRequestEntityTooLarge || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("chunked %s over the limit: %d %s", req.Method, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}

	// The default is 1 MiB, and a configured limit can also be higher.
	def := newServer(t)
	def.do(t, "POST", "/api/v1/tags", tag(1<<20+1)).problem(t, http.StatusRequestEntityTooLarge)
	big := newOpsServer(t, nil, api.WithMaxBodyBytes(2<<20))
	if res := big.do(t, "POST", "/api/v1/tags", tag(1<<20+1)); res.Status == http.StatusRequestEntityTooLarge {
		t.Errorf("a 1 MiB + 1 body under a 2 MiB limit was refused: %s", res.Body)
	}
}

// burst sends n GETs of path, spaced by every, and returns the responses.
func burst(t *testing.T, s *testServer, n int, every time.Duration, path string, headers func(i int) []string) []response {
	t.Helper()
	var out []response
	for i := range n {
		if i > 0 && every > 0 {
			time.Sleep(every)
		}
		out = append(out, s.do(t, "GET", path, nil, headers(i)...))
	}
	return out
}

func count(rs []response, status int) int {
	n := 0
	for _, r := range rs {
		if r.Status == status {
			n++
		}
	}
	return n
}

func anonymous(int) []string { return []string{"Authorization", ""} }

func TestRateLimit(t *testing.T) {
	limits := api.RateLimits{Anonymous: api.RateLimit{PerSecond: 2, Burst: 4}, Key: api.RateLimit{PerSecond: 1000, Burst: 100}}

	t.Run("TenTimesTheLimit", func(t *testing.T) {
		s := newOpsServer(t, nil, api.WithRateLimits(limits))
		start := time.Now()
		rs := burst(t, s, 40, 50*time.Millisecond, "/api/v1/chains", anonymous) // 20/s against 2/s
		elapsed := time.Since(start).Seconds()
		ok, limited := count(rs, 200), count(rs, 429)
		if ok+limited != len(rs) || ok < 4 || float64(ok) > 4+2*elapsed+1 || limited < 20 {
			t.Fatalf("%d ok and %d limited in %.1fs at 10× a limit of 2/s, burst 4", ok, limited, elapsed)
		}
		for _, r := range rs {
			if r.Status == 200 {
				if r.Header.Get("RateLimit-Limit") != "4" || r.Header.Get("RateLimit-Remaining") == "" || r.Header.Get("RateLimit-Reset") == "" {
					t.Errorf("RateLimit headers = %v", r.Header)
				}
				continue
			}
			p := r.problem(t, http.StatusTooManyRequests)
			if p.Code != "rate_limited" || !strings.Contains(p.Detail, "API key") {
				t.Errorf("problem = %+v", p)
			}
			if n, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || n < 1 || n > 1 {
				t.Errorf("Retry-After = %q; want 1 (s) at 2 requests a second", r.Header.Get("Retry-After"))
			}
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("429 Cache-Control = %q", r.Header.Get("Cache-Control"))
			}
		}
		// Probes are never limited.
		if rs := burst(t, s, 20, 0, "/readyz", anonymous); count(rs, 200) != 20 {
			t.Errorf("readyz limited: %d of 20 ok", count(rs, 200))
		}
	})

	t.Run("KeysHaveTheirOwnHigherLimit", func(t *testing.T) {
		s := newOpsServer(t, nil, api.WithRateLimits(limits))
		reader := func(int) []string { return []string{"Authorization", "Bearer " + s.Keys["reader"]} }
		if rs := burst(t, s, 60, 0, "/api/v1/chains", reader); count(rs, 200) != 60 {
			t.Errorf("a key at its limit: %d of 60 ok", count(rs, 200))
		}
		if rs := burst(t, s, 20, 0, "/api/v1/chains", anonymous); count(rs, 200) > 5 {
			t.Errorf("anonymous from the same address: %d of 20 ok, want the anonymous burst", count(rs, 200))
		}
		// The key is still served: its bucket is its own.
		s.do(t, "GET", "/api/v1/changes", nil, reader(0)...).mustStatus(t, 200)

		tight := newOpsServer(t, nil, api.WithRateLimits(api.RateLimits{Anonymous: limits.Anonymous, Key: api.RateLimit{PerSecond: 1, Burst: 3}}))
		editor := func(int) []string { return nil }
		if rs := burst(t, tight, 10, 0, "/api/v1/chains", editor); count(rs, 200) < 3 || count(rs, 200) > 4 || count(rs, 200)+count(rs, 429) != 10 {
			t.Errorf("a key over its burst of 3: %d ok, %d limited", count(rs, 200), count(rs, 429))
		}
	})

	t.Run("BadKeysAreLimitedLikeAnonymous", func(t *testing.T) {
		s := newOpsServer(t, nil, api.WithRateLimits(limits))
		bogus := func(int) []string { return []string{"Authorization", "Bearer ckb_" + strings.Repeat("b", 52)} }
		rs := burst(t, s, 20, 0, "/api/v1/chains", bogus)
		if count(rs, 401) > 5 || count(rs, 429) < 15 {
			t.Errorf("guessing keys: %d refused as unknown, %d limited; want the anonymous burst, then 429", count(rs, 401), count(rs, 429))
		}
		// A valid key from the same address is refused as well, until the bucket fills again.
		if res := s.do(t, "GET", "/api/v1/chains", nil); res.Status != 429 {
			t.Errorf("after a run of bad keys, a good one got %d", res.Status)
		}
	})

	t.Run("ForwardedForOnlyFromTrustedProxies", func(t *testing.T) {
		spoof := func(i int) []string {
			return []string{"Authorization", "", "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1)}
		}
		untrusted := newOpsServer(t, nil, api.WithRateLimits(limits))
		if rs := burst(t, untrusted, 20, 0, "/api/v1/chains", spoof); count(rs, 200) > 5 {
			t.Errorf("X-Forwarded-For from an untrusted peer was honoured: %d of 20 ok", count(rs, 200))
		}
		trusted := newOpsServer(t, nil, api.WithRateLimits(limits), api.WithTrustedProxies([]string{"127.0.0.1/32"}))
		if rs := burst(t, trusted, 20, 0, "/api/v1/chains", spoof); count(rs, 200) != 20 {
			t.Errorf("X-Forwarded-For from a trusted proxy was ignored: %d of 20 ok", count(rs, 200))
		}
		same := func(int) []string { return []string{"Authorization", "", "X-Forwarded-For", "198.51.100.7"} }
		if rs := burst(t, trusted, 20, 0, "/api/v1/chains", same); count(rs, 200) > 5 {
			t.Errorf("one client behind the proxy: %d of 20 ok", count(rs, 200))
		}
		// IPv6 clients are counted by /64.
		v6 := func(i int) []string {
			return []string{"Authorization", "", "X-Forwarded-For", fmt.Sprintf("2001:db8:1:2::%x", i+1)}
		}
		if rs := burst(t, trusted, 20, 0, "/api/v1/chains", v6); count(rs, 200) > 5 {
			t.Errorf("addresses of one IPv6 /64: %d of 20 ok", count(rs, 200))
		}
	})

	t.Run("MemoryIsBounded", func(t *testing.T) {
		l := limits
		l.MaxClients = 10
		s := newOpsServer(t, nil, api.WithRateLimits(l), api.WithTrustedProxies([]string{"127.0.0.1"}))
		many := func(i int) []string {
			return []string{"Authorization", "", "X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", i/250, i%250+1)}
		}
		if rs := burst(t, s, 300, 0, "/api/v1/chains", many); count(rs, 200) != 300 {
			t.Errorf("300 clients of one request each: %d ok", count(rs, 200))
		}
		m := sample(scrape(t, s), "chainkb_ratelimit_clients", nil)
		if v := m.GetGauge().GetValue(); v < 1 || v > 10 {
			t.Errorf("the limiter remembers %v clients, want 1 to 10", v)
		}
	})
}

// corsSafelisted are the response headers a browser lets any page read without
// Access-Control-Expose-Headers (the Fetch standard's CORS-safelisted response-header names).
var corsSafelisted = map[string]bool{"Cache-Control": true, "Content-Language": true, "Content-Length": true,
	"Content-Type": true, "Expires": true, "Last-Modified": true, "Pragma": true}

// documentedRequestHeaders lists, once each and sorted, the header parameters docs/openapi.json
// describes on any operation.
func documentedRequestHeaders(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, item := range mustContract(t).Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p.Value != nil && p.Value.In == "header" {
					seen[http.CanonicalHeaderKey(p.Value.Name)] = true
				}
			}
		}
	}
	if len(seen) < 3 {
		t.Fatalf("docs/openapi.json describes only %d header parameters: %v", len(seen), seen)
	}
	return slices.Sorted(maps.Keys(seen))
}

// documentedResponseHeaders lists, once each and sorted, the names of the response headers
// docs/openapi.json describes on any operation.
func documentedResponseHeaders(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, item := range mustContract(t).Paths.Map() {
		for _, op := range item.Operations() {
			for _, res := range op.Responses.Map() {
				if res.Value == nil {
					continue
				}
				for name := range res.Value.Headers {
					seen[http.CanonicalHeaderKey(name)] = true
				}
			}
		}
	}
	if len(seen) < 5 {
		t.Fatalf("docs/openapi.json describes only %d response headers: %v", len(seen), seen)
	}
	return slices.Sorted(maps.Keys(seen))
}

func TestCORS(t *testing.T) {
	t.Parallel()
	const app = "https://app.example.org"
	s := newOpsServer(t, nil, api.WithCORSOrigins([]string{app}),
		api.WithRateLimits(api.RateLimits{Anonymous: api.RateLimit{PerSecond: 1, Burst: 1}}))

	pre := s.do(t, "OPTIONS", "/api/v1/tactics/1", nil, "Authorization", "", "Origin", app,
		"Access-Control-Request-Method", "PATCH", "Access-Control-Request-Headers", "authorization, content-type, if-match")
	if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != app {
		t.Fatalf("preflight from %s: %d, headers %v", app, pre.Status, pre.Header)
	}
	// A page may send every request header the document describes (its header parameters, the
	// key's Authorization and a body's Content-Type), or its browser refuses the request.
	allowed := map[string]bool{}
	for _, h := range strings.Split(pre.Header.Get("Access-Control-Allow-Headers"), ",") {
		allowed[http.CanonicalHeaderKey(strings.TrimSpace(h))] = true
	}
	for _, h := range append(documentedRequestHeaders(t), "Authorization", "Content-Type") {
		if !allowed[http.CanonicalHeaderKey(h)] {
			t.Errorf("Access-Control-Allow-Headers = %q lacks %s", pre.Header.Get("Access-Control-Allow-Headers"), h)
		}
	}
	if !strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "PATCH") || pre.Header.Get("Access-Control-Max-Age") == "" {
		t.Errorf("preflight headers = %v", pre.Header)
	}

	get := s.do(t, "GET", "/api/v1/tactics/1", nil, "Origin", app)
	if get.Status != 200 || get.Header.Get("Access-Control-Allow-Origin") != app {
		t.Fatalf("GET from %s: %d, headers %v", app, get.Status, get.Header)
	}
	// A page can read every response header the document describes: those a browser shows any
	// page anyway (the CORS-safelisted ones) and the exposed ones. Taken from the document, so that
	// a header described later is exposed too, or this fails.
	exposed := map[string]bool{}
	for _, h := range strings.Split(get.Header.Get("Access-Control-Expose-Headers"), ",") {
		exposed[http.CanonicalHeaderKey(strings.TrimSpace(h))] = true
	}
	for _, h := range documentedResponseHeaders(t) {
		if !exposed[h] && !corsSafelisted[h] {
			t.Errorf("Access-Control-Expose-Headers = %q lacks %s, which docs/openapi.json describes", get.Header.Get("Access-Control-Expose-Headers"), h)
		}
	}
	// A page of the allowed origin can read a refusal too.
	s.do(t, "GET", "/api/v1/chains", nil, "Authorization", "", "Origin", app) // the burst of one
	limited := s.do(t, "GET", "/api/v1/chains", nil, "Authorization", "", "Origin", app)
	if limited.Status != 429 || limited.Header.Get("Access-Control-Allow-Origin") != app {
		t.Errorf("429 to %s: %d, headers %v", app, limited.Status, limited.Header)
	}

	for _, res := range []response{
		s.do(t, "OPTIONS", "/api/v1/tactics/1", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "DELETE"),
		s.do(t, "GET", "/api/v1/tactics/1", nil, "Origin", "https://evil.example"),
		s.do(t, "GET", "/api/v1/tactics/1", nil, "Origin", app+".evil.example"),
		newServer(t).do(t, "GET", "/api/v1/tactics/1", nil, "Origin", app),
	} {
		for name := range res.Header {
			if strings.HasPrefix(name, "Access-Control-") {
				t.Errorf("%d answer to another origin has %s: %v", res.Status, name, res.Header)
			}
		}
	}
	for _, res := range []response{pre, get, limited} {
		if res.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Error("credentials allowed")
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := newOpsServer(t, nil, api.WithMaxBodyBytes(100))
	etag := s.do(t, "GET", "/api/v1/chains/sex-trafficking", nil, "Authorization", "").mustStatus(t, 200).Header.Get("ETag")
	cases := []struct {
		name  string
		res   response
		cache string
	}{
		{"published read", s.do(t, "GET", "/api/v1/chains/sex-trafficking/table", nil, "Authorization", ""), "public, max-age=60"},
		{"published list", s.do(t, "GET", "/api/v1/tactics", nil, "Authorization", ""), "public, max-age=60"},
		{"not modified", s.do(t, "GET", "/api/v1/chains/sex-trafficking", nil, "Authorization", "", "If-None-Match", etag), "public, max-age=60"},
		{"read with a key", s.do(t, "GET", "/api/v1/tactics", nil), "private, no-store"},
		{"write", s.do(t, "POST", "/api/v1/tags", obj{"slug": "cc", "name": "Cc", "group": "lever"}), "private, no-store"},
		{"not found", s.do(t, "GET", "/api/v1/tactics/999999", nil, "Authorization", ""), "no-store"},
		{"no route", s.do(t, "GET", "/nope", nil, "Authorization", ""), "no-store"},
		{"wrong method", s.do(t, "PUT", "/api/v1/tactics", "{}"), "no-store"},
		{"unauthorized", s.do(t, "POST", "/api/v1/tags", "{}", "Authorization", ""), "no-store"},
		{"bad key", s.do(t, "GET", "/api/v1/tags", nil, "Authorization", "Bearer nope"), "no-store"},
		{"too large", s.do(t, "POST", "/api/v1/tags", strings.Repeat(" ", 200)), "no-store"},
		{"health", s.do(t, "GET", "/healthz", nil, "Authorization", ""), "no-store"},
		{"docs", s.do(t, "GET", "/swagger/index.html", nil, "Authorization", ""), "no-store"},
	}
	for _, c := range cases {
		h := c.res.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s (%d): security headers %v", c.name, c.res.Status, h)
		}
		if got := h.Get("Cache-Control"); got != c.cache {
			t.Errorf("%s (%d): Cache-Control = %q, want %q", c.name, c.res.Status, got, c.cache)
		}
		if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Authorization") {
			t.Errorf("%s (%d): Vary = %q", c.name, c.res.Status, h.Values("Vary"))
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", c.name)
		}
	}
	if cases[len(cases)-1].res.Status != 200 || !strings.Contains(cases[len(cases)-1].res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("Swagger UI's policy does not let it load its scripts: %v", cases[len(cases)-1].res.Header)
	}
	if csp := cases[0].res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("API policy = %q", csp)
	}
}
