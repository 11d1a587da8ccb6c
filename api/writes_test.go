package api_test

import (
	"fmt"
	"net/http"
	"testing"
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
}
