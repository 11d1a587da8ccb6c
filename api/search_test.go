package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"chainkb/models"
)

// searchPage is a page of GET /api/v1/search.
type searchPage struct {
	Data       []models.SearchHit `json:"data"`
	NextCursor *string            `json:"next_cursor"`
}

// searchFor runs a search and returns its first page.
func searchFor(t *testing.T, s *testServer, query string, headers ...string) searchPage {
	t.Helper()
	var p searchPage
	s.do(t, "GET", "/api/v1/search?"+query, nil, headers...).mustStatus(t, http.StatusOK).decode(t, &p)
	return p
}

// hitKeys names the first n hits "type:key".
func hitKeys(hits []models.SearchHit, n int) []string {
	out := []string{}
	for i, h := range hits {
		if i == n {
			break
		}
		out = append(out, h.Type+":"+h.Key)
	}
	return out
}

// TestSearchRanksTheSameOnBothEngines runs a fixed set of queries over the seed and checks the
// top five. The suite runs on SQLite and again on PostgreSQL (.ci/run), each against the same
// table: where the engines agree there is one list; where they differ, each engine's list and why.
//
// The engines rank with different formulas: SQLite's BM25 weighs a word by how rare it is in
// its table (its IDF, per table: the bibliography's short titles win on a rare word), and
// normalizes by length; PostgreSQL's ts_rank_cd, normalized by the log of the length (option 1),
// counts the cover density of the matches and knows nothing of rarity. Both weigh a title above
// the rest (bm25 column weights 10/4/1; tsvector weights A/B/C = 1.0/0.4/0.2). On a query whose
// words are all rare they agree; on a common word they disagree.
func TestSearchRanksTheSameOnBothEngines(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct {
		q                string
		both             []string // the same top five on both engines, in order
		sqlite, postgres []string // when they differ
		why              string
	}{
		{q: `"debt bondage"`,
			sqlite:   []string{"source:daru-microfinance-debt-bondage", "tactic:FL-K-C03", "source:hrw-2022-qatar-recruitment-fees", "source:afp-2023-human-trafficking-reports-2022-23", "tactic:FL-W-R02"},
			postgres: []string{"source:daru-microfinance-debt-bondage", "tactic:FL-K-C03", "country:TH", "country:AU", "source:hrw-2022-qatar-recruitment-fees"},
			why:      "the same first two; the AFP release's note counts debt bondage reports, which BM25 lifts into SQLite's top five; Thailand's and Australia's summaries say the phrase in their B-weighted text, which ts_rank_cd ranks high and BM25, over the long summaries of the countries, below the fifth"},
		{q: "licens*",
			sqlite:   []string{"source:uk-glaa-offences", "tactic:FL-R-R03", "tactic:FL-R-C03", "tactic:FL-R-C01", "tactic:ST-W-C05"},
			postgres: []string{"tactic:FL-R-R03", "tactic:FL-R-C03", "tactic:FL-R-C01", "tactic:ST-W-C05", "tactic:ST-R-C07"},
			why:      "the same first four tactics; BM25 puts the GLAA page first, the word being frequent in its short text and rarer across the larger bibliography, while ts_rank_cd ranks the tactics that repeat it"},
		{q: "confiscat*",
			sqlite:   []string{"tactic:ST-R-C01", "tactic:FL-E-R06", "tactic:ST-R-K03", "source:hrw-2014-uae-domestic-workers", "source:ukparl-2015-hl5169"},
			postgres: []string{"tactic:FL-E-R06", "tactic:ST-R-C01", "tactic:ST-R-K03", "source:hrw-2014-uae-domestic-workers", "source:ukparl-2015-hl5169"},
			why:      "the same five; the first two swap: BM25 favours the shorter confiscation tactic, ts_rank_cd the one that says the word most often"},
		{q: "microfinance", both: []string{"source:daru-microfinance-debt-bondage", "tactic:FL-K-C03", "tactic:FL-K-R01"}},
		{q: "demand reduction", both: []string{"tactic:ST-C-C01", "source:hsph-2013-destroying-forced-labor"}},
		{q: "labour inspection",
			sqlite:   []string{"source:ilo-1947-c81", "tactic:FL-E-C01", "source:ilo-ceacr-2024-pakistan-c029", "tactic:FL-E-R04", "tactic:FL-C-C01"},
			postgres: []string{"source:ilo-1947-c81", "tactic:FL-E-C01", "tactic:FL-E-C05", "source:us-dos-2023-tip-brazil", "tactic:FL-C-C01"},
			why:      "the same first two; BM25 lifts the short note on the ILO committee's Pakistan comments, where both words are rare in the bibliography, while ts_rank_cd's cover density favours the tactic on conventions and the Brazil narrative's note, which say both often"},
		{q: "brothel -raid",
			sqlite:   []string{"source:in-1956-itpa", "tactic:ST-R-K01", "source:thewire-2022-kolkata-sex-work", "source:catw-2025-prostschg-statement", "source:nz-plrc-2008-report"},
			postgres: []string{"tactic:ST-R-K01", "stage:retailer", "source:in-1956-itpa", "tactic:ST-R-C06", "tactic:ST-R-C07"},
			why:      "the same first two in another order; BM25's IDF is per table, and brothel is rare in the bibliography, whose short notes that say it rank high, while ts_rank_cd favours the longer stage and tactic texts that repeat it"},
		{q: "debt bondage",
			sqlite:   []string{"source:daru-microfinance-debt-bondage", "source:hrw-2022-qatar-recruitment-fees", "source:afp-2023-human-trafficking-reports-2022-23", "tactic:FL-K-C03", "tactic:FL-E-R04"},
			postgres: []string{"source:daru-microfinance-debt-bondage", "tactic:FL-K-C03", "country:TH", "country:AU", "source:hrw-2022-qatar-recruitment-fees"},
			why:      "the same first, and the Qatar report in both top fives; debt and bondage are common in the forced-labour chain, where ts_rank_cd favours tactics and country summaries that say them (Thailand's, Australia's) and BM25 short texts such as the AFP release's note"},
		{q: "raid OR inspection",
			sqlite:   []string{"source:ilo-1947-c81", "tactic:ST-R-C03", "source:soderlund-2005-rescuers", "tactic:FL-E-C01", "source:newtactics-goodweave"},
			postgres: []string{"source:ilo-1947-c81", "tactic:FL-E-C01", "tactic:ST-R-C03", "tactic:FL-C-C01", "tactic:FL-E-C05"},
			why:      "the same first three in another order: BM25 adds up the two words' rarity and lifts short source notes, ts_rank_cd their density in tactics"},
		{q: "prosecute",
			sqlite:   []string{"source:us-dos-3ps", "source:aic-tandi-358-prosecuting", "source:us-dos-2023-tip-ghana", "source:frockman-2019-tip-prosecutions", "source:htprobono-2014-restitution"},
			postgres: []string{"source:aic-tandi-358-prosecuting", "source:us-dos-2023-tip-ghana", "source:us-dos-2023-tip-moldova", "source:us-dos-2023-tip-nigeria", "source:us-dos-2024-tip-uganda"},
			why:      "a common word: BM25 finds it rarer among sources' short titles than in tactics, ts_rank_cd ranks the texts that say it most, here the TIP narratives' notes on prosecutions"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			want := tt.both
			if want == nil {
				want = tt.sqlite
				if postgresURL != "" {
					want = tt.postgres
				}
			}
			got := hitKeys(searchFor(t, s, "q="+url.QueryEscape(tt.q), "Authorization", "").Data, 5)
			if !slices.Equal(got, want) {
				t.Errorf("top 5 = %q, want %q", got, want)
			}
		})
	}
}

// TestSearchLanguage checks each form of the query language on tactics made for it.
func TestSearchLanguage(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	made := map[string]string{} // title -> code
	for _, tc := range []struct{ title, summary string }{
		{"Zorblat prosecution of recruiters", "Courts zorblat the recruiters who deceive."},
		{"Zorblat café inspections", "Inspectors visit every Café and zorblat bar."},
		{"Zorblat debt registry", "A registry of debt owed; bondage is not mentioned together."},
		{"Zorblat debt bondage audits", "Audits find debt bondage in kilns."},
		{"Zorblat confiscation of assets", "Assets are confiscated and returned."},
	} {
		var got tactic
		s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": tc.title, "summary": tc.summary, "status": "published"}).
			mustStatus(t, http.StatusCreated).decode(t, &got)
		made[tc.title] = got.Code
	}
	titles := func(q string) []string {
		var out []string
		for _, h := range searchFor(t, s, "type=tactic&q="+url.QueryEscape("zorblat "+q)).Data {
			out = append(out, h.Title)
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"prosecute", []string{"Zorblat prosecution of recruiters"}},                       // English stemming
		{"PROSECUTIONS", []string{"Zorblat prosecution of recruiters"}},                    // case folded
		{"cafe", []string{"Zorblat café inspections"}},                                     // diacritics folded
		{"CAFÉ", []string{"Zorblat café inspections"}},                                     // both ways
		{"debt bondage", []string{"Zorblat debt bondage audits", "Zorblat debt registry"}}, // all words, anywhere
		{`"debt bondage"`, []string{"Zorblat debt bondage audits"}},                        // the phrase
		{"confiscat*", []string{"Zorblat confiscation of assets"}},                         // prefix
		{"debt -bondage", []string{}},                                                      // exclusion (the registry says bondage too)
		{"debt -kilns", []string{"Zorblat debt registry"}},                                 // exclusion
		{"recruiters OR zorblat inspectors", []string{"Zorblat café inspections", "Zorblat prosecution of recruiters"}},
		{"nothingmatchesthis", []string{}},
	}
	for _, tt := range tests {
		if got := titles(tt.q); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("q=zorblat %s found %q, want %q", tt.q, got, tt.want)
		}
	}

	// A result carries its type, id, key and title, a snippet with the matched words marked, and
	// a score; the title weighs more than the summary.
	hits := searchFor(t, s, "type=tactic&q=zorblat+recruiters").Data
	if len(hits) != 1 {
		t.Fatalf("found %d, want 1", len(hits))
	}
	h := hits[0]
	if h.Type != "tactic" || h.ID == 0 || h.Key != made["Zorblat prosecution of recruiters"] || h.Title != "Zorblat prosecution of recruiters" || h.Score <= 0 {
		t.Errorf("hit = %+v", h)
	}
	if !strings.Contains(h.Snippet, "«") || !strings.Contains(strings.ToLower(h.Snippet), "«recruiters»") {
		t.Errorf("snippet %q does not mark the matched word", h.Snippet)
	}
	inTitle := searchFor(t, s, "type=tactic&q=registry").Data
	if len(inTitle) < 1 || inTitle[0].Title != "Zorblat debt registry" {
		t.Errorf("q=registry: %q first; want the tactic with the word in its title (its summary says it too, but so does no other)", hitKeys(inTitle, 3))
	}
}

// TestSearchFollowsWrites checks that the index changes with the content: a new word is found at
// once, an old one no more; a deleted tactic is not found, a restored one is again; drafts only
// by editors.
func TestSearchFollowsWrites(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var tc tactic
	s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": "Quoggle draft", "summary": "S."}).
		mustStatus(t, http.StatusCreated).decode(t, &tc)
	path := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)
	count := func(q string, headers ...string) int {
		return len(searchFor(t, s, "q="+q, headers...).Data)
	}
	if n := count("quoggle"); n != 1 {
		t.Errorf("editor finds the draft %d times, want 1", n)
	}
	for _, who := range []string{"anonymous", "reader"} {
		if n := count("quoggle", authAs(s, who)...); n != 0 {
			t.Errorf("%s finds the draft %d times, want 0", who, n)
		}
		if n := len(collectAs[tactic](t, s, "/api/v1/tactics?q=quoggle", authAs(s, who)...)); n != 0 {
			t.Errorf("%s lists the draft %d times with q, want 0", who, n)
		}
	}
	s.do(t, "PATCH", path, obj{"title": "Frumious published", "status": "published", "version": tc.Version}, "Content-Type", "application/merge-patch+json").mustStatus(t, http.StatusOK)
	if n := count("quoggle"); n != 0 {
		t.Errorf("the old title is still found (%d)", n)
	}
	if n := count("frumious", authAs(s, "anonymous")...); n != 1 {
		t.Errorf("anonymous finds the published tactic %d times, want 1", n)
	}
	s.do(t, "DELETE", path, nil, "If-Match", "*").mustStatus(t, http.StatusNoContent)
	if n := count("frumious"); n != 0 {
		t.Errorf("a deleted tactic is found (%d)", n)
	}
	revs := revisionsOf(t, s, "tactics", fmt.Sprint(tc.ID)) // newest first: delete, update, create
	s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, revs[1].ID), nil).mustStatus(t, http.StatusOK)
	if n := count("frumious"); n != 1 {
		t.Errorf("a restored tactic is found %d times, want 1", n)
	}
}

// TestSearchPagesAndFilters follows the cursor through every page, and checks the filters.
func TestSearchPagesAndFilters(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	// A word that matches every type in both chains, fewer times than one page of 200 holds.
	all := searchFor(t, s, "limit=200&q=exploiter").Data
	if len(all) < 10 || len(all) == 200 {
		t.Fatalf("q=exploiter found %d; the test needs more", len(all))
	}
	var paged []models.SearchHit
	next := "/api/v1/search?limit=3&q=exploiter"
	for next != "" {
		var p searchPage
		res := s.do(t, "GET", next, nil).mustStatus(t, http.StatusOK)
		res.decode(t, &p)
		paged = append(paged, p.Data...)
		next = ""
		if p.NextCursor != nil {
			next = "/api/v1/search?limit=3&q=exploiter&cursor=" + url.QueryEscape(*p.NextCursor)
		}
	}
	if !slices.Equal(hitKeys(paged, -1), hitKeys(all, -1)) {
		t.Errorf("paged = %q\nwant %q", hitKeys(paged, -1), hitKeys(all, -1))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Score > all[i-1].Score {
			t.Errorf("result %d scores %v, more than the one before (%v)", i, all[i].Score, all[i-1].Score)
		}
	}

	// chain: the chain's tactics and stages, and the chain; no sources.
	chain := searchFor(t, s, "limit=200&q=exploiter&chain=forced-labour").Data
	if !slices.Contains(hitKeys(chain, -1), "chain:forced-labour") {
		t.Errorf("chain=forced-labour does not find the chain: %q", hitKeys(chain, -1))
	}
	for _, h := range chain {
		if h.Type == "source" || h.Key == "sex-trafficking" || strings.HasPrefix(h.Key, "ST-") {
			t.Errorf("chain=forced-labour found %s:%s", h.Type, h.Key)
		}
	}

	for _, tt := range []struct {
		query string
		keep  func(h models.SearchHit) bool
	}{
		{"type=source", func(h models.SearchHit) bool { return h.Type == "source" }},
		{"type=stage&type=chain", func(h models.SearchHit) bool { return h.Type == "stage" || h.Type == "chain" }},
		{"kind=current", func(h models.SearchHit) bool { return h.Type == "tactic" }},
		{"type=source&kind=current", func(models.SearchHit) bool { return false }},
	} {
		got := searchFor(t, s, "limit=200&q=exploiter&"+tt.query).Data
		var want []models.SearchHit
		for _, h := range all {
			if tt.keep(h) {
				want = append(want, h)
			}
		}
		if tt.query == "kind=current" {
			for _, h := range got {
				var tc tactic
				s.do(t, "GET", fmt.Sprintf("/api/v1/tactics/%d", h.ID), nil).mustStatus(t, 200).decode(t, &tc)
				if tc.Kind != "current" {
					t.Errorf("kind=current found %s of kind %s", h.Key, tc.Kind)
				}
			}
			continue
		}
		if !slices.Equal(hitKeys(got, -1), hitKeys(want, -1)) {
			t.Errorf("%s: %q\nwant %q", tt.query, hitKeys(got, -1), hitKeys(want, -1))
		}
	}
}

// TestListsRankByRelevance checks that q on the tactic and source lists ranks best first when no
// sort is given, as search does, and keeps the sort when one is.
func TestListsRankByRelevance(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, res := range []string{"tactic", "source"} {
		var want []int64
		for _, h := range searchFor(t, s, "limit=200&type="+res+"&q=debt+bondage").Data {
			want = append(want, h.ID)
		}
		var got, sorted []int64
		for _, o := range collect[struct{ ID int64 }](t, s, "/api/v1/"+res+"s?limit=2&q=debt+bondage") {
			got = append(got, o.ID)
		}
		for _, o := range collect[struct{ ID int64 }](t, s, "/api/v1/"+res+"s?limit=2&sort=id&q=debt+bondage") {
			sorted = append(sorted, o.ID)
		}
		if len(want) < 2 || !slices.Equal(got, want) {
			t.Errorf("%ss?q=debt bondage = %v, want search's order %v", res, got, want)
		}
		want = slices.Clone(want)
		slices.Sort(want)
		if !slices.Equal(sorted, want) {
			t.Errorf("%ss?q=debt bondage&sort=id = %v, want %v", res, sorted, want)
		}
	}
}

// TestSearchTiesAcrossPages pages through tactics that score the same: the ties are in id order,
// and every page cut among them (where SQLite's ranking from its index alone cannot tell which
// of equal rows come first) gives each tactic once, with its snippet.
func TestSearchTiesAcrossPages(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var codes []string
	for range 5 {
		var got tactic
		s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": "Quorvex audits of kilns",
			"summary": "Quorvex inspectors audit the kilns.", "status": "published"}).
			mustStatus(t, http.StatusCreated).decode(t, &got)
		codes = append(codes, "tactic:"+got.Code)
	}
	for _, limit := range []string{"1", "2", "3", "4", "5"} {
		var paged []models.SearchHit
		next := "/api/v1/search?type=tactic&q=quorvex&limit=" + limit
		for next != "" {
			var p searchPage
			s.do(t, "GET", next, nil, "Authorization", "").mustStatus(t, http.StatusOK).decode(t, &p)
			paged = append(paged, p.Data...)
			next = ""
			if p.NextCursor != nil {
				next = "/api/v1/search?type=tactic&q=quorvex&limit=" + limit + "&cursor=" + url.QueryEscape(*p.NextCursor)
			}
		}
		if got := hitKeys(paged, -1); !slices.Equal(got, codes) {
			t.Errorf("limit=%s: paged = %q, want %q", limit, got, codes)
		}
		for _, h := range paged {
			if !strings.Contains(h.Snippet, "«") {
				t.Errorf("limit=%s: %s has snippet %q, want the word marked", limit, h.Key, h.Snippet)
			}
		}
	}
}

// TestSearchMalformed checks every malformed form of a query on search and on the lists that
// take one: a 400 (bad_query) whose errors name q and say what is wrong, never a 500 or an
// engine's error text.
func TestSearchMalformed(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := map[string]string{
		"":                          "is empty",
		"   ":                       "is empty",
		`"unclosed`:                 "unclosed",
		`debt "bondage`:             "unclosed",
		"-":                         "lone '-'",
		"debt - bondage":            "lone '-'",
		"*":                         "lone '*'",
		"debt *":                    "lone '*'",
		"con*fiscate":               "may only end a word",
		"*fiscate":                  "may only end a word",
		"debt**":                    "may only end a word",
		"%":                         "no letters or digits",
		`""`:                        "phrase with no letters",
		"OR":                        "OR needs a term on each side",
		"OR debt":                   "OR needs a term on each side",
		"debt OR":                   "OR needs a term on each side",
		"debt OR OR debt":           "OR needs a term on each side",
		"-brothel":                  "only excluded terms",
		"debt OR -brothel":          "only excluded terms",
		strings.Repeat("debt ", 41): "at most 200 characters",
	}
	for q, want := range tests {
		for _, path := range []string{"/api/v1/search", "/api/v1/tactics", "/api/v1/sources"} {
			if q == "" || q == "   " {
				if path != "/api/v1/search" {
					continue // an empty q on a list is no filter
				}
			}
			p := s.do(t, "GET", path+"?q="+url.QueryEscape(q), nil).problem(t, http.StatusBadRequest)
			if p.Code != "bad_query" || len(p.Errors) != 1 || p.Errors[0].Field != "q" || !strings.Contains(p.Errors[0].Message, want) {
				t.Errorf("%s?q=%s: %+v, want bad_query naming q with %q", path, q, p, want)
			}
			for _, leak := range []string{"fts5", "syntax", "tsquery", "SQL"} {
				if strings.Contains(p.Detail+fmt.Sprint(p.Errors), leak) {
					t.Errorf("%s?q=%s: the problem mentions %q: %+v", path, q, leak, p)
				}
			}
		}
	}
}

// TestSearchCache checks that a page of results is answered from memory while nothing has been
// written: asked again, in any order of its parameters, it costs the lookup of the generation
// alone, with the same body and Link header; and a write anywhere makes the next search rank
// afresh.
func TestSearchCache(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	get := func(query string) (response, int64) {
		t.Helper()
		before := s.Store.Statements()
		res := s.do(t, "GET", "/api/v1/search?"+query, nil, "Authorization", "").mustStatus(t, http.StatusOK)
		return res, s.Store.Statements() - before
	}
	first, cold := get("q=trafficking&type=tactic&type=source&limit=2")
	if cold < 2 {
		t.Fatalf("the first search ran %d statements", cold)
	}
	if first.Header.Get("Link") == "" {
		t.Fatal("a page of 2 with more results has no Link header")
	}
	for _, query := range []string{"q=trafficking&type=tactic&type=source&limit=2", "limit=2&type=source&type=tactic&q=trafficking"} {
		again, warm := get(query)
		if warm != 1 {
			t.Errorf("%s again ran %d statements, want 1 (the generation)", query, warm)
		}
		if string(again.Body) != string(first.Body) || again.Header.Get("Link") == "" {
			t.Errorf("%s from memory differs: %.200s, Link %q", query, again.Body, again.Header.Get("Link"))
		}
	}
	// Another page, another caller's view or another query is its own entry.
	if _, n := get("q=trafficking&type=tactic&type=source&limit=3"); n < 2 {
		t.Errorf("another limit ran %d statements: answered from another page's entry", n)
	}
	s.do(t, "POST", "/api/v1/sources", obj{"slug": "zyzzyva-report", "title": "The zyzzyva report on trafficking", "type": "grey"}).mustStatus(t, http.StatusCreated)
	if _, n := get("q=trafficking&type=tactic&type=source&limit=2"); n < 2 {
		t.Errorf("after a write the search ran %d statements: answered from memory", n)
	}
	if hits := searchFor(t, s, "q=zyzzyva").Data; len(hits) != 1 {
		t.Errorf("the source just written is found %d times, want 1", len(hits))
	}
}

// TestListWithQCache checks that a list with q keeps its pages until the next write (issue 30),
// as search does: asked again, with its parameters in another order too, it runs one statement
// (the generation) and answers the same bytes and Link; a write is seen by the next list at
// once; an editor's page (drafts included) and a reader's are separate entries.
func TestListWithQCache(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	get := func(query string, headers ...string) (response, int64) {
		t.Helper()
		before := s.Store.Statements()
		res := s.do(t, "GET", "/api/v1/tactics?"+query, nil, headers...).mustStatus(t, http.StatusOK)
		return res, s.Store.Statements() - before
	}
	anon := []string{"Authorization", ""}
	query := "q=trafficking&limit=2&review_due_before=2100-01-01&tag=short-term"
	first, cold := get(query, anon...)
	if cold < 2 {
		t.Fatalf("the first list ran %d statements", cold)
	}
	var page struct {
		Data []tactic `json:"data"`
	}
	first.decode(t, &page)
	if len(page.Data) != 2 || first.Header.Get("Link") == "" {
		t.Fatalf("a first page of 2 has %d items and Link %q", len(page.Data), first.Header.Get("Link"))
	}
	for _, q := range []string{query, "tag=short-term&review_due_before=2100-01-01&limit=2&q=trafficking"} {
		again, warm := get(q, anon...)
		if warm != 1 {
			t.Errorf("%s again ran %d statements, want 1 (the generation)", q, warm)
		}
		if string(again.Body) != string(first.Body) || again.Header.Get("Link") != first.Header.Get("Link") {
			t.Errorf("%s from memory differs: %.200s, Link %q", q, again.Body, again.Header.Get("Link"))
		}
	}

	// A draft that matches: the editor's list has it, the reader's cached page does not.
	var tc tactic
	s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": "Quoggle trafficking draft", "summary": "S."}).
		mustStatus(t, http.StatusCreated).decode(t, &tc)
	if n := len(collectAs[tactic](t, s, "/api/v1/tactics?q=quoggle", anon...)); n != 0 {
		t.Errorf("anonymous lists the draft %d times with q, want 0", n)
	}
	if n := len(collectAs[tactic](t, s, "/api/v1/tactics?q=quoggle")); n != 1 {
		t.Errorf("the editor lists the draft %d times with q, want 1", n)
	}
	// Published: the reader's next list finds it at once.
	s.do(t, "PATCH", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), obj{"status": "published", "version": tc.Version},
		"Content-Type", "application/merge-patch+json").mustStatus(t, http.StatusOK)
	if n := len(collectAs[tactic](t, s, "/api/v1/tactics?q=quoggle", anon...)); n != 1 {
		t.Errorf("anonymous lists the tactic just published %d times with q, want 1", n)
	}
	if _, n := get(query, anon...); n < 2 {
		t.Errorf("after a write the list ran %d statements: answered from memory", n)
	}
}
