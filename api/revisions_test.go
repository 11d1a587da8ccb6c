package api_test

// Revisions: each successful write adds exactly one, each failed write none, and a write that
// loses a race adds none (issue 4; api.md "History").

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"chainkb/models"
)

// checkRevision checks one revision's fields against what the write should have recorded.
func checkRevision(t *testing.T, rev *models.Revision, entity string, id int64, action string, version int64, data []byte) {
	t.Helper()
	if rev == nil {
		t.Errorf("%s %s of %d: no revision to check", entity, action, id)
		return
	}
	if rev.Entity != entity || rev.EntityID != id || rev.Action != action || rev.Version != version {
		t.Errorf("revision = %s %d %s v%d, want %s %d %s v%d", rev.Entity, rev.EntityID, rev.Action, rev.Version, entity, id, action, version)
	}
	if !strings.Contains(rev.Actor, "test editor") {
		t.Errorf("revision %d: actor = %q, want it to name the key's holder %q", rev.ID, rev.Actor, "test editor")
	}
	if rev.At.IsZero() {
		t.Errorf("revision %d: no time", rev.ID)
	}
	if !sameJSON(t, rev.Data, data) {
		t.Errorf("revision %d (%s %s): data = %s, want the object as it stood: %s", rev.ID, entity, action, rev.Data, data)
	}
}

// revisionWriter sends writes with a fresh X-Request-ID each and checks that each successful write
// adds exactly one revision to the history and each failed one none.
type revisionWriter struct {
	s    *testServer
	n    int
	feed []models.Revision // the editor's change feed after the last write
}

// write sends the request, requires the status, and returns the response and the revision the
// write added (nil if it added none).
func (w *revisionWriter) write(t *testing.T, method, path string, body any, want int, headers ...string) (response, *models.Revision) {
	t.Helper()
	w.n++
	reqID := fmt.Sprintf("hist-%s-%d", strings.ToLower(method), w.n)
	res := w.s.do(t, method, path, body, append([]string{"X-Request-ID", reqID}, headers...)...)
	if res.Status != want {
		t.Fatalf("%s %s: status = %d, want %d; body: %s", method, path, res.Status, want, res.Body)
	}
	if got := res.Header.Get("X-Request-ID"); got != reqID {
		t.Errorf("%s %s: X-Request-ID echoed as %q, want %q", method, path, got, reqID)
	}
	after := changeFeed(t, w.s, 200)
	wantGrowth := 1
	if want >= 300 {
		wantGrowth = 0
	}
	grew := len(after) - len(w.feed)
	if grew != wantGrowth {
		t.Errorf("%s %s (%d): revisions grew by %d, want %d", method, path, res.Status, grew, wantGrowth)
	}
	var rev *models.Revision
	if grew == 1 {
		r := after[len(after)-1]
		rev = &r
		if rev.RequestID != reqID {
			t.Errorf("%s %s: revision request_id = %q, want the X-Request-ID sent, %q", method, path, rev.RequestID, reqID)
		}
	}
	w.feed = after
	return res, rev
}

// checkRevisions checks GET /{res}/{key}/revisions for each key: the object's revisions, newest
// first, with the given actions and versions, and the total with include_total=true.
func checkRevisions(t *testing.T, s *testServer, res string, keys []string, id int64, actions []string, versions []int64) {
	t.Helper()
	for _, key := range keys {
		revs := revisionsOf(t, s, res, key)
		var gotActions []string
		var gotVersions []int64
		for i, r := range revs {
			gotActions = append(gotActions, r.Action)
			gotVersions = append(gotVersions, r.Version)
			if r.EntityID != id {
				t.Errorf("GET /%s/%s/revisions: revision %d is of %s %d, want %d", res, key, r.ID, r.Entity, r.EntityID, id)
			}
			if i > 0 && r.ID >= revs[i-1].ID {
				t.Errorf("GET /%s/%s/revisions: not newest first (%d after %d)", res, key, r.ID, revs[i-1].ID)
			}
		}
		if !slices.Equal(gotActions, actions) || !slices.Equal(gotVersions, versions) {
			t.Errorf("GET /%s/%s/revisions: actions %v versions %v, want %v %v", res, key, gotActions, gotVersions, actions, versions)
		}
		var l list[models.Revision]
		s.do(t, "GET", "/api/v1/"+res+"/"+key+"/revisions?include_total=true&limit=1", nil).mustStatus(t, 200).decode(t, &l)
		if l.Total == nil || *l.Total != int64(len(actions)) {
			t.Errorf("GET /%s/%s/revisions?include_total=true: total = %v, want %d", res, key, l.Total, len(actions))
		}
	}
}
func TestRevisionsOnePerChange(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	w := &revisionWriter{s: s}
	w.feed = changeFeed(t, s, 200)
	if len(w.feed) == 0 {
		t.Fatal("the seed wrote no revisions")
	}

	t.Run("chain", func(t *testing.T) {
		res, rev := w.write(t, "POST", "/api/v1/chains", obj{"slug": "rev-chain", "name": "Revision chain", "description": "Tracked."}, 201)
		var c chain
		res.decode(t, &c)
		checkRevision(t, rev, "chain", c.ID, "create", 1, res.Body)
		path := fmt.Sprintf("/api/v1/chains/%d", c.ID)

		w.write(t, "POST", "/api/v1/chains", obj{"slug": "Not A Slug", "name": ""}, 422)
		w.write(t, "POST", "/api/v1/chains", obj{"slug": "sex-trafficking", "name": "Clash"}, 409)

		etag1 := res.Header.Get("ETag")
		res, rev = w.write(t, "PUT", path, obj{"slug": "rev-chain", "name": "Revision chain, renamed", "description": "Tracked."}, 200, "If-Match", etag1)
		checkRevision(t, rev, "chain", c.ID, "update", 2, res.Body)

		w.write(t, "PUT", path, obj{"slug": "rev-chain", "name": "Stale", "description": ""}, 412, "If-Match", etag1)
		w.write(t, "PATCH", path, obj{"name": "No precondition"}, 428)
		w.write(t, "PATCH", path, obj{"name": "", "version": 2}, 422)

		// A chain with a stage is in use.
		sres, _ := w.write(t, "POST", "/api/v1/stages", obj{"chain_id": c.ID, "slug": "only", "name": "Only", "actor": "Anyone", "side": "supply", "position": 1}, 201)
		var st stage
		sres.decode(t, &st)
		w.write(t, "DELETE", path, nil, 409)
		w.write(t, "DELETE", fmt.Sprintf("/api/v1/stages/%d", st.ID), nil, 204)

		w.write(t, "DELETE", path, nil, 412, "If-Match", etag1)
		before := s.do(t, "GET", path, nil).mustStatus(t, 200)
		_, rev = w.write(t, "DELETE", path, nil, 204, "If-Match", before.Header.Get("ETag"))
		checkRevision(t, rev, "chain", c.ID, "delete", 2, before.Body)
		s.do(t, "GET", path, nil).problem(t, 404)
		checkRevisions(t, s, "chains", []string{fmt.Sprint(c.ID), "rev-chain"}, c.ID, []string{"delete", "update", "create"}, []int64{2, 2, 1})
	})

	t.Run("stage", func(t *testing.T) {
		res, rev := w.write(t, "POST", "/api/v1/stages", obj{"chain_id": 1, "slug": "rev-stage", "name": "Revision stage", "actor": "Auditors", "side": "demand", "position": 9}, 201)
		var st stage
		res.decode(t, &st)
		checkRevision(t, rev, "stage", st.ID, "create", 1, res.Body)
		path := fmt.Sprintf("/api/v1/stages/%d", st.ID)

		w.write(t, "POST", "/api/v1/stages", obj{"chain_id": 1, "slug": "bad-stage", "name": "Bad", "actor": "", "side": "sideways", "position": 1}, 422)

		res, rev = w.write(t, "PATCH", path, obj{"name": "Revision stage, renamed", "version": 1}, 200)
		checkRevision(t, rev, "stage", st.ID, "update", 2, res.Body)

		w.write(t, "PATCH", path, obj{"name": "Stale", "version": 1}, 412)
		w.write(t, "PUT", path, obj{"chain_id": 1, "slug": "rev-stage", "name": "No precondition", "actor": "Auditors", "side": "demand", "position": 9}, 428)

		// A stage with a tactic is in use.
		tres, _ := w.write(t, "POST", "/api/v1/tactics", obj{"stage_id": st.ID, "kind": "current", "title": "Holds the stage", "summary": "S."}, 201)
		var tc tactic
		tres.decode(t, &tc)
		w.write(t, "DELETE", path, nil, 409)
		w.write(t, "DELETE", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), nil, 204)

		before := s.do(t, "GET", path, nil).mustStatus(t, 200)
		_, rev = w.write(t, "DELETE", path, nil, 204)
		checkRevision(t, rev, "stage", st.ID, "delete", 2, before.Body)
		s.do(t, "GET", path, nil).problem(t, 404)
		checkRevisions(t, s, "stages", []string{fmt.Sprint(st.ID)}, st.ID, []string{"delete", "update", "create"}, []int64{2, 2, 1})
	})

	t.Run("tactic", func(t *testing.T) {
		res, rev := w.write(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "recommended", "title": "Revision tactic", "summary": "Tracked.",
			"tags": []string{"short-term"}}, 201)
		var tc tactic
		res.decode(t, &tc)
		checkRevision(t, rev, "tactic", tc.ID, "create", 1, res.Body)
		path := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)

		w.write(t, "POST", "/api/v1/tactics", obj{"stage_id": 999999, "kind": "recommended", "title": "No stage", "summary": "S."}, 422)
		w.write(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": "Two horizons", "summary": "S.", "tags": []string{"short-term", "long-term"}}, 422)

		etag1 := res.Header.Get("ETag")
		tc.Title = "Revision tactic, retitled"
		res, rev = w.write(t, "PUT", path, tc, 200, "If-Match", etag1)
		checkRevision(t, rev, "tactic", tc.ID, "update", 2, res.Body)

		w.write(t, "PUT", path, tc, 412) // the body still says version 1
		w.write(t, "PATCH", path, obj{"title": "No precondition"}, 428)
		w.write(t, "PATCH", path, `{"title":null}`, 422, "If-Match", res.Header.Get("ETag"), "Content-Type", "application/merge-patch+json")
		w.write(t, "DELETE", path, nil, 412, "If-Match", etag1)

		before := s.do(t, "GET", path, nil).mustStatus(t, 200)
		_, rev = w.write(t, "DELETE", path, nil, 204, "If-Match", before.Header.Get("ETag"))
		checkRevision(t, rev, "tactic", tc.ID, "delete", 2, before.Body)
		s.do(t, "GET", path, nil).problem(t, 404)
		checkRevisions(t, s, "tactics", []string{fmt.Sprint(tc.ID)}, tc.ID, []string{"delete", "update", "create"}, []int64{2, 2, 1})
	})

	t.Run("tag", func(t *testing.T) {
		res, rev := w.write(t, "POST", "/api/v1/tags", obj{"slug": "rev-tag", "name": "Revision tag", "group": "lever"}, 201)
		var tg tag
		res.decode(t, &tg)
		checkRevision(t, rev, "tag", tg.ID, "create", 1, res.Body)
		path := fmt.Sprintf("/api/v1/tags/%d", tg.ID)

		w.write(t, "POST", "/api/v1/tags", obj{"slug": "bad-group", "name": "Bad", "group": "Not A Slug"}, 422)
		w.write(t, "POST", "/api/v1/tags", obj{"slug": "short-term", "name": "Clash", "group": "horizon"}, 409)

		etag1 := res.Header.Get("ETag")
		// The update renames the slug: the history is then found by the last slug.
		res, rev = w.write(t, "PATCH", path, obj{"slug": "rev-tag-renamed", "name": "Revision tag, renamed"}, 200, "If-Match", etag1, "Content-Type", "application/merge-patch+json")
		checkRevision(t, rev, "tag", tg.ID, "update", 2, res.Body)

		w.write(t, "PATCH", path, obj{"name": "Stale"}, 412, "If-Match", etag1)
		w.write(t, "PUT", path, obj{"slug": "rev-tag-renamed", "name": "No precondition", "group": "lever"}, 428)

		// A tag on a tactic is in use.
		tres, _ := w.write(t, "POST", "/api/v1/tactics", obj{"stage_id": 1, "kind": "current", "title": "Holds the tag", "summary": "S.", "tags": []string{"rev-tag-renamed"}}, 201)
		var tc tactic
		tres.decode(t, &tc)
		w.write(t, "DELETE", path, nil, 409)
		w.write(t, "DELETE", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), nil, 204)

		before := s.do(t, "GET", path, nil).mustStatus(t, 200)
		_, rev = w.write(t, "DELETE", "/api/v1/tags/rev-tag-renamed", nil, 204)
		checkRevision(t, rev, "tag", tg.ID, "delete", 2, before.Body)
		s.do(t, "GET", path, nil).problem(t, 404)
		checkRevisions(t, s, "tags", []string{fmt.Sprint(tg.ID), "rev-tag-renamed"}, tg.ID, []string{"delete", "update", "create"}, []int64{2, 2, 1})
	})
}
func TestParallelPUTs(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	res := s.do(t, "GET", "/api/v1/tactics/1", nil).mustStatus(t, 200)
	etag := res.Header.Get("ETag")
	var tc tactic
	res.decode(t, &tc)
	base := jsonObject(t, res.Body)
	delete(base, "version") // the precondition is If-Match alone

	revTotal := func() int64 {
		t.Helper()
		var l list[models.Revision]
		s.do(t, "GET", "/api/v1/tactics/1/revisions?include_total=true&limit=1", nil).mustStatus(t, 200).decode(t, &l)
		if l.Total == nil {
			t.Fatal("no total")
		}
		return *l.Total
	}
	revsBefore, feedBefore := revTotal(), revisionCount(t, s)

	const n = 100
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		body := make(map[string]any, len(base))
		for k, v := range base {
			body[k] = v
		}
		body["title"] = fmt.Sprintf("Parallel title %d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = s.do(t, "PUT", "/api/v1/tactics/1", body, "If-Match", etag).Status
		}()
	}
	wg.Wait()

	ok, stale, other := 0, 0, 0
	winner := -1
	for i, st := range statuses {
		switch st {
		case http.StatusOK:
			ok++
			winner = i
		case http.StatusPreconditionFailed:
			stale++
		default:
			other++
		}
	}
	if ok != 1 || stale != n-1 {
		t.Errorf("%d × 200, %d × 412, %d other of %d; want 1 × 200 and %d × 412 (statuses %v)", ok, stale, other, n, n-1, statuses)
	}
	var after tactic
	s.do(t, "GET", "/api/v1/tactics/1", nil).mustStatus(t, 200).decode(t, &after)
	if after.Version != tc.Version+1 {
		t.Errorf("version = %d, want %d", after.Version, tc.Version+1)
	}
	if winner >= 0 && after.Title != fmt.Sprintf("Parallel title %d", winner) {
		t.Errorf("title = %q, want the winner's %q", after.Title, fmt.Sprintf("Parallel title %d", winner))
	}
	if got := revTotal(); got != revsBefore+1 {
		t.Errorf("tactic revisions: %d, want %d", got, revsBefore+1)
	}
	if got := revisionCount(t, s); got != feedBefore+1 {
		t.Errorf("revisions in the feed grew by %d, want 1", got-feedBefore)
	}
}
