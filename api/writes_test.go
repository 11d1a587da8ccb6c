package api_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"chainkb/models"
)

// citedTactic returns a seeded tactic that carries tags, citing two seeded sources, as a create's
// body: the benchmark's creates are of that shape.
func citedTactic(t *testing.T, s *testServer) obj {
	t.Helper()
	var page struct{ Data []obj }
	s.do(t, http.MethodGet, "/api/v1/tactics?limit=200", nil).mustStatus(t, http.StatusOK).decode(t, &page)
	for _, tc := range page.Data {
		tags, _ := tc["tags"].([]any)
		if len(tags) > 0 {
			body := obj{}
			for k, v := range tc {
				switch k {
				case "id", "code", "version", "created_at", "updated_at", "chain_id", "position":
				case "tags":
					var slugs []any
					for _, tg := range tags {
						slugs = append(slugs, tg.(map[string]any)["slug"])
					}
					body[k] = slugs
				default:
					body[k] = v
				}
			}
			var sources struct{ Data []obj }
			s.do(t, http.MethodGet, "/api/v1/sources?limit=2", nil).mustStatus(t, http.StatusOK).decode(t, &sources)
			var cites []obj
			for _, src := range sources.Data {
				cites = append(cites, obj{"source": src["slug"], "locator": "p. 1", "supports": "supports"})
			}
			if len(cites) == 0 {
				t.Fatal("the seed has no sources")
			}
			body["citations"] = cites
			return body
		}
	}
	t.Fatalf("no seeded tactic with tags among %d", len(page.Data))
	return nil
}

// TestWriteStatementCount counts the SQL statements of a create and of a patch of a tactic with
// tags and citations, key lookup included, so that the write path's cost cannot creep up unseen.
func TestWriteStatementCount(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	body := citedTactic(t, s)
	s.do(t, http.MethodGet, "/api/v1/tactics?limit=1", nil).mustStatus(t, http.StatusOK) // notes the key's use
	before := s.Store.Statements()
	var created obj
	s.do(t, http.MethodPost, "/api/v1/tactics", body).mustStatus(t, http.StatusCreated).decode(t, &created)
	create := s.Store.Statements() - before
	before = s.Store.Statements()
	s.do(t, http.MethodPatch, fmt.Sprintf("/api/v1/tactics/%v", created["id"]),
		obj{"summary": "Another summary.", "version": created["version"]}).mustStatus(t, http.StatusOK)
	patch := s.Store.Statements() - before
	t.Logf("statements: %d per create, %d per patch", create, patch)
	// Measured for issue 17 (bench/results.md), on both engines: 13 and 13, the write of the
	// tactic's document (tactic_docs) included. A create no longer clears citations a new tactic
	// cannot have; a patch that keeps the tags and citations reads them instead of deleting and
	// inserting them again. A batched write's SAVEPOINT and RELEASE are not counted: a write's own
	// statements are the same alone or in a batch. Issue 29 added one: the webhook outbox's
	// INSERT ... SELECT in the change's transaction (one statement, whatever the subscriptions).
	if create > 14 || patch > 14 {
		t.Errorf("statements: %d per create, %d per patch; want at most 14 and 14", create, patch)
	}
}

// TestConcurrentCreatesCommitOnce sends many creates and patches at once, over HTTP, so that on
// SQLite they commit in shared transactions (group commit), and checks what a client may rely on:
// every create and patch records exactly one revision, the revision ids stay gap-free and in
// order, failures stay with their own request, and a write is durable (visible to a connection
// of its own, opened after the answer) as soon as it is answered.
func TestConcurrentCreatesCommitOnce(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	body := citedTactic(t, s)
	driver := "sqlite3"
	if s.DB.Postgres {
		driver = "pgx"
	}
	// visible checks, on a fresh connection, that the tactic and n revisions of it are there.
	visible := func(id int64, n int) error {
		db, err := sql.Open(driver, s.DB.DSN)
		if err != nil {
			return err
		}
		defer db.Close()
		var tactics, revisions int
		if err := db.QueryRow("SELECT COUNT(*) FROM tactics WHERE id = $1", id).Scan(&tactics); err != nil {
			return err
		}
		if err := db.QueryRow("SELECT COUNT(*) FROM revisions WHERE entity = 'tactic' AND entity_id = $1", id).Scan(&revisions); err != nil {
			return err
		}
		if tactics != 1 || revisions != n {
			return fmt.Errorf("tactic %d: a fresh connection sees %d rows and %d revisions, want 1 and %d", id, tactics, revisions, n)
		}
		return nil
	}
	before := changeFeed(t, s, 200)
	const writers = 48
	var wg sync.WaitGroup
	errs := make(chan error, 4*writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := fmt.Sprintf("GC-T-C%02d", i+1)
			res := s.do(t, http.MethodPost, "/api/v1/tactics", with(body, "code", code))
			if res.Status != http.StatusCreated {
				errs <- fmt.Errorf("create %s: status %d: %s", code, res.Status, res.Body)
				return
			}
			var created obj
			res.decode(t, &created)
			id, _ := strconv.ParseInt(fmt.Sprint(created["id"]), 10, 64)
			if err := visible(id, 1); err != nil {
				errs <- err
			}
			// A duplicate of it fails alone, whatever else commits with it.
			if res := s.do(t, http.MethodPost, "/api/v1/tactics", with(body, "code", code)); res.Status != http.StatusConflict {
				errs <- fmt.Errorf("duplicate %s: status %d, want 409", code, res.Status)
			}
			// So does a stale patch; the good one commits.
			path := fmt.Sprintf("/api/v1/tactics/%d", id)
			if res := s.do(t, http.MethodPatch, path, obj{"summary": "Stale.", "version": 7}); res.Status != http.StatusPreconditionFailed {
				errs <- fmt.Errorf("stale patch of %d: status %d, want 412", id, res.Status)
			}
			if res := s.do(t, http.MethodPatch, path, obj{"summary": "Patched.", "version": 1}); res.Status != http.StatusOK {
				errs <- fmt.Errorf("patch of %d: status %d: %s", id, res.Status, res.Body)
			}
			if err := visible(id, 2); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	after := changeFeed(t, s, 200)
	added := after[len(before):]
	if len(added) != 2*writers {
		t.Fatalf("%d new revisions, want %d (one per create, one per patch)", len(added), 2*writers)
	}
	last := int64(0)
	if len(before) > 0 {
		last = before[len(before)-1].ID
	}
	perTactic := map[int64][]string{}
	for i, r := range added {
		if r.ID != last+int64(i)+1 {
			t.Fatalf("revision ids not gap-free: %d after %d", r.ID, last+int64(i))
		}
		perTactic[r.EntityID] = append(perTactic[r.EntityID], r.Action)
	}
	for id, actions := range perTactic {
		if len(actions) != 2 || actions[0] != models.ActionCreate || actions[1] != models.ActionUpdate {
			t.Errorf("tactic %d: revisions %v, want create then update", id, actions)
		}
	}
}
