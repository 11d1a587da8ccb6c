package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// serveInProcess runs chainkb with run(), as main does, on the database file db, without rate
// limits, and returns its base URL. The server stops, and must stop cleanly, when the test ends.
func serveInProcess(t *testing.T, db string, env map[string]string) string {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	getenv := func(k string) string {
		if k == "CHAINKB_DB" {
			return db
		}
		if v, ok := env[k]; ok {
			return v
		}
		return noRateLimits[k]
	}
	go func() { done <- run(ctx, []string{"-addr", addr}, getenv, io.Discard, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("run did not stop after its context ended")
		}
	})
	waitHealthy(t, "http://"+addr)
	return "http://" + addr
}

// TestConcurrentWriters is goal G2: 50 clients write 100 tags each, all at once, to one server on
// SQLite. Every write must succeed (no 5xx, no "database is locked"), and exactly 5,000 tags must
// exist afterwards.
func TestConcurrentWriters(t *testing.T) {
	const clients, writes = 50, 100
	db := filepath.Join(t.TempDir(), "chainkb.db")
	key := makeKey(t, db, "editor")
	base := serveInProcess(t, db, nil)
	client := newClient(clients)

	start := time.Now()
	var (
		wg                            sync.WaitGroup
		created, serverErrors, locked atomic.Int64
		mu                            sync.Mutex
		unexpected                    []string
	)
	for c := range clients {
		wg.Go(func() {
			for i := range writes {
				w := newTagWrite("load", fmt.Sprintf("load-%02d-%03d", c, i), i)
				status, body, err := postTag(context.Background(), client, base, key, w)
				switch {
				case err != nil:
					mu.Lock()
					unexpected = append(unexpected, fmt.Sprintf("%s: %v", w.Slug, err))
					mu.Unlock()
					continue
				case strings.Contains(strings.ToLower(string(body)), "database is locked"):
					locked.Add(1)
				case status >= 500:
					serverErrors.Add(1)
				case status == 201:
					created.Add(1)
					continue
				}
				mu.Lock()
				unexpected = append(unexpected, fmt.Sprintf("%s: %d %s", w.Slug, status, body))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("%d writes by %d clients in %s (%.0f writes/s)", clients*writes, clients, elapsed.Round(time.Millisecond), float64(clients*writes)/elapsed.Seconds())

	if serverErrors.Load() != 0 || locked.Load() != 0 {
		t.Errorf("%d answers were 5xx and %d said \"database is locked\"; want none", serverErrors.Load(), locked.Load())
	}
	if len(unexpected) > 0 {
		t.Errorf("%d writes failed, for example: %s", len(unexpected), unexpected[0])
	}
	if created.Load() != clients*writes {
		t.Errorf("%d writes answered 201, want %d", created.Load(), clients*writes)
	}
	if n := countTags(t, base, "load"); n != clients*writes {
		t.Errorf("the API counts %d tags in the group, want exactly %d", n, clients*writes)
	}
}
