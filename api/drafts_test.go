package api_test

// Drafts: who sees a tactic that is not published, and where (issue 4; api.md "Who may do what").

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"chainkb/models"
)

// placesSeen lists where a principal finds the tactic: by id, in lists (one entry per query), in
// the chain table, in its tag's tactic_count (by id and in the list of tags), and in the change
// feed (for keys that may read it).
func placesSeen(t *testing.T, s *testServer, tc tactic, tagSlug, who string, queries []string) []string {
	t.Helper()
	as := authAs(s, who)
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
		if (q == "status=draft" || q == "status=archived") && who != "editor" {
			// Asking for what only editors see is refused, not answered without it.
			want := map[string]int{"anonymous": 401, "reader": 403}[who]
			p := s.do(t, "GET", "/api/v1/tactics?"+q, nil, as...).problem(t, want)
			if !strings.Contains(p.Detail, q) {
				t.Errorf("as %s, tactics?%s: %q does not name the parameter", who, q, p.Detail)
			}
			continue
		}
		for _, got := range collectAs[tactic](t, s, "/api/v1/tactics?limit=200&"+q, as...) {
			if got.ID == tc.ID {
				seen = append(seen, "list "+q)
			}
		}
		var l list[tactic]
		s.do(t, "GET", "/api/v1/tactics?limit=1&include_total=true&"+q, nil, as...).mustStatus(t, 200).decode(t, &l)
		if l.Total == nil {
			t.Errorf("no total with include_total=true")
		} else if n := len(collectAs[tactic](t, s, "/api/v1/tactics?limit=200&"+q, as...)); int64(n) != *l.Total {
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
	for _, x := range collectAs[tag](t, s, "/api/v1/tags?limit=200", as...) {
		if x.Slug == tagSlug && x.TacticCount != tg.TacticCount {
			t.Errorf("tag %s: tactic_count %d in the list, %d by slug, as %s", tagSlug, x.TacticCount, tg.TacticCount, who)
		}
	}
	if who != "anonymous" {
		// In the feed: its latest change there holds it (a mirror has it).
		last := ""
		for _, r := range changeFeed(t, s, 200, as...) {
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
	t.Parallel()
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
			got := placesSeen(t, s, tc, "draft-probe", who, queries)
			if want := expect(status, who); !slices.Equal(got, want) {
				t.Errorf("%s tactic as %s: seen in %q, want %q", status, who, got, want)
			}
		}
	}

	t.Run("draft", func(t *testing.T) {
		check(t, "draft")
		for _, r := range changeFeed(t, s, 200, authAs(s, "reader")...) {
			if r.Entity == "tactic" && r.EntityID == tc.ID {
				t.Errorf("reader's change feed holds revision %d (%s) of the draft", r.ID, r.Action)
			}
		}
		s.do(t, "GET", path+"/revisions", nil, authAs(s, "reader")...).problem(t, 403)
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
		for _, r := range changeFeed(t, s, 200, authAs(s, "reader")...) {
			if r.Entity == "tactic" && r.EntityID == tc.ID {
				mine = append(mine, r)
			}
		}
		if len(mine) != 1 || mine[0].Action == "delete" || !sameJSON(t, mine[0].Data, res.Body) {
			t.Fatalf("reader's feed for the published tactic: %+v, want one change holding it as published", mine)
		}
		published = mine[0].ID
	})

	t.Run("archived", func(t *testing.T) {
		s.do(t, "PATCH", path, obj{"status": "archived", "version": tc.Version}).mustStatus(t, 200)
		check(t, "archived")
		var mine []models.Revision
		for _, r := range changeFeed(t, s, 200, authAs(s, "reader")...) {
			if r.Entity == "tactic" && r.EntityID == tc.ID {
				mine = append(mine, r)
			}
		}
		if len(mine) != 2 || mine[0].ID != published || mine[1].Action != "delete" || mine[1].ID <= published {
			t.Errorf("reader's feed for the archived tactic: %+v, want the publish (%d) then a delete", mine, published)
		}
	})
}
