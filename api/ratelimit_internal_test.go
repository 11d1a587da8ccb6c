package api

import (
	"fmt"
	"testing"
	"time"
)

// TestLimiterForgetsFullBucketsFirst checks the bound on the limiter's memory: clients whose buckets
// have filled up again are forgotten first, which loses nothing; busy clients only when there are
// more of them than the bound.
func TestLimiterForgetsFullBucketsFirst(t *testing.T) {
	l := newLimiter(RateLimits{Anonymous: RateLimit{PerSecond: 10, Burst: 1}, MaxClients: 3}) // refills in 100 ms
	t0 := time.Now()
	for _, c := range []string{"a", "b", "c"} {
		if !l.bucket(c, l.limits.Anonymous, t0).AllowN(t0, 1) {
			t.Fatalf("new client %s refused", c)
		}
	}
	// b is busy again; a and c have been idle for longer than a refill.
	later := t0.Add(2 * time.Second)
	l.bucket("b", l.limits.Anonymous, later.Add(-50*time.Millisecond))
	l.bucket("d", l.limits.Anonymous, later)
	if l.size() != 2 || l.peek("b") == nil || l.peek("a") != nil || l.peek("c") != nil {
		t.Errorf("after the sweep: %d clients, b=%v a=%v c=%v; want b and d", l.size(), l.peek("b") != nil, l.peek("a") != nil, l.peek("c") != nil)
	}
	// A flood of busy clients: the bound holds.
	for i := range 100 {
		l.bucket(fmt.Sprint("flood", i), l.limits.Anonymous, later.Add(time.Duration(i)*time.Millisecond))
		if l.size() > 3 {
			t.Fatalf("%d clients remembered, bound 3", l.size())
		}
	}
}

func TestClientNetwork(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":               "192.0.2.7",
		"::ffff:192.0.2.7":        "192.0.2.7",
		"2001:db8:1:2:aaaa::1":    "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::9999": "2001:db8:1:2::/64",
		"not-an-ip":               "not-an-ip",
	} {
		if got := clientNetwork(in); got != want {
			t.Errorf("clientNetwork(%q) = %q, want %q", in, got, want)
		}
	}
}
