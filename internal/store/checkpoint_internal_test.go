package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"chainkb/models"
)

// TestCheckpointsOffTheWriter checks that the writer's connection never checkpoints by itself, and
// that the batcher folds a commit back into the database file soon after it: a copy of the file
// alone, without its WAL, holds the write within a few checkpointEvery.
func TestCheckpointsOffTheWriter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kb.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var auto int
	if err := s.wSQL.QueryRow("PRAGMA wal_autocheckpoint").Scan(&auto); err != nil {
		t.Fatal(err)
	}
	if auto != 0 {
		t.Errorf("the writer checkpoints every %d pages, want never (0)", auto)
	}

	ctx := models.WithPrincipal(context.Background(), models.Principal{KeyID: 1, Name: "test", Role: models.RoleEditor})
	if _, err := s.CreateChain(ctx, &models.ChainInput{Slug: "folded", Name: "Folded back"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * checkpointEvery)
	for {
		copyPath := filepath.Join(dir, "copy.db")
		main, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(copyPath, main, 0o600); err != nil {
			t.Fatal(err)
		}
		n := countChains(t, copyPath, "folded")
		os.Remove(copyPath)
		if n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the database file alone does not hold the chain written", 20*checkpointEvery)
		}
		time.Sleep(checkpointEvery / 2)
	}
}

// countChains counts the chains with the slug in the SQLite file at path, opened on its own.
func countChains(t *testing.T, path, slug string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", path+"?mode=ro&_query_only=true")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM chains WHERE slug = ?", slug).Scan(&n); err != nil {
		return 0 // a file caught in the middle of a checkpoint: try again
	}
	return n
}
