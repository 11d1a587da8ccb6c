package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"chainkb/models"
)

// This file tests history, restore, drafts, the change feed and safe writes (issue 4; api.md
// "History" and "Who may do what").

// histAs returns the headers that make a request as the given principal: "anonymous" sends no key.
func histAs(s *testServer, who string) []string {
	if who == "anonymous" {
		return []string{"Authorization", ""}
	}
	return []string{"Authorization", "Bearer " + s.Keys[who]}
}

// histFeed replays the change feed from after=0 in pages of limit, following next_cursor as the
// next "after" until it is null, and returns every change. It fails the test unless the ids are
// strictly increasing and every page holds at most limit changes.
func histFeed(t *testing.T, s *testServer, limit int, headers ...string) []models.Revision {
	t.Helper()
	var out []models.Revision
	after := "0"
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("the change feed does not end")
		}
		var l list[models.Revision]
		s.do(t, "GET", fmt.Sprintf("/api/v1/changes?after=%s&limit=%d", url.QueryEscape(after), limit), nil, headers...).mustStatus(t, 200).decode(t, &l)
		if len(l.Data) > limit {
			t.Fatalf("a page of the change feed holds %d changes, limit %d", len(l.Data), limit)
		}
		for _, r := range l.Data {
			if len(out) > 0 && r.ID <= out[len(out)-1].ID {
				t.Fatalf("change feed out of order: revision %d after %d", r.ID, out[len(out)-1].ID)
			}
			out = append(out, r)
		}
		if l.NextCursor == nil {
			return out
		}
		if len(l.Data) == 0 {
			t.Fatalf("an empty page of the change feed has next_cursor %q", *l.NextCursor)
		}
		after = *l.NextCursor
	}
}

// histCount is the number of revisions there are: the length of the editor's change feed.
func histCount(t *testing.T, s *testServer) int {
	t.Helper()
	return len(histFeed(t, s, 200))
}

// histHistory returns an object's revisions, newest first, as GET /{res}/{key}/revisions gives them.
func histHistory(t *testing.T, s *testServer, res, key string) []models.Revision {
	t.Helper()
	return collect[models.Revision](t, s, "/api/v1/"+res+"/"+key+"/revisions?limit=200")
}

// histCollectAs is collect as another principal: every item of a list over all its pages.
func histCollectAs[T any](t *testing.T, s *testServer, path string, headers ...string) []T {
	t.Helper()
	var out []T
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		var l list[T]
		s.do(t, "GET", path, nil, headers...).mustStatus(t, 200).decode(t, &l)
		out = append(out, l.Data...)
		if l.NextCursor == nil {
			return out
		}
		u, err := url.Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("cursor", *l.NextCursor)
		u.RawQuery = q.Encode()
		path = u.String()
	}
}

// histJSON decodes JSON into generic values, for comparisons that do not depend on Go types.
func histJSON(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return m
}

// histSameJSON reports whether two JSON documents hold the same values.
func histSameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	return reflect.DeepEqual(histJSON(t, a), histJSON(t, b))
}

// histCheckRevision checks one revision's fields against what the write should have recorded.
func histCheckRevision(t *testing.T, rev *models.Revision, entity string, id int64, action string, version int64, data []byte) {
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
	if !histSameJSON(t, rev.Data, data) {
		t.Errorf("revision %d (%s %s): data = %s, want the object as it stood: %s", rev.ID, entity, action, rev.Data, data)
	}
}

// histWriter sends writes with a fresh X-Request-ID each and checks that each successful write
// adds exactly one revision to the history and each failed one none.
type histWriter struct {
	s    *testServer
	n    int
	feed []models.Revision // the editor's change feed after the last write
}

// write sends the request, requires the status, and returns the response and the revision the
// write added (nil if it added none).
func (w *histWriter) write(t *testing.T, method, path string, body any, want int, headers ...string) (response, *models.Revision) {
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
	after := histFeed(t, w.s, 200)
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

// histCheckHistory checks GET /{res}/{key}/revisions for each key: the object's revisions, newest
// first, with the given actions and versions, and the total with include_total=true.
func histCheckHistory(t *testing.T, s *testServer, res string, keys []string, id int64, actions []string, versions []int64) {
	t.Helper()
	for _, key := range keys {
		revs := histHistory(t, s, res, key)
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
	s := newServer(t)
	w := &histWriter{s: s}
	w.feed = histFeed(t, s, 200)
	if len(w.feed) == 0 {
		t.Fatal("the seed wrote no revisions")
	}

	t.Run("chain", func(t *testing.T) {
		res, rev := w.write(t, "POST", "/api/v1/chains", obj{"slug": "rev-chain", "name": "Revision chain", "description": "Tracked."}, 201)
		var c chain
		res.decode(t, &c)
		histCheckRevision(t, rev, "chain", c.ID, "create", 1, res.Body)
		path := fmt.Sprintf("/api/v1/chains/%d", c.ID)

		w.write(t, "POST", "/api/v1/chains", obj{"slug": "Not A Slug", "name": ""}, 422)
		w.write(t, "POST", "/api/v1/chains", obj{"slug": "sex-trafficking", "name": "Clash"}, 409)

		etag1 := res.Header.Get("ETag")
		res, rev = w.write(t, "PUT", path, obj{"slug": "rev-chain", "name": "Revision chain, renamed", "description": "Tracked."}, 200, "If-Match", etag1)
		histCheckRevision(t, rev, "chain", c.ID, "update", 2, res.Body)

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
		histCheckRevision(t, rev, "chain", c.ID, "delete", 2, before.Body)
		s.do(t, "GET", path, nil).problem(t, 404)
		histCheckHistory(t, s, "chains", []string{fmt.Sprint(c.ID), "rev-chain"}, c.ID, []string{"delete", "update", "create"}, []int64{2, 2, 1})
	})

	t.Run("stage", func(t *testing.T) {
		res, rev := w.write(t, "POST", "/api/v1/stages", obj{"chain_id": 1, "slug": "rev-stage", "name": "Revision stage", "actor": "Auditors", "side": "demand", "position": 9}, 201)
		var st stage
		res.decode(t, &st)
		histCheckRevision(t, rev, "stage", st.ID, "create", 1, res.Body)
		path := fmt.Sprintf("/api/v1/stages/%d", st.ID)

		w.write(t, "POST", "/api/v1/stages", obj{"chain_id": 1, "slug": "bad-stage", "name": "Bad", "actor": "", "side": "sideways", "position": 1}, 422)

		res, rev = w.write(t, "PATCH", path, obj{"name": "Revision stage, renamed", "version": 1}, 200)
		histCheckRevision(t, rev, "stage", st.ID, "update", 2, res.Body)

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
		histCheckRevision(t, rev, "stage", st.ID, "delete", 2, before.Body)
		s.do(t, "GET", path, nil).problem(t, 404)
		histCheckHistory(t, s, "stages", []string{fmt.Sprint(st.ID)}, st.ID, []string{"delete", "update", "create"}, []int64{2, 2, 1})
	})

	t.Run("tactic", func(t *testing.T) {
		res, rev := w.write(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "recommended", "title": "Revision tactic", "summary": "Tracked.",
			"tags": []string{"short-term"}, "references": []obj{{"citation": "Kara 2009", "locator": "p. 201"}}}, 201)
		var tc tactic
		res.decode(t, &tc)
		histCheckRevision(t, rev, "tactic", tc.ID, "create", 1, res.Body)
		path := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)

		w.write(t, "POST", "/api/v1/tactics", obj{"stage_id": 999999, "kind": "recommended", "title": "No stage", "summary": "S."}, 422)
		w.write(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": "Two horizons", "summary": "S.", "tags": []string{"short-term", "long-term"}}, 422)

		etag1 := res.Header.Get("ETag")
		tc.Title = "Revision tactic, retitled"
		res, rev = w.write(t, "PUT", path, tc, 200, "If-Match", etag1)
		histCheckRevision(t, rev, "tactic", tc.ID, "update", 2, res.Body)

		w.write(t, "PUT", path, tc, 412) // the body still says version 1
		w.write(t, "PATCH", path, obj{"title": "No precondition"}, 428)
		w.write(t, "PATCH", path, `{"title":null}`, 422, "If-Match", res.Header.Get("ETag"), "Content-Type", "application/merge-patch+json")
		w.write(t, "DELETE", path, nil, 412, "If-Match", etag1)

		before := s.do(t, "GET", path, nil).mustStatus(t, 200)
		_, rev = w.write(t, "DELETE", path, nil, 204, "If-Match", before.Header.Get("ETag"))
		histCheckRevision(t, rev, "tactic", tc.ID, "delete", 2, before.Body)
		s.do(t, "GET", path, nil).problem(t, 404)
		histCheckHistory(t, s, "tactics", []string{fmt.Sprint(tc.ID)}, tc.ID, []string{"delete", "update", "create"}, []int64{2, 2, 1})
	})

	t.Run("tag", func(t *testing.T) {
		res, rev := w.write(t, "POST", "/api/v1/tags", obj{"slug": "rev-tag", "name": "Revision tag", "group": "lever"}, 201)
		var tg tag
		res.decode(t, &tg)
		histCheckRevision(t, rev, "tag", tg.ID, "create", 1, res.Body)
		path := fmt.Sprintf("/api/v1/tags/%d", tg.ID)

		w.write(t, "POST", "/api/v1/tags", obj{"slug": "bad-group", "name": "Bad", "group": "Not A Slug"}, 422)
		w.write(t, "POST", "/api/v1/tags", obj{"slug": "short-term", "name": "Clash", "group": "horizon"}, 409)

		etag1 := res.Header.Get("ETag")
		// The update renames the slug: the history is then found by the last slug.
		res, rev = w.write(t, "PATCH", path, obj{"slug": "rev-tag-renamed", "name": "Revision tag, renamed"}, 200, "If-Match", etag1, "Content-Type", "application/merge-patch+json")
		histCheckRevision(t, rev, "tag", tg.ID, "update", 2, res.Body)

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
		histCheckRevision(t, rev, "tag", tg.ID, "delete", 2, before.Body)
		s.do(t, "GET", path, nil).problem(t, 404)
		histCheckHistory(t, s, "tags", []string{fmt.Sprint(tg.ID), "rev-tag-renamed"}, tg.ID, []string{"delete", "update", "create"}, []int64{2, 2, 1})
	})
}

func TestRestore(t *testing.T) {
	s := newServer(t)

	// A tactic, updated twice.
	res := s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "recommended", "title": "First title", "summary": "First.",
		"tags": []string{"short-term"}, "references": []obj{{"citation": "Kara 2009", "locator": "p. 201"}}}).mustStatus(t, 201)
	var tc tactic
	res.decode(t, &tc)
	path := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)
	s.do(t, "PATCH", path, obj{"title": "Second title", "summary": "Second.", "version": 1}).mustStatus(t, 200)
	res = s.do(t, "PATCH", path, obj{"title": "Third title", "tags": []string{"long-term"}, "references": []obj{}, "version": 2}).mustStatus(t, 200)
	staleETag := res.Header.Get("ETag")
	revs := histHistory(t, s, "tactics", fmt.Sprint(tc.ID))
	if len(revs) != 3 || revs[2].Action != "create" {
		t.Fatalf("history of the tactic: %+v, want 3 revisions, the oldest a create", revs)
	}
	first := revs[2]

	t.Run("restore an earlier revision", func(t *testing.T) {
		before := histCount(t, s)
		res := s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, first.ID), nil).mustStatus(t, 200)
		got, want := histJSON(t, res.Body), histJSON(t, first.Data)
		for k, v := range want {
			if k == "version" || k == "updated_at" {
				continue
			}
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("restored %s = %v, want revision 1's %v", k, got[k], v)
			}
		}
		if got["version"] != float64(4) {
			t.Errorf("restored version = %v, want 4", got["version"])
		}
		if e := res.Header.Get("ETag"); e == "" || e == staleETag {
			t.Errorf("ETag after restore = %q", e)
		}
		if g := s.do(t, "GET", path, nil).mustStatus(t, 200); !histSameJSON(t, g.Body, res.Body) {
			t.Errorf("GET after restore = %s, want %s", g.Body, res.Body)
		}
		revs := histHistory(t, s, "tactics", fmt.Sprint(tc.ID))
		if len(revs) != 4 {
			t.Fatalf("history has %d revisions after the restore, want 4", len(revs))
		}
		histCheckRevision(t, &revs[0], "tactic", tc.ID, "restore", 4, res.Body)
		if n := histCount(t, s); n != before+1 {
			t.Errorf("revisions grew by %d, want 1", n-before)
		}
	})

	t.Run("stale If-Match", func(t *testing.T) {
		snap := s.snapshot(t)
		s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, first.ID), nil, "If-Match", staleETag).problem(t, 412)
		if s.snapshot(t) != snap {
			t.Error("a restore with a stale If-Match changed the database")
		}
	})

	t.Run("deleted tag comes back", func(t *testing.T) {
		res := s.do(t, "POST", "/api/v1/tags", obj{"slug": "restore-me", "name": "Restore me", "group": "lever"}).mustStatus(t, 201)
		var tg tag
		res.decode(t, &tg)
		s.do(t, "PATCH", "/api/v1/tags/restore-me", obj{"name": "Restore me, renamed", "version": 1}).mustStatus(t, 200)
		s.do(t, "DELETE", "/api/v1/tags/restore-me", nil).mustStatus(t, 204)
		s.do(t, "GET", fmt.Sprintf("/api/v1/tags/%d", tg.ID), nil).problem(t, 404)
		revs := histHistory(t, s, "tags", "restore-me")
		if len(revs) != 3 || revs[0].Action != "delete" || revs[1].Action != "update" {
			t.Fatalf("history of the tag: %+v", revs)
		}
		res = s.do(t, "POST", fmt.Sprintf("/api/v1/tags/%d/revisions/%d/restore", tg.ID, revs[1].ID), nil).mustStatus(t, 200)
		var back tag
		res.decode(t, &back)
		if back.ID != tg.ID || back.Version != 3 || back.Name != "Restore me, renamed" || back.Slug != "restore-me" {
			t.Errorf("restored tag = %+v, want id %d at version 3 (the deleted version 2 + 1)", back, tg.ID)
		}
		var got tag
		s.do(t, "GET", fmt.Sprintf("/api/v1/tags/%d", tg.ID), nil).mustStatus(t, 200).decode(t, &got)
		if got.ID != tg.ID || got.Version != 3 {
			t.Errorf("GET restored tag = %+v", got)
		}
		if h := histHistory(t, s, "tags", fmt.Sprint(tg.ID)); len(h) != 4 || h[0].Action != "restore" || h[0].Version != 3 {
			t.Errorf("history after restore: %+v, want a restore revision at version 3 on top", h)
		}

		// A revision that records a delete holds no state to restore.
		snap := s.snapshot(t)
		p := s.do(t, "POST", fmt.Sprintf("/api/v1/tags/%d/revisions/%d/restore", tg.ID, revs[0].ID), nil).problem(t, 409)
		if p.Code != "not_restorable" {
			t.Errorf("code = %q, want not_restorable", p.Code)
		}
		if s.snapshot(t) != snap {
			t.Error("restoring a delete revision changed the database")
		}
	})

	t.Run("deleted tactic comes back", func(t *testing.T) {
		cur := s.do(t, "GET", path, nil).mustStatus(t, 200)
		var live tactic
		cur.decode(t, &live)
		s.do(t, "DELETE", path, nil).mustStatus(t, 204)
		s.do(t, "GET", path, nil).problem(t, 404)
		revs := histHistory(t, s, "tactics", fmt.Sprint(tc.ID))
		if revs[0].Action != "delete" || revs[0].Version != live.Version {
			t.Fatalf("newest revision after delete: %s v%d, want delete v%d", revs[0].Action, revs[0].Version, live.Version)
		}

		snap := s.snapshot(t)
		s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, revs[0].ID), nil).problem(t, 409)
		if s.snapshot(t) != snap {
			t.Error("restoring a delete revision changed the database")
		}

		res := s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, revs[1].ID), nil).mustStatus(t, 200)
		var back tactic
		res.decode(t, &back)
		if back.ID != tc.ID || back.Version != live.Version+1 || back.Title != live.Title {
			t.Errorf("restored tactic = id %d v%d %q, want id %d v%d %q", back.ID, back.Version, back.Title, tc.ID, live.Version+1, live.Title)
		}
		var got tactic
		s.do(t, "GET", path, nil).mustStatus(t, 200).decode(t, &got)
		if got.ID != tc.ID || got.Version != live.Version+1 {
			t.Errorf("GET restored tactic = id %d v%d", got.ID, got.Version)
		}
	})

	t.Run("tag deleted since", func(t *testing.T) {
		s.do(t, "POST", "/api/v1/tags", obj{"slug": "short-lived", "name": "Short lived", "group": "lever"}).mustStatus(t, 201)
		res := s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 3, "kind": "current", "title": "Tagged once", "summary": "S.", "tags": []string{"short-lived"}}).mustStatus(t, 201)
		var u tactic
		res.decode(t, &u)
		upath := fmt.Sprintf("/api/v1/tactics/%d", u.ID)
		s.do(t, "PATCH", upath, obj{"tags": []string{}, "version": 1}).mustStatus(t, 200)
		s.do(t, "DELETE", "/api/v1/tags/short-lived", nil).mustStatus(t, 204)
		revs := histHistory(t, s, "tactics", fmt.Sprint(u.ID))
		created := revs[len(revs)-1]

		snap := s.snapshot(t)
		s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", upath, created.ID), nil).problem(t, 409)
		if s.snapshot(t) != snap {
			t.Error("a restore refused with 409 changed the database (live tactic)")
		}

		s.do(t, "DELETE", upath, nil).mustStatus(t, 204)
		snap = s.snapshot(t)
		s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", upath, created.ID), nil).problem(t, 409)
		if s.snapshot(t) != snap {
			t.Error("a restore refused with 409 changed the database (deleted tactic)")
		}

		// A revision of another object is not one of this tactic's.
		snap = s.snapshot(t)
		s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, created.ID), nil).problem(t, 404)
		s.do(t, "POST", fmt.Sprintf("/api/v1/tactics/%d/revisions/%d/restore", u.ID, first.ID), nil).problem(t, 404)
		if s.snapshot(t) != snap {
			t.Error("a restore of another object's revision changed the database")
		}
	})

	t.Run("slug taken or chain gone", func(t *testing.T) {
		res := s.do(t, "POST", "/api/v1/tags", obj{"slug": "taken-since", "name": "Old", "group": "lever"}).mustStatus(t, 201)
		var old tag
		res.decode(t, &old)
		s.do(t, "DELETE", "/api/v1/tags/taken-since", nil).mustStatus(t, 204)
		s.do(t, "POST", "/api/v1/tags", obj{"slug": "taken-since", "name": "New", "group": "lever"}).mustStatus(t, 201)
		revs := histHistory(t, s, "tags", fmt.Sprint(old.ID))
		snap := s.snapshot(t)
		s.do(t, "POST", fmt.Sprintf("/api/v1/tags/%d/revisions/%d/restore", old.ID, revs[len(revs)-1].ID), nil).problem(t, 409)
		if s.snapshot(t) != snap {
			t.Error("a restore refused for a taken slug changed the database")
		}

		res = s.do(t, "POST", "/api/v1/chains", obj{"slug": "gone-chain", "name": "Gone"}).mustStatus(t, 201)
		var c chain
		res.decode(t, &c)
		res = s.do(t, "POST", "/api/v1/stages", obj{"chain_id": c.ID, "slug": "orphan", "name": "Orphan", "actor": "A", "side": "supply", "position": 1}).mustStatus(t, 201)
		var st stage
		res.decode(t, &st)
		s.do(t, "DELETE", fmt.Sprintf("/api/v1/stages/%d", st.ID), nil).mustStatus(t, 204)
		s.do(t, "DELETE", "/api/v1/chains/gone-chain", nil).mustStatus(t, 204)
		srevs := histHistory(t, s, "stages", fmt.Sprint(st.ID))
		snap = s.snapshot(t)
		s.do(t, "POST", fmt.Sprintf("/api/v1/stages/%d/revisions/%d/restore", st.ID, srevs[len(srevs)-1].ID), nil).problem(t, 409)
		if s.snapshot(t) != snap {
			t.Error("a restore refused for a deleted chain changed the database")
		}
	})

	t.Run("roles", func(t *testing.T) {
		snap := s.snapshot(t)
		restorePath := fmt.Sprintf("%s/revisions/%d/restore", path, first.ID)
		res := s.do(t, "POST", restorePath, nil, histAs(s, "anonymous")...)
		res.problem(t, 401)
		if res.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		s.do(t, "POST", restorePath, nil, histAs(s, "reader")...).problem(t, 403)
		if s.snapshot(t) != snap {
			t.Error("a refused restore changed the database")
		}
	})
}

// histPlaces lists where a principal finds the tactic: by id, in lists (one entry per query), in
// the chain table, in its tag's tactic_count (by id and in the list of tags), and in the change
// feed (for keys that may read it).
func histPlaces(t *testing.T, s *testServer, tc tactic, tagSlug, who string, queries []string) []string {
	t.Helper()
	as := histAs(s, who)
	var seen []string
	switch res := s.do(t, "GET", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), nil, as...); res.Status {
	case 200:
		seen = append(seen, "get")
	case 404:
		res.problem(t, 404)
	default:
		t.Errorf("GET tactic as %s: status %d", who, res.Status)
	}
	for _, q := range queries {
		for _, got := range histCollectAs[tactic](t, s, "/api/v1/tactics?limit=200&"+q, as...) {
			if got.ID == tc.ID {
				seen = append(seen, "list "+q)
			}
		}
		var l list[tactic]
		s.do(t, "GET", "/api/v1/tactics?limit=1&include_total=true&"+q, nil, as...).mustStatus(t, 200).decode(t, &l)
		if l.Total == nil {
			t.Errorf("no total with include_total=true")
		} else if n := len(histCollectAs[tactic](t, s, "/api/v1/tactics?limit=200&"+q, as...)); int64(n) != *l.Total {
			t.Errorf("as %s, tactics?%s: total %d, but %d listed", who, q, *l.Total, n)
		}
	}
	var table models.ChainTable
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/table", nil, as...).mustStatus(t, 200).decode(t, &table)
	for _, row := range table.Stages {
		for _, x := range append(row.Current, row.Recommended...) {
			if x.ID == tc.ID {
				seen = append(seen, "table")
			}
		}
	}
	var tg tag
	s.do(t, "GET", "/api/v1/tags/"+tagSlug, nil, as...).mustStatus(t, 200).decode(t, &tg)
	switch tg.TacticCount {
	case 0:
	case 1:
		seen = append(seen, "tactic_count")
	default:
		t.Errorf("tag %s: tactic_count %d as %s, want 0 or 1", tagSlug, tg.TacticCount, who)
	}
	for _, x := range histCollectAs[tag](t, s, "/api/v1/tags?limit=200", as...) {
		if x.Slug == tagSlug && x.TacticCount != tg.TacticCount {
			t.Errorf("tag %s: tactic_count %d in the list, %d by slug, as %s", tagSlug, x.TacticCount, tg.TacticCount, who)
		}
	}
	if who != "anonymous" {
		// In the feed: its latest change there holds it (a mirror has it).
		last := ""
		for _, r := range histFeed(t, s, 200, as...) {
			if r.Entity == "tactic" && r.EntityID == tc.ID {
				last = r.Action
			}
		}
		if last != "" && last != "delete" {
			seen = append(seen, "feed")
		}
	}
	return seen
}

func TestDrafts(t *testing.T) {
	s := newServer(t)
	s.do(t, "POST", "/api/v1/tags", obj{"slug": "draft-probe", "name": "Draft probe", "group": "lever"}).mustStatus(t, 201)
	res := s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 3, "kind": "recommended", "title": "Zebra crossing draft", "summary": "A probe.",
		"tags": []string{"draft-probe", "short-term"}}).mustStatus(t, 201)
	var tc tactic
	res.decode(t, &tc)
	if tc.Status != "draft" {
		t.Fatalf("status of a new tactic = %q, want draft", tc.Status)
	}
	path := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)

	queries := []string{"", "status=draft", "status=published", "status=archived", "stage=3", "kind=recommended",
		"tag=draft-probe", "horizon=short-term", "q=zebra", "chain=sex-trafficking", "chain=1", "sort=-id"}
	// expect lists the places where the tactic should be seen, given its status and who looks.
	expect := func(status, who string) []string {
		if who != "editor" && status != "published" {
			return nil
		}
		seen := []string{"get"}
		for _, q := range queries {
			if st, ok := strings.CutPrefix(q, "status="); ok && st != status {
				continue
			}
			seen = append(seen, "list "+q)
		}
		seen = append(seen, "table", "tactic_count")
		if who != "anonymous" {
			seen = append(seen, "feed")
		}
		return seen
	}
	check := func(t *testing.T, status string) {
		t.Helper()
		for _, who := range []string{"anonymous", "reader", "editor"} {
			got := histPlaces(t, s, tc, "draft-probe", who, queries)
			if want := expect(status, who); !slices.Equal(got, want) {
				t.Errorf("%s tactic as %s: seen in %q, want %q", status, who, got, want)
			}
		}
	}

	t.Run("draft", func(t *testing.T) {
		check(t, "draft")
		for _, r := range histFeed(t, s, 200, histAs(s, "reader")...) {
			if r.Entity == "tactic" && r.EntityID == tc.ID {
				t.Errorf("reader's change feed holds revision %d (%s) of the draft", r.ID, r.Action)
			}
		}
		s.do(t, "GET", path+"/revisions", nil, histAs(s, "reader")...).problem(t, 403)
	})

	var published int64
	t.Run("published", func(t *testing.T) {
		res := s.do(t, "PATCH", path, obj{"status": "published"}, "If-Match", res.Header.Get("ETag")).mustStatus(t, 200)
		res.decode(t, &tc)
		if tc.Status != "published" {
			t.Fatalf("status = %q after publishing", tc.Status)
		}
		check(t, "published")
		var mine []models.Revision
		for _, r := range histFeed(t, s, 200, histAs(s, "reader")...) {
			if r.Entity == "tactic" && r.EntityID == tc.ID {
				mine = append(mine, r)
			}
		}
		if len(mine) != 1 || mine[0].Action == "delete" || !histSameJSON(t, mine[0].Data, res.Body) {
			t.Fatalf("reader's feed for the published tactic: %+v, want one change holding it as published", mine)
		}
		published = mine[0].ID
	})

	t.Run("archived", func(t *testing.T) {
		s.do(t, "PATCH", path, obj{"status": "archived", "version": tc.Version}).mustStatus(t, 200)
		check(t, "archived")
		var mine []models.Revision
		for _, r := range histFeed(t, s, 200, histAs(s, "reader")...) {
			if r.Entity == "tactic" && r.EntityID == tc.ID {
				mine = append(mine, r)
			}
		}
		if len(mine) != 2 || mine[0].ID != published || mine[1].Action != "delete" || mine[1].ID <= published {
			t.Errorf("reader's feed for the archived tactic: %+v, want the publish (%d) then a delete", mine, published)
		}
	})
}

// histKey names one object in a mirror.
type histKey struct {
	entity string
	id     int64
}

// histNormalize drops the derived fields a mirror cannot follow: a tag's tactic_count, and a
// tactic's tag names (tags are compared by id only, as a mirror joins them).
func histNormalize(entity string, m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	switch entity {
	case "tag":
		delete(out, "tactic_count")
	case "tactic":
		var ids []float64
		tags, _ := out["tags"].([]any)
		for _, tg := range tags {
			if o, ok := tg.(map[string]any); ok {
				id, _ := o["id"].(float64)
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		out["tags"] = ids
	}
	return out
}

func TestChangeFeedMirror(t *testing.T) {
	s := newServer(t)
	do := func(method, path string, body any, want int, headers ...string) response {
		t.Helper()
		return s.do(t, method, path, body, headers...).mustStatus(t, want)
	}
	id := func(res response) int64 {
		t.Helper()
		var o struct {
			ID int64 `json:"id"`
		}
		res.decode(t, &o)
		return o.ID
	}
	// firstRev is the id of the oldest revision of an object.
	firstRev := func(res string, key any) int64 {
		t.Helper()
		revs := histHistory(t, s, res, fmt.Sprint(key))
		return revs[len(revs)-1].ID
	}
	// lastState is the id of the newest revision of an object that holds a state (not a delete).
	lastState := func(res string, key any) int64 {
		t.Helper()
		for _, r := range histHistory(t, s, res, fmt.Sprint(key)) {
			if r.Action != "delete" {
				return r.ID
			}
		}
		t.Fatalf("%s %v has no state to restore", res, key)
		return 0
	}
	newTactic := func(stageID int64, title, status string, tags ...string) int64 {
		t.Helper()
		body := obj{"stage_id": stageID, "kind": "recommended", "title": title, "summary": "Mirror.", "tags": tags}
		if status != "" {
			body["status"] = status
		}
		return id(do("POST", "/api/v1/tactics", body, 201))
	}
	patch := func(path string, body obj) {
		t.Helper()
		cur := do("GET", path, nil, 200)
		do("PATCH", path, body, 200, "If-Match", cur.Header.Get("ETag"))
	}

	// Chains: update, restore, a delete that stays and a delete that is undone.
	c := id(do("POST", "/api/v1/chains", obj{"slug": "mirror-chain", "name": "Mirror chain"}, 201))
	cpath := fmt.Sprintf("/api/v1/chains/%d", c)
	patch(cpath, obj{"name": "Mirror chain, renamed"})
	patch(cpath, obj{"description": "Described."})
	do("POST", fmt.Sprintf("%s/revisions/%d/restore", cpath, firstRev("chains", c)), nil, 200)
	tmp := id(do("POST", "/api/v1/chains", obj{"slug": "mirror-temp", "name": "Temporary"}, 201))
	do("DELETE", fmt.Sprintf("/api/v1/chains/%d", tmp), nil, 204)
	back := id(do("POST", "/api/v1/chains", obj{"slug": "mirror-back", "name": "Comes back"}, 201))
	do("DELETE", "/api/v1/chains/mirror-back", nil, 204)
	do("POST", fmt.Sprintf("/api/v1/chains/mirror-back/revisions/%d/restore", firstRev("chains", back)), nil, 200)

	// Stages.
	s1 := id(do("POST", "/api/v1/stages", obj{"chain_id": c, "slug": "m-one", "name": "One", "actor": "A", "side": "supply", "position": 1}, 201))
	s2 := id(do("POST", "/api/v1/stages", obj{"chain_id": 1, "slug": "m-extra", "name": "Extra", "actor": "B", "side": "demand", "position": 10}, 201))
	s3 := id(do("POST", "/api/v1/stages", obj{"chain_id": back, "slug": "m-gone", "name": "Gone", "actor": "C", "side": "demand", "position": 1}, 201))
	patch(fmt.Sprintf("/api/v1/stages/%d", s1), obj{"name": "One, renamed"})
	do("DELETE", fmt.Sprintf("/api/v1/stages/%d", s3), nil, 204)

	// Tags.
	do("POST", "/api/v1/tags", obj{"slug": "mirror-a", "name": "Mirror A", "group": "lever"}, 201)
	tb := id(do("POST", "/api/v1/tags", obj{"slug": "mirror-b", "name": "Mirror B", "group": "lever"}, 201))

	// Tactics, published, drafted and archived.
	t1 := newTactic(s1, "Mirror one", "published", "mirror-a", "short-term")
	t2 := newTactic(s2, "Mirror two", "", "mirror-b")
	t3 := newTactic(1, "Mirror three", "published", "mirror-b")
	t4 := newTactic(2, "Mirror four", "published")
	t5 := newTactic(3, "Mirror five", "published", "mirror-a")
	t6 := newTactic(4, "Mirror six", "")
	patch(fmt.Sprintf("/api/v1/tactics/%d", t4), obj{"status": "draft"})
	patch(fmt.Sprintf("/api/v1/tactics/%d", t5), obj{"status": "archived"})
	patch(fmt.Sprintf("/api/v1/tactics/%d", t6), obj{"status": "published"})
	patch("/api/v1/tactics/1", obj{"title": "A seeded tactic, retitled"})
	do("DELETE", "/api/v1/tactics/2", nil, 204)

	// A tag renamed: tactic revisions written before hold its old slug and name.
	patch("/api/v1/tags/mirror-a", obj{"slug": "mirror-renamed", "name": "Mirror renamed"})

	// A tag deleted and restored, with the tactic that carried it.
	patch(fmt.Sprintf("/api/v1/tactics/%d", t2), obj{"tags": []string{}})
	do("DELETE", fmt.Sprintf("/api/v1/tactics/%d", t3), nil, 204)
	do("DELETE", "/api/v1/tags/mirror-b", nil, 204)
	do("POST", fmt.Sprintf("/api/v1/tags/%d/revisions/%d/restore", tb, lastState("tags", tb)), nil, 200)
	do("POST", fmt.Sprintf("/api/v1/tactics/%d/revisions/%d/restore", t3, lastState("tactics", t3)), nil, 200)

	// A draft and its stage deleted, both restored, the draft then published.
	do("DELETE", fmt.Sprintf("/api/v1/tactics/%d", t2), nil, 204)
	do("DELETE", fmt.Sprintf("/api/v1/stages/%d", s2), nil, 204)
	do("POST", fmt.Sprintf("/api/v1/stages/%d/revisions/%d/restore", s2, lastState("stages", s2)), nil, 200)
	do("POST", fmt.Sprintf("/api/v1/tactics/%d/revisions/%d/restore", t2, lastState("tactics", t2)), nil, 200)
	patch(fmt.Sprintf("/api/v1/tactics/%d", t2), obj{"status": "published"})

	// Restores to states with the tag's old name, and to a draft state.
	do("POST", fmt.Sprintf("/api/v1/tactics/%d/revisions/%d/restore", t1, firstRev("tactics", t1)), nil, 200)
	do("POST", fmt.Sprintf("/api/v1/tactics/%d/revisions/%d/restore", t6, firstRev("tactics", t6)), nil, 200)

	for _, who := range []string{"reader", "editor"} {
		t.Run(who, func(t *testing.T) {
			as := histAs(s, who)
			feed := histFeed(t, s, 7, as...)
			mirror := map[histKey]map[string]any{}
			for _, r := range feed {
				k := histKey{r.Entity, r.EntityID}
				switch r.Action {
				case "create", "update", "restore":
					mirror[k] = histNormalize(r.Entity, histJSON(t, r.Data))
				case "delete":
					delete(mirror, k)
				default:
					t.Errorf("revision %d: unknown action %q", r.ID, r.Action)
				}
			}

			live := map[histKey]map[string]any{}
			for entity, path := range map[string]string{"chain": "/api/v1/chains", "stage": "/api/v1/stages", "tag": "/api/v1/tags", "tactic": "/api/v1/tactics"} {
				for _, m := range histCollectAs[map[string]any](t, s, path+"?limit=200", as...) {
					id, _ := m["id"].(float64)
					live[histKey{entity, int64(id)}] = histNormalize(entity, m)
				}
			}
			if who == "reader" {
				for k, m := range live {
					if k.entity == "tactic" && m["status"] != "published" {
						t.Errorf("reader lists tactic %d with status %v", k.id, m["status"])
					}
				}
			}

			for k, want := range live {
				got, ok := mirror[k]
				if !ok {
					t.Errorf("%s %d is live but missing from the mirror", k.entity, k.id)
					continue
				}
				if !reflect.DeepEqual(got, want) {
					g, _ := json.Marshal(got)
					w, _ := json.Marshal(want)
					t.Errorf("%s %d: mirror %s, live %s", k.entity, k.id, g, w)
				}
			}
			for k := range mirror {
				if _, ok := live[k]; !ok {
					t.Errorf("%s %d is in the mirror but not live", k.entity, k.id)
				}
			}
			if len(live) < 50 {
				t.Errorf("only %d live objects; the comparison proves little", len(live))
			}

			// The Link header of a feed page leads to the next page, as next_cursor does.
			first := s.do(t, "GET", "/api/v1/changes?after=0&limit=7", nil, as...).mustStatus(t, 200)
			var page list[models.Revision]
			first.decode(t, &page)
			if page.NextCursor == nil {
				t.Fatal("the first page of 7 has no next_cursor")
			}
			var next list[models.Revision]
			s.do(t, "GET", "/api/v1/changes?limit=7&after="+url.QueryEscape(*page.NextCursor), nil, as...).mustStatus(t, 200).decode(t, &next)
			link := first.Header.Get("Link")
			if !strings.HasPrefix(link, "<") || !strings.HasSuffix(link, `>; rel="next"`) {
				t.Errorf("Link = %q, want <next page>; rel=\"next\"", link)
			} else {
				res := s.do(t, "GET", strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`), nil, as...)
				var linked list[models.Revision]
				if res.Status != 200 {
					t.Errorf("GET %s (the feed's Link header): status %d, want 200; body %s", link, res.Status, res.Body)
				} else if res.decode(t, &linked); !reflect.DeepEqual(linked.Data, next.Data) {
					t.Errorf("the page the Link header names differs from after=next_cursor")
				}
			}
		})
	}

	t.Run("anonymous", func(t *testing.T) {
		res := s.do(t, "GET", "/api/v1/changes?after=0", nil, histAs(s, "anonymous")...)
		res.problem(t, 401)
		if res.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
	})
}

func TestParallelPUTs(t *testing.T) {
	s := newServer(t)
	res := s.do(t, "GET", "/api/v1/tactics/1", nil).mustStatus(t, 200)
	etag := res.Header.Get("ETag")
	var tc tactic
	res.decode(t, &tc)
	base := histJSON(t, res.Body)
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
	revsBefore, feedBefore := revTotal(), histCount(t, s)

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
	if got := histCount(t, s); got != feedBefore+1 {
		t.Errorf("revisions in the feed grew by %d, want 1", got-feedBefore)
	}
}

func TestIdempotency(t *testing.T) {
	s := newServer(t)
	tactics := func() int64 {
		t.Helper()
		var l list[tactic]
		s.do(t, "GET", "/api/v1/tactics?include_total=true&limit=1", nil).mustStatus(t, 200).decode(t, &l)
		if l.Total == nil {
			t.Fatal("no total")
		}
		return *l.Total
	}
	body := obj{"stage_id": 1, "kind": "current", "title": "Idempotent tactic", "summary": "Created once."}
	nTactics, nRevs := tactics(), histCount(t, s)

	first := s.do(t, "POST", "/api/v1/tactics", body, "Idempotency-Key", "K").mustStatus(t, 201)
	second := s.do(t, "POST", "/api/v1/tactics", body, "Idempotency-Key", "K").mustStatus(t, 201)
	if first.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("first response has Idempotent-Replayed: %q", first.Header.Get("Idempotent-Replayed"))
	}
	if got := second.Header.Get("Idempotent-Replayed"); got != "true" {
		t.Errorf("retry: Idempotent-Replayed = %q, want true", got)
	}
	if !bytes.Equal(first.Body, second.Body) {
		t.Errorf("retry body = %s, want the first %s", second.Body, first.Body)
	}
	for _, h := range []string{"Location", "ETag"} {
		if first.Header.Get(h) == "" || first.Header.Get(h) != second.Header.Get(h) {
			t.Errorf("%s: first %q, retry %q; want the same", h, first.Header.Get(h), second.Header.Get(h))
		}
	}
	if got := tactics(); got != nTactics+1 {
		t.Errorf("tactics: %d, want %d (one created)", got, nTactics+1)
	}
	if got := histCount(t, s); got != nRevs+1 {
		t.Errorf("revisions grew by %d, want 1", got-nRevs)
	}

	t.Run("same key, other body", func(t *testing.T) {
		snap := s.snapshot(t)
		other := obj{"stage_id": 1, "kind": "current", "title": "Another tactic", "summary": "Created once."}
		p := s.do(t, "POST", "/api/v1/tactics", other, "Idempotency-Key", "K").problem(t, 422)
		if p.Code != "idempotency_key_reused" {
			t.Errorf("code = %q, want idempotency_key_reused", p.Code)
		}
		if s.snapshot(t) != snap {
			t.Error("a reused Idempotency-Key with another body changed the database")
		}
	})

	t.Run("same key, other key holder", func(t *testing.T) {
		nTactics, nRevs := tactics(), histCount(t, s)
		res := s.do(t, "POST", "/api/v1/tactics", body, "Idempotency-Key", "K", "Authorization", "Bearer "+s.Keys["admin"]).mustStatus(t, 201)
		if res.Header.Get("Idempotent-Replayed") != "" || res.Header.Get("Location") == first.Header.Get("Location") {
			t.Errorf("admin's request with the editor's Idempotency-Key was answered with the editor's response (Location %s)", res.Header.Get("Location"))
		}
		var a, e tactic
		res.decode(t, &a)
		first.decode(t, &e)
		if a.ID == e.ID {
			t.Errorf("admin's create has the editor's id %d", a.ID)
		}
		if got := tactics(); got != nTactics+1 {
			t.Errorf("tactics: %d, want %d", got, nTactics+1)
		}
		if got := histCount(t, s); got != nRevs+1 {
			t.Errorf("revisions grew by %d, want 1", got-nRevs)
		}
		again := s.do(t, "POST", "/api/v1/tactics", body, "Idempotency-Key", "K", "Authorization", "Bearer "+s.Keys["admin"]).mustStatus(t, 201)
		if again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.Body, res.Body) {
			t.Errorf("admin's retry: replayed %q, body %s; want admin's first response", again.Header.Get("Idempotent-Replayed"), again.Body)
		}
	})

	t.Run("failures are not stored", func(t *testing.T) {
		snap := s.snapshot(t)
		bad := obj{"stage_id": 1, "kind": "maybe", "title": "", "summary": "S."}
		for i := range 2 {
			res := s.do(t, "POST", "/api/v1/tactics", bad, "Idempotency-Key", "K2")
			p := res.problem(t, 422)
			if p.Code != "validation_failed" || res.Header.Get("Idempotent-Replayed") != "" {
				t.Errorf("attempt %d: code %q, Idempotent-Replayed %q; want a fresh validation_failed", i+1, p.Code, res.Header.Get("Idempotent-Replayed"))
			}
		}
		if s.snapshot(t) != snap {
			t.Error("failed requests with an Idempotency-Key changed the database")
		}
	})

	t.Run("key too long", func(t *testing.T) {
		snap := s.snapshot(t)
		s.do(t, "POST", "/api/v1/tactics", body, "Idempotency-Key", strings.Repeat("k", 300)).problem(t, 400)
		if s.snapshot(t) != snap {
			t.Error("a request with a 300-character Idempotency-Key changed the database")
		}
	})
}

func TestMassAssignment(t *testing.T) {
	s := newServer(t)
	newTactic := func(t *testing.T) (tactic, response) {
		t.Helper()
		res := s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": "Owned by the server", "summary": "S."}).mustStatus(t, 201)
		var tc tactic
		res.decode(t, &tc)
		return tc, res
	}
	get := func(t *testing.T, id int64) tactic {
		t.Helper()
		var tc tactic
		s.do(t, "GET", fmt.Sprintf("/api/v1/tactics/%d", id), nil).mustStatus(t, 200).decode(t, &tc)
		return tc
	}
	// accepted reports whether res succeeded; a refusal must be a 4xx that changed nothing.
	accepted := func(t *testing.T, res response, snap string) bool {
		t.Helper()
		switch {
		case res.Status >= 200 && res.Status < 300:
			return true
		case res.Status >= 400 && res.Status < 500:
			if s.snapshot(t) != snap {
				t.Errorf("refused with %d, but the database changed", res.Status)
			}
		default:
			t.Errorf("status %d; body %s", res.Status, res.Body)
		}
		return false
	}
	// body is a full replacement of tc with the given fields set.
	body := func(t *testing.T, tc tactic, set obj) map[string]any {
		t.Helper()
		raw, err := json.Marshal(tc)
		if err != nil {
			t.Fatal(err)
		}
		m := histJSON(t, raw)
		delete(m, "version")
		for k, v := range set {
			m[k] = v
		}
		return m
	}

	t.Run("id in POST", func(t *testing.T) {
		seeded := get(t, 1)
		snap := s.snapshot(t)
		res := s.do(t, "POST", "/api/v1/tactics", obj{"id": 1, "stage_id": 2, "kind": "current", "title": "Wants id 1", "summary": "S."})
		if accepted(t, res, snap) {
			var tc tactic
			res.decode(t, &tc)
			if tc.ID == 1 || tc.Title != "Wants id 1" {
				t.Errorf("created = id %d %q, want a fresh id", tc.ID, tc.Title)
			}
		}
		if got := get(t, 1); !reflect.DeepEqual(got, seeded) {
			t.Errorf("tactic 1 changed: %+v, was %+v", got, seeded)
		}
	})

	t.Run("id in PUT", func(t *testing.T) {
		tc, created := newTactic(t)
		seeded := get(t, 1)
		snap := s.snapshot(t)
		res := s.do(t, "PUT", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), body(t, tc, obj{"id": 1, "title": "Wants id 1"}), "If-Match", created.Header.Get("ETag"))
		if accepted(t, res, snap) {
			var got tactic
			res.decode(t, &got)
			if got.ID != tc.ID {
				t.Errorf("PUT answered id %d, want %d", got.ID, tc.ID)
			}
			if g := get(t, tc.ID); g.Title != "Wants id 1" {
				t.Errorf("tactic %d: title %q after PUT", tc.ID, g.Title)
			}
		}
		if got := get(t, 1); !reflect.DeepEqual(got, seeded) {
			t.Errorf("tactic 1 changed: %+v, was %+v", got, seeded)
		}
	})

	t.Run("created_at and updated_at", func(t *testing.T) {
		old := "1999-01-01T00:00:00Z"
		tc, created := newTactic(t)
		snap := s.snapshot(t)
		res := s.do(t, "PUT", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), body(t, tc, obj{"created_at": old, "updated_at": old, "title": "Back to 1999"}), "If-Match", created.Header.Get("ETag"))
		if accepted(t, res, snap) {
			got := get(t, tc.ID)
			if !got.CreatedAt.Equal(tc.CreatedAt) {
				t.Errorf("created_at = %s, want %s", got.CreatedAt, tc.CreatedAt)
			}
			if got.UpdatedAt.Year() == 1999 || got.UpdatedAt.Before(tc.UpdatedAt) {
				t.Errorf("updated_at = %s, want the time of the PUT (not before %s)", got.UpdatedAt, tc.UpdatedAt)
			}
		}
		snap = s.snapshot(t)
		res = s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": "Born in 1999", "summary": "S.", "created_at": old, "updated_at": old})
		if accepted(t, res, snap) {
			var got tactic
			res.decode(t, &got)
			if got.CreatedAt.Year() == 1999 || got.UpdatedAt.Year() == 1999 || time.Since(got.CreatedAt) > time.Hour {
				t.Errorf("created with created_at %s, updated_at %s; want now", got.CreatedAt, got.UpdatedAt)
			}
		}
	})

	t.Run("version", func(t *testing.T) {
		tc, created := newTactic(t)
		path := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)
		snap := s.snapshot(t)
		b := body(t, tc, obj{"version": 99, "title": "Version 99"})
		s.do(t, "PUT", path, b, "If-Match", created.Header.Get("ETag")).problem(t, 412)
		if s.snapshot(t) != snap {
			t.Error("a PUT refused with 412 changed the database")
		}
		if got := get(t, tc.ID); got.Version != 1 {
			t.Errorf("version = %d after a refused PUT, want 1", got.Version)
		}
		// A correct body version is a precondition, not a choice of the next version.
		var got tactic
		s.do(t, "PUT", path, body(t, tc, obj{"version": 1, "title": "Version 1 read"}), "If-Match", "").mustStatus(t, 200).decode(t, &got)
		if got.Version != 2 {
			t.Errorf("version after PUT with body version 1 = %d, want 2", got.Version)
		}
		s.do(t, "PATCH", path, obj{"version": 2, "title": "Patched"}).mustStatus(t, 200).decode(t, &got)
		if got.Version != 3 {
			t.Errorf("version after PATCH with body version 2 = %d, want 3", got.Version)
		}
		snap = s.snapshot(t)
		res := s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": "Born at 50", "summary": "S.", "version": 50})
		if accepted(t, res, snap) {
			var c tactic
			res.decode(t, &c)
			if c.Version != 1 {
				t.Errorf("POST with version 50 created version %d, want 1", c.Version)
			}
		}
	})

	t.Run("chain_id", func(t *testing.T) {
		other := s.do(t, "POST", "/api/v1/chains", obj{"slug": "other-chain", "name": "Other"}).mustStatus(t, 201)
		var oc chain
		other.decode(t, &oc)
		tc, created := newTactic(t)
		if tc.ChainID != 1 {
			t.Fatalf("chain_id = %d, want 1 (stage 2's chain)", tc.ChainID)
		}
		path := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)
		snap := s.snapshot(t)
		res := s.do(t, "PUT", path, body(t, tc, obj{"chain_id": oc.ID, "title": "Other chain?"}), "If-Match", created.Header.Get("ETag"))
		if accepted(t, res, snap) {
			if got := get(t, tc.ID); got.ChainID != 1 || got.StageID != tc.StageID {
				t.Errorf("after PUT with chain_id %d: chain_id %d stage_id %d, want 1 and %d", oc.ID, got.ChainID, got.StageID, tc.StageID)
			}
		}
		cur := get(t, tc.ID)
		snap = s.snapshot(t)
		res = s.do(t, "PATCH", path, obj{"chain_id": oc.ID, "version": cur.Version})
		if accepted(t, res, snap) {
			if got := get(t, tc.ID); got.ChainID != 1 {
				t.Errorf("after PATCH with chain_id %d: chain_id %d, want 1", oc.ID, got.ChainID)
			}
		}
	})

	t.Run("actor", func(t *testing.T) {
		tc, created := newTactic(t)
		path := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)
		snap := s.snapshot(t)
		for _, r := range []struct {
			method, path string
			body         any
			headers      []string
		}{
			{"POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": "T", "summary": "S.", "actor": "someone else"}, nil},
			{"PUT", path, body(t, tc, obj{"actor": "someone else"}), []string{"If-Match", created.Header.Get("ETag")}},
			{"PATCH", path, obj{"actor": "someone else", "version": 1}, nil},
		} {
			p := s.do(t, r.method, r.path, r.body, r.headers...).problem(t, 400)
			if p.Code != "unknown_field" || len(p.Errors) != 1 || p.Errors[0].Field != "actor" {
				t.Errorf("%s %s with actor: code %q errors %+v, want unknown_field naming actor", r.method, r.path, p.Code, p.Errors)
			}
		}
		if s.snapshot(t) != snap {
			t.Error("requests refused for an actor field changed the database")
		}
		for _, rev := range histHistory(t, s, "tactics", fmt.Sprint(tc.ID)) {
			if !strings.Contains(rev.Actor, "test editor") || strings.Contains(rev.Actor, "someone else") {
				t.Errorf("revision %d: actor %q, want the key's holder", rev.ID, rev.Actor)
			}
		}
	})

	for _, field := range []string{"hash", "prefix", "id"} {
		t.Run("key "+field, func(t *testing.T) {
			admin := histAs(s, "admin")
			keys := func() int64 {
				t.Helper()
				var l list[models.APIKey]
				s.do(t, "GET", "/api/v1/keys?include_total=true&limit=1", nil, admin...).mustStatus(t, 200).decode(t, &l)
				if l.Total == nil {
					t.Fatal("no total")
				}
				return *l.Total
			}
			n := keys()
			snap := s.snapshot(t)
			var value any = "ckb_chosen"
			if field == "hash" {
				value = strings.Repeat("0", 64)
			} else if field == "id" {
				value = 4242
			}
			p := s.do(t, "POST", "/api/v1/keys", obj{"name": "Mass assignment", "role": "reader", field: value}, admin...).problem(t, 400)
			if p.Code != "unknown_field" || len(p.Errors) != 1 || p.Errors[0].Field != field {
				t.Errorf("code %q errors %+v, want unknown_field naming %s", p.Code, p.Errors, field)
			}
			if got := keys(); got != n {
				t.Errorf("keys: %d, want %d (none created)", got, n)
			}
			if s.snapshot(t) != snap {
				t.Error("a refused key creation changed the database")
			}
		})
	}
}
