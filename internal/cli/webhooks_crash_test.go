package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// TestWebhooksSurviveSIGKILL: webhook deliveries owed when the real binary is killed with SIGKILL
// (pending, or under way) are sent after the restart, and none is lost: every change committed
// after the subscription reaches the receiving server, at least once, with a valid signature, and
// no change that did not commit is ever sent. The receiver is slow, so that deliveries queue up
// behind the writes and some are owed at each kill.
func TestWebhooksSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("the webhook crash test takes about half a minute")
	}
	const (
		cycles  = 3
		writers = 4
		group   = "webhook-crash"
	)
	chainkbBinary(t)
	dbPath := t.TempDir() + "/chainkb.db"
	admin := makeKey(t, dbPath, "admin")
	editor := makeKey(t, dbPath, "editor")
	env := []string{"CHAINKB_SEED=false", "CHAINKB_WEBHOOK_ALLOW_CIDRS=127.0.0.0/8", "CHAINKB_WEBHOOK_TIMEOUT=1s"}

	var (
		mu       sync.Mutex
		received = map[string]int{} // webhook-id: times received
		bad      []string
		secret   string
	)
	rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		time.Sleep(15 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		wh, err := standardwebhooks.NewWebhook(secret)
		if err == nil {
			err = wh.Verify(body, r.Header)
		}
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", r.Header.Get("webhook-id"), err))
		}
		received[r.Header.Get("webhook-id")]++
	}))
	defer rec.Close()

	client := newClient(writers)
	p := startChainkb(t, dbPath, env...)
	var sub struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	raw, _ := json.Marshal(map[string]any{"url": rec.URL + "/hook", "entities": []string{"tag"}})
	req, _ := http.NewRequest("POST", p.URL+"/api/v1/webhooks", bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 201 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("create the subscription: %d %s", res.StatusCode, b)
	}
	json.NewDecoder(res.Body).Decode(&sub)
	res.Body.Close()
	mu.Lock()
	secret = sub.Secret
	mu.Unlock()

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	owedAtKills := 0
	for cycle := range cycles {
		if cycle > 0 {
			p = startChainkb(t, dbPath, env...)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := 0; ctx.Err() == nil && i < 100000; i++ {
					tw := newTagWrite(group, fmt.Sprintf("wh-c%d-w%d-%05d", cycle, w, i), i)
					if _, _, err := postTag(ctx, client, p.URL, editor, tw); err != nil {
						return
					}
				}
			})
		}
		time.Sleep(time.Duration(300+rng.IntN(700)) * time.Millisecond)
		p.signal(syscall.SIGKILL)
		p.wait(10 * time.Second)
		cancel()
		wg.Wait()
		db := openReadOnly(t, dbPath)
		checkDatabase(t, db)
		var owed int
		if err := db.QueryRow("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'").Scan(&owed); err != nil {
			t.Fatal(err)
		}
		owedAtKills += owed
		db.Close()
	}
	if owedAtKills == 0 {
		t.Fatal("no delivery was owed at any kill: the test proved nothing")
	}

	// The last restart sends what is owed; then every committed change has arrived.
	p = startChainkb(t, dbPath, env...)
	db := openReadOnly(t, dbPath)
	rows, err := db.Query("SELECT id FROM revisions WHERE entity = 'tag' AND slug LIKE 'wh-%'")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		want[fmt.Sprintf("msg_%d_%d", id, sub.ID)] = true
	}
	rows.Close()
	deadline := time.Now().Add(45 * time.Second)
	for {
		mu.Lock()
		missing := 0
		for id := range want {
			if received[id] == 0 {
				missing++
			}
		}
		mu.Unlock()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d committed changes never arrived", missing, len(want))
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Deliveries that were under way at a kill arrived, but their outcome was never recorded:
	// they are owed still, and are sent again (at least once) when their lease runs out.
	for {
		var owed int
		if err := db.QueryRow("SELECT COUNT(*) FROM webhook_deliveries WHERE state <> 'delivered'").Scan(&owed); err != nil {
			t.Fatal(err)
		}
		if owed == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries are still owed", owed)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.signal(syscall.SIGTERM)
	if err := p.wait(30 * time.Second); err != nil {
		t.Errorf("chainkb exited with %v after SIGTERM, want 0:\n%s", err, p.output.String())
	}
	mu.Lock()
	defer mu.Unlock()
	again := 0
	for id, n := range received {
		if !want[id] {
			t.Errorf("%s arrived, but names no committed change", id)
		}
		again += n - 1
	}
	if len(bad) > 0 {
		t.Errorf("%d deliveries do not verify, e.g. %s", len(bad), bad[0])
	}
	t.Logf("%d changes committed over %d SIGKILLs, %d deliveries owed at the kills (counted after each); all arrived, %d of them more than once",
		len(want), cycles, owedAtKills, again)
	if strings.Contains(p.output.String(), "panic") {
		t.Errorf("the log shows a panic:\n%s", p.output.String())
	}
}
