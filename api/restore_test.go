package api_test

// Restore: a deleted or changed object comes back as it stood at a revision (issue 4; api.md
// "History").

import (
	"fmt"
	"reflect"
	"testing"
)

func TestRestore(t *testing.T) {
	t.Parallel()
	s := newServer(t)

	// A tactic, updated twice.
	res := s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "recommended", "title": "First title", "summary": "First.",
		"tags": []string{"short-term"}}).mustStatus(t, 201)
	var tc tactic
	res.decode(t, &tc)
	path := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)
	s.do(t, "PATCH", path, obj{"title": "Second title", "summary": "Second.", "version": 1}).mustStatus(t, 200)
	res = s.do(t, "PATCH", path, obj{"title": "Third title", "tags": []string{"long-term"}, "caveats": []obj{{"type": "scope", "text": "Only one country.", "citations": []obj{}}}, "version": 2}).mustStatus(t, 200)
	staleETag := res.Header.Get("ETag")
	revs := revisionsOf(t, s, "tactics", fmt.Sprint(tc.ID))
	if len(revs) != 3 || revs[2].Action != "create" {
		t.Fatalf("history of the tactic: %+v, want 3 revisions, the oldest a create", revs)
	}
	first := revs[2]

	t.Run("restore an earlier revision", func(t *testing.T) {
		before := revisionCount(t, s)
		res := s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, first.ID), nil).mustStatus(t, 200)
		got, want := jsonObject(t, res.Body), jsonObject(t, first.Data)
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
		if g := s.do(t, "GET", path, nil).mustStatus(t, 200); !sameJSON(t, g.Body, res.Body) {
			t.Errorf("GET after restore = %s, want %s", g.Body, res.Body)
		}
		revs := revisionsOf(t, s, "tactics", fmt.Sprint(tc.ID))
		if len(revs) != 4 {
			t.Fatalf("history has %d revisions after the restore, want 4", len(revs))
		}
		checkRevision(t, &revs[0], "tactic", tc.ID, "restore", 4, res.Body)
		if n := revisionCount(t, s); n != before+1 {
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
		revs := revisionsOf(t, s, "tags", "restore-me")
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
		if h := revisionsOf(t, s, "tags", fmt.Sprint(tg.ID)); len(h) != 4 || h[0].Action != "restore" || h[0].Version != 3 {
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
		revs := revisionsOf(t, s, "tactics", fmt.Sprint(tc.ID))
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
		revs := revisionsOf(t, s, "tactics", fmt.Sprint(u.ID))
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
		revs := revisionsOf(t, s, "tags", fmt.Sprint(old.ID))
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
		srevs := revisionsOf(t, s, "stages", fmt.Sprint(st.ID))
		snap = s.snapshot(t)
		s.do(t, "POST", fmt.Sprintf("/api/v1/stages/%d/revisions/%d/restore", st.ID, srevs[len(srevs)-1].ID), nil).problem(t, 409)
		if s.snapshot(t) != snap {
			t.Error("a restore refused for a deleted chain changed the database")
		}
	})

	t.Run("roles", func(t *testing.T) {
		snap := s.snapshot(t)
		restorePath := fmt.Sprintf("%s/revisions/%d/restore", path, first.ID)
		res := s.do(t, "POST", restorePath, nil, authAs(s, "anonymous")...)
		res.problem(t, 401)
		if res.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		s.do(t, "POST", restorePath, nil, authAs(s, "reader")...).problem(t, 403)
		if s.snapshot(t) != snap {
			t.Error("a refused restore changed the database")
		}
	})
}
