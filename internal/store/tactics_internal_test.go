package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCodeNumberUsesIndex checks that SQLite looks a code prefix up in the index of migration
// 0012 rather than reading every tactic: the index is only used while newCode's prefix
// expression is the index's. (That the highest number is then one lookup, SQLite's min/max
// optimisation, does not show in the plan; it was measured at 4 µs against 140 µs at 100,000
// tactics, bench/results.md.)
func TestCodeNumberUsesIndex(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "kb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var plan []struct {
		ID, Parent, Notused int
		Detail              string
	}
	err = s.r.Raw(`EXPLAIN QUERY PLAN SELECT MAX(`+codeNumber+`) FROM tactics WHERE `+codePrefix+` = ?`, "ST-R-R").Scan(&plan).Error
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 1 || !strings.Contains(plan[0].Detail, "USING INDEX tactics_code_number") {
		t.Errorf("plan %+v, want a search of tactics_code_number", plan)
	}
}
