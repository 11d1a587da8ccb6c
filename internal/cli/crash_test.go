package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestCrashDurability is goal G1, after Jepsen's set test: clients create tags against the real
// binary, each noting a tag only once it is acknowledged (201); the server is killed with SIGKILL
// at a random moment, and restarted. While it is down, the database file, opened read-only, must
// pass integrity_check and foreign_key_check and hold every acknowledged tag with exactly the
// content sent; a tag whose answer never came must be all there or not there at all, with its
// one history row exactly when the tag is there. After the last restart the API must list
// exactly the tags in the file.
// minAcked is how many acknowledged writes the crash test needs for its verdict to mean something.
const minAcked = 1000

func TestCrashDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test takes about half a minute")
	}
	const (
		writers = 8
		group   = "crash"
	)
	// 20 cycles, and the whole test, restarts included, under a minute (the build of the binary
	// before it is not counted). CHAINKB_TEST_CRASH_CYCLES asks for more, for a longer run by
	// hand or in a nightly job, without the time budget.
	cycles, budget := 20, time.Minute
	if v := os.Getenv("CHAINKB_TEST_CRASH_CYCLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("CHAINKB_TEST_CRASH_CYCLES=%q: want a number of cycles", v)
		}
		cycles, budget = n, 0
	}
	perCycle := max(1, (minAcked+cycles-1)/cycles)
	chainkbBinary(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "chainkb.db")
	key := makeKey(t, dbPath, "editor")
	client := newClient(writers)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))

	acked := map[string]tagWrite{}   // answered 201
	unknown := map[string]tagWrite{} // sent, but no answer came before the kill
	start := time.Now()
	totalAcked := 0
	for cycle := range cycles {
		p := startChainkb(t, dbPath, "CHAINKB_SEED=false")

		// Writers go on until the kill; each one records what it sent and what was answered.
		var (
			mu       sync.Mutex
			wg       sync.WaitGroup
			failures []string
			n        int
		)
		ctx, cancel := context.WithCancel(context.Background())
		for w := range writers {
			wg.Go(func() {
				for i := 0; ctx.Err() == nil && i < 100000; i++ {
					tw := newTagWrite(group, fmt.Sprintf("c%02d-w%d-%05d", cycle, w, i), i)
					mu.Lock()
					unknown[tw.Slug] = tw
					mu.Unlock()
					status, body, err := postTag(ctx, client, p.URL, key, tw)
					if err != nil {
						// The server died with the request in flight, or the test stopped it.
						return
					}
					mu.Lock()
					if status == 201 {
						delete(unknown, tw.Slug)
						acked[tw.Slug] = tw
						n++
					} else {
						failures = append(failures, fmt.Sprintf("%s: %d %s", tw.Slug, status, body))
					}
					mu.Unlock()
				}
			})
		}
		// Kill at a random moment, once writes are flowing: within a second of this cycle's
		// perCycle-th acknowledgement, so that the run reaches its 1,000 acknowledged writes
		// however fast the server is (the race detector's build, a loaded machine).
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			mu.Lock()
			flowing := n >= perCycle || len(failures) > 0
			mu.Unlock()
			if flowing {
				break
			}
		}
		time.Sleep(time.Duration(rng.IntN(1000)) * time.Millisecond)
		p.signal(syscall.SIGKILL)
		p.wait(10 * time.Second)
		cancel()
		wg.Wait()
		if len(failures) > 0 {
			t.Fatalf("cycle %d: %d writes were refused, for example %s", cycle, len(failures), failures[0])
		}
		if n == 0 {
			t.Fatalf("cycle %d: no write was acknowledged before the kill", cycle)
		}
		totalAcked += n

		// With the server down, check the file as it was left.
		db := openReadOnly(t, dbPath)
		checkDatabase(t, db)
		got := tagsInDB(t, db, group)
		for slug, want := range acked {
			if g, ok := got[slug]; !ok {
				t.Fatalf("cycle %d: acknowledged tag %s is missing after the crash", cycle, slug)
			} else if g != want {
				t.Fatalf("cycle %d: acknowledged tag %s came back changed:\n got %+v\nwant %+v", cycle, slug, g, want)
			}
		}
		for slug, sent := range unknown {
			if g, ok := got[slug]; ok {
				if g != sent {
					t.Fatalf("cycle %d: unacknowledged tag %s is there but not as sent:\n got %+v\nwant %+v", cycle, slug, g, sent)
				}
				acked[slug] = sent // it is committed: from now on it must stay
			}
		}
		unknown = map[string]tagWrite{}
		if len(got) != len(acked) {
			t.Fatalf("cycle %d: %d tags in the file, want the %d that were sent and committed", cycle, len(got), len(acked))
		}
		// Every tag has its one history row, written in the same transaction; no history row
		// names a tag that is not there.
		var orphans, unhistoried int
		if err := db.QueryRow(`SELECT COUNT(*) FROM revisions r WHERE r.entity = 'tag' AND r.slug LIKE 'c%'
			AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.id = r.entity_id)`).Scan(&orphans); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT COUNT(*) FROM tags t WHERE t.tag_group = ?
			AND (SELECT COUNT(*) FROM revisions r WHERE r.entity = 'tag' AND r.entity_id = t.id AND r.action = 'create') != 1`, group).Scan(&unhistoried); err != nil {
			t.Fatal(err)
		}
		if orphans != 0 || unhistoried != 0 {
			t.Fatalf("cycle %d: %d history rows without their tag, %d tags without exactly one create in their history", cycle, orphans, unhistoried)
		}
		db.Close()
	}

	// One last restart: the API serves exactly what was committed.
	p := startChainkb(t, dbPath, "CHAINKB_SEED=false")
	listed := listTags(t, p.URL, group)
	if len(listed) != len(acked) {
		t.Errorf("after the last restart the API lists %d tags, want %d", len(listed), len(acked))
	}
	for slug, want := range acked {
		if g := listed[slug]; g != want {
			t.Fatalf("after the last restart tag %s is %+v, want %+v", slug, g, want)
		}
	}
	p.signal(syscall.SIGTERM)
	if err := p.wait(30 * time.Second); err != nil {
		t.Errorf("chainkb exited with %v after SIGTERM, want 0:\n%s", err, p.output.String())
	}

	elapsed := time.Since(start)
	t.Logf("%d SIGKILL cycles, %d acknowledged writes (%d committed in all), in %s (kill times from seed %d)", cycles, totalAcked, len(acked), elapsed.Round(time.Millisecond), seed)
	if totalAcked < minAcked {
		t.Errorf("only %d writes were acknowledged over %d cycles; want at least 1,000 for the test to mean something", totalAcked, cycles)
	}
	if budget > 0 && elapsed > budget {
		t.Errorf("the crash test took %s, over its budget of %s", elapsed.Round(time.Millisecond), budget)
	}
}
