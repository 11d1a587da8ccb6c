package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// shBlock is one ```sh block of the README, with the heading it is under.
type shBlock struct {
	heading, text string
	line          int
}

// readmeShBlocks returns the README's sh blocks in order (indented ones in lists too).
func readmeShBlocks(t *testing.T) []shBlock {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []shBlock
	heading := ""
	var cur *shBlock
	for i, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case cur != nil && trimmed == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += strings.TrimPrefix(line, "  ") + "\n"
		case trimmed == "```sh":
			cur = &shBlock{heading: heading, line: i + 1}
		case strings.HasPrefix(line, "#"):
			heading = strings.TrimSpace(strings.TrimLeft(line, "#"))
		}
	}
	if cur != nil {
		t.Fatalf("README.md line %d: an sh block that never ends", cur.line)
	}
	return blocks
}

// readmeSkips are the README's sh blocks that cannot run in a test, by a command they hold, with
// the reason. Every other block runs.
var readmeSkips = []struct{ holds, reason string }{
	{"docker ", "no Docker engine runs where the tests run (e2e/container_test.go checks the files)"},
	{"bash .ci/run", "the CI itself: go test, go generate and .ci/run are what runs this test"},
	{"go test -tags sqlite_fts5 -vet=off ./...", "go run serves until stopped (the test runs the built binary instead) and go test is this test's own run"},
	{"changes/stream", "the change stream never ends (TestChangeStream in api/ tests it)"},
}

// readmeScript is a README block made runnable here: the server is the test's, on its address,
// and the binary is the test binary itself (chainkbBinary), linked as ./chainkb in the working
// directory.
func readmeScript(block, addr string) string {
	block = strings.ReplaceAll(block, "localhost:8080", addr)
	var out []string
	for _, line := range strings.Split(block, "\n") {
		switch {
		case strings.HasPrefix(line, "go build -tags sqlite_fts5 -o chainkb ."):
			line = ": the test links its own binary as ./chainkb"
		case regexp.MustCompile(`^\./chainkb\s*(#.*)?$`).MatchString(line):
			line = ": the test started ./chainkb"
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// bareChainkb finds a command that calls chainkb by its bare name, which is on nobody's PATH:
// the README runs ./chainkb (or go run).
var bareChainkb = regexp.MustCompile(`(^|[;&|]\s*|\$\(\s*)chainkb\s`)

// TestREADMECommands runs every command of the README's sh blocks, in order, as a newcomer pastes
// them, against the built binary serving a fresh database in a temporary directory; the blocks
// that cannot run here are skipped, each for a reason (readmeSkips), and logged. No command calls
// a bare chainkb, and every curl shows a failure (--fail-with-body, or -i for the status).
func TestREADMECommands(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	blocks := readmeShBlocks(t)
	if len(blocks) < 8 {
		t.Fatalf("README.md has %d sh blocks; the test expects the README's commands", len(blocks))
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "chainkb.db")
	p := startChainkb(t, db)
	if err := os.Symlink(chainkbBinary(t), filepath.Join(dir, "chainkb")); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, b := range blocks {
		for i, line := range strings.Split(b.text, "\n") {
			code, _, _ := strings.Cut(line, "#")
			if bareChainkb.MatchString(code) {
				t.Errorf("README.md line %d calls a bare chainkb (use ./chainkb): %s", b.line+1+i, line)
			}
			if strings.Contains(code, "curl ") && !strings.Contains(code, "--fail-with-body") && !strings.Contains(code, " -i ") {
				t.Errorf("README.md line %d: curl without --fail-with-body (or -i) hides a failure: %s", b.line+1+i, line)
			}
			if regexp.MustCompile(`curl -s(\s|N)`).MatchString(code) {
				t.Errorf("README.md line %d: curl -s without -S is silent about errors: %s", b.line+1+i, line)
			}
		}
		skip := ""
		for _, s := range readmeSkips {
			if strings.Contains(b.text, s.holds) {
				skip = s.reason
			}
		}
		if skip != "" {
			t.Logf("README.md line %d (%s): not run: %s", b.line, b.heading, skip)
			continue
		}
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", readmeScript(b.text, p.addr))
		cmd.Dir = dir
		cmd.Env = processEnv("CHAINKB_DB=" + db)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("README.md line %d (%s): %v\n%s", b.line, b.heading, err, out)
		}
		ran++
	}
	if ran < 6 {
		t.Errorf("only %d of the README's sh blocks ran", ran)
	}
}

// TestREADMETryIt runs the README's "Try it" commands against the built binary serving a fresh
// database: twice, so that nothing in them depends on the ids or ETags of one particular database
// (they take them from the answers); and checks that they leave nothing behind: no file in the
// directory they ran in, and the demo tactic not in the published knowledge base.
func TestREADMETryIt(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	var script string
	for _, b := range readmeShBlocks(t) {
		if b.heading == "Try it" {
			script = b.text
			break
		}
	}
	if script == "" {
		t.Fatal("the README's Try it section has no sh block")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "chainkb.db")
	p := startChainkb(t, db)
	if err := os.Symlink(chainkbBinary(t), filepath.Join(dir, "chainkb")); err != nil {
		t.Fatal(err)
	}
	before := dirEntries(t, dir)
	for run := 1; run <= 2; run++ {
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", readmeScript(script, p.addr))
		cmd.Dir = dir
		cmd.Env = processEnv("CHAINKB_DB=" + db)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("run %d of the README's Try it: %v\n%s", run, err, out)
		}
		// A next page, the delete's 204, and the restored tactic (its summary as patched).
		for _, want := range []string{`"next_cursor":"`, "HTTP/1.1 204", `"summary":"Shut the premises for good."`} {
			if !strings.Contains(string(out), want) {
				t.Errorf("run %d: the output has no %s:\n%.3000s", run, want, out)
			}
		}
		if after := dirEntries(t, dir); !slices.Equal(after, before) {
			t.Errorf("run %d left files: %v, before %v", run, after, before)
		}
		res, err := http.Get(p.URL + "/api/v1/export")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var bundle struct{ Tactics []struct{ Title string } }
		if err := json.Unmarshal(body, &bundle); err != nil || len(bundle.Tactics) == 0 {
			t.Fatalf("export: %v (%d tactics)", err, len(bundle.Tactics))
		}
		for _, tc := range bundle.Tactics {
			if tc.Title == "Close venues where exploitation was proven" {
				t.Errorf("run %d left the demo tactic in the published knowledge base", run)
			}
		}
	}
}

// dirEntries lists a directory's names, without SQLite's -wal and -shm files, which come and go.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "-wal") && !strings.HasSuffix(e.Name(), "-shm") {
			names = append(names, e.Name())
		}
	}
	return names
}

// TestREADMETables checks that no table of the README lists a row twice: the same first cell
// (a resource, a flag, a page) with two texts, of which a reader cannot tell which holds.
func TestREADMETables(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	var rows map[string]int
	for i, line := range lines {
		if !strings.HasPrefix(line, "|") {
			rows = nil
			continue
		}
		if rows == nil { // the header; the next line is the rule
			rows = map[string]int{}
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 3 || strings.Trim(cells[1], " -:") == "" {
			continue
		}
		// A status table is keyed by its last column (the status), others by their first.
		key := strings.TrimSpace(cells[1])
		if last := strings.TrimSpace(cells[len(cells)-2]); regexp.MustCompile(`^[1-5]\d\d(,|$)`).MatchString(last) {
			key = last
		}
		if prev, dup := rows[key]; dup {
			t.Errorf("README.md line %d repeats the row of line %d (%s)", i+1, prev, key)
		}
		rows[key] = i + 1
	}
}

// layoutNames is the paths at the start of a Layout line: "api/  ...", "Dockerfile, compose.yaml  ...".
var layoutNames = regexp.MustCompile(`^([^\s,]+(?:,\s+[^\s,]+)*)\s`)

// TestREADMELayout checks the README's Layout list against the checkout: every path it names
// exists, and every directory at the top of the module and under internal/ is in it.
func TestREADMELayout(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	i := strings.Index(text, "## Layout")
	if i < 0 {
		t.Fatal("README.md has no Layout section")
	}
	start := strings.Index(text[i:], "```\n")
	end := strings.Index(text[i+start+4:], "```")
	if start < 0 || end < 0 {
		t.Fatal("the Layout section has no block")
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(text[i+start+4:i+start+4+end], "\n") {
		if line == "" || strings.HasPrefix(line, " ") {
			continue // a description's continuation
		}
		m := layoutNames.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("the README's Layout line %q names no path", line)
			continue
		}
		for _, name := range strings.Split(m[1], ",") {
			name = strings.TrimSpace(name)
			if _, err := os.Stat(filepath.Join(moduleRoot, name)); err != nil {
				t.Errorf("the README's Layout lists %s: %v", name, err)
			}
			// A path lists its parents too (.ci/run lists .ci, internal/cli/ lists internal).
			for p := strings.TrimSuffix(name, "/"); p != "." && p != ""; p = filepath.Dir(p) {
				listed[p] = true
			}
		}
	}
	for _, parent := range []string{".", "internal"} {
		entries, err := os.ReadDir(filepath.Join(moduleRoot, parent))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := filepath.Join(parent, e.Name())
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") && e.Name() != ".ci" {
				continue
			}
			if !listed[filepath.ToSlash(name)] {
				t.Errorf("the README's Layout does not list %s/", filepath.ToSlash(name))
			}
		}
	}
}
