package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"chainkb/api"
	"chainkb/internal/store"
	"chainkb/models"
)

// TestTwoInstances runs two chainkb instances, each with its own store and pool, on one
// PostgreSQL database, as a deployment behind a load balancer does, and writes to both at once:
// no lost update, no duplicate slug, and each sees the other's writes at once.
func TestTwoInstances(t *testing.T) {
	t.Parallel()
	if postgresURL == "" {
		t.Skip("several instances share a PostgreSQL database; set CHAINKB_TEST_POSTGRES to run this")
	}
	a := newServer(t)
	b := a.secondInstance(t)
	instances := []*testServer{a, b}

	// Each sees the other's writes on the very next read.
	var tg models.Tag
	a.do(t, "POST", "/api/v1/tags", obj{"slug": "cross-instance", "name": "Made on A", "group": "misc"}).mustStatus(t, 201).decode(t, &tg)
	b.do(t, "GET", "/api/v1/tags/cross-instance", nil).mustStatus(t, 200)
	b.do(t, "PATCH", "/api/v1/tags/cross-instance", obj{"name": "Renamed on B", "version": tg.Version}).mustStatus(t, 200)
	a.do(t, "GET", "/api/v1/tags/cross-instance", nil).mustStatus(t, 200).decode(t, &tg)
	if tg.Name != "Renamed on B" || tg.Version != 2 {
		t.Errorf("A reads %+v after B's change", tg)
	}

	// The precondition holds across instances: of 40 editors who read the same version, spread
	// over both instances, exactly one wins.
	var tc models.Tactic
	a.do(t, "GET", "/api/v1/tactics/1", nil).mustStatus(t, 200).decode(t, &tc)
	etag := fmt.Sprintf(`"%d.%d"`, tc.ID, tc.Version)
	statuses := make([]int, 40)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = instances[i%2].do(t, "PATCH", "/api/v1/tactics/1", obj{"title": fmt.Sprintf("Edit %d", i)}, "If-Match", etag).Status
		}()
	}
	wg.Wait()
	if ok, stale := countStatus(statuses, http.StatusOK), countStatus(statuses, http.StatusPreconditionFailed); ok != 1 || stale != len(statuses)-1 {
		t.Errorf("%d × 200, %d × 412 of %d (%v); want exactly one 200, the rest 412", ok, stale, len(statuses), statuses)
	}

	// No duplicate slugs: the same new slug created 20 times at once over both instances.
	statuses = make([]int, 20)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = instances[i%2].do(t, "POST", "/api/v1/chains", obj{"slug": "contested", "name": fmt.Sprintf("Try %d", i)}).Status
		}()
	}
	wg.Wait()
	if created, clash := countStatus(statuses, http.StatusCreated), countStatus(statuses, http.StatusConflict); created != 1 || clash != len(statuses)-1 {
		t.Errorf("%d × 201, %d × 409 of %d (%v); want exactly one 201, the rest 409", created, clash, len(statuses), statuses)
	}
	var chains list[models.Chain]
	b.do(t, "GET", "/api/v1/chains?include_total=true", nil).mustStatus(t, 200).decode(t, &chains)
	if *chains.Total != 3 {
		t.Errorf("%d chains, want the two seeded and one contested", *chains.Total)
	}
}

// secondInstance starts another chainkb on the same database, with its own store, pools and
// caches, as a second process or a second instance behind a load balancer would.
func (s *testServer) secondInstance(t *testing.T) *testServer {
	t.Helper()
	st, err := store.Open(context.Background(), s.DB.DSN)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	return &testServer{URL: srv.URL, Store: st, DB: s.DB, Keys: s.Keys, KeyIDs: s.KeyIDs}
}

func countStatus(statuses []int, want int) int {
	n := 0
	for _, s := range statuses {
		if s == want {
			n++
		}
	}
	return n
}
