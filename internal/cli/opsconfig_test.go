package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"chainkb/internal/store"
)

// TestHelp checks that -h and --help list every flag with its environment variable, and succeed.
func TestHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help"} {
		var out strings.Builder
		if err := run(context.Background(), []string{arg}, func(string) string { return "" }, &out, &out); err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		fs := flag.NewFlagSet("chainkb", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		cfg := config{ops: defaultOpsConfig()}
		fs.StringVar(&cfg.addr, "addr", "", "")
		if err := cfg.ops.register(fs, func(string) string { return "" }); err != nil {
			t.Fatal(err)
		}
		help := out.String()
		for _, name := range append([]string{"addr", "db", "seed"}, flagNames(fs)...) {
			i := strings.Index(help, "  -"+name+" ")
			if i < 0 {
				i = strings.Index(help, "  -"+name+"\n")
			}
			if i < 0 {
				t.Errorf("%s does not list -%s:\n%s", arg, name, help)
				continue
			}
			line, _, _ := strings.Cut(help[i:], "\n  -")
			if !strings.Contains(line, "(env CHAINKB_") {
				t.Errorf("%s: -%s names no environment variable: %q", arg, name, line)
			}
		}
		if !strings.Contains(help, "CHAINKB_ADMIN_KEY") {
			t.Errorf("%s does not mention CHAINKB_ADMIN_KEY", arg)
		}
	}
}

func flagNames(fs *flag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if opsFlags[f.Name] {
			names = append(names, f.Name)
		}
	})
	return names
}

func TestOpsConfig(t *testing.T) {
	env := map[string]string{
		"CHAINKB_LOG_FORMAT": "json", "CHAINKB_LOG_LEVEL": "warn", "CHAINKB_MAX_BODY": "2048",
		"CHAINKB_RATE_ANON": "1.5", "CHAINKB_RATE_ANON_BURST": "3", "CHAINKB_RATE_KEY": "20", "CHAINKB_RATE_KEY_BURST": "30",
		"CHAINKB_RATE_CLIENTS": "99", "CHAINKB_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1",
		"CHAINKB_CORS_ORIGINS": "https://App.example.org, http://localhost:3000", "CHAINKB_READ_HEADER_TIMEOUT": "2s",
	}
	cfg, err := parseConfig([]string{"-rate-key", "25", "-idle-timeout", "1m"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := cfg.ops
	if o.logFormat != "json" || o.level.String() != "WARN" || o.maxBody != 2048 || o.rateAnon != 1.5 || o.burstAnon != 3 ||
		o.rateKey != 25 || o.burstKey != 30 || o.rateClients != 99 || o.readHeaderTimeout != 2*time.Second || o.idleTimeout != time.Minute ||
		strings.Join(o.proxies, " ") != "10.0.0.0/8 192.0.2.1" || strings.Join(o.origins, " ") != "https://app.example.org http://localhost:3000" {
		t.Errorf("ops config = %+v; want the environment, and the flags over it", o)
	}
	if d := defaultOpsConfig(); len(d.origins) != 0 || len(d.proxies) != 0 || d.maxBody != 1<<20 || d.logFormat != "text" {
		t.Errorf("defaults = %+v; want no CORS, no trusted proxy, 1 MiB, text logs", d)
	}
	for _, bad := range []map[string]string{
		{"CHAINKB_LOG_FORMAT": "xml"}, {"CHAINKB_LOG_LEVEL": "loud"}, {"CHAINKB_MAX_BODY": "0"}, {"CHAINKB_MAX_BODY": "1MB"},
		{"CHAINKB_RATE_ANON": "-1"}, {"CHAINKB_RATE_CLIENTS": "0"}, {"CHAINKB_TRUSTED_PROXIES": "proxy.internal"},
		{"CHAINKB_CORS_ORIGINS": "app.example.org"}, {"CHAINKB_CORS_ORIGINS": "https://app.example.org/path"},
		{"CHAINKB_READ_HEADER_TIMEOUT": "0s"}, {"CHAINKB_WRITE_TIMEOUT": "soon"},
		{"CHAINKB_MEMORY_LIMIT": "-1"}, {"CHAINKB_MEMORY_LIMIT": "48MiB"},
	} {
		if _, err := parseConfig(nil, func(k string) string { return bad[k] }, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestMemoryLimit checks the soft memory limit's default and where it comes from: the flag over
// CHAINKB_MEMORY_LIMIT over the default, and none of chainkb's own when GOMEMLIMIT is set, which
// the Go runtime has applied already.
func TestMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want int64
	}{
		{nil, nil, 40 << 20},
		{nil, map[string]string{"CHAINKB_MEMORY_LIMIT": "100000000"}, 100000000},
		{[]string{"-memory-limit", "0"}, map[string]string{"CHAINKB_MEMORY_LIMIT": "100000000"}, 0},
		{nil, map[string]string{"GOMEMLIMIT": "200MiB"}, 0},
		{[]string{"-memory-limit", "64000000"}, map[string]string{"GOMEMLIMIT": "200MiB"}, 64000000},
	} {
		cfg, err := parseConfig(c.args, func(k string) string { return c.env[k] }, io.Discard)
		if err != nil {
			t.Fatalf("%v %v: %v", c.args, c.env, err)
		}
		if cfg.ops.memoryLimit != c.want {
			t.Errorf("%v %v: memory limit %d, want %d", c.args, c.env, cfg.ops.memoryLimit, c.want)
		}
	}
}

// TestSlowloris checks that a client that sends its headers a byte at a time is disconnected
// within ReadHeaderTimeout + 1 s, while the server goes on serving others.
func TestSlowloris(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "chainkb.db")
	go func() {
		done <- run(ctx, []string{"-addr", addr, "-seed=false", "-read-header-timeout", "1s"}, func(k string) string {
			return map[string]string{"CHAINKB_DB": db}[k]
		}, io.Discard, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	waitHealthy(t, "http://"+addr)

	const readHeaderTimeout = time.Second
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			start := time.Now()
			closed := make(chan struct{})
			go func() {
				// The server says nothing; the read ends when it hangs up.
				_, _ = io.Copy(io.Discard, conn)
				close(closed)
			}()
			header := "GET /healthz HTTP/1.1\r\nHost: chainkb\r\nX-Slow: " + strings.Repeat("a", 100)
		dribble:
			for i := 0; i < len(header); i++ {
				if _, err := conn.Write([]byte{header[i]}); err != nil {
					break
				}
				select {
				case <-closed:
					break dribble
				case <-time.After(100 * time.Millisecond):
				}
				if time.Since(start) > readHeaderTimeout+3*time.Second {
					break
				}
			}
			select {
			case <-closed:
			case <-time.After(readHeaderTimeout + 3*time.Second - time.Since(start)):
			}
			if elapsed := time.Since(start); elapsed > readHeaderTimeout+time.Second {
				t.Errorf("slow client disconnected after %v, want within %v", elapsed, readHeaderTimeout+time.Second)
			}
		}()
	}
	// Meanwhile, others are served.
	time.Sleep(300 * time.Millisecond)
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	wg.Wait()
}

// TestJSONLogs runs chainkb with JSON logs, and checks that every line is JSON, that each request
// has an access-log line with its request id, and that neither keys nor query strings are logged.
func TestJSONLogs(t *testing.T) {
	key, err := store.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	db := filepath.Join(t.TempDir(), "chainkb.db")
	var logs lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", addr}, func(k string) string {
			return map[string]string{"CHAINKB_DB": db, "CHAINKB_ADMIN_KEY": key, "CHAINKB_LOG_FORMAT": "json"}[k]
		}, io.Discard, &logs)
	}()
	waitHealthy(t, "http://"+addr)
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/keys?limit=5&note=private-note", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("X-Request-ID", "json-log-test")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	found, seeded := false, false
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		// The seed logs through slog's default logger, which the command sets to its own.
		seeded = seeded || line["msg"] == "seed applied"
		if line["request_id"] == "json-log-test" {
			found = line["msg"] == "request" && line["route"] == "/api/v1/keys" && line["path"] == "/api/v1/keys" && line["role"] == "admin"
		}
	}
	if !found {
		t.Errorf("no access-log line for the request:\n%s", logs.String())
	}
	if !seeded {
		t.Errorf("no \"seed applied\" line in the command's log:\n%s", logs.String())
	}
	for _, secret := range []string{key, "private-note", "Bearer"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}
