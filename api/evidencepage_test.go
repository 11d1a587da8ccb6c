package api_test

import (
	"net/http"
	"strings"
	"testing"

	"chainkb/models"
)

// The evidence map page draws one bubble per cell that holds tactics, with the counts of the
// map; its filters are links; every page says which release it shows and how to cite it.
func TestEvidencePage(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	anon := authAs(s, "anonymous")
	var m models.EvidenceMap
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/evidence-map", nil, anon...).mustStatus(t, 200).decode(t, &m)
	page := string(s.do(t, "GET", "/chains/sex-trafficking/evidence", nil, anon...).mustStatus(t, 200).Body)
	full := 0
	for _, r := range m.Data {
		for _, c := range r.Cells {
			if c.Count > 0 {
				full++
			}
		}
	}
	if got := strings.Count(page, `<svg class="bubble" width="40"`); got != full {
		t.Errorf("the page draws %d bubbles; the map has %d cells with tactics", got, full)
	}
	if got := strings.Count(page, `<a href="/tactics/`); got != m.Total {
		t.Errorf("the page links %d tactics; the map holds %d", got, m.Total)
	}
	for _, want := range []string{`href="/chains/sex-trafficking/evidence?level=rct"`, `href="/chains/sex-trafficking/evidence?rows=lever"`,
		`href="/api/v1/chains/sex-trafficking/evidence-map.csv"`, "No release has been cut yet"} {
		if !strings.Contains(page, want) && !strings.Contains(page, strings.ToLower(want[:1])+want[1:]) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// Filters narrow it; a filter that names nothing is dropped.
	one := string(s.do(t, "GET", "/chains/sex-trafficking/evidence?level=unassessed", nil, anon...).mustStatus(t, 200).Body)
	if strings.Count(one, `<th scope="col">`) != 2 {
		t.Errorf("level=unassessed: %d columns, want the rows' and one", strings.Count(one, `<th scope="col">`))
	}
	if string(s.do(t, "GET", "/chains/sex-trafficking/evidence?level=bogus", nil, anon...).mustStatus(t, 200).Body) != page {
		t.Error("an unknown level changes the page")
	}
	s.do(t, "GET", "/chains/no-such-chain/evidence", nil, anon...).mustStatus(t, http.StatusNotFound)

	// After a release every page names it and links its citations; after a change, says so.
	s.do(t, "POST", "/api/v1/releases", obj{"version": "2026.12.0"}).mustStatus(t, http.StatusCreated)
	for _, path := range []string{"/", "/chains/sex-trafficking", "/chains/sex-trafficking/evidence", "/sources"} {
		p := string(s.do(t, "GET", path, nil, anon...).mustStatus(t, 200).Body)
		if !strings.Contains(p, "as release 2026.12.0") || !strings.Contains(p, `href="/api/v1/releases/2026.12.0/citation?format=bibtex"`) || !strings.Contains(p, "Cite this") {
			t.Errorf("%s does not name release 2026.12.0 with its citation", path)
		}
	}
	s.do(t, "POST", "/api/v1/tags", obj{"slug": "page-release-tag", "name": "After the release", "group": "lever"}).mustStatus(t, http.StatusCreated)
	if p := string(s.do(t, "GET", "/", nil, anon...).mustStatus(t, 200).Body); !strings.Contains(p, "changes not yet released since release 2026.12.0") {
		t.Error("the home page does not say there are changes since the release")
	}
}
