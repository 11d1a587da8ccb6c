package api_test

// Draft countries (issue 27): a country created without a status is a draft, seen by editors
// only, everywhere a country is shown, until an editor publishes it.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"chainkb/models"
)

// countryPlaces lists where who finds country iso: by code, its profile, the list (and
// status=draft, which below editor is refused naming the parameter), search, a chain's comparison
// (JSON and CSV), the cited source's cited_by, and the change feed (whose latest change of it is
// not a delete). The pages are everyone's and are checked apart.
func countryPlaces(t *testing.T, s *testServer, iso string, id int64, who string) []string {
	t.Helper()
	as := authAs(s, who)
	var seen []string
	for _, path := range []string{"/api/v1/countries/" + iso, "/api/v1/countries/" + strings.ToLower(iso) + "/profile"} {
		switch res := s.do(t, "GET", path, nil, as...); res.Status {
		case 200:
			seen = append(seen, "get "+strings.TrimPrefix(path, "/api/v1/countries/"))
		case 404:
			res.problem(t, 404)
		default:
			t.Errorf("GET %s as %s: status %d", path, who, res.Status)
		}
	}
	for _, c := range collectAs[countryJSON](t, s, "/api/v1/countries?limit=200", as...) {
		if c.ISO == iso {
			seen = append(seen, "list")
		}
	}
	if who == "editor" {
		for _, c := range collectAs[countryJSON](t, s, "/api/v1/countries?limit=200&status=draft", as...) {
			if c.ISO == iso {
				seen = append(seen, "list status=draft")
			}
		}
	} else {
		want := map[string]int{"anonymous": 401, "reader": 403}[who]
		p := s.do(t, "GET", "/api/v1/countries?status=draft", nil, as...).problem(t, want)
		if !strings.Contains(p.Detail, "status=draft") {
			t.Errorf("as %s, countries?status=draft: %q does not name the parameter", who, p.Detail)
		}
	}
	for _, h := range searchFor(t, s, "q=zorblax", as...).Data {
		if h.Type == "country" && h.Key == iso {
			seen = append(seen, "search")
		}
	}
	var cmp struct {
		Rows []struct{ ISO string } `json:"rows"`
	}
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/countries", nil, as...).mustStatus(t, 200).decode(t, &cmp)
	if slices.ContainsFunc(cmp.Rows, func(r struct{ ISO string }) bool { return r.ISO == iso }) {
		seen = append(seen, "comparison")
	}
	csv := s.do(t, "GET", "/api/v1/chains/sex-trafficking/countries.csv", nil, as...).mustStatus(t, 200)
	if strings.Contains(string(csv.Body), "\r\n"+iso+",") {
		seen = append(seen, "comparison.csv")
	}
	var src struct {
		CitedBy []struct{ Entity, Key string } `json:"cited_by"`
	}
	s.do(t, "GET", "/api/v1/sources/kara-2009-sex-trafficking", nil, as...).mustStatus(t, 200).decode(t, &src)
	if slices.ContainsFunc(src.CitedBy, func(u struct{ Entity, Key string }) bool { return u.Entity == "country" && u.Key == iso }) {
		seen = append(seen, "cited_by")
	}
	if who != "anonymous" {
		last := ""
		for _, r := range changeFeed(t, s, 200, as...) {
			if r.Entity == models.EntityCountry && r.EntityID == id {
				last = r.Action
			}
		}
		if last != "" && last != models.ActionDelete {
			seen = append(seen, "feed")
		}
	}
	return seen
}

func TestCountryDrafts(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	all := []string{"get KE", "get ke/profile", "list", "search", "comparison", "comparison.csv", "cited_by", "feed"}
	draft := append(slices.Clone(all), "list status=draft")
	check := func(when string, want map[string][]string) {
		t.Helper()
		for _, who := range []string{"anonymous", "reader", "editor"} {
			w := want[who]
			if w == nil {
				w = []string{}
			}
			got := countryPlaces(t, s, "KE", ke(s, t), who)
			slices.Sort(got)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("%s, %s sees the country in %q, want %q", when, who, got, w)
			}
		}
	}

	// Created without a status: a draft.
	var c countryJSON
	s.do(t, "POST", "/api/v1/countries", with(kenya(), "summary", "The zorblax act.")).mustStatus(t, http.StatusCreated).decode(t, &c)
	if c.Status != models.StatusDraft {
		t.Fatalf("a new country's status = %q, want draft", c.Status)
	}
	check("a draft", map[string][]string{"reader": {}, "anonymous": {}, "editor": draft})
	// The pages are the anonymous reader's, whoever asks.
	s.do(t, "GET", "/countries/KE", nil).mustStatus(t, 404)
	if body := string(s.do(t, "GET", "/countries", nil).mustStatus(t, 200).Body); strings.Contains(body, `href="/countries/KE"`) {
		t.Error("the countries page links the draft country")
	}

	// A bad status is refused and changes nothing.
	before := s.snapshot(t)
	p := s.do(t, "PATCH", "/api/v1/countries/KE", obj{"status": "live"}, "If-Match", "*", "Content-Type", "application/merge-patch+json").problem(t, 422)
	if len(p.Errors) != 1 || p.Errors[0].Field != "status" {
		t.Errorf("PATCH status=live: errors %+v, want one naming status", p.Errors)
	}
	p = s.do(t, "POST", "/api/v1/countries", with(with(kenya(), "iso", "TZ"), "status", "public")).problem(t, 422)
	if len(p.Errors) != 1 || p.Errors[0].Field != "status" {
		t.Errorf("POST status=public: errors %+v, want one naming status", p.Errors)
	}
	if after := s.snapshot(t); after != before {
		t.Error("a refused status changed the database")
	}

	// Published: everyone sees it. A replacement without a status keeps it.
	s.do(t, "PATCH", "/api/v1/countries/KE", obj{"status": "published"}, "If-Match", "*", "Content-Type", "application/merge-patch+json").mustStatus(t, 200)
	got, tag := getObject(t, s, "/api/v1/countries/KE")
	s.do(t, "PUT", "/api/v1/countries/KE", with(got, "status", absent{}), "If-Match", tag).mustStatus(t, 200).decode(t, &c)
	if c.Status != models.StatusPublished {
		t.Errorf("a PUT without a status left it %q, want published", c.Status)
	}
	check("published", map[string][]string{"reader": all, "anonymous": slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == "feed" }), "editor": all})
	s.do(t, "GET", "/countries/KE", nil).mustStatus(t, 200)

	// Back to draft: readers lose it, and the feed tells their mirrors it is gone.
	s.do(t, "PATCH", "/api/v1/countries/KE", obj{"status": "draft"}, "If-Match", "*", "Content-Type", "application/merge-patch+json").mustStatus(t, 200)
	check("a draft again", map[string][]string{"reader": {}, "anonymous": {}, "editor": draft})
	var last models.Revision
	for _, r := range changeFeed(t, s, 200, authAs(s, "reader")...) {
		if r.Entity == models.EntityCountry && r.EntityID == c.ID {
			last = r
		}
	}
	if last.Action != models.ActionDelete || string(last.Data) != `{"id":`+strconv.FormatInt(c.ID, 10)+`}` {
		t.Errorf("the reader's feed ends KE with %s %s, want a delete holding the id only", last.Action, last.Data)
	}

	// The export: the published one leaves the draft out, as a release does; with drafts it holds
	// it with its status, and importing that bundle keeps it a draft.
	type bundle struct {
		Countries []map[string]any `json:"countries"`
	}
	has := func(b bundle) (bool, any) {
		for _, x := range b.Countries {
			if x["iso"] == "KE" {
				return true, x["status"]
			}
		}
		return false, nil
	}
	var pub, withDrafts bundle
	s.do(t, "GET", "/api/v1/export", nil).mustStatus(t, 200).decode(t, &pub)
	if in, _ := has(pub); in {
		t.Error("the published export holds the draft country")
	}
	raw := s.do(t, "GET", "/api/v1/export?include=drafts", nil).mustStatus(t, 200)
	raw.decode(t, &withDrafts)
	if in, st := has(withDrafts); !in || st != "draft" {
		t.Errorf("the export with drafts holds KE: %t, status %v; want it, a draft", in, st)
	}
	for _, x := range pub.Countries {
		if x["status"] != "published" {
			t.Errorf("the export's %v has status %v, want published", x["iso"], x["status"])
		}
	}
	// A release is the published state: it holds the seed's countries, not the draft.
	s.do(t, "POST", "/api/v1/releases", obj{"version": "2026.12.9"}).mustStatus(t, http.StatusCreated)
	var rel bundle
	s.do(t, "GET", "/api/v1/releases/2026.12.9/export", nil, authAs(s, "anonymous")...).mustStatus(t, 200).decode(t, &rel)
	if in, _ := has(rel); in || len(rel.Countries) != len(pub.Countries) {
		t.Errorf("the release holds %d countries (the draft among them: %t), want the published export's %d", len(rel.Countries), in, len(pub.Countries))
	}
	s.do(t, "DELETE", "/api/v1/countries/KE", nil).mustStatus(t, 204)
	s.do(t, "POST", "/api/v1/import?mode=apply", string(raw.Body)).mustStatus(t, 200)
	if c := ke(s, t); c == 0 {
		t.Fatal("the import did not bring KE back")
	}
	var back countryJSON
	s.do(t, "GET", "/api/v1/countries/KE", nil).mustStatus(t, 200).decode(t, &back)
	if back.Status != models.StatusDraft {
		t.Errorf("imported from the export with drafts, KE is %q, want draft", back.Status)
	}
}

// ke is KE's id as an editor finds it, 0 if there is none.
func ke(s *testServer, t *testing.T) int64 {
	t.Helper()
	var c countryJSON
	if res := s.do(t, "GET", "/api/v1/countries/KE", nil); res.Status == 200 {
		res.decode(t, &c)
	}
	return c.ID
}
