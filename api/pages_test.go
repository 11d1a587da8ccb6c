package api_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"chainkb/internal/pages"
	"chainkb/models"
)

// TestPages checks the pages for people as HTTP answers: HTML with the pages' strict content
// security policy, cached like the published reads and revalidated by ETag, a 404 page for
// unknown slugs and codes, nothing loaded from elsewhere, no inline style or script, and the
// seeded chain's table under 100 KB.
func TestPages(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, tc := range []struct {
		path, want string
	}{
		{"/", `href="/swagger/index.html"`},
		{"/", `href="/chains/sex-trafficking"`},
		{"/chains/sex-trafficking", `<th scope="col"`},
		{"/chains/sex-trafficking", `href="/tactics/ST-P-C01"`},
		{"/chains/sex-trafficking?horizon=short-term&lever=cut-profits&function=prosecution&evidence=descriptive", `aria-current="true"`},
		{"/chains/forced-labour", `<th scope="row"`},
		{"/tactics/ST-C-C03", `href="/api/v1/tactics/ST-C-C03"`},
		{"/tactics/ST-C-C03", `href="/sources#src-`},
		{"/sources", `id="src-kara-2009-sex-trafficking"`},
		{"/countries", `href="/countries/IN"`},
		{"/countries?chain=forced-labour&sort=-statute", `aria-current="true"`},
		{"/countries/IN", `kara-2009-india`},
		{"/countries/np", `href="/sources#src-`},
	} {
		res := s.do(t, "GET", tc.path, nil, "Authorization", "").mustStatus(t, 200)
		body := string(res.Body)
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s does not hold %s", tc.path, tc.want)
		}
		checkPage(t, tc.path, res)
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=60" {
			t.Errorf("%s: Cache-Control = %q, want the published reads' public, max-age=60", tc.path, got)
		}
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Errorf("%s has no ETag", tc.path)
			continue
		}
		s.do(t, "GET", tc.path, nil, "Authorization", "", "If-None-Match", etag).mustStatus(t, 304)
	}
	res := s.do(t, "GET", "/chains/sex-trafficking", nil, "Authorization", "")
	if n := len(res.Body); n >= 100_000 {
		t.Errorf("the seeded chain's page is %d bytes of HTML, want under 100 KB", n)
	} else {
		t.Logf("the seeded chain's page: %d bytes", n)
	}
	checkEconomics(t, string(res.Body))
	// They are the economics API's default answer.
	var econ struct {
		Stages []struct {
			Stage    struct{ Slug string }
			Baseline struct {
				Profit       *struct{ Central float64 }
				ExpectedCost *struct{ Central float64 } `json:"expected_cost"`
			}
		}
	}
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/economics", nil, "Authorization", "").mustStatus(t, 200).decode(t, &econ)
	for _, st := range econ.Stages {
		if b := st.Baseline; st.Stage.Slug == "retailer" && (b.Profit == nil || b.Profit.Central != 27252 || b.ExpectedCost != nil) {
			t.Errorf("the API's retailer figures differ from the page's: %+v", b)
		}
	}
	// Filters that name nothing known are dropped: the page is the whole table, from the same entry.
	if bogus := s.do(t, "GET", "/chains/sex-trafficking?horizon=bogus&evidence=anecdote&lever=%3Cb%3E", nil, "Authorization", "").mustStatus(t, 200); bogus.Header.Get("ETag") != res.Header.Get("ETag") {
		t.Error("unknown filter values change the chain's page")
	}
	for _, path := range []string{"/chains/no-such-chain", "/tactics/NO-SUCH-1", "/tactics/%3Cscript%3E", "/countries/XX", "/countries/KE", "/countries/%3Cb%3E"} {
		res := s.do(t, "GET", path, nil, "Authorization", "").mustStatus(t, 404)
		if !strings.Contains(string(res.Body), "<h1>Page not found</h1>") {
			t.Errorf("%s: the 404 is not the pages' 404 page: %.200s", path, res.Body)
		}
		checkPage(t, path, res)
	}
	// The API keeps answering problem+json for what it does not know.
	s.do(t, "GET", "/api/v1/chains/no-such-chain", nil, "Authorization", "").problem(t, 404)

	css := s.do(t, "GET", pages.StylesheetPath, nil, "Authorization", "").mustStatus(t, 200)
	if ct := css.Header.Get("Content-Type"); ct != "text/css; charset=utf-8" {
		t.Errorf("stylesheet Content-Type = %q", ct)
	}
	s.do(t, "GET", pages.StylesheetPath, nil, "Authorization", "", "If-None-Match", css.Header.Get("ETag")).mustStatus(t, 304)
}

// checkEconomics checks the seeded chain's figures on its page, as the economics API's default
// answer gives them: every link gives its verdict or its reason, the retailer its profit and the
// penalty each conviction would need, and the penalties not recorded are named, never drawn or
// read as zero.
func checkEconomics(t *testing.T, body string) {
	t.Helper()
	row := func(slug string) string {
		_, rest, ok := strings.Cut(body, `<tr id="stage-`+slug+`"`)
		if !ok {
			t.Fatalf("no row for the stage %s", slug)
		}
		row, _, _ := strings.Cut(rest, "</th>")
		return row
	}
	retailer := row("retailer")
	for _, want := range []string{
		"Does exploitation pay at this link?",
		"Profit per victim-year (π): 27,300 USD",
		"Not recorded (unknown, not zero): fine, restitution, confiscation, prison.",
		"each conviction would have to carry a penalty of about 29 million USD",
	} {
		if !strings.Contains(retailer, want) {
			t.Errorf("the retailer's row lacks %s:\n%s", want, retailer)
		}
	}
	// Review A13 and §5: no penalty is recorded globally, so no expected penalty is drawn (no bar
	// of width 0, no "pays here"), and nothing anywhere is drawn as a bar from an arbitrary origin.
	for _, bad := range []string{"econ-bar", "pays here", "Expected penalty per victim-year (E[C]): 0 "} {
		if strings.Contains(body, bad) {
			t.Errorf("the page shows %q", bad)
		}
	}
	if !strings.Contains(body, `href="/api/v1/chains/sex-trafficking/economics"`) || !strings.Contains(body, "Figures from the input set ilo-2024-global") {
		t.Error("the page does not say which input set its figures come from")
	}
	for _, slug := range []string{"product", "wholesaler", "consumer"} {
		if r := row(slug); !strings.Contains(r, `<p class="econ-verdict">`) {
			t.Errorf("the %s row gives no verdict or reason:\n%s", slug, r)
		}
	}
	if product := row("product"); !strings.Contains(product, "Deterrence does not apply to victims") || strings.Contains(product, "<svg") {
		t.Errorf("the victim link should show what exploitation takes, without a chart:\n%s", product)
	}
}

var (
	inlineStyle  = regexp.MustCompile(`(?i)\sstyle\s*=|<style|<script|javascript:|\son[a-z]+\s*=`)
	resourceRefs = regexp.MustCompile(`(?i)<(?:link|img|script|iframe|source|video|audio|object|embed)\b[^>]*\s(?:href|src)\s*=\s*"([^"]*)"`)
	h1s          = regexp.MustCompile(`<h1[\s>]`)
)

// checkPage checks what every page must be: HTML in English, one h1, landmarks, under the pages'
// content security policy (no unsafe-inline), with no inline style or script and nothing loaded
// from another origin.
func checkPage(t *testing.T, path string, res response) {
	t.Helper()
	body := string(res.Body)
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%s: Content-Type = %q", path, ct)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if csp != pages.CSP || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("%s: Content-Security-Policy = %q, want %q", path, csp, pages.CSP)
	}
	if m := inlineStyle.FindString(body); m != "" {
		t.Errorf("%s holds inline style or script: %q", path, m)
	}
	for _, m := range resourceRefs.FindAllStringSubmatch(body, -1) {
		if !strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "//") {
			t.Errorf("%s loads %q, which is not of this origin", path, m[1])
		}
	}
	if n := len(h1s.FindAllString(body, -1)); n != 1 {
		t.Errorf("%s has %d h1 elements, want 1", path, n)
	}
	for _, want := range []string{`<html lang="en">`, "<header", "<nav", `<main id="main"`, "<footer", `href="#main"`} {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %s", path, want)
		}
	}
}

// TestPagesShowOnlyPublished checks that the pages are the anonymous view whoever asks: a draft
// shows neither in its chain's table nor on a page of its own, even to its editor; and that a
// change shows on the next read.
func TestPagesShowOnlyPublished(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var table models.ChainTable
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/table", nil).mustStatus(t, 200).decode(t, &table)
	before := s.do(t, "GET", "/chains/sex-trafficking", nil).mustStatus(t, 200)
	var draft models.Tactic
	s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": table.Stages[0].Stage.ID, "kind": "recommended", "status": "draft",
		"title": "A draft nobody may see yet", "summary": "S.", "tags": []string{"long-term"}}).mustStatus(t, 201).decode(t, &draft)
	for _, key := range []string{"editor", ""} {
		auth := ""
		if key != "" {
			auth = "Bearer " + s.Keys[key]
		}
		res := s.do(t, "GET", "/chains/sex-trafficking", nil, "Authorization", auth).mustStatus(t, 200)
		if strings.Contains(string(res.Body), draft.Title) {
			t.Errorf("the chain's page shows a draft (key %q)", key)
		}
		s.do(t, "GET", "/tactics/"+draft.Code, nil, "Authorization", auth).mustStatus(t, 404)
	}
	if after := s.do(t, "GET", "/chains/sex-trafficking", nil); string(after.Body) != string(before.Body) {
		t.Error("a draft changed the chain's page")
	}
	// Published, it shows at once.
	s.do(t, "PATCH", "/api/v1/tactics/"+draft.Code, obj{"status": "published", "version": draft.Version}).mustStatus(t, 200)
	res := s.do(t, "GET", "/chains/sex-trafficking", nil, "Authorization", "", "If-None-Match", before.Header.Get("ETag")).mustStatus(t, 200)
	if !strings.Contains(string(res.Body), draft.Title) {
		t.Error("a tactic just published is not on its chain's page")
	}
	s.do(t, "GET", "/tactics/"+draft.Code, nil, "Authorization", "").mustStatus(t, 200)
}

// TestPagesQueryCount proves the pages have no N+1: a chain's page, and the bibliography, cost as
// many SQL statements for a chain of 10 tactics as for one of 1,000, and, asked again with nothing
// changed, only the lookup of the generation.
func TestPagesQueryCount(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := context.Background()
	statementsFor := func(chainSlug string, tactics int) [2]int64 {
		t.Helper()
		makeChain(t, s, chainSlug, tactics)
		// Parameters of the model grow with the chain too: the page's figures come from them.
		for i := range tactics / 10 {
			stage := fmt.Sprintf("s%d", i%4+1)
			sym, val := []string{"profit", "p_conviction", "fine"}[i%3], []float64{1000, 0.01, 500}[i%3]
			in := &models.ParameterInput{Slug: fmt.Sprintf("%s-p%d", chainSlug, i), Symbol: sym, InputSet: "page-set",
				Central: ptr(val * float64(i+1) / float64(i+2)), Geography: models.Global, Period: fmt.Sprint(2000 + i%20),
				Chain: &chainSlug, Stage: &stage, Estimate: "reported"}
			if sym != "p_conviction" {
				in.Currency, in.PriceYear = "USD", ptr(2019)
			}
			if sym == "fine" {
				in.Basis = "imposed"
			}
			_, err := s.Store.CreateParameter(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
		}
		before := s.Store.Statements()
		res := s.do(t, "GET", "/chains/"+chainSlug, nil, "Authorization", "").mustStatus(t, 200)
		cold := s.Store.Statements() - before
		// Four cells of tactics, each cut to the default per_cell.
		if got, want := strings.Count(string(res.Body), `<a href="/tactics/`), min(tactics, 4*models.DefaultPerCell); got != want {
			t.Fatalf("the page of %s links %d tactics, want %d", chainSlug, got, want)
		}
		// A link is charted when its profit and expected penalty are both known: each of the four
		// stages gets a profit, a conviction rate and a fine once there are 12 parameters or more.
		wantCharts := 0
		if tactics/10 >= 12 {
			wantCharts = 4
		}
		if got := strings.Count(string(res.Body), `<svg class="econ-chart"`); got != wantCharts {
			t.Errorf("the page of %s has %d charts of its links' figures, want %d", chainSlug, got, wantCharts)
		}
		before = s.Store.Statements()
		s.do(t, "GET", "/chains/"+chainSlug, nil, "Authorization", "").mustStatus(t, 200)
		if warm := s.Store.Statements() - before; warm != 1 {
			t.Errorf("the page of %s from memory ran %d statements, want 1", chainSlug, warm)
		}
		// The bibliography reads where each source is cited, a fixed number of statements too.
		before = s.Store.Statements()
		s.do(t, "GET", "/sources", nil, "Authorization", "").mustStatus(t, 200)
		sources := s.Store.Statements() - before
		before = s.Store.Statements()
		s.do(t, "GET", "/sources", nil, "Authorization", "").mustStatus(t, 200)
		if warm := s.Store.Statements() - before; warm != 1 {
			t.Errorf("/sources from memory ran %d statements, want 1", warm)
		}
		return [2]int64{cold, sources}
	}
	small := statementsFor("small-chain", 10)
	large := statementsFor("large-chain", 1000)
	if small != large || small[0] < 2 || small[1] < 2 {
		t.Errorf("statements for a chain's page and the sources': %v at 10 tactics, %v at 1,000; want equal", small, large)
	}
}

// TestChainPageCap checks that a cell of the chain page shows at most the table's default
// per_cell tactics, and says how many more there are with a link to the whole list.
func TestChainPageCap(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	makeChain(t, s, "page-cap", 4*(models.DefaultPerCell+5)) // four cells of DefaultPerCell+5
	var table models.ChainTable
	s.do(t, "GET", "/api/v1/chains/page-cap/table", nil).mustStatus(t, 200).decode(t, &table)
	body := string(s.do(t, "GET", "/chains/page-cap", nil, "Authorization", "").mustStatus(t, 200).Body)
	if got := strings.Count(body, `<a href="/tactics/`); got != 4*models.DefaultPerCell {
		t.Errorf("the page links %d tactics, want %d", got, 4*models.DefaultPerCell)
	}
	for i, row := range table.Stages {
		kind := map[bool]string{true: "recommended", false: "current"}[i%2 == 0]
		link := fmt.Sprintf(`<p class="more"><a href="/api/v1/tactics?kind=%s&amp;sort=position&amp;stage=%d">and 5 more, in the full list (JSON)</a></p>`, kind, row.Stage.ID)
		if !strings.Contains(body, link) {
			t.Errorf("stage %s: no %s in the page", row.Stage.Slug, link)
		}
	}
	// A filter narrows the link as it narrows the cell.
	body = string(s.do(t, "GET", "/chains/page-cap?horizon=short-term&lever=raise-exploiter-risk", nil, "Authorization", "").mustStatus(t, 200).Body)
	want := fmt.Sprintf(`href="/api/v1/tactics?horizon=short-term&amp;kind=recommended&amp;sort=position&amp;stage=%d&amp;tag=raise-exploiter-risk"`, table.Stages[0].Stage.ID)
	if !strings.Contains(body, want) {
		t.Errorf("filtered page: no %s", want)
	}
}

// TestSourcesPageCap checks that the bibliography names at most 50 of the tactics citing a source,
// in the order of their chain's table, and links to the source's JSON for the rest.
func TestSourcesPageCap(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := context.Background()
	if _, err := s.Store.CreateSource(ctx, &models.SourceInput{Slug: "much-cited", Title: "A much cited work", Type: models.SourceGrey}); err != nil {
		t.Fatal(err)
	}
	makeChain(t, s, "citing", 4)
	var table models.ChainTable
	s.do(t, "GET", "/api/v1/chains/citing/table", nil).mustStatus(t, 200).decode(t, &table)
	cite := func(n int) {
		for i := range n {
			_, err := s.Store.CreateTactic(ctx, &models.TacticInput{StageID: &table.Stages[0].Stage.ID, Kind: models.KindRecommended,
				Status: models.StatusPublished, Title: fmt.Sprintf("Citing tactic %d", i), Summary: "S.",
				Citations: []models.Citation{{Source: "much-cited", Supports: "supports"}}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	entry := func() string {
		body := string(s.do(t, "GET", "/sources", nil, "Authorization", "").mustStatus(t, 200).Body)
		_, rest, ok := strings.Cut(body, `id="src-much-cited"`)
		if !ok {
			t.Fatal("the source is not in the bibliography")
		}
		entry, _, _ := strings.Cut(rest, "</li>")
		return entry
	}
	const more = `<a href="/api/v1/sources/much-cited">and more tactics, in the full list (JSON)</a>`
	cite(50)
	if e := entry(); strings.Count(e, `href="/tactics/`) != 50 || strings.Contains(e, more) {
		t.Errorf("cited by 50 tactics: %d named, more link %t; want all 50 and no link", strings.Count(e, `href="/tactics/`), strings.Contains(e, more))
	}
	cite(1)
	e := entry()
	if strings.Count(e, `href="/tactics/`) != 50 || !strings.Contains(e, more) {
		t.Errorf("cited by 51 tactics: %d named, more link %t; want 50 and the link", strings.Count(e, `href="/tactics/`), strings.Contains(e, more))
	}
	// The first 50 made, in the order of the stage's row (by position): 0 to 49, not the 51st.
	if i, j := strings.Index(e, "Citing tactic 0<"), strings.Index(e, "Citing tactic 49<"); i < 0 || j < i || strings.Contains(e, "Citing tactic 50<") {
		t.Errorf("the named tactics are not the first 50 in order:\n%.600s", e)
	}
}

// TestPagesShowChecks: the bibliography says for each source whether and how it was checked, and a
// tactic's page names its best-checked source, or says that none of its sources was read in full
// or at the cited passage (issue 24, issue 25 item 20).
func TestPagesShowChecks(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := context.Background()
	on, _ := models.ParseDate("2026-12-01")
	for _, in := range []*models.SourceInput{
		{Slug: "zz-abstract-only", Title: "Read only in abstract", Type: models.SourceGrey,
			Check: &models.SourceCheck{Reading: models.ReadingAbstract, On: &on, By: "An editor", Passage: "the abstract page"}},
		{Slug: "zz-passage-read", Title: "Read at the passage", Type: models.SourceGrey, Authors: []string{"Zedd, Ann"},
			Check: &models.SourceCheck{Reading: models.ReadingExcerpt, On: &on, By: "An editor", Passage: "pp. 4-5 of the report"}},
	} {
		if _, err := s.Store.CreateSource(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	makeChain(t, s, "checks", 1)
	var table models.ChainTable
	s.do(t, "GET", "/api/v1/chains/checks/table", nil).mustStatus(t, 200).decode(t, &table)
	tactic := func(title string, sources ...string) string {
		in := &models.TacticInput{StageID: &table.Stages[0].Stage.ID, Kind: models.KindRecommended, Status: models.StatusPublished,
			Title: title, Summary: "S."}
		for _, src := range sources {
			in.Citations = append(in.Citations, models.Citation{Source: src, Supports: "supports"})
		}
		tc, err := s.Store.CreateTactic(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return tc.Code
	}
	both := tactic("Cites both", "zz-abstract-only", "zz-passage-read")
	weak := tactic("Cites the abstract only", "zz-abstract-only")

	body := string(s.do(t, "GET", "/tactics/"+both, nil, "Authorization", "").mustStatus(t, 200).Body)
	if !strings.Contains(body, `Best-checked source:</span> <a href="/sources#src-zz-passage-read">Zedd</a>, the cited passage read (verified) on 2026-12-01.`) {
		t.Errorf("%s does not name its best-checked source:\n%s", both, body)
	}
	// Its list of sources says of each whether it was checked.
	for _, want := range []string{
		`<cite>Read only in abstract</cite> <span class="mark unverified">only its abstract or summary read (not verified)</span>`,
		`<cite>Read at the passage</cite> <span class="mark verified">the cited passage read (verified)</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("%s's sources do not say %s", both, want)
		}
	}
	body = string(s.do(t, "GET", "/tactics/"+weak, nil, "Authorization", "").mustStatus(t, 200).Body)
	if !strings.Contains(body, "None of its sources has been read in full or at the cited passage.") || strings.Contains(body, "Best-checked source") {
		t.Errorf("%s claims a checked source", weak)
	}
	body = string(s.do(t, "GET", "/sources", nil, "Authorization", "").mustStatus(t, 200).Body)
	for slug, want := range map[string]string{
		"zz-abstract-only": "only its abstract or summary read (not verified) on 2026-12-01 by An editor: the abstract page",
		"zz-passage-read":  "the cited passage read (verified) on 2026-12-01 by An editor: pp. 4-5 of the report",
	} {
		_, rest, ok := strings.Cut(body, `id="src-`+slug+`"`)
		entry, _, _ := strings.Cut(rest, "</li>")
		if !ok || !strings.Contains(entry, want) {
			t.Errorf("bibliography entry of %s does not say %q:\n%s", slug, want, entry)
		}
	}
	// The seed's own bibliography says it too.
	if !strings.Contains(body, "read in full (verified) on 2026-11-29") {
		t.Error("no seeded source shows its full-text reading")
	}
}

// TestFavicon checks that /favicon.ico, which browsers ask for on every site, is an icon, cached
// for a day and revalidated by its ETag, not a 404.
func TestFavicon(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	res := s.do(t, "GET", "/favicon.ico", nil, "Authorization", "").mustStatus(t, 200)
	if ct := res.Header.Get("Content-Type"); ct != "image/x-icon" {
		t.Errorf("Content-Type = %q, want image/x-icon", ct)
	}
	// An ICO: reserved 0, type 1, at least one image.
	if b := res.Body; len(b) < 22 || b[0] != 0 || b[1] != 0 || b[2] != 1 || b[3] != 0 || b[4] == 0 {
		t.Errorf("the body is not an ICO file: % x", res.Body[:min(len(res.Body), 8)])
	}
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=86400" {
		t.Errorf("Cache-Control = %q, want public, max-age=86400", cc)
	}
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	s.do(t, "GET", "/favicon.ico", nil, "Authorization", "", "If-None-Match", etag).mustStatus(t, 304)
}

// The countries' pages: the table in the comparison's order with a ranked plot of the statutes
// that reads without script, and India's page with Kara's 2009 illustration, its inputs named,
// beside today's figures.
func TestCountryPages(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	body := string(s.do(t, "GET", "/countries?chain=sex-trafficking&sort=name", nil, "Authorization", "").mustStatus(t, 200).Body)
	for _, want := range []string{`<svg class="statute-plot"`, `<caption>`, `<th scope="col"`, `href="/api/v1/chains/sex-trafficking/countries.csv?sort=name"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/countries does not hold %s", want)
		}
	}
	// Rows in the comparison's order (by name: Albania before Bangladesh before Brazil).
	a, b, c := strings.Index(body, `id="country-AL"`), strings.Index(body, `id="country-BD"`), strings.Index(body, `id="country-BR"`)
	if a < 0 || !(a < b && b < c) {
		t.Errorf("rows out of order by name: AL at %d, BD at %d, BR at %d", a, b, c)
	}
	// The plot names every country with a prison term, as text.
	plot, _, _ := strings.Cut(body[strings.Index(body, `<svg class="statute-plot"`):], "</svg>")
	if !strings.Contains(plot, ">India</text>") || strings.Count(plot, `class="plot-label"`) < 15 {
		t.Errorf("the plot labels %d countries (India: %t)", strings.Count(plot, `class="plot-label"`), strings.Contains(plot, ">India</text>"))
	}

	in := string(s.do(t, "GET", "/countries/IN", nil, "Authorization", "").mustStatus(t, 200).Body)
	_, st, _ := strings.Cut(in, `id="risk-sex-trafficking"`)
	kara := strings.Index(st, "Input set kara-2009-india")
	today := strings.Index(st, "today&#39;s figures")
	if kara < 0 || today < 0 || kara > today {
		t.Errorf("India's page: Kara's 2009 set at %d, today's figures at %d; want both, Kara's first", kara, today)
	}
	for _, want := range []string{"st-profit-in-2009", "st-fine-in-2009", "12,900", "Bharatiya Nyaya Sanhita", `href="/tactics/`} {
		if !strings.Contains(in, want) {
			t.Errorf("India's page does not hold %s", want)
		}
	}
}
