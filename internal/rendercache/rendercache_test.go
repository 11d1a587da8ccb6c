package rendercache

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestBytes checks that the bodies kept never hold more than the budget, and that a body larger
// than that is served but not kept.
func TestBytes(t *testing.T) {
	const budget = 32 << 20
	c := New[string]("t", 256, budget)
	body := make([]byte, 5<<20) // 5 MiB: six fit in 32 MiB, not seven
	for i := range 20 {
		k := fmt.Sprint("c", i)
		if got := c.put(k, 1, body, ""); !strings.HasPrefix(got.ETag, `"t-`) {
			t.Fatalf("ETag %s, want one starting with \"t-", got.ETag)
		}
		if c.bytes > budget || c.bytes != len(c.entries)*len(body) {
			t.Fatalf("after %d puts the cache holds %d bytes in %d entries; want at most %d", i+1, c.bytes, len(c.entries), budget)
		}
		if _, ok := c.get(k, 1); !ok {
			t.Fatalf("entry %d not kept", i)
		}
	}
	// Putting the same key again does not count it twice.
	before := c.bytes
	c.put("c19", 1, body, "")
	if c.bytes != before {
		t.Errorf("the same key put again: %d bytes, want %d", c.bytes, before)
	}
	if got := c.put("huge", 1, make([]byte, budget+1), ""); got.Body == nil {
		t.Fatal("the huge body is not served")
	}
	if _, ok := c.get("huge", 1); ok || c.bytes != before {
		t.Errorf("a body over the budget was kept (%d bytes)", c.bytes)
	}
}

// TestEntries checks the bound on the number of entries.
func TestEntries(t *testing.T) {
	c := New[int]("h", 3, 1<<20)
	for i := range 10 {
		c.put(i, 1, []byte("x"), "")
		if len(c.entries) > 3 {
			t.Fatalf("%d entries after %d puts, want at most 3", len(c.entries), i+1)
		}
	}
}

// TestGenerations checks that an entry is served only at the generation it was rendered at, that
// a newer generation drops the older entries, and that a slow render of an older state is served
// to its callers without replacing newer entries.
func TestGenerations(t *testing.T) {
	c := New[string]("t", 10, 1<<20)
	renders := 0
	render := func(body string) func() ([]byte, error) {
		return func() ([]byte, error) { renders++; return []byte(body), nil }
	}
	a, _ := c.Get("k", 1, render("one"))
	b, _ := c.Get("k", 1, render("not this"))
	if renders != 1 || string(b.Body) != "one" || a.ETag != b.ETag {
		t.Fatalf("second Get at the same generation: %q after %d renders, want the first one", b.Body, renders)
	}
	n, _ := c.Get("k", 2, render("two"))
	if renders != 2 || string(n.Body) != "two" || n.ETag == a.ETag {
		t.Fatalf("Get at a new generation: %q (%s) after %d renders", n.Body, n.ETag, renders)
	}
	old, _ := c.Get("other", 1, render("old"))
	if string(old.Body) != "old" {
		t.Fatalf("an older generation's render is not served: %q", old.Body)
	}
	if e, ok := c.get("k", 2); !ok || string(e.Body) != "two" {
		t.Fatal("an older generation's render dropped the newer entries")
	}
	if _, ok := c.get("other", 1); ok {
		t.Fatal("an older generation's render was kept")
	}
}

// TestRenderOnce checks that concurrent requests for a missing entry share one render, and that
// an error reaches every caller and is not kept.
func TestRenderOnce(t *testing.T) {
	c := New[string]("t", 10, 1<<20)
	var renders atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := c.Get("k", 1, func() ([]byte, error) {
				renders.Add(1)
				<-release
				return []byte("body"), nil
			})
			if err != nil || string(e.Body) != "body" {
				t.Errorf("Get: %q, %v", e.Body, err)
			}
		}()
	}
	// Hold the first render until it has started: the others asking meanwhile wait for it, and
	// those that come after it finished find the entry kept. Either way, one render.
	for renders.Load() == 0 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for one key at one generation, want 1", n)
	}
	boom := errors.New("boom")
	if _, err := c.Get("bad", 1, func() ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}
	if _, ok := c.get("bad", 1); ok {
		t.Error("a failed render was kept")
	}
}
