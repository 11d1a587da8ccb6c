package pages

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"chainkb/internal/countries"
	"chainkb/internal/economics"
	"chainkb/internal/inforce"
	"chainkb/internal/store"
	"chainkb/models"
)

// TestTemplatesHoldNoText checks that every word a page shows comes from the catalogue: a
// template without its actions and its markup holds no letters, and no attribute that people
// read (aria-label, title, alt, placeholder, data-label) has a literal value.
func TestTemplatesHoldNoText(t *testing.T) {
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tags := regexp.MustCompile(`<[^>]*>`)
	entities := regexp.MustCompile(`&[a-z]+;`)
	attrs := regexp.MustCompile(`\s(?:aria-label|title|alt|placeholder|data-label)="([^"]*)"`)
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("templates: %v %v", names, err)
	}
	for _, name := range names {
		src, _ := files.ReadFile(name)
		for _, m := range attrs.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasPrefix(m[1], "{{") {
				t.Errorf("%s: attribute with literal text %q", name, m[0])
			}
		}
		rest := actions.ReplaceAllString(string(src), "")
		rest = entities.ReplaceAllString(tags.ReplaceAllString(rest, ""), "")
		for _, line := range strings.Split(rest, "\n") {
			if strings.ContainsFunc(line, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }) {
				t.Errorf("%s: text outside the catalogue: %q", name, strings.TrimSpace(line))
			}
		}
	}
}

// TestCatalogueCoversVocabularies checks that each value of each vocabulary the pages show has
// its message, so that no content the seed lacks can break a page; and that every language has
// the ids English has.
func TestCatalogueCoversVocabularies(t *testing.T) {
	want := []string{}
	add := func(prefix string, values ...string) {
		for _, v := range values {
			want = append(want, prefix+v)
		}
	}
	add("evidence.", models.EvidenceLevels...)
	add("filter.evidence.", models.EvidenceLevels[1:]...)
	add("actor.", models.Actors...)
	add("source-type.", models.SourceTypes...)
	add("side.", models.SideSupply, models.SideDemand)
	add("kind.", models.KindCurrent, models.KindRecommended, models.KindCondition)
	add("caveat.", models.CaveatHarm, models.CaveatContested, models.CaveatDataQuality, models.CaveatScope)
	add("attribution.", models.AttributionKara, models.AttributionKaraReading, models.AttributionOther, models.AttributionEditorial)
	add("review.", models.ReviewDraft, models.ReviewExpertChecked, models.ReviewSurvivorReviewed)
	add("evaluation.", "unevaluated", "process", "outcome", "impact")
	add("effect.", "positive", "mixed", "none", "negative", "unknown")
	add("cost.", "low", "medium", "high")
	add("acts.", "raises", "lowers")
	// The symbols a tactic's acts_on may name (those of a link), and the chain's, so that a new one
	// needs its message.
	for _, s := range economics.Symbols() {
		if s.Scope != economics.ScopeReference {
			add("symbol.", string(s.Symbol))
		}
	}
	add("reading.", models.Readings...)
	relations := []string{models.RelationComplements, models.RelationPrerequisiteOf, models.RelationConflictsWith, models.RelationDuplicates, models.RelationSupersedes, models.RelationAddresses}
	add("relation.out.", relations...)
	add("relation.in.", relations...)
	for _, p := range filterParams {
		want = append(want, "filter."+p)
	}
	for lang, msgs := range catalogue {
		for _, id := range want {
			if _, ok := msgs[id]; !ok {
				t.Errorf("%s: no message %q", lang, id)
			}
		}
		for id := range english {
			if _, ok := msgs[id]; !ok {
				t.Errorf("%s: no message %q, which English has", lang, id)
			}
		}
	}
}

// TestRenderEmpty renders every page from an empty knowledge base: a new installation's pages
// must work too.
func TestRenderEmpty(t *testing.T) {
	p := New(nil)
	s := newSite(&store.Outline{})
	for name, data := range map[string]any{
		"home":      homeData{Chains: s.chains},
		"sources":   sourcesData{Groups: s.bibliography(nil)},
		"notfound":  notFoundData{},
		"chain":     newChainData(s, &chainView{Chain: models.Chain{Slug: "empty", Name: "Empty"}}, &models.ChainTable{}, filters{}),
		"countries": countriesData{},
		"country":   newCountryData(&countries.Profile{Country: models.Country{ISO: "KE", Name: "Kenya"}}),
	} {
		if _, err := p.render(name, data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestStylesheetMedia checks the stylesheet's media rules: the phone layout (rows as blocks) is
// for screens only, so that printing from a narrow window gives the print layout, not the phone
// one (ten pages of blocks); and the phone layout makes the caption a block, which left a table
// caption inside a block table shrinks to one or two words a line.
func TestStylesheetMedia(t *testing.T) {
	css, err := files.ReadFile("static/pages.css")
	if err != nil {
		t.Fatal(err)
	}
	media := regexp.MustCompile(`@media\s+([^{]+)\{`)
	phone := ""
	for _, m := range media.FindAllSubmatchIndex(css, -1) {
		query := strings.TrimSpace(string(css[m[2]:m[3]]))
		if !strings.Contains(query, "max-width") {
			continue
		}
		if !strings.HasPrefix(query, "screen and ") {
			t.Errorf("@media %s applies to print too; want screen and (...)", query)
		}
		// The rule's body: up to the first "}" at the start of a line.
		body := string(css[m[1]:])
		if i := strings.Index(body, "\n}"); i >= 0 {
			body = body[:i]
		}
		if strings.Contains(body, "table.chain tr") {
			phone = body
		}
	}
	if phone == "" {
		t.Fatal("no phone rule for the chain table")
	}
	if !regexp.MustCompile(`table\.chain caption\s*\{[^}]*display:\s*block`).MatchString(phone) {
		t.Error("the phone rule leaves the table's caption a table-caption, which shrinks to its longest word")
	}
}

// The statute plot draws every line inside its axis: a maximum of life with no minimum is the
// arrow alone, never a line from the page's edge.
func TestStatutePlotInsideAxis(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	rows := []inforce.ComparisonRow{
		{ISO: "GB", Name: "United Kingdom", Statute: &models.Penalty{LifeOrDeath: true}},
		{ISO: "IN", Name: "India", Statute: &models.Penalty{LifeOrDeath: true, PrisonMinYears: f(10)}},
		{ISO: "DE", Name: "Germany", Statute: &models.Penalty{PrisonMinYears: f(0.5), PrisonMaxYears: f(10)}},
		{ISO: "NG", Name: "Nigeria", Statute: &models.Penalty{PrisonMinYears: f(7)}},
	}
	p := newStatutePlot(rows)
	if got := []string{p.Rows[0].Label, p.Rows[1].Label, p.Rows[2].Label, p.Rows[3].Label}; got[0] != "India" || got[1] != "United Kingdom" || got[2] != "Germany" || got[3] != "Nigeria" {
		t.Errorf("ranked %v; want life with the longer minimum first, then life, then the longest maximum", got)
	}
	for _, r := range p.Rows {
		if r.X1 < p.Left || r.X2 > p.Right || r.X1 > r.X2 {
			t.Errorf("%s: line from %v to %v outside the axis %v-%v", r.Label, r.X1, r.X2, p.Left, p.Right)
		}
	}
}
