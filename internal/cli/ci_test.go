package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestCIRunTimeouts checks that every "go test" in .ci/run sets a -timeout of its own: go test's
// default of 10 minutes per package killed internal/cli when it ran from a cold build cache on a
// 2-core machine. The timeout stays above that but below an hour.
func TestCIRunTimeouts(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(moduleRoot, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	timeout := regexp.MustCompile(`\s-timeout[ =](\S+)`)
	n := 0
	for i, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") || !strings.Contains(line, "go test ") {
			continue
		}
		n++
		m := timeout.FindStringSubmatch(line)
		if m == nil {
			t.Errorf(".ci/run line %d runs go test without -timeout (the default is 10m): %s", i+1, line)
			continue
		}
		d, err := time.ParseDuration(m[1])
		if err != nil || d <= 10*time.Minute || d >= time.Hour {
			t.Errorf(".ci/run line %d: -timeout %s; want a duration above the 10m default and under 1h", i+1, m[1])
		}
	}
	if n < 4 {
		t.Errorf(".ci/run has %d go test lines; want at least 4 (SQLite, e2e, bench, PostgreSQL)", n)
	}
}

// TestCIRunVets checks that .ci/run vets each module, because its go test lines, like the README's
// test command, run with -vet=off: go vet is the only vet they get.
func TestCIRunVets(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(moduleRoot, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	for _, vet := range []string{"\ngo vet -tags sqlite_fts5 ./...\n", "(cd bench && go vet -tags sqlite_fts5 ./...)", "(cd e2e && go vet -tags sqlite_fts5 ./...)"} {
		if !strings.Contains(string(raw), vet) {
			t.Errorf(".ci/run does not run %q; its go test lines run with -vet=off", strings.TrimSpace(vet))
		}
	}
}
