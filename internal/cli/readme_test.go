package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMETryIt runs the README's "Try it" commands, as a newcomer pastes them, against the
// built binary serving a fresh database: twice, so that nothing in them depends on the ids or
// ETags of one particular database (they take them from the answers).
func TestREADMETryIt(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	raw, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	i := strings.Index(text, "## Try it")
	if i < 0 {
		t.Fatal("README.md has no Try it section")
	}
	start := strings.Index(text[i:], "```sh\n")
	end := strings.Index(text[i+start+6:], "```")
	if start < 0 || end < 0 {
		t.Fatal("the Try it section has no sh block")
	}
	script := text[i+start+6 : i+start+6+end]

	dir := t.TempDir()
	db := filepath.Join(dir, "chainkb.db")
	p := startChainkb(t, db)
	// The README's server is ./chainkb on localhost:8080; here it is the test's.
	script = strings.ReplaceAll(script, "localhost:8080", p.addr)
	if err := os.Symlink(chainkbBinary(t), filepath.Join(dir, "chainkb")); err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2; run++ {
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
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
		if strings.Contains(string(out), `"status":4`) || strings.Contains(string(out), `"status":5`) {
			t.Errorf("run %d: a command got an error:\n%.3000s", run, out)
		}
	}
}
