package api_test

// The change feed: a partner's mirror built from it alone matches the API (issue 4; api.md
// "History").

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// mirrorKey names one object in a mirror.
type mirrorKey struct {
	entity string
	id     int64
}

// normalizeMirror drops the derived fields a mirror cannot follow: a tag's tactic_count, and a
// tactic's tag names (tags are compared by id only, as a mirror joins them).
func normalizeMirror(entity string, m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	switch entity {
	case "tag":
		delete(out, "tactic_count")
	case "parameter":
		// The slugs of its chain and stage are as they were at the change; the ids are what a
		// mirror keys on.
		delete(out, "chain")
		delete(out, "stage")
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
	t.Parallel()
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
		revs := revisionsOf(t, s, res, fmt.Sprint(key))
		return revs[len(revs)-1].ID
	}
	// lastState is the id of the newest revision of an object that holds a state (not a delete).
	lastState := func(res string, key any) int64 {
		t.Helper()
		for _, r := range revisionsOf(t, s, res, fmt.Sprint(key)) {
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
			as := authAs(s, who)
			feed := changeFeed(t, s, 7, as...)
			mirror := map[mirrorKey]map[string]any{}
			for _, r := range feed {
				k := mirrorKey{r.Entity, r.EntityID}
				switch r.Action {
				case "create", "update", "restore":
					mirror[k] = normalizeMirror(r.Entity, jsonObject(t, r.Data))
				case "delete":
					delete(mirror, k)
				default:
					t.Errorf("revision %d: unknown action %q", r.ID, r.Action)
				}
			}

			live := map[mirrorKey]map[string]any{}
			// Every resource of the store's registry, each at its collection.
			for _, res := range store.Resources() {
				for _, m := range collectAs[map[string]any](t, s, "/api/v1/"+res.Plural+"?limit=200", as...) {
					id, _ := m["id"].(float64)
					live[mirrorKey{res.Entity, int64(id)}] = normalizeMirror(res.Entity, m)
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
		res := s.do(t, "GET", "/api/v1/changes?after=0", nil, authAs(s, "anonymous")...)
		res.problem(t, 401)
		if res.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
	})
}
