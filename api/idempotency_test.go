package api_test

// Safe writes: a retried POST with an Idempotency-Key creates once, and a write cannot set what
// the server owns (ids, versions, actors, key hashes) (issue 4; api.md "History").

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"chainkb/models"
)

func TestIdempotency(t *testing.T) {
	t.Parallel()
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
	nTactics, nRevs := tactics(), revisionCount(t, s)

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
	if got := revisionCount(t, s); got != nRevs+1 {
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
		nTactics, nRevs := tactics(), revisionCount(t, s)
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
		if got := revisionCount(t, s); got != nRevs+1 {
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
	t.Parallel()
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
		m := jsonObject(t, raw)
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
		for _, rev := range revisionsOf(t, s, "tactics", fmt.Sprint(tc.ID)) {
			if !strings.Contains(rev.Actor, "test editor") || strings.Contains(rev.Actor, "someone else") {
				t.Errorf("revision %d: actor %q, want the key's holder", rev.ID, rev.Actor)
			}
		}
	})

	for _, field := range []string{"hash", "prefix", "id"} {
		t.Run("key "+field, func(t *testing.T) {
			admin := authAs(s, "admin")
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
