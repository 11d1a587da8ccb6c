package api_test

// Releases (issue 28): a release holds the published knowledge base byte for byte, whatever the
// knowledge base becomes; its changelog and the diff between releases name what changed.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"chainkb/handlers"
	"chainkb/internal/store"
	"chainkb/models"
)

func TestReleases(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	anon := authAs(s, "anonymous")

	// A source that the second release will not have.
	s.do(t, "POST", "/api/v1/sources", obj{"slug": "release-gone", "title": "A report that will be withdrawn", "type": "grey", "authors": []string{"Example Org"}, "year": 2020}).mustStatus(t, http.StatusCreated)
	// Who may cut one: editors.
	s.do(t, "POST", "/api/v1/releases", obj{"version": "2026.12.0"}, anon...).problem(t, http.StatusUnauthorized)
	s.do(t, "POST", "/api/v1/releases", obj{"version": "2026.12.0"}, authAs(s, "reader")...).problem(t, http.StatusForbidden)
	for _, bad := range []string{"2026.12", "v1.0.0", "01.2.3", "1.2.3.4", "", "2026.12.0 "} {
		p := s.do(t, "POST", "/api/v1/releases", obj{"version": bad}).problem(t, http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || p.Errors[0].Field != "version" {
			t.Errorf("version %q: errors %+v, want one on version", bad, p.Errors)
		}
	}

	var r1 models.Release
	res := s.do(t, "POST", "/api/v1/releases", obj{"version": "2026.12.0", "notes": "First release."}).mustStatus(t, http.StatusCreated)
	res.decode(t, &r1)
	if res.Header.Get("Location") != "/api/v1/releases/2026.12.0" || r1.Version != "2026.12.0" || r1.Changelog.Since != nil {
		t.Fatalf("release %+v, Location %q", r1, res.Header.Get("Location"))
	}
	if len(r1.Changelog.Added) == 0 || len(r1.Changelog.Changed)+len(r1.Changelog.Removed) != 0 {
		t.Errorf("the first release's changelog adds everything and nothing else: %+v", r1.Changelog)
	}
	s.do(t, "POST", "/api/v1/releases", obj{"version": "2026.12.0"}).problem(t, http.StatusConflict)

	// Its export is what GET /export gave anonymous clients then, and its digest is its SHA-256.
	live := s.do(t, "GET", "/api/v1/export", nil, anon...).mustStatus(t, http.StatusOK).Body
	exp1 := s.do(t, "GET", "/api/v1/releases/2026.12.0/export", nil, anon...).mustStatus(t, http.StatusOK)
	sum := sha256.Sum256(exp1.Body)
	if r1.Digest != "sha256:"+hex.EncodeToString(sum[:]) || r1.Size != int64(len(exp1.Body)) {
		t.Errorf("digest %s size %d; the export's SHA-256 is %x, its size %d", r1.Digest, r1.Size, sum, len(exp1.Body))
	}
	if string(live) != string(exp1.Body) {
		t.Errorf("the release's bundle differs from the published export at the time")
	}
	if r1.Counts["tactics"] == 0 || r1.Counts["sources"] == 0 {
		t.Errorf("counts %v", r1.Counts)
	}

	// The knowledge base changes: a tactic's title, a source deleted.
	var page struct{ Data []models.Tactic }
	s.do(t, "GET", "/api/v1/tactics?limit=1&status=published", nil, anon...).mustStatus(t, 200).decode(t, &page)
	tac := page.Data[0]
	var chainObj models.Chain
	s.do(t, "GET", fmt.Sprintf("/api/v1/chains/%d", tac.ChainID), nil, anon...).mustStatus(t, 200).decode(t, &chainObj)
	chain := chainObj.Slug
	_, tag := getObject(t, s, "/api/v1/tactics/"+tac.Code)
	s.do(t, "PATCH", "/api/v1/tactics/"+tac.Code, obj{"title": "A title changed after the release"}, "If-Match", tag, "Content-Type", "application/merge-patch+json").mustStatus(t, http.StatusOK)
	s.do(t, "DELETE", "/api/v1/sources/release-gone", nil, "If-Match", "*").mustStatus(t, http.StatusNoContent)

	// The release still exports the same bytes, with the same digest.
	again := s.do(t, "GET", "/api/v1/releases/2026.12.0/export", nil, anon...).mustStatus(t, http.StatusOK)
	if string(again.Body) != string(exp1.Body) {
		t.Fatal("the release's export changed with the knowledge base")
	}
	if again.Header.Get("ETag") != `"`+r1.Digest+`"` {
		t.Errorf("ETag %q, want the digest", again.Header.Get("ETag"))
	}
	s.do(t, "GET", "/api/v1/releases/2026.12.0/export", nil, append(anon, "If-None-Match", `"`+r1.Digest+`"`)...).mustStatus(t, http.StatusNotModified)

	// ?release= reads show the state at the release (following the 303), the live reads the new one.
	var at handlers.ReleaseTactic
	s.do(t, "GET", "/api/v1/tactics/"+tac.Code+"?release=2026.12.0", nil, anon...).mustStatus(t, 200).decode(t, &at)
	if at.Tactic.Title != tac.Title || at.Release != "2026.12.0" {
		t.Errorf("tactic at the release: %q, want %q", at.Tactic.Title, tac.Title)
	}
	var src handlers.ReleaseSource
	s.do(t, "GET", "/api/v1/sources/release-gone?release=2026.12.0", nil, anon...).mustStatus(t, 200).decode(t, &src)
	if src.Source.Title != "A report that will be withdrawn" {
		t.Errorf("source at the release: %+v", src.Source)
	}
	s.do(t, "GET", "/api/v1/sources/release-gone", nil, anon...).problem(t, http.StatusNotFound)
	var srcs handlers.ReleaseSources
	s.do(t, "GET", "/api/v1/sources?release=2026.12.0", nil, anon...).mustStatus(t, 200).decode(t, &srcs)
	if len(srcs.Data) != r1.Counts["sources"] {
		t.Errorf("%d sources at the release, counts say %d", len(srcs.Data), r1.Counts["sources"])
	}
	var tl handlers.ReleaseTactics
	s.do(t, "GET", "/api/v1/tactics?release=2026.12.0&chain="+chain, nil, anon...).mustStatus(t, 200).decode(t, &tl)
	if len(tl.Data) == 0 || !slices.ContainsFunc(tl.Data, func(x store.BundleTactic) bool { return x.Code == tac.Code }) {
		t.Errorf("the release's tactics of the chain leave out %s", tac.Code)
	}
	var table handlers.ReleaseTable
	s.do(t, "GET", "/api/v1/chains/"+chain+"/table?release=2026.12.0", nil, anon...).mustStatus(t, 200).decode(t, &table)
	n := 0
	for _, r := range table.Rows {
		n += len(r.Current) + len(r.Recommended) + len(r.Conditions)
	}
	if n != len(tl.Data) || len(table.Rows) == 0 {
		t.Errorf("the table at the release holds %d tactics in %d rows; the chain has %d", n, len(table.Rows), len(tl.Data))
	}
	var ch handlers.ReleaseChain
	s.do(t, "GET", "/api/v1/chains/"+chain+"?release=2026.12.0", nil, anon...).mustStatus(t, 200).decode(t, &ch)
	if ch.Chain.Slug != chain {
		t.Errorf("chain at the release: %+v", ch)
	}
	// Unknown release, numeric id, bad version, parameters that have no meaning at a release.
	s.do(t, "GET", "/api/v1/tactics/"+tac.Code+"?release=2099.1.0", nil, anon...).problem(t, http.StatusNotFound)
	s.do(t, "GET", "/api/v1/tactics/1?release=2026.12.0", nil, anon...).problem(t, http.StatusBadRequest)
	s.do(t, "GET", "/api/v1/tactics?release=latest", nil, anon...).problem(t, http.StatusBadRequest)
	s.do(t, "GET", "/api/v1/tactics?release=2026.12.0&include_total=true", nil, anon...).problem(t, http.StatusBadRequest)
	s.do(t, "GET", "/api/v1/releases/2026.12.0/tactics/NO-SUCH-1", nil, anon...).problem(t, http.StatusNotFound)

	// The redirect itself.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", s.URL+"/api/v1/tactics?release=2026.12.0&kind=recommended", nil)
	raw, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw.Body.Close()
	if raw.StatusCode != http.StatusSeeOther || raw.Header.Get("Location") != "/api/v1/releases/2026.12.0/tactics?kind=recommended" {
		t.Errorf("?release= answered %d, Location %q", raw.StatusCode, raw.Header.Get("Location"))
	}

	// The second release's changelog lists the change with its fields, and the removal.
	var r2 models.Release
	s.do(t, "POST", "/api/v1/releases", obj{"version": "2027.1.0-rc.1"}).mustStatus(t, http.StatusCreated).decode(t, &r2)
	if r2.Changelog.Since == nil || *r2.Changelog.Since != "2026.12.0" || r2.Changelog.FromGeneration != r1.Generation || r2.Generation <= r1.Generation {
		t.Errorf("changelog since %v from %d (r1 at %d), r2 at %d", r2.Changelog.Since, r2.Changelog.FromGeneration, r1.Generation, r2.Generation)
	}
	changed := map[string][]string{}
	for _, c := range r2.Changelog.Changed {
		changed[c.Entity+" "+c.Key] = c.Fields
	}
	if f := changed["tactic "+tac.Code]; !slices.Contains(f, "title") || slices.Contains(f, "version") {
		t.Errorf("the changelog's change of %s names %v, want title (and not version); changed: %v", tac.Code, f, changed)
	}
	if !slices.ContainsFunc(r2.Changelog.Removed, func(e models.ChangeEntry) bool { return e.Entity == "source" && e.Key == "release-gone" }) {
		t.Errorf("the changelog's removals %v leave out source release-gone", r2.Changelog.Removed)
	}
	if len(r2.Changelog.Added) != 0 {
		t.Errorf("nothing was added: %v", r2.Changelog.Added)
	}

	// The diff names the changed field with both values.
	var d models.ReleaseDiff
	s.do(t, "GET", "/api/v1/releases/2026.12.0/diff/2027.1.0-rc.1", nil, anon...).mustStatus(t, 200).decode(t, &d)
	found := false
	for _, c := range d.Changed {
		for _, f := range c.Fields {
			if c.Key == tac.Code && f.Field == "title" {
				found = strings.Contains(toJSON(f.From), tac.Title) && strings.Contains(toJSON(f.To), "A title changed after the release")
			}
		}
	}
	if !found || len(d.Removed) != 1 {
		t.Errorf("diff %+v: want %s's title from the old to the new, and one removal", d, tac.Code)
	}
	s.do(t, "GET", "/api/v1/releases/2026.12.0/diff/2099.0.0", nil, anon...).problem(t, http.StatusNotFound)

	// The list, newest first; a release is never deleted; cutting one is in the change feed.
	var list handlers.ReleaseList
	s.do(t, "GET", "/api/v1/releases", nil, anon...).mustStatus(t, 200).decode(t, &list)
	if len(list.Data) != 2 || list.Data[0].Version != "2027.1.0-rc.1" {
		t.Errorf("releases %+v", list.Data)
	}
	if p := s.do(t, "DELETE", "/api/v1/releases/2026.12.0", nil).problem(t, http.StatusMethodNotAllowed); p.Code != "release_immutable" {
		t.Errorf("delete: %+v", p)
	}
	feed := changeFeed(t, s, 200, authAs(s, "reader")...)
	var cut []string
	for _, c := range feed {
		if c.Entity == models.EntityRelease {
			cut = append(cut, c.Action+" "+string(c.Data))
		}
	}
	if len(cut) != 2 || !strings.HasPrefix(cut[0], "create ") || !strings.Contains(cut[0], `"version":"2026.12.0"`) {
		t.Errorf("the feed's release entries: %v", cut)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
