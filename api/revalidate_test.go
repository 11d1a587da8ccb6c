package api_test

import (
	"net/http"
	"testing"
)

// TestListRevalidation: every list of the knowledge base carries a weak ETag; If-None-Match with it
// is a 304 without a body until anything changes, for the same request and the same visibility
// only; a problem carries no ETag.
func TestListRevalidation(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	lists := []string{"/api/v1/chains", "/api/v1/stages", "/api/v1/tactics?limit=5", "/api/v1/tags", "/api/v1/sources",
		"/api/v1/relations", "/api/v1/parameters", "/api/v1/search?q=debt"}
	anon := authAs(s, "anonymous")
	tags := map[string]string{}
	for _, path := range lists {
		res := s.do(t, "GET", path, nil, anon...).mustStatus(t, http.StatusOK)
		tag := res.Header.Get("ETag")
		if len(tag) < 4 || tag[:3] != `W/"` {
			t.Fatalf("GET %s: ETag %q, want a weak one", path, tag)
		}
		tags[path] = tag
		got := s.do(t, "GET", path, nil, append(anon, "If-None-Match", tag)...)
		if got.Status != http.StatusNotModified || len(got.Body) != 0 || got.Header.Get("ETag") != tag {
			t.Errorf("GET %s with If-None-Match: status %d, %d bytes, ETag %q; want 304, none, %q", path, got.Status, len(got.Body), got.Header.Get("ETag"), tag)
		}
		// Sent without W/, as some clients do: compared weakly all the same.
		if got := s.do(t, "GET", path, nil, append(anon, "If-None-Match", tag[2:])...); got.Status != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match %s: status %d, want 304", path, tag[2:], got.Status)
		}
		// HEAD revalidates too (sent directly: the OpenAPI document leaves HEAD implicit).
		head, _ := http.NewRequest("HEAD", s.URL+path, nil)
		head.Header.Set("If-None-Match", tag)
		if res, err := http.DefaultClient.Do(head); err != nil || res.StatusCode != http.StatusNotModified {
			t.Errorf("HEAD %s with If-None-Match: %v %v, want 304", path, res, err)
		} else {
			res.Body.Close()
		}
	}

	// Another request, or the same one by someone who sees drafts, has another ETag.
	const path = "/api/v1/tactics?limit=5"
	if other := s.do(t, "GET", "/api/v1/tactics?limit=6", nil, anon...).Header.Get("ETag"); other == tags[path] {
		t.Errorf("limit=5 and limit=6 share the ETag %s", other)
	}
	editorTag := s.do(t, "GET", path, nil).mustStatus(t, http.StatusOK).Header.Get("ETag")
	if editorTag == tags[path] {
		t.Errorf("an editor's list and an anonymous one share the ETag %s", editorTag)
	}
	if got := s.do(t, "GET", path, nil, "If-None-Match", tags[path]); got.Status != http.StatusOK {
		t.Errorf("an editor revalidating an anonymous ETag: status %d, want 200", got.Status)
	}

	// A problem has no ETag.
	if bad := s.do(t, "GET", "/api/v1/tactics?limit=0", nil, anon...); bad.Status != http.StatusBadRequest || bad.Header.Get("ETag") != "" {
		t.Errorf("a bad list: status %d, ETag %q; want 400 and none", bad.Status, bad.Header.Get("ETag"))
	}

	// Any change, even a draft no reader sees, moves every list on: 200 with a new ETag.
	s.do(t, "POST", "/api/v1/tags", obj{"slug": "revalidation", "name": "Revalidation", "group": "function"}).mustStatus(t, http.StatusCreated)
	for _, path := range lists {
		res := s.do(t, "GET", path, nil, append(anon, "If-None-Match", tags[path])...)
		if res.Status != http.StatusOK || res.Header.Get("ETag") == tags[path] {
			t.Errorf("GET %s after a change: status %d, ETag %q; want 200 and a new ETag", path, res.Status, res.Header.Get("ETag"))
		}
	}
}
