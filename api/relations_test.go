package api_test

// Relations between tactics (issue 11, item 7): /api/v1/relations and /api/v1/tactics/{id}/relations.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// relation is a relation on the wire; tacticRelation is one as GET /tactics/{id}/relations gives it.
type (
	relation       = models.Relation
	tacticRelation = models.TacticRelation
)

// asEditor is a context for set-ups through the store.
func asEditor() context.Context {
	return models.WithPrincipal(context.Background(), models.Principal{Name: "test", Role: models.RoleEditor})
}

// publishedTactics returns n published tactics of the seed that the seed relates to no other, so
// that a test knows every relation they have.
func publishedTactics(t *testing.T, st *store.Store, n int) []models.Tactic {
	t.Helper()
	page, err := st.Tactics(asEditor(), models.TacticFilter{Status: models.StatusPublished, Page: models.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	var out []models.Tactic
	for _, tc := range page.Items {
		rels, err := st.Relations(asEditor(), models.RelationFilter{Tactic: tc.Code, Page: models.Page{Limit: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rels.Items) == 0 {
			out = append(out, tc)
		}
		if len(out) == n {
			return out
		}
	}
	t.Fatalf("the seed has %d published tactics without relations, want %d", len(out), n)
	return nil
}

// relationsOfTactic counts the relations from or to a tactic, through the test's own connection.
func relationsOfTactic(t *testing.T, s *testServer, id int64) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRow("SELECT COUNT(*) FROM relations WHERE from_id = $1 OR to_id = $1", id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// draftTactic creates a draft tactic at the stage of tc.
func draftTactic(t *testing.T, st *store.Store, tc models.Tactic) *models.Tactic {
	t.Helper()
	d, err := st.CreateTactic(asEditor(), &models.TacticInput{StageID: &tc.StageID, Kind: tc.Kind, Status: models.StatusDraft,
		Title: "A draft", Summary: "Not yet for readers."})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// relationCount counts the rows of the relations table, through the test's own connection.
func relationCount(t *testing.T, s *testServer) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRow("SELECT COUNT(*) FROM relations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRelationsCRUD(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ts := publishedTactics(t, s.Store, 3)
	a, b, c := ts[0], ts[1], ts[2]

	// Create: from by code, to by id; the answer names both by code.
	res := s.do(t, "POST", "/api/v1/relations", obj{"from": a.Code, "to": fmt.Sprint(b.ID), "type": "prerequisite-of",
		"note": "b needs a first."}).mustStatus(t, http.StatusCreated)
	var r relation
	res.decode(t, &r)
	if r.From != a.Code || r.To != b.Code || r.Type != "prerequisite-of" || r.Version != 1 || r.Note != "b needs a first." {
		t.Fatalf("created %+v", r)
	}
	path := fmt.Sprintf("/api/v1/relations/%d", r.ID)
	if got := res.Header.Get("Location"); got != path {
		t.Errorf("Location = %q, want %q", got, path)
	}
	if got, want := res.Header.Get("ETag"), fmt.Sprintf(`"%d.1-`, r.ID); !strings.HasPrefix(got, want) {
		t.Errorf("ETag = %q, want it to start %s", got, want)
	}

	// Anyone reads it, as it links published tactics.
	got, tag := getObject(t, s, path)
	if got["from"] != a.Code || got["to"] != b.Code {
		t.Errorf("GET %s = %v", path, got)
	}
	s.do(t, "GET", path, nil, authAs(s, "anonymous")...).mustStatus(t, http.StatusOK)
	s.do(t, "GET", path, nil, "If-None-Match", tag).mustStatus(t, http.StatusNotModified)

	// Lists: by tactic (code or id, either end) and type.
	other := s.do(t, "POST", "/api/v1/relations", obj{"from": c.Code, "to": a.Code, "type": "complements"}).mustStatus(t, http.StatusCreated)
	var ca relation
	other.decode(t, &ca)
	ids := func(path string) []int64 {
		t.Helper()
		var out []int64
		for _, x := range collectAs[relation](t, s, path, authAs(s, "anonymous")...) {
			out = append(out, x.ID)
		}
		return out
	}
	for path, want := range map[string][]int64{
		"/api/v1/relations?tactic=" + a.Code:                       {r.ID, ca.ID},
		"/api/v1/relations?tactic=" + fmt.Sprint(b.ID):             {r.ID},
		"/api/v1/relations?tactic=" + a.Code + "&type=complements": {ca.ID},
		"/api/v1/relations?tactic=" + b.Code + "&type=complements": nil,
		"/api/v1/relations?tactic=" + a.Code + "&sort=-id&limit=1": {ca.ID, r.ID},
		"/api/v1/relations?q=needs+a+first":                        {r.ID},
		"/api/v1/relations?tactic=ZZ-Z-R99":                        nil,
	} {
		if got := ids(path); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}

	// A tactic's relations, both ways, by code or id.
	seen := func(path string) []string {
		t.Helper()
		var out []string
		for _, x := range collectAs[tacticRelation](t, s, path, authAs(s, "anonymous")...) {
			out = append(out, fmt.Sprintf("%d %s %s", x.ID, x.Direction, x.Other))
		}
		return out
	}
	if got, want := seen("/api/v1/tactics/"+a.Code+"/relations"), []string{
		fmt.Sprintf("%d outgoing %s", r.ID, b.Code), fmt.Sprintf("%d incoming %s", ca.ID, c.Code)}; !slices.Equal(got, want) {
		t.Errorf("relations of a: %v, want %v", got, want)
	}
	if got, want := seen(fmt.Sprintf("/api/v1/tactics/%d/relations?type=prerequisite-of", b.ID)), []string{
		fmt.Sprintf("%d incoming %s", r.ID, a.Code)}; !slices.Equal(got, want) {
		t.Errorf("relations of b: %v, want %v", got, want)
	}
	s.do(t, "GET", "/api/v1/tactics/ZZ-Z-R99/relations", nil).problem(t, http.StatusNotFound)

	// Replace, then patch.
	s.do(t, "PUT", path, obj{"from": a.Code, "to": b.Code, "type": "complements", "note": "x"}).problem(t, http.StatusPreconditionRequired)
	var up relation
	s.do(t, "PUT", path, with(got, "type", "supersedes"), "If-Match", tag).mustStatus(t, http.StatusOK).decode(t, &up)
	if up.Type != "supersedes" || up.Version != 2 || up.Note != r.Note {
		t.Errorf("replaced: %+v", up)
	}
	s.do(t, "PATCH", path, obj{"note": "Now a supersedes b.", "version": 2}, "Content-Type", "application/merge-patch+json").
		mustStatus(t, http.StatusOK).decode(t, &up)
	if up.Type != "supersedes" || up.Version != 3 || up.Note != "Now a supersedes b." || up.From != a.Code {
		t.Errorf("patched: %+v", up)
	}
	s.do(t, "PATCH", path, obj{"note": "stale", "version": 2}).problem(t, http.StatusPreconditionFailed)

	// Delete, history, restore.
	s.do(t, "DELETE", path, nil).mustStatus(t, http.StatusNoContent)
	s.do(t, "GET", path, nil).problem(t, http.StatusNotFound)
	revs := revisionsOf(t, s, "relations", fmt.Sprint(r.ID))
	var actions []string
	for _, rv := range revs {
		actions = append(actions, rv.Action)
	}
	if want := []string{"delete", "update", "update", "create"}; !slices.Equal(actions, want) {
		t.Fatalf("history %v, want %v", actions, want)
	}
	s.do(t, "GET", path+"/revisions", nil, authAs(s, "reader")...).problem(t, http.StatusForbidden)
	var back relation
	s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, revs[3].ID), nil).mustStatus(t, http.StatusOK).decode(t, &back)
	if back.ID != r.ID || back.Type != "prerequisite-of" || back.Note != r.Note || back.Version != 4 {
		t.Errorf("restored %+v, want relation %d as created, at version 4", back, r.ID)
	}

	// Writes need an editor.
	s.do(t, "POST", "/api/v1/relations", obj{"from": b.Code, "to": c.Code, "type": "complements"}, authAs(s, "reader")...).problem(t, http.StatusForbidden)

	// The change feed has every change, as entity relation.
	var feed []string
	for _, ch := range changeFeed(t, s, 200, authAs(s, "reader")...) {
		if ch.Entity == models.EntityRelation && ch.EntityID == r.ID {
			feed = append(feed, ch.Action)
		}
	}
	if want := []string{"create", "update", "update", "delete", "restore"}; !slices.Equal(feed, want) {
		t.Errorf("a reader's feed for relation %d: %v, want %v", r.ID, feed, want)
	}
}

// TestRelationsCascade deletes a tactic: its relations go with it, and come back with its restore.
func TestRelationsCascade(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ts := publishedTactics(t, s.Store, 3)
	a, b, c := ts[0], ts[1], ts[2]
	var ab, ca relation
	s.do(t, "POST", "/api/v1/relations", obj{"from": a.Code, "to": b.Code, "type": "prerequisite-of"}).mustStatus(t, http.StatusCreated).decode(t, &ab)
	s.do(t, "POST", "/api/v1/relations", obj{"from": c.Code, "to": a.Code, "type": "conflicts-with"}).mustStatus(t, http.StatusCreated).decode(t, &ca)

	revs := revisionsOf(t, s, "tactics", fmt.Sprint(a.ID))
	s.do(t, "DELETE", fmt.Sprintf("/api/v1/tactics/%d", a.ID), nil).mustStatus(t, http.StatusNoContent)
	for _, r := range []relation{ab, ca} {
		s.do(t, "GET", fmt.Sprintf("/api/v1/relations/%d", r.ID), nil).problem(t, http.StatusNotFound)
	}
	if n := relationsOfTactic(t, s, a.ID); n != 0 {
		t.Errorf("%d relations outlive the tactic", n)
	}
	// The cascade is in each relation's history, and in the feed.
	if h := revisionsOf(t, s, "relations", fmt.Sprint(ab.ID)); len(h) != 2 || h[0].Action != "delete" {
		t.Errorf("history of relation %d: %+v", ab.ID, h)
	}
	// The restore goes through the store: the tactic's own answer is another test's business.
	if _, err := s.Store.RestoreTactic(asEditor(), a.ID, revs[0].ID, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []relation{ab, ca} {
		var got relation
		s.do(t, "GET", fmt.Sprintf("/api/v1/relations/%d", r.ID), nil).mustStatus(t, http.StatusOK).decode(t, &got)
		if got.From != r.From || got.To != r.To || got.Type != r.Type || got.Version != 2 {
			t.Errorf("restored %+v, want %+v at version 2", got, r)
		}
	}
}

// TestRelationsBadInput sends every kind of bad relation: each is a 4xx problem naming the field,
// and nothing is written.
func TestRelationsBadInput(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ts := publishedTactics(t, s.Store, 3)
	a, b, c := ts[0], ts[1], ts[2]
	var ab, bc relation
	s.do(t, "POST", "/api/v1/relations", obj{"from": a.Code, "to": b.Code, "type": "prerequisite-of"}).mustStatus(t, http.StatusCreated).decode(t, &ab)
	s.do(t, "POST", "/api/v1/relations", obj{"from": b.Code, "to": c.Code, "type": "prerequisite-of"}).mustStatus(t, http.StatusCreated).decode(t, &bc)
	var ca relation
	s.do(t, "POST", "/api/v1/relations", obj{"from": c.Code, "to": a.Code, "type": "complements"}).mustStatus(t, http.StatusCreated).decode(t, &ca)
	caPath := fmt.Sprintf("/api/v1/relations/%d", ca.ID)
	_, caTag := getObject(t, s, caPath)
	abPath := fmt.Sprintf("/api/v1/relations/%d", ab.ID)
	_, abTag := getObject(t, s, abPath)
	good := obj{"from": a.Code, "to": c.Code, "type": "complements"}

	cases := []struct {
		name, method, path string
		body               any
		headers            []string
		status             int
		code, field        string
		detail             string // text the field's message or the detail must hold
	}{
		{"unknown type", "POST", "/api/v1/relations", with(good, "type", "enables"), nil, 422, "validation_failed", "type", ""},
		{"self by code", "POST", "/api/v1/relations", with(good, "to", a.Code), nil, 422, "validation_failed", "to", ""},
		{"self by code and id", "POST", "/api/v1/relations", with(good, "to", fmt.Sprint(a.ID)), nil, 422, "validation_failed", "to", a.Code},
		{"missing from", "POST", "/api/v1/relations", with(good, "from", "ZZ-Z-R99"), nil, 422, "validation_failed", "from", "ZZ-Z-R99"},
		{"missing to by id", "POST", "/api/v1/relations", with(good, "to", "999999"), nil, 422, "validation_failed", "to", "999999"},
		{"duplicate", "POST", "/api/v1/relations", obj{"from": fmt.Sprint(a.ID), "to": b.Code, "type": "prerequisite-of"}, nil, 409, "duplicate_relation", "", fmt.Sprint(ab.ID)},
		{"loop", "POST", "/api/v1/relations", obj{"from": c.Code, "to": a.Code, "type": "prerequisite-of"}, nil, 422, "validation_failed", "to",
			c.Code + " → " + a.Code + " → " + b.Code + " → " + c.Code},
		{"unknown field", "POST", "/api/v1/relations", with(good, "direction", "outgoing"), nil, 400, "unknown_field", "direction", ""},
		{"number for code", "POST", "/api/v1/relations", with(good, "from", 5), nil, 400, "wrong_type", "from", ""},
		{"empty object", "POST", "/api/v1/relations", obj{}, nil, 422, "validation_failed", "type", ""},
		{"note over 1000", "POST", "/api/v1/relations", with(good, "note", strings.Repeat("x", 1001)), nil, 422, "validation_failed", "note", ""},
		{"PUT onto itself", "PUT", abPath, with(good, "to", a.Code), []string{"If-Match", abTag}, 422, "validation_failed", "to", ""},
		{"PUT loop", "PUT", caPath, obj{"from": c.Code, "to": a.Code, "type": "prerequisite-of"}, []string{"If-Match", caTag}, 422, "validation_failed", "to", "loop"},
		{"PATCH loop", "PATCH", caPath, obj{"type": "prerequisite-of", "version": 1}, nil, 422, "validation_failed", "to",
			c.Code + " → " + a.Code + " → " + b.Code + " → " + c.Code},
		{"PATCH unknown type", "PATCH", abPath, obj{"type": "enables"}, []string{"If-Match", abTag}, 422, "validation_failed", "type", ""},
		{"PATCH duplicate", "PATCH", fmt.Sprintf("/api/v1/relations/%d", bc.ID), obj{"from": a.Code, "to": b.Code, "version": 1}, nil, 409, "duplicate_relation", "", ""},
		{"PATCH unknown field", "PATCH", abPath, obj{"other": b.Code}, []string{"If-Match", abTag}, 400, "unknown_field", "other", ""},
		{"tactic filter malformed", "GET", "/api/v1/relations?tactic=not%20a%20code", nil, nil, 400, "bad_query", "tactic", ""},
		{"type filter unknown", "GET", "/api/v1/relations?type=enables", nil, nil, 400, "bad_query", "type", ""},
		{"tactic key malformed", "GET", "/api/v1/tactics/not-a-code/relations", nil, nil, 400, "bad_path", "id", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, rows := s.snapshot(t), relationCount(t, s)
			defer func() {
				if after := s.snapshot(t); after != before || relationCount(t, s) != rows {
					t.Errorf("the failed request changed the database:\n%s", snapshotDiff(before, after))
				}
			}()
			p := s.do(t, tc.method, tc.path, tc.body, tc.headers...).problem(t, tc.status)
			if p.Code != tc.code {
				t.Errorf("code = %q, want %q (%+v)", p.Code, tc.code, p)
			}
			text := p.Detail
			if tc.field != "" {
				i := slices.IndexFunc(p.Errors, func(e models.FieldError) bool { return e.Field == tc.field })
				if i < 0 {
					t.Fatalf("errors %+v do not name %q", p.Errors, tc.field)
				}
				text = p.Errors[i].Message
			}
			if !strings.Contains(text, tc.detail) {
				t.Errorf("%q does not say %q", text, tc.detail)
			}
		})
	}
}

// TestRelationsOfDrafts: below editor, a relation to a draft does not exist anywhere.
func TestRelationsOfDrafts(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ts := publishedTactics(t, s.Store, 2)
	a, b := ts[0], ts[1]
	d := draftTactic(t, s.Store, a)
	var hidden, shown relation
	s.do(t, "POST", "/api/v1/relations", obj{"from": a.Code, "to": d.Code, "type": "complements"}).mustStatus(t, http.StatusCreated).decode(t, &hidden)
	s.do(t, "POST", "/api/v1/relations", obj{"from": b.Code, "to": a.Code, "type": "complements"}).mustStatus(t, http.StatusCreated).decode(t, &shown)

	for _, who := range []string{"anonymous", "reader", "editor"} {
		t.Run(who, func(t *testing.T) {
			as := authAs(s, who)
			sees := who == "editor"
			want := http.StatusNotFound
			if sees {
				want = http.StatusOK
			}
			s.do(t, "GET", fmt.Sprintf("/api/v1/relations/%d", hidden.ID), nil, as...).mustStatus(t, want)
			s.do(t, "GET", fmt.Sprintf("/api/v1/tactics/%s/relations", d.Code), nil, as...).mustStatus(t, want)
			var listed []int64
			for _, path := range []string{"/api/v1/relations", "/api/v1/relations?tactic=" + a.Code, "/api/v1/relations?include_total=true"} {
				for _, r := range collectAs[relation](t, s, path, as...) {
					listed = append(listed, r.ID)
				}
			}
			for _, r := range collectAs[tacticRelation](t, s, "/api/v1/tactics/"+a.Code+"/relations", as...) {
				listed = append(listed, r.ID)
			}
			if slices.Contains(listed, hidden.ID) != sees {
				t.Errorf("as %s, the relation to the draft listed: %t (%v)", who, !sees, listed)
			}
			if !slices.Contains(listed, shown.ID) {
				t.Errorf("as %s, relation %d between published tactics is not listed: %v", who, shown.ID, listed)
			}
			var l list[relation]
			s.do(t, "GET", "/api/v1/relations?include_total=true&tactic="+a.Code, nil, as...).mustStatus(t, 200).decode(t, &l)
			if wantTotal := map[bool]int64{true: 2, false: 1}[sees]; l.Total == nil {
				t.Errorf("as %s, no total", who)
			} else if *l.Total != wantTotal {
				t.Errorf("as %s, total %d, want %d", who, *l.Total, wantTotal)
			}
			if who == "anonymous" {
				return
			}
			inFeed := false
			for _, ch := range changeFeed(t, s, 200, as...) {
				if ch.Entity == models.EntityRelation && ch.EntityID == hidden.ID {
					inFeed = true
				}
			}
			if inFeed != sees {
				t.Errorf("as %s, the relation to the draft is in the feed: %t", who, inFeed)
			}
		})
	}
}
