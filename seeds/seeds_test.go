package seeds_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
	"chainkb/seeds"
)

var editor = models.WithPrincipal(context.Background(), models.Principal{Name: "test", Role: models.RoleEditor})

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openSeeded(t *testing.T) *store.Store {
	t.Helper()
	st := openStore(t, filepath.Join(t.TempDir(), "seed.db"))
	if _, err := seeds.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return st
}

func bundle(t *testing.T) *store.Bundle {
	t.Helper()
	bs, err := seeds.Bundles()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		return b
	}
	t.Fatal("no seed bundle")
	return nil
}

// horizonExceptions are the recommended tactics whose horizon follows their author's own
// classification rather than their link's position: Kara counts credit for the poor among his slow,
// supply-side remedies (content audit of issue 24).
var horizonExceptions = map[string]string{"FL-K-R01": "long-term"}

// TestSeedShape checks what the knowledge base promises its readers, per chain: its links in order,
// and at each link at least the number of current efforts and recommended tactics the content plan
// asks for (sex trafficking 4 and 6, forced labour 2 and 3); and the horizon rule of the source:
// a recommended tactic carries exactly one horizon tag, long-term at the chain's first link (the
// supply of vulnerable people), short-term at every other; current efforts and conditions none.
func TestSeedShape(t *testing.T) {
	t.Parallel()
	st := openSeeded(t)
	for _, c := range []struct {
		chain                string
		stages               []string
		current, recommended int
	}{
		{"sex-trafficking", []string{"product", "wholesaler", "retailer", "consumer"}, 4, 6},
		{"forced-labour", []string{"worker", "creditor", "recruiter", "employer", "buyer", "consumer"}, 2, 3},
	} {
		table, err := st.ChainTable(editor, c.chain, "", models.MaxPerCell)
		if err != nil {
			t.Fatalf("%s: %v", c.chain, err)
		}
		var slugs []string
		for i, row := range table.Stages {
			slugs = append(slugs, row.Stage.Slug)
			if len(row.Current) < c.current || len(row.Recommended) < c.recommended {
				t.Errorf("%s/%s: %d current, %d recommended; want at least %d and %d", c.chain, row.Stage.Slug,
					len(row.Current), len(row.Recommended), c.current, c.recommended)
			}
			want := "short-term"
			if i == 0 {
				want = "long-term"
			}
			horizon := func(code string) string {
				if h, ok := horizonExceptions[code]; ok {
					return h
				}
				return want
			}
			for _, kind := range [][]models.Tactic{row.Current, row.Recommended, row.Conditions} {
				for _, tc := range kind {
					var horizons []string
					for _, tag := range tc.Tags {
						if tag.Group == models.HorizonGroup {
							horizons = append(horizons, tag.Slug)
						}
					}
					switch {
					case tc.Kind == models.KindRecommended && !slices.Equal(horizons, []string{horizon(tc.Code)}):
						t.Errorf("%s %s (%s/%s): horizon tags %v, want [%s]", tc.Code, tc.Title, c.chain, row.Stage.Slug, horizons, horizon(tc.Code))
					case tc.Kind != models.KindRecommended && len(horizons) > 0:
						t.Errorf("%s (%s): a %s carries horizon tags %v", tc.Code, c.chain, tc.Kind, horizons)
					}
				}
			}
		}
		if !slices.Equal(slugs, c.stages) {
			t.Errorf("%s: stages %v, want %v", c.chain, slugs, c.stages)
		}
	}
}

// TestSeedSources checks the bibliography and the citations: every tactic cites a source and every
// source is cited; no work is in twice (same DOI, URL, or title and year); URLs are http(s);
// quotations are at most 40 words; a contested tactic carries both positions; codes are unique;
// relations join tactics that exist; every tactic has its attribution, evidence, scope and review
// (and, but for conditions, the actors who carry it out).
func TestSeedSources(t *testing.T) {
	t.Parallel()
	b := bundle(t)
	cited := map[string]bool{}
	cite := func(where string, cs []models.Citation) {
		for _, c := range cs {
			cited[c.Source] = true
			if models.CountWords(c.Quote) > models.MaxQuoteWords {
				t.Errorf("%s: a quotation of %d words", where, models.CountWords(c.Quote))
			}
		}
	}
	codes := map[string]bool{}
	for _, tc := range b.Tactics {
		if codes[tc.Code] {
			t.Errorf("code %s twice", tc.Code)
		}
		codes[tc.Code] = true
		if len(tc.Citations) == 0 {
			t.Errorf("%s cites no source", tc.Code)
		}
		if tc.Attribution == "" || tc.Evidence == nil || tc.Review == nil || len(tc.Jurisdictions) == 0 {
			t.Errorf("%s: attribution, evidence, review and jurisdictions must all be filled in", tc.Code)
		}
		if len(tc.Actors) == 0 && tc.Kind != models.KindCondition { // a condition is a state of the world: nobody carries it out
			t.Errorf("%s: who carries it out (actors) is not said", tc.Code)
		}
		cite(tc.Code, tc.Citations)
		contested := false
		for _, c := range tc.Caveats {
			cite(tc.Code+" caveat", c.Citations)
			contested = contested || c.Type == models.CaveatContested
		}
		stances := map[string]bool{}
		for _, p := range tc.Positions {
			cite(tc.Code+" position", p.Citations)
			stances[p.Stance] = true
			if len(p.Citations) == 0 {
				t.Errorf("%s: a position without a source", tc.Code)
			}
		}
		if contested && !(stances["for"] && stances["against"]) {
			t.Errorf("%s is contested without a position for and one against", tc.Code)
		}
		for _, a := range tc.ActsOn {
			cite(tc.Code+" acts_on", a.Citations)
		}
	}
	for _, c := range b.Chains {
		cite(c.Slug, c.Citations)
	}
	for _, s := range b.Stages {
		cite(s.Slug, s.Citations)
	}
	for _, tg := range b.Tags {
		cite(tg.Slug, tg.Citations)
	}
	for _, pm := range b.Parameters {
		cite(pm.Slug, pm.Citations)
	}
	for i := range b.Countries {
		// A country's every penalty, enforcement year and ratification names its source.
		c := &b.Countries[i]
		for _, ref := range c.CitationRefs() {
			cited[ref.Source] = true
		}
		if len(c.Penalties) == 0 {
			t.Errorf("country %s: no statutory penalty with its source", c.ISO)
		}
	}
	for _, r := range b.Relations {
		if !codes[r.From] || !codes[r.To] {
			t.Errorf("relation %s %s %s joins a tactic that is not in the seed", r.From, r.Type, r.To)
		}
	}
	seen := map[string]string{}
	for _, s := range b.Sources {
		if !cited[s.Slug] {
			t.Errorf("source %s is cited nowhere", s.Slug)
		}
		delete(cited, s.Slug)
		for _, u := range []string{s.URL, s.ArchivedURL} {
			if u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
				t.Errorf("source %s: URL %q is not http(s)", s.Slug, u)
			}
		}
		keys := []string{"url " + strings.TrimRight(strings.ToLower(s.URL), "/"), "doi " + strings.ToLower(s.DOI)}
		if s.Year != nil {
			keys = append(keys, "title "+strings.ToLower(strings.Join(strings.Fields(s.Title), " "))+" "+itoa(*s.Year))
		}
		for _, k := range keys {
			if k == "url " || k == "doi " {
				continue
			}
			if other, ok := seen[k]; ok {
				t.Errorf("sources %s and %s are the same work (%s)", other, s.Slug, k)
			}
			seen[k] = s.Slug
		}
	}
	for slug := range cited {
		t.Errorf("%s is cited but is not a source of the seed", slug)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestOwnWords: facts carry over, sentences do not. No run of eight words of the seed's prose
// (quotations, titles of works and other bibliographic fields aside) may stand in the reference
// material the content was written from (shared/reference beside the checkout).
func TestOwnWords(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "shared", "reference")
	refs, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(refs) == 0 {
		t.Skipf("no reference material at %s (it lies beside the checkout in CI)", dir)
	}
	ref := map[string]bool{}
	for _, f := range refs {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w := words(string(raw))
		for i := 0; i+8 <= len(w); i++ {
			ref[strings.Join(w[i:i+8], " ")] = true
		}
	}
	var doc map[string]any
	raw, err := os.ReadFile(filepath.Join("data", "kb.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	eachProse(doc, "", func(path, text string) {
		w := words(text)
		for i := 0; i+8 <= len(w); i++ {
			if run := strings.Join(w[i:i+8], " "); ref[run] {
				t.Errorf("%s repeats the reference material word for word: %q", path, run)
				return
			}
		}
	})
}

// TestVoice: in chainkb's own voice the people exploited are victims or survivors. "Slave" may
// appear only where a sentence names Kara's commercial vocabulary as his, in quotations and in the
// titles of works.
func TestVoice(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("data", "kb.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	slave := regexp.MustCompile(`(?i)\bslaves?\b`)
	eachProse(doc, "", func(path, text string) {
		for _, sentence := range regexp.MustCompile(`[.!?]\s`).Split(text, -1) {
			if slave.MatchString(sentence) && !strings.Contains(sentence, "Kara") {
				t.Errorf("%s says %q in our own voice: %q", path, slave.FindString(sentence), sentence)
			}
		}
	})
}

var wordPattern = regexp.MustCompile(`[a-z0-9]+`)

func words(s string) []string { return wordPattern.FindAllString(strings.ToLower(s), -1) }

// eachProse calls f with every string of the seed written in our own words: not quotations, not
// URLs, slugs or codes, and not what describes a source (its title, authors and container are the
// work's own).
func eachProse(v any, path string, f func(path, text string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			switch k {
			case "quote", "url", "archived_url", "doi", "slug", "source", "code", "chain", "stage", "from", "to",
				"authors", "container", "language", "accessed_on", "verified", "symbol", "reading", "on":
				continue
			case "title":
				if strings.HasPrefix(path, "/sources/") {
					continue
				}
			}
			eachProse(child, path+"/"+k, f)
		}
	case []any:
		for i, child := range x {
			eachProse(child, path+"/"+itoa(i), f)
		}
	case string:
		f(path, x)
	}
}

// TestUpgradeFromV1 opens a database made by chainkb 1 (its seed, then an editor's work: tactic 5
// edited, tactic 20 deleted, tactic 33 added, the long-term tag edited) and loads this seed: what
// is still as seeded becomes the new content, what editors changed or deleted stays as they left
// it, and the new chain arrives. A second load does nothing.
func TestUpgradeFromV1(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "chainkb.db")
	copyFile(t, filepath.Join("..", "internal", "store", "testdata", "v1-release.db"), path)
	st := openStore(t, path)
	deleted20, err := st.Revisions(editor, models.EntityTactic, "20", models.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	applied, err := seeds.Load(context.Background(), st)
	if err != nil || len(applied) != 1 {
		t.Fatalf("upgrade: applied %v, %v", applied, err)
	}
	preds, err := seeds.Predecessors()
	if err != nil {
		t.Fatal(err)
	}
	codeOf := map[string]string{} // v1 title -> code
	for code, titles := range preds {
		codeOf[titles[0]] = code
	}

	// Still as seeded: now the new content under its code, same id.
	one, err := st.Tactic(editor, 1)
	if err != nil {
		t.Fatal(err)
	}
	b := bundle(t)
	want := map[string]store.BundleTactic{}
	for _, tc := range b.Tactics {
		want[tc.Code] = tc
	}
	if w, ok := want[one.Code]; !ok || one.Title != w.Title || one.Version < 3 || len(one.Citations) == 0 {
		t.Errorf("tactic 1 after the upgrade: %s %q v%d; want the seed's %q (updated, with citations)", one.Code, one.Title, one.Version, w.Title)
	}
	// Edited by an editor: left as it is, under its placeholder code.
	five, err := st.Tactic(editor, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(five.Title, "edited by an editor") || !strings.HasPrefix(five.Code, models.PlaceholderCodePrefix) {
		t.Errorf("tactic 5, edited by an editor: %s %q; want it left as the editor left it", five.Code, five.Title)
	}
	// Deleted by an editor: stays deleted, and its successor is not added.
	if _, err := st.Tactic(editor, 20); !models.IsKind(err, models.KindNotFound) {
		t.Errorf("tactic 20, deleted by an editor: %v; want it still deleted", err)
	}
	var title20 struct{ Title string }
	for _, r := range deleted20.Items {
		if r.Action == models.ActionCreate {
			json.Unmarshal(r.Data, &title20)
		}
	}
	if code := codeOf[title20.Title]; code == "" {
		t.Errorf("tactic 20 (%q) has no successor in the predecessor map", title20.Title)
	} else if id, err := st.TacticID(editor, code); err == nil {
		t.Errorf("tactic 20 was deleted by an editor, yet its successor %s came in as tactic %d", code, id)
	}
	// Made by an editor: untouched.
	if tc, err := st.Tactic(editor, 33); err != nil || tc.Title != "An editor-made tactic" || len(tc.Citations) != 2 {
		t.Errorf("tactic 33, made by an editor: %+v, %v; want it as made, its two references now citations", tc, err)
	}
	// The edited tag keeps the editor's text.
	if tag, err := st.Tag(editor, "long-term"); err != nil || tag.Description != "Edited tag description." {
		t.Errorf("tag long-term, edited by an editor: %+v, %v", tag, err)
	}
	// The second chain arrives.
	if _, err := st.ChainTable(editor, "forced-labour", "", 0); err != nil {
		t.Errorf("forced-labour chain after the upgrade: %v", err)
	}
	// Once only.
	if again, err := seeds.Load(context.Background(), st); err != nil || len(again) != 0 {
		t.Errorf("second load: %v, %v; want nothing", again, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err == nil {
		err = os.WriteFile(to, b, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}
