package cli

// The command as a user meets it: its version, its help, its start-up output, its health check
// and its refusals at start-up, on the real binary where the behaviour is the process's.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"chainkb/internal/store"
)

// TestVersion checks that --version, -version and "version" print the binary's build information
// as the Go toolchain stamped it (go version -m reads the same), and exit 0.
func TestVersion(t *testing.T) {
	bin := chainkbBinary(t)
	stamped, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	var want []string
	for _, line := range strings.Split(string(stamped), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "mod" && f[1] == "chainkb":
			want = append(want, "chainkb "+f[2])
		case len(f) == 2 && f[0] == "build" && strings.HasPrefix(f[1], "vcs.revision="):
			want = append(want, strings.TrimPrefix(f[1], "vcs.revision="))
		case len(f) == 2 && f[0] == "build" && f[1] == "vcs.modified=true":
			want = append(want, "modified")
		}
	}
	if len(want) == 0 {
		t.Fatalf("go version -m found no main module in %s:\n%s", bin, stamped)
	}
	want = append(want, runtime.Version())
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Errorf("chainkb %s: %v\n%s", args[0], err, out)
			continue
		}
		for _, w := range want {
			if !strings.Contains(string(out), w) {
				t.Errorf("chainkb %s printed %q; want it to hold %q", args[0], out, w)
			}
		}
	}
	// A build with VCS information (this machine sets GOFLAGS=-buildvcs=false) shows all of it.
	line := formatVersion(buildInfo{version: "v1.2.0", revision: "0123456789abcdef", time: "2026-12-07T08:00:00Z", modified: true, goVersion: "go1.26.8"})
	if line != "chainkb v1.2.0 revision 0123456789abcdef (2026-12-07T08:00:00Z) modified go1.26.8" {
		t.Errorf("formatVersion = %q", line)
	}
}

// TestHelpCommands checks the forms of help a user tries: "chainkb help", "chainkb serve
// --help", "chainkb help keys"; the server's usage goes to stdout, so it pipes into a pager.
func TestHelpCommands(t *testing.T) {
	getenv := func(string) string { return "" }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"help"}, "chainkb [serve] [flags]"},
		{[]string{"--help"}, "chainkb [serve] [flags]"},
		{[]string{"serve", "--help"}, "chainkb [serve] [flags]"},
		{[]string{"serve", "-h"}, "-addr"},
		{[]string{"help", "serve"}, "-shutdown-timeout"},
		{[]string{"help", "keys"}, "chainkb keys create"},
	} {
		var out, errOut bytes.Buffer
		if code := Run(context.Background(), tc.args, getenv, &out, &errOut); code != 0 {
			t.Errorf("chainkb %s: exit %d; stderr %s", strings.Join(tc.args, " "), code, errOut.String())
		}
		if !strings.Contains(out.String()+errOut.String(), tc.want) {
			t.Errorf("chainkb %s: output lacks %q:\n%s%s", strings.Join(tc.args, " "), tc.want, out.String(), errOut.String())
		}
		if tc.args[0] != "help" || len(tc.args) == 1 {
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("chainkb %s printed its usage to stderr, not stdout", strings.Join(tc.args, " "))
			}
		}
	}
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"serve", "-no-such-flag"}, getenv, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "-no-such-flag") || !strings.Contains(errOut.String(), "--help") {
		t.Errorf("chainkb serve -no-such-flag: exit %d, stderr %q; want 1, naming the flag and --help", code, errOut.String())
	}
}

// TestStartupJSONLogs runs the binary on a new database with JSON logs and checks that every line
// it writes, from the migrations and the seed to the last line after SIGTERM, is a JSON object
// with a level and a message.
func TestStartupJSONLogs(t *testing.T) {
	db := filepath.Join(t.TempDir(), "chainkb.db")
	p := startChainkb(t, db, "CHAINKB_LOG_FORMAT=json")
	p.signal(syscall.SIGTERM)
	if err := p.wait(30 * time.Second); err != nil {
		t.Fatalf("exit: %v\n%s", err, p.output.String())
	}
	var msgs []string
	sc := bufio.NewScanner(strings.NewReader(p.output.String()))
	for sc.Scan() {
		var line struct{ Level, Msg string }
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil || line.Level == "" || line.Msg == "" {
			t.Errorf("a line of output is not a JSON log line: %q", sc.Text())
		}
		msgs = append(msgs, line.Msg)
	}
	for _, want := range []string{"seed applied", "listening", "stopped"} {
		found := false
		for _, m := range msgs {
			found = found || m == want
		}
		if !found {
			t.Errorf("no %q line:\n%s", want, p.output.String())
		}
	}
}

// TestHealthcheckFollowsAddr starts the binary with -addr on a port that is not CHAINKB_ADDR's,
// as "docker run chainkb -addr :9090" does, and checks that "chainkb healthcheck" with only the
// image's environment (CHAINKB_ADDR_FILE) reaches it; and that the file goes with the server.
func TestHealthcheckFollowsAddr(t *testing.T) {
	dir := t.TempDir()
	addrFile := filepath.Join(dir, "chainkb.addr")
	p := startChainkbArgs(t, filepath.Join(dir, "chainkb.db"), true, "CHAINKB_ADDR_FILE="+addrFile)
	env := map[string]string{"CHAINKB_ADDR_FILE": addrFile, "CHAINKB_ADDR": freeAddr(t)} // nothing listens there
	getenv := func(k string) string { return env[k] }
	var out, errOut bytes.Buffer
	if err := runHealthcheck(context.Background(), nil, getenv, &out, &errOut); err != nil || strings.TrimSpace(out.String()) != "ok" {
		t.Fatalf("healthcheck with CHAINKB_ADDR_FILE: %v %q; want ok from the server on %s", err, out.String(), p.addr)
	}
	// An explicit -addr wins over the file.
	if err := runHealthcheck(context.Background(), []string{"-addr", env["CHAINKB_ADDR"]}, getenv, &out, &errOut); err == nil {
		t.Error("healthcheck -addr (nothing there) succeeded")
	}
	// The binary's own check, as the HEALTHCHECK line runs it.
	cmd := exec.Command(chainkbBinary(t), "healthcheck")
	cmd.Env = processEnv("CHAINKB_ADDR_FILE=" + addrFile)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("chainkb healthcheck: %v\n%s", err, b)
	}
	p.signal(syscall.SIGTERM)
	if err := p.wait(30 * time.Second); err != nil {
		t.Fatalf("exit: %v\n%s", err, p.output.String())
	}
	if _, err := os.Stat(addrFile); err == nil {
		t.Error("the address file outlived the server")
	}
	// Without a server, the check fails.
	if err := runHealthcheck(context.Background(), []string{"-timeout", "1s"}, getenv, &out, &errOut); err == nil {
		t.Error("healthcheck succeeded with no server")
	}
}

// TestDataDirNotWritable starts the binary on a database directory it may not write, as a
// root-owned bind mount is for the image's user 65532, and checks that it refuses at once saying
// it is a permission problem and naming the uid, not SQLite's "unable to open database file".
func TestDataDirNotWritable(t *testing.T) {
	bin := chainkbBinary(t)
	dir, err := os.MkdirTemp("", "chainkb-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "data"), 0o755); os.RemoveAll(dir) })
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	uid := os.Getuid()
	if uid == 0 {
		// root writes anywhere: run as the image's user instead, which needs to reach the binary
		// and the directory, as in the container: a copy of the binary beside the directory.
		uid = 65532
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		bin = filepath.Join(dir, "chainkb")
		if err := os.WriteFile(bin, raw, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-db", filepath.Join(data, "chainkb.db"))
	cmd.Env = processEnv()
	if uid == 65532 && os.Getuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65532, Gid: 65532}}
	} else if err := os.Chmod(data, 0o555); err != nil {
		t.Fatal(err)
	}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("chainkb started on a directory it cannot write:\n%s", out)
	}
	for _, want := range []string{"not writable by uid " + strconv.Itoa(uid), "permission", data} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the error lacks %q:\n%s", want, out)
		}
	}
	if entries, _ := os.ReadDir(data); len(entries) > 0 {
		t.Errorf("the refused start left files in the directory: %v", entries)
	}
}

// TestShutdownGraceFitsDockerStop checks that the default shutdown grace ends before docker stop
// (and podman stop) send SIGKILL, 10 s after SIGTERM, so that a default stop is clean.
func TestShutdownGraceFitsDockerStop(t *testing.T) {
	cfg, err := parseConfig(nil, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if g := cfg.ops.shutdownTimeout; g <= 0 || g > 9*time.Second {
		t.Errorf("default -shutdown-timeout %s; want at most 9s, a second inside docker stop's 10 s", g)
	}
}

// TestRuntimeGC starts the binary and reads the garbage collector's settings from its /metrics,
// as an operator would: the 40 MiB soft memory limit by default, none with CHAINKB_MEMORY_LIMIT=0,
// and the runtime's own GOGC (100, or GOGC's) either way: chainkb does not change it (raising it
// was measured and not kept; see defaultMemoryLimit).
func TestRuntimeGC(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set in the test's environment, and chainkb would inherit it")
	}
	key, err := store.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		env            []string
		gogc, memlimit float64
	}{
		{nil, 100, defaultMemoryLimit},
		{[]string{"GOGC=150"}, 150, defaultMemoryLimit},
		{[]string{"CHAINKB_MEMORY_LIMIT=0"}, 100, math.MaxInt64}, // the runtime's "no limit"
	} {
		db := filepath.Join(t.TempDir(), "chainkb.db")
		p := startChainkb(t, db, append([]string{"CHAINKB_SEED=false", "CHAINKB_ADMIN_KEY=" + key}, c.env...)...)
		req, _ := http.NewRequest(http.MethodGet, p.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%v: /metrics answered %d: %s", c.env, resp.StatusCode, body)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%v: /metrics does not parse: %v", c.env, err)
		}
		for name, want := range map[string]float64{"go_gc_gogc_percent": c.gogc, "go_gc_gomemlimit_bytes": c.memlimit} {
			f := families[name]
			if f == nil || len(f.GetMetric()) != 1 {
				t.Errorf("%v: /metrics has no single %s", c.env, name)
				continue
			}
			if got := f.GetMetric()[0].GetGauge().GetValue(); got != want {
				t.Errorf("%v: %s = %g, want %g", c.env, name, got, want)
			}
		}
		p.signal(syscall.SIGTERM)
		if err := p.wait(30 * time.Second); err != nil {
			t.Fatalf("exit: %v\n%s", err, p.output.String())
		}
	}
}
