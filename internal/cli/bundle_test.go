package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/seeds"
)

// TestExportImportCommands: "chainkb export" of a seeded database, "chainkb import -dry-run" and
// "chainkb import" into an empty one, and the export of that one is the same file.
func TestExportImportCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.db"), filepath.Join(dir, "dst.db")
	st, err := store.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seeds.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := func(string) string { return "" }
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Run(ctx, args, env, &out, &errOut)
		return code, out.String(), errOut.String()
	}

	for _, cmd := range []string{"export", "import"} {
		if code, _, stderr := run(cmd, "--help"); code != 0 || !strings.Contains(stderr, "usage: chainkb "+cmd) {
			t.Errorf("%s --help: exit %d, %q", cmd, code, stderr)
		}
		if code, _, _ := run(cmd); code == 0 {
			t.Errorf("%s without a file: exit 0", cmd)
		}
	}

	first := filepath.Join(dir, "first.json")
	if code, _, stderr := run("export", "-db", src, first); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	// Opening dst migrates it: an empty database.
	if code, stdout, stderr := run("import", "-db", dst, "-dry-run", first); code != 0 || !strings.Contains(stderr, "dry run") || !strings.Contains(stdout, "create") {
		t.Fatalf("import -dry-run: exit %d: %s %.200s", code, stderr, stdout)
	}
	second := filepath.Join(dir, "second.json")
	run("export", "-db", dst, second)
	if b := readFile(t, second); strings.Contains(b, `"code"`) {
		t.Errorf("the dry run wrote tactics")
	}
	if code, _, stderr := run("import", "-db", dst, first); code != 0 || !strings.Contains(stderr, "imported") {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run("export", "-db", dst, second); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	if readFile(t, first) != readFile(t, second) {
		t.Errorf("export, import, export: the bundles differ")
	}
	// A bad bundle: every fault on stderr, exit 1.
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"format_version":2,"tags":[{"slug":"Bad Slug"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run("import", "-db", dst, bad); code != 1 || !strings.Contains(stderr, "/tags/0/slug") {
		t.Errorf("bad bundle: exit %d: %s", code, stderr)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
