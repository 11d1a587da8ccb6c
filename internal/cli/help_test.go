package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpExitsZero checks that asking for help, for the server and for every subcommand, prints
// the usage and exits 0 without touching a database (the README tells newcomers to try it).
func TestHelpExitsZero(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "never.db")
	getenv := func(k string) string {
		if k == "CHAINKB_DB" {
			return db
		}
		return ""
	}
	for _, args := range [][]string{
		{"--help"}, {"-h"},
		{"keys", "--help"}, {"keys", "-h"}, {"keys", "help"},
		{"keys", "create", "--help"}, {"keys", "list", "--help"}, {"keys", "revoke", "--help"}, {"keys", "generate", "--help"},
		{"backup", "--help"}, {"healthcheck", "--help"},
	} {
		var out, errOut bytes.Buffer
		if code := Run(context.Background(), args, getenv, &out, &errOut); code != 0 {
			t.Errorf("chainkb %s: exit %d, want 0; stderr: %s", strings.Join(args, " "), code, errOut.String())
		}
		if !strings.Contains(strings.ToLower(out.String()+errOut.String()), "usage") {
			t.Errorf("chainkb %s printed no usage: %q %q", strings.Join(args, " "), out.String(), errOut.String())
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("asking for help made a database")
	}
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"keys", "nonsense"}, getenv, &out, &errOut); code != 1 {
		t.Errorf("chainkb keys nonsense: exit %d, want 1", code)
	}
}
