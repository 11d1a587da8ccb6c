package cli

// Helpers for the tests that run chainkb as a process, as an operator would: the test binary
// itself, which runs chainkb's main when asMainEnv is set (TestMain), started as a subprocess on a
// temporary database, and stopped with a signal. Running the test binary rather than one built
// with go build saves a third compile of SQLite (after the test binary's and go vet's) from a
// cold cache; the code is the same, built by the same toolchain with the same tags (with -race
// when the tests have it, so a data race in the server fails the test that meets it). The image's
// own build command is checked in e2e/container_test.go.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the tests' own read-only view of a database file
)

// moduleRoot is the module's root, from this package's directory (where go test runs its tests):
// the README and .ci/run are there.
const moduleRoot = "../.."

// asMainEnv, set in the environment, makes the test binary run chainkb's main with its arguments
// instead of the tests. Its name does not start with CHAINKB_, so processEnv passes it on; the
// test process sets it for all its children once it has checked it.
const asMainEnv = "GO_TEST_CHAINKB_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		// What main.go's main does.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Setenv(asMainEnv, "1")
	os.Exit(m.Run())
}

// chainkbBinary returns the path of a program that is chainkb: this test binary (see TestMain).
func chainkbBinary(t *testing.T) string {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatalf("the test binary's path: %v", err)
	}
	return bin
}

// lockedBuffer collects output that another goroutine or a subprocess writes while the test reads
// it: a subprocess's output, or the log of a run() in the test's process.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// proc is chainkb running as a subprocess.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	addr   string
	URL    string
	output *lockedBuffer
	done   chan struct{}
	err    error // what Wait returned, once done is closed
}

// noRateLimits turns chainkb's rate limits off: these tests measure the database under load, not
// the limits (their own tests are elsewhere), and send far more than a client may.
var noRateLimits = map[string]string{"CHAINKB_RATE_ANON": "0", "CHAINKB_RATE_KEY": "0"}

// processEnv is the environment the tests give chainkb: this process's, without any CHAINKB_
// setting that would change what the test runs, with no rate limits, plus env.
func processEnv(env ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CHAINKB_") {
			out = append(out, kv)
		}
	}
	for k, v := range noRateLimits {
		out = append(out, k+"="+v)
	}
	return append(out, env...)
}

// startChainkb runs the binary on the database file db, listening on a free loopback port, and
// waits until it answers /healthz.
func startChainkb(t *testing.T, db string, env ...string) *proc {
	t.Helper()
	return startChainkbArgs(t, db, false, env...)
}

// startChainkbArgs is startChainkb, with the address given by the -addr flag rather than
// CHAINKB_ADDR when addrFlag is set.
func startChainkbArgs(t *testing.T, db string, addrFlag bool, env ...string) *proc {
	t.Helper()
	bin := chainkbBinary(t)
	addr := freeAddr(t)
	p := &proc{t: t, addr: addr, URL: "http://" + addr, output: &lockedBuffer{}, done: make(chan struct{})}
	if addrFlag {
		p.cmd = exec.Command(bin, "serve", "-addr", addr)
		p.cmd.Env = processEnv(append([]string{"CHAINKB_DB=" + db}, env...)...)
	} else {
		p.cmd = exec.Command(bin)
		p.cmd.Env = processEnv(append([]string{"CHAINKB_DB=" + db, "CHAINKB_ADDR=" + addr}, env...)...)
	}
	p.cmd.Stdout = p.output
	p.cmd.Stderr = p.output
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start chainkb: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case <-p.done:
			t.Fatalf("chainkb exited at start-up (%v):\n%s", p.err, p.output.String())
		default:
		}
		res, err := http.Get(p.URL + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("chainkb did not become healthy:\n%s", p.output.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// signal sends sig to the process.
func (p *proc) signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait waits for the process to exit and returns its exit error (nil for exit 0).
func (p *proc) wait(timeout time.Duration) error {
	p.t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.t.Fatalf("chainkb did not exit within %s:\n%s", timeout, p.output.String())
		return nil
	}
}

// makeKey creates a key on the database file db with "chainkb keys create" (run in this process:
// it is the same code as the binary's) and returns it.
func makeKey(t *testing.T, db, role string) string {
	t.Helper()
	var out, errOut strings.Builder
	env := func(k string) string { return map[string]string{"CHAINKB_DB": db}[k] }
	if err := run(context.Background(), []string{"keys", "create", "-name", "test " + role, "-role", role}, env, &out, &errOut); err != nil {
		t.Fatalf("keys create: %v (%s)", err, errOut.String())
	}
	return strings.TrimSpace(out.String())
}

// tagWrite is one tag a client asked chainkb to create.
type tagWrite struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Group       string `json:"group"`
	Description string `json:"description"`
}

// newTagWrite makes a tag with a unique slug and a description of random content, long enough to
// span more than one database page with its neighbours, so that a torn write would show.
func newTagWrite(group, slug string, seed int) tagWrite {
	h := sha256.Sum256(fmt.Appendf(nil, "%s/%d/%d", slug, seed, time.Now().UnixNano()))
	return tagWrite{
		Slug:        slug,
		Name:        "Tag " + slug,
		Group:       group,
		Description: strings.Repeat(hex.EncodeToString(h[:]), 24), // 1,536 bytes
	}
}

// postTag sends one create and returns the status and body (status 0 if no answer came).
func postTag(ctx context.Context, client *http.Client, base, key string, w tagWrite) (int, []byte, error) {
	body, _ := json.Marshal(w)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/tags", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	return res.StatusCode, b, nil
}

// newClient is an HTTP client for n concurrent clients of one server.
func newClient(n int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = n
	tr.MaxIdleConnsPerHost = n
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// tagsInDB reads the tags of a group straight from the database file, opened read-only.
func tagsInDB(t *testing.T, db *sql.DB, group string) map[string]tagWrite {
	t.Helper()
	rows, err := db.Query("SELECT slug, name, tag_group, description FROM tags WHERE tag_group = ?", group)
	if err != nil {
		t.Fatalf("read tags: %v", err)
	}
	defer rows.Close()
	got := map[string]tagWrite{}
	for rows.Next() {
		var w tagWrite
		if err := rows.Scan(&w.Slug, &w.Name, &w.Group, &w.Description); err != nil {
			t.Fatal(err)
		}
		got[w.Slug] = w
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// openReadOnly opens an SQLite file read-only through database/sql, as a tool outside chainkb
// would.
func openReadOnly(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// checkDatabase runs PRAGMA integrity_check and foreign_key_check and fails unless they find
// nothing wrong.
func checkDatabase(t *testing.T, db *sql.DB) {
	t.Helper()
	var lines []string
	rows, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, s)
	}
	rows.Close()
	if len(lines) != 1 || lines[0] != "ok" {
		t.Fatalf("integrity_check = %q, want ok", lines)
	}
	rows, err = db.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatalf("foreign_key_check: %v", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	if n > 0 {
		t.Fatalf("foreign_key_check found %d rows that break a foreign key", n)
	}
}

// countTags asks chainkb for the number of tags in a group.
func countTags(t *testing.T, base, group string) int64 {
	t.Helper()
	var page struct{ Total *int64 }
	getJSON(t, base+"/api/v1/tags?include_total=true&limit=1&group="+group, &page)
	if page.Total == nil {
		t.Fatal("no total in the answer to include_total=true")
	}
	return *page.Total
}

// listTags reads every tag of a group through the API, following next_cursor.
func listTags(t *testing.T, base, group string) map[string]tagWrite {
	t.Helper()
	got := map[string]tagWrite{}
	u := base + "/api/v1/tags?limit=200&group=" + group
	for range 10000 {
		var page struct {
			Data       []tagWrite `json:"data"`
			NextCursor *string    `json:"next_cursor"`
		}
		getJSON(t, u, &page)
		for _, w := range page.Data {
			got[w.Slug] = w
		}
		if page.NextCursor == nil {
			return got
		}
		u = base + "/api/v1/tags?limit=200&group=" + group + "&cursor=" + url.QueryEscape(*page.NextCursor)
	}
	t.Fatal("too many pages")
	return nil
}
