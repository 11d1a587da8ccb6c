package cli

import (
	"context"
	"database/sql"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestShutdownWithSlowClient: a client that never finishes its request (headers sent, the body
// promised and never sent) does not hold SIGTERM up past the shutdown timeout, and chainkb still
// exits 0 with the database closed cleanly (the WAL folded back).
func TestShutdownWithSlowClient(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "chainkb.db")
	p := startChainkb(t, dbPath, "CHAINKB_SEED=false", "CHAINKB_SHUTDOWN_TIMEOUT=2s")

	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = conn.Write([]byte("POST /api/v1/tags HTTP/1.1\r\nHost: chainkb\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"slug\":"))
	if err != nil {
		t.Fatal(err)
	}
	// A second one that never finishes its headers.
	half, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	if _, err := half.Write([]byte("GET /api/v1/tactics HTTP/1.1\r\nHost: chainkb\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let the server read what came

	start := time.Now()
	p.signal(syscall.SIGTERM)
	if err := p.wait(10 * time.Second); err != nil {
		t.Errorf("chainkb exited with %v after SIGTERM, want 0:\n%s", err, p.output.String())
	}
	took := time.Since(start)
	t.Logf("chainkb exited %s after SIGTERM", took.Round(time.Millisecond))
	if took > 6*time.Second {
		t.Errorf("shutdown took %s with a 2s shutdown timeout", took)
	}
	if !strings.Contains(p.output.String(), "stopped") {
		t.Errorf("no clean stop in the log:\n%s", p.output.String())
	}
	if fi, err := os.Stat(dbPath + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("the WAL holds %d bytes after the shutdown; want it checkpointed", fi.Size())
	}
}

// TestKeysListEscapes: a key name cannot hold control characters, and one from before that rule
// is printed quoted by "chainkb keys list", so that a terminal never runs its escape sequences.
func TestKeysListEscapes(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "chainkb.db")
	makeKey(t, dbPath, "reader")
	env := func(k string) string { return map[string]string{"CHAINKB_DB": dbPath}[k] }
	var out, errOut strings.Builder
	if err := run(context.Background(), []string{"keys", "create", "-name", "evil\x1b]0;owned\x07", "-role", "reader"}, env, &out, &errOut); err == nil {
		t.Errorf("keys create with an escape in the name succeeded: %s", out.String())
	}
	db, err := sql.Open("sqlite3", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE api_keys SET name = ?", "old\x1b[2Jname"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"keys", "list"}, env, &out, &errOut); err != nil {
		t.Fatalf("keys list: %v (%s)", err, errOut.String())
	}
	if strings.ContainsRune(out.String(), 0x1b) || !strings.Contains(out.String(), `"old\x1b[2Jname"`) {
		t.Errorf("keys list printed %q", out.String())
	}
}
