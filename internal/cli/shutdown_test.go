package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestGracefulShutdown is goal G10: SIGTERM reaches the real binary with 50 writes in flight.
// To hold them in flight for sure, the test takes SQLite's write lock from outside before sending
// them, so they wait inside chainkb for the lock. Then: new connections are refused while the 50
// wait; once the lock is released all 50 are answered 201; the process closes the database (the
// WAL is folded back into the file) and exits 0, well within 30 s; and after a restart all 50
// tags are there.
func TestGracefulShutdown(t *testing.T) {
	const inFlight = 50
	dbPath := filepath.Join(t.TempDir(), "chainkb.db")
	key := makeKey(t, dbPath, "editor")
	p := startChainkb(t, dbPath, "CHAINKB_SEED=false")

	// Hold the write lock, as a second process (a migration, an admin's sqlite3 shell) might.
	locker, err := sql.Open("sqlite3", dbPath+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	conn, err := locker.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	// Send the 50 writes and wait until every one is on the wire.
	client := newClient(inFlight)
	type result struct {
		status int
		body   string
		err    error
		at     time.Time // when the answer came
	}
	results := make([]result, inFlight)
	writes := make([]tagWrite, inFlight)
	var sent, wg sync.WaitGroup
	sent.Add(inFlight)
	for i := range inFlight {
		writes[i] = newTagWrite("shutdown", fmt.Sprintf("inflight-%02d", i), i)
		wg.Go(func() {
			once := sync.OnceFunc(sent.Done)
			defer once()
			ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
				WroteRequest: func(httptrace.WroteRequestInfo) { once() },
			})
			status, body, err := postTag(ctx, client, p.URL, key, writes[i])
			results[i] = result{status, string(body), err, time.Now()}
		})
	}
	sent.Wait()
	// Let the server read them: a connection that has not been read yet does not count as busy.
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	p.signal(syscall.SIGTERM)

	// New connections are refused while the 50 are still waiting for the lock. (A connection
	// that races the closing of the listener may be reset instead; try again until the port
	// refuses.)
	var dialErr error
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", p.addr, time.Second)
		if err == nil {
			c.Close()
		}
		if dialErr = err; errors.Is(err, syscall.ECONNREFUSED) {
			break
		}
	}
	if !errors.Is(dialErr, syscall.ECONNREFUSED) {
		t.Errorf("a new connection after SIGTERM: %v; want it refused", dialErr)
	}
	select {
	case <-p.done:
		t.Fatalf("chainkb exited (%v) with %d writes in flight:\n%s", p.err, inFlight, p.output.String())
	default:
	}

	// Release the lock: the writes go through, and chainkb exits.
	released := time.Now()
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	locker.Close()
	wg.Wait()
	if err := p.wait(30 * time.Second); err != nil {
		t.Errorf("chainkb exited with %v after SIGTERM, want 0:\n%s", err, p.output.String())
	}
	t.Logf("chainkb exited %s after SIGTERM", time.Since(start).Round(time.Millisecond))
	for i, r := range results {
		if r.err != nil || r.status != http.StatusCreated {
			t.Errorf("in-flight write %d: status %d, error %v, body %s; want 201", i, r.status, r.err, r.body)
		} else if r.at.Before(released) {
			t.Errorf("in-flight write %d was answered before the lock was released: it was not in flight", i)
		}
	}
	// Closed cleanly: the last connection folded the WAL back into the database file.
	if fi, err := os.Stat(dbPath + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("the WAL holds %d bytes after a clean shutdown; want it checkpointed", fi.Size())
	}

	p = startChainkb(t, dbPath, "CHAINKB_SEED=false")
	got := listTags(t, p.URL, "shutdown")
	for _, w := range writes {
		if got[w.Slug] != w {
			t.Errorf("after a restart tag %s is %+v, want %+v", w.Slug, got[w.Slug], w)
		}
	}
	p.signal(syscall.SIGINT)
	if err := p.wait(30 * time.Second); err != nil {
		t.Errorf("chainkb exited with %v after SIGINT, want 0", err)
	}
}

// TestHealthcheckCommand checks "chainkb healthcheck", the image's HEALTHCHECK: it succeeds
// against a serving chainkb, and fails against a port where nothing listens.
func TestHealthcheckCommand(t *testing.T) {
	p := startChainkb(t, filepath.Join(t.TempDir(), "chainkb.db"), "CHAINKB_SEED=false")
	bin := chainkbBinary(t)
	_, port, _ := net.SplitHostPort(p.addr)
	cmd := exec.Command(bin, "healthcheck")
	cmd.Env = processEnv("CHAINKB_ADDR=:" + port)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("chainkb healthcheck against a serving chainkb: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "healthcheck", "-addr", freeAddr(t), "-timeout", "2s")
	cmd.Env = processEnv()
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("chainkb healthcheck succeeded where nothing listens:\n%s", out)
	}
	for addr, want := range map[string]string{
		":8080":          "http://127.0.0.1:8080/healthz",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/healthz",
		"[::]:8080":      "http://[::1]:8080/healthz",
		"10.1.2.3:8080":  "http://10.1.2.3:8080/healthz",
		"localhost:8080": "http://localhost:8080/healthz",
	} {
		if got, err := healthURL(addr); err != nil || got != want {
			t.Errorf("healthURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
}
