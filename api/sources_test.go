package api_test

// Sources and the citations of chains, stages and tags (issue 11, items 1 and 2).

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"chainkb/models"
)

type source = models.Source

// newSource is a valid source body.
func newSource(slug string) obj {
	return obj{"slug": slug, "title": "Sex Trafficking: Inside the Business of Modern Slavery", "type": "primary-author",
		"authors": []string{"Kara, Siddharth"}, "year": 2009, "container": "Columbia University Press",
		"url": "https://cup.columbia.edu/book/sex-trafficking/9780231139601", "doi": "10.7312/kara13960",
		"accessed_on": "2026-11-29", "verified": nil, "language": "en"}
}

func citation(source, locator string) obj {
	return obj{"source": source, "locator": locator, "supports": "supports"}
}

func TestSourcesCRUD(t *testing.T) {
	t.Parallel()
	s := newServer(t)

	res := s.do(t, "POST", "/api/v1/sources", newSource("kara-2009")).mustStatus(t, http.StatusCreated)
	var src source
	res.decode(t, &src)
	if src.ID == 0 || src.Version != 1 || src.Year == nil || *src.Year != 2009 || src.AccessedOn == nil ||
		src.AccessedOn.String() != "2026-11-29" || src.Verified != nil || src.DOI != "10.7312/kara13960" {
		t.Fatalf("created = %+v", src)
	}
	if got, want := res.Header.Get("Location"), fmt.Sprintf("/api/v1/sources/%d", src.ID); got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	etag := res.Header.Get("ETag")

	// By id and by slug; an uncited source says nothing of where it is cited; 304 with the ETag.
	for _, key := range []string{fmt.Sprint(src.ID), src.Slug} {
		res := s.do(t, "GET", "/api/v1/sources/"+key, nil, "Authorization", "").mustStatus(t, http.StatusOK)
		if res.Header.Get("ETag") != etag || strings.Contains(string(res.Body), "cited_by") {
			t.Errorf("GET %s: ETag %q (want %q), body %s", key, res.Header.Get("ETag"), etag, res.Body)
		}
		s.do(t, "GET", "/api/v1/sources/"+key, nil, "If-None-Match", etag).mustStatus(t, http.StatusNotModified)
	}

	// PATCH: a merge patch; null clears the year; a check of the cited passage verifies it.
	res = s.do(t, "PATCH", "/api/v1/sources/kara-2009", obj{"year": nil,
		"check": obj{"reading": "excerpt", "on": "2026-11-30", "by": "An editor", "passage": "pp. 1-3"}},
		"If-Match", etag, "Content-Type", "application/merge-patch+json").mustStatus(t, http.StatusOK)
	res.decode(t, &src)
	if src.Year != nil || src.Verified == nil || src.Verified.String() != "2026-11-30" || src.Version != 2 {
		t.Errorf("after PATCH = %+v", src)
	}
	// PUT back what GET returned.
	var got obj
	s.do(t, "GET", "/api/v1/sources/kara-2009", nil).mustStatus(t, http.StatusOK).decode(t, &got)
	s.do(t, "PUT", "/api/v1/sources/kara-2009", got).mustStatus(t, http.StatusOK).decode(t, &src)
	if src.Version != 3 || src.Title != "Sex Trafficking: Inside the Business of Modern Slavery" {
		t.Errorf("after round-trip PUT = %+v", src)
	}

	// Lists: filters, text over title, authors and container, cursors.
	for i, slug := range []string{"ilo-2024", "unodc-2022", "news-2015"} {
		b := with(newSource(slug), "authors", []string{[]string{"ILO", "UNODC", "Reuters"}[i]},
			"type", []string{"primary-official", "primary-official", "news"}[i], "year", []int{2024, 2022, 2015}[i],
			"title", "Work "+slug, "container", "Container "+slug+" zztest")
		s.do(t, "POST", "/api/v1/sources", b).mustStatus(t, http.StatusCreated)
	}
	slugs := func(query string) []string {
		t.Helper()
		var out []string
		for _, x := range collectAs[source](t, s, "/api/v1/sources?limit=1&"+query, "Authorization", "") {
			out = append(out, x.Slug)
		}
		return out
	}
	// The seed has sources of its own: the queries keep to these three (their container says zztest).
	for q, want := range map[string][]string{
		"q=zztest&sort=slug":                             {"ilo-2024", "news-2015", "unodc-2022"},
		"q=zztest&type=primary-official&sort=slug":       {"ilo-2024", "unodc-2022"},
		"q=zztest&year_from=2016&sort=slug":              {"ilo-2024", "unodc-2022"},
		"q=zztest&year_from=2015&year_to=2022&sort=slug": {"news-2015", "unodc-2022"},
		"q=work%20unodc":                                 {"unodc-2022"},
		"q=container%20news":                             {"news-2015"},
		"q=zztest&sort=-title":                           {"unodc-2022", "news-2015", "ilo-2024"},
	} {
		if got := slugs(q); !slices.Equal(got, want) {
			t.Errorf("sources?%s = %v, want %v", q, got, want)
		}
	}
	var page list[source]
	s.do(t, "GET", "/api/v1/sources?q=zztest&type=primary-official&include_total=true", nil).mustStatus(t, http.StatusOK).decode(t, &page)
	if page.Total == nil || *page.Total != 2 {
		t.Errorf("total = %v, want 2", page.Total)
	}

	// History, delete, restore, change feed.
	revs := revisionsOf(t, s, "sources", "kara-2009")
	if len(revs) != 3 || revs[0].Entity != models.EntitySource {
		t.Fatalf("revisions = %+v, want 3 of entity source", revs)
	}
	s.do(t, "DELETE", "/api/v1/sources/kara-2009", nil).mustStatus(t, http.StatusNoContent)
	s.do(t, "GET", "/api/v1/sources/kara-2009", nil).problem(t, http.StatusNotFound)
	first := revs[len(revs)-1].ID
	res = s.do(t, "POST", fmt.Sprintf("/api/v1/sources/kara-2009/revisions/%d/restore", first), nil).mustStatus(t, http.StatusOK)
	res.decode(t, &src)
	if src.Year == nil || *src.Year != 2009 || src.Version != 4 {
		t.Errorf("restored = %+v, want year 2009 at version 4", src)
	}
	var actions []string
	for _, r := range changeFeed(t, s, 200) {
		if r.Entity == models.EntitySource && r.EntityID == src.ID {
			actions = append(actions, r.Action)
		}
	}
	if want := []string{"create", "update", "update", "delete", "restore"}; !slices.Equal(actions, want) {
		t.Errorf("change feed for the source = %v, want %v", actions, want)
	}
}

func TestCitations(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.do(t, "POST", "/api/v1/sources", newSource("kara-2009")).mustStatus(t, http.StatusCreated)

	// A chain, a stage and a tag cite it; what they wrote comes back on every read.
	quote := "Slavery is a business."
	chainBody := obj{"slug": "domestic-servitude", "name": "Domestic servitude",
		"citations": []obj{with(citation("kara-2009", "p. 3"), "quote", quote)}}
	var c chain
	s.do(t, "POST", "/api/v1/chains", chainBody).mustStatus(t, http.StatusCreated).decode(t, &c)
	if len(c.Citations) != 1 || c.Citations[0].Quote != quote || c.Citations[0].Locator != "p. 3" {
		t.Errorf("chain citations = %+v", c.Citations)
	}
	var st stage
	s.do(t, "POST", "/api/v1/stages", obj{"chain_id": c.ID, "slug": "recruiter", "name": "Recruiter", "actor": "Recruiters",
		"side": "supply", "position": 1, "citations": []obj{citation("kara-2009", "ch. 2")}}).mustStatus(t, http.StatusCreated).decode(t, &st)
	var tg tag
	s.do(t, "POST", "/api/v1/tags", obj{"slug": "economics", "name": "Economics", "group": "lever",
		"citations": []obj{citation("kara-2009", "")}}).mustStatus(t, http.StatusCreated).decode(t, &tg)
	for _, path := range []string{"/api/v1/chains/domestic-servitude", fmt.Sprintf("/api/v1/stages/%d", st.ID), "/api/v1/tags/economics"} {
		var o struct{ Citations []models.Citation }
		s.do(t, "GET", path, nil).mustStatus(t, http.StatusOK).decode(t, &o)
		if len(o.Citations) != 1 || o.Citations[0].Source != "kara-2009" {
			t.Errorf("GET %s: citations %+v", path, o.Citations)
		}
	}
	var table models.ChainTable
	s.do(t, "GET", "/api/v1/chains/domestic-servitude/table", nil).mustStatus(t, http.StatusOK).decode(t, &table)
	if len(table.Chain.Citations) != 1 || len(table.Stages) != 1 || len(table.Stages[0].Stage.Citations) != 1 {
		t.Errorf("table: chain citations %+v, stages %+v", table.Chain.Citations, table.Stages)
	}

	// A published and a draft tactic cite it too: a reader is told of the published one only.
	var tc, draft tactic
	s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": st.ID, "kind": "recommended", "status": "published", "title": "Published",
		"summary": "S.", "citations": []obj{citation("kara-2009", "p. 9")}}).mustStatus(t, http.StatusCreated).decode(t, &tc)
	s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": st.ID, "kind": "recommended", "status": "draft", "title": "Draft",
		"summary": "S.", "citations": []obj{citation("kara-2009", "p. 10")}}).mustStatus(t, http.StatusCreated).decode(t, &draft)
	citedBy := func(who string) []string {
		t.Helper()
		var src source
		s.do(t, "GET", "/api/v1/sources/kara-2009", nil, authAs(s, who)...).mustStatus(t, http.StatusOK).decode(t, &src)
		var out []string
		for _, u := range src.CitedBy {
			out = append(out, fmt.Sprintf("%s %d %s %s", u.Entity, u.ID, u.Key, u.Title))
		}
		return out
	}
	public := []string{
		fmt.Sprintf("chain %d domestic-servitude Domestic servitude", c.ID),
		fmt.Sprintf("stage %d recruiter Recruiter", st.ID),
		fmt.Sprintf("tactic %d %s Published", tc.ID, tc.Code),
		fmt.Sprintf("tag %d economics Economics", tg.ID),
	}
	all := slices.Insert(slices.Clone(public), 3, fmt.Sprintf("tactic %d %s Draft", draft.ID, draft.Code))
	for _, who := range []string{"anonymous", "reader"} {
		if got := citedBy(who); !slices.Equal(got, public) {
			t.Errorf("cited_by as %s:\n got %q\nwant %q", who, got, public)
		}
	}
	if got := citedBy("editor"); !slices.Equal(got, all) {
		t.Errorf("cited_by as editor:\n got %q\nwant %q", got, all)
	}

	// Five objects cite it (the draft counts): it cannot go, and nothing changes.
	before := s.snapshot(t)
	p := s.do(t, "DELETE", "/api/v1/sources/kara-2009", nil).problem(t, http.StatusConflict)
	if p.Code != "in_use" || !strings.Contains(p.Detail, "5 object(s)") {
		t.Errorf("delete of a cited source: %+v", p)
	}
	if after := s.snapshot(t); after != before {
		t.Errorf("the refused delete changed the database:\n%s", snapshotDiff(before, after))
	}

	// Once the citations are gone, so can the source be; a chain that cited it cannot come back
	// to that revision while it is deleted.
	for _, id := range []int64{tc.ID, draft.ID} {
		s.do(t, "DELETE", fmt.Sprintf("/api/v1/tactics/%d", id), nil).mustStatus(t, http.StatusNoContent)
	}
	s.do(t, "DELETE", "/api/v1/tags/economics", nil).mustStatus(t, http.StatusNoContent)
	s.do(t, "PATCH", fmt.Sprintf("/api/v1/stages/%d", st.ID), obj{"citations": []obj{}, "version": st.Version}).mustStatus(t, http.StatusOK)
	s.do(t, "PATCH", "/api/v1/chains/domestic-servitude", obj{"citations": nil, "version": c.Version}).mustStatus(t, http.StatusOK).decode(t, &c)
	if c.Citations == nil || len(c.Citations) != 0 {
		t.Errorf("citations after null = %#v, want []", c.Citations)
	}
	s.do(t, "DELETE", "/api/v1/sources/kara-2009", nil).mustStatus(t, http.StatusNoContent)
	revs := revisionsOf(t, s, "chains", "domestic-servitude")
	citing := revs[len(revs)-1].ID
	p = s.do(t, "POST", fmt.Sprintf("/api/v1/chains/domestic-servitude/revisions/%d/restore", citing), nil).problem(t, http.StatusConflict)
	if p.Code != "not_restorable" || !strings.Contains(p.Detail, "kara-2009") {
		t.Errorf("restore citing a deleted source: %+v", p)
	}
	p = s.do(t, "PATCH", "/api/v1/chains/domestic-servitude", obj{"citations": []obj{citation("kara-2009", "")}, "version": c.Version}).problem(t, http.StatusUnprocessableEntity)
	if len(p.Errors) != 1 || p.Errors[0].Field != "citations/0/source" {
		t.Errorf("citation of a deleted source: %+v", p)
	}
}

// TestSourceChecks: verified is a record of a check (issue 24). It is derived from what was read,
// never set directly; bad checks are 422 and change nothing; the list filters by reading and by
// verified; an export carries the checks and a bundle of format 2 still imports, its bare
// verified dates kept as not-read claims.
func TestSourceChecks(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	checked := func(reading string) obj {
		return obj{"reading": reading, "on": "2026-12-01", "by": "chainkb editors", "passage": "https://example.org/r, section 2"}
	}
	cases := []struct {
		slug         string
		body         obj
		wantReading  string
		wantVerified string
	}{
		{"zzchk-full", with(newSource("zzchk-full"), "check", checked("full-text"), "verified", "2020-01-01"), "full-text", "2026-12-01"},
		{"zzchk-excerpt", with(newSource("zzchk-excerpt"), "check", checked("excerpt")), "excerpt", "2026-12-01"},
		{"zzchk-abstract", with(newSource("zzchk-abstract"), "check", checked("abstract"), "verified", "2026-12-01"), "abstract", ""},
		{"zzchk-other", with(newSource("zzchk-other"), "check", checked("summary-by-other")), "summary-by-other", ""},
		{"zzchk-legacy", with(newSource("zzchk-legacy"), "verified", "2026-11-29"), "not-read", ""},
	}
	for i := range cases {
		c := &cases[i]
		c.body["title"], c.body["doi"], c.body["url"] = "Work "+c.slug, "", ""
		var src source
		s.do(t, "POST", "/api/v1/sources", c.body).mustStatus(t, http.StatusCreated).decode(t, &src)
		verified := ""
		if src.Verified != nil {
			verified = src.Verified.String()
		}
		if src.Check.Reading != c.wantReading || verified != c.wantVerified {
			t.Errorf("%s: reading %q, verified %q; want %q, %q", c.slug, src.Check.Reading, verified, c.wantReading, c.wantVerified)
		}
	}

	// Bad checks: 422 naming each field, and nothing written.
	before := s.snapshot(t)
	for _, bad := range []struct {
		check  obj
		fields []string
	}{
		{obj{"reading": "skimmed", "on": "2026-12-01", "by": "e"}, []string{"check/reading"}},
		{obj{"reading": "full-text"}, []string{"check/on", "check/by"}},
		{obj{"reading": "excerpt", "on": "2999-01-01", "by": "e"}, []string{"check/on"}},
		{obj{"on": "2026-12-01", "by": "e"}, []string{"check/reading"}},
	} {
		p := s.do(t, "POST", "/api/v1/sources", with(newSource("zzchk-bad"), "check", bad.check)).problem(t, http.StatusUnprocessableEntity)
		var got []string
		for _, f := range p.Errors {
			got = append(got, f.Field)
		}
		if !slices.Equal(got, bad.fields) {
			t.Errorf("check %v: fields %v, want %v", bad.check, got, bad.fields)
		}
	}
	s.do(t, "POST", "/api/v1/sources", with(newSource("zzchk-bad"), "check", obj{"reading": "excerpt", "on": "2026-13-01", "by": "e"})).
		problem(t, http.StatusUnprocessableEntity)
	if after := s.snapshot(t); after != before {
		t.Errorf("refused writes changed the database:\n%s", snapshotDiff(before, after))
	}

	// The filters.
	slugs := func(query string) []string {
		t.Helper()
		var out []string
		for _, x := range collectAs[source](t, s, "/api/v1/sources?limit=3&q=zzchk&sort=slug&"+query) {
			out = append(out, x.Slug)
		}
		return out
	}
	for q, want := range map[string][]string{
		"verified=true":                     {"zzchk-excerpt", "zzchk-full"},
		"verified=false":                    {"zzchk-abstract", "zzchk-legacy", "zzchk-other"},
		"reading=full-text,excerpt":         {"zzchk-excerpt", "zzchk-full"},
		"reading=abstract,summary-by-other": {"zzchk-abstract", "zzchk-other"},
		"reading=not-read&verified=false":   {"zzchk-legacy"},
		"reading=abstract&verified=true":    nil,
	} {
		if got := slugs(q); !slices.Equal(got, want) {
			t.Errorf("sources?%s = %v, want %v", q, got, want)
		}
	}
	for _, q := range []string{"reading=skimmed", "reading=full-text,,excerpt", "verified=maybe", "reading=excerpt&reading=abstract"} {
		p := s.do(t, "GET", "/api/v1/sources?"+q, nil).problem(t, http.StatusBadRequest)
		if p.Code != "bad_query" {
			t.Errorf("sources?%s: code %s, want bad_query", q, p.Code)
		}
	}

	// An export carries each check; re-importing it changes nothing.
	res := s.do(t, "GET", "/api/v1/export", nil).mustStatus(t, http.StatusOK)
	var b struct {
		FormatVersion int `json:"format_version"`
		Sources       []obj
	}
	res.decode(t, &b)
	found := false
	for _, src := range b.Sources {
		if src["slug"] == "zzchk-excerpt" {
			found = true
			c, _ := src["check"].(map[string]any)
			if c["reading"] != "excerpt" || c["on"] != "2026-12-01" || c["by"] != "chainkb editors" || src["verified"] != "2026-12-01" {
				t.Errorf("exported source: %v", src)
			}
		}
	}
	if !found || b.FormatVersion != 3 {
		t.Fatalf("export: format %d, zzchk-excerpt found %t", b.FormatVersion, found)
	}
	var rep struct{ Created, Updated, Unchanged int }
	s.do(t, "POST", "/api/v1/import?mode=dry-run", res.Body).mustStatus(t, http.StatusOK).decode(t, &rep)
	if rep.Created != 0 || rep.Updated != 0 {
		t.Errorf("re-importing an export: %+v, want no change", rep)
	}

	// A bundle of format 2 (before check records): its bare verified date is a not-read claim.
	old := obj{"format_version": 2, "sources": []obj{with(newSource("zzchk-format2"), "title", "Format 2 work", "doi", "",
		"url", "", "verified", "2026-11-29")}}
	s.do(t, "POST", "/api/v1/import?mode=apply", old).mustStatus(t, http.StatusOK)
	var src source
	s.do(t, "GET", "/api/v1/sources/zzchk-format2", nil).mustStatus(t, http.StatusOK).decode(t, &src)
	if src.Verified != nil || src.Check.Reading != "not-read" || !strings.Contains(src.Check.Passage, "2026-11-29") {
		t.Errorf("format 2 source: verified %v, check %+v", src.Verified, src.Check)
	}
	// Importing it again finds it unchanged.
	s.do(t, "POST", "/api/v1/import?mode=dry-run", old).mustStatus(t, http.StatusOK).decode(t, &rep)
	if rep.Updated != 0 || rep.Created != 0 {
		t.Errorf("re-importing the format 2 bundle: %+v, want no change", rep)
	}
}
