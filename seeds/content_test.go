package seeds_test

// Content rules that keep the knowledge base honest (issue 24): nothing of how it was built shows
// in public text, chainkb's own voice does not treat people as goods, every money amount says its
// year, every source records what was read of it, every condition is answered by a tactic, and no
// tactic claims a review it did not have.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"chainkb/models"
)

// seedProse calls f with every sentence of the seed written in our own words (see eachProse), with
// the JSON path of the string it comes from.
func seedProse(t *testing.T, f func(path, sentence string)) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("data", "kb.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	eachProse(doc, "", func(path, text string) {
		for _, s := range sentences(text) {
			f(path, s)
		}
	})
}

// sentences splits text where a sentence ends: after . ! or ? and a space, but not after the
// abbreviations our prose uses for sections, pages and articles ("s. 18", "pp. 27-30").
func sentences(text string) []string {
	protected := abbreviations.ReplaceAllStringFunc(text, func(m string) string { return strings.ReplaceAll(m, ". ", ".\u00a0") })
	return sentenceEnd.Split(protected, -1)
}

var (
	abbreviations = regexp.MustCompile(`\b(s|ss|p|pp|para|paras|Art|Arts|No|v|e\.g|i\.e|cf|Dr|St)\. `)
	sentenceEnd   = regexp.MustCompile(`[.!?]\s`)
)

// buildNotes are words that only the people building the knowledge base would write.
var buildNotes = regexp.MustCompile(`(?i)\bthe seed\b|content[- ]review|shared review|this helper|\bTODO\b|\bFIXME\b|\bXXX\b|\[(NV|V|S)\]|when the fragments|this session`)

// TestNoBuildNotes: readers see the knowledge base, not the notes of the people who built it.
func TestNoBuildNotes(t *testing.T) {
	t.Parallel()
	seedProse(t, func(path, s string) {
		if m := buildNotes.FindString(s); m != "" {
			t.Errorf("%s holds a build note (%q): %q", path, m, s)
		}
	})
}

// commodifying are phrases that speak of people as goods. In chainkb's own voice they are not
// used; a sentence that reports Kara's commercial vocabulary names him.
var commodifying = []string{
	"cheap to acquire", "cheaply acquired", "bondable", "supply pool", "pool of people", "people who can be bonded",
	"buy a worker", "revenue stream from each person", "acquiring a documented", "acquires another person",
	"replaces the person", "dearer to acquire", "acquisition is cheap",
}

func TestNoCommodifyingPhrases(t *testing.T) {
	t.Parallel()
	seedProse(t, func(path, s string) {
		low := strings.ToLower(s)
		for _, p := range commodifying {
			if strings.Contains(low, p) && !strings.Contains(s, "Kara") {
				t.Errorf("%s says %q in our own voice: %q", path, p, s)
			}
		}
	})
}

// money finds an amount of money in prose: a currency sign or code next to a number.
var money = regexp.MustCompile(`(US\$|\$|€|£|₹|\b(USD|EUR|GBP|INR)\s?|\bRs\.?\s?)[0-9][0-9,.]*`)

// year is a calendar year, which tells the reader which year's prices an amount is in.
var year = regexp.MustCompile(`\b(19|20)[0-9]{2}\b`)

// TestAmountsHaveYears: a sentence that gives an amount of money also gives its year, so that
// amounts from different years are not compared as if prices had stood still; a cost in evidence
// has its currency and price year.
func TestAmountsHaveYears(t *testing.T) {
	t.Parallel()
	seedProse(t, func(path, s string) {
		if money.MatchString(s) && !year.MatchString(s) {
			t.Errorf("%s gives %q without a year: %q", path, money.FindString(s), s)
		}
	})
	for _, tc := range bundle(t).Tactics {
		if c := tc.Evidence.Cost; c != nil && c.Amount != nil && (c.Currency == "" || c.Year == 0) {
			t.Errorf("%s: a cost of %v without its currency and price year", tc.Code, *c.Amount)
		}
	}
}

// TestSourceReadings: every source records what was read of it, when and by whom; only a source
// read in full or at the cited passage counts as verified, and a verified source can be found
// again (its URL or DOI, or where no official address was found, an archived copy).
func TestSourceReadings(t *testing.T) {
	t.Parallel()
	counts := map[string]int{}
	for _, s := range bundle(t).Sources {
		c := s.Check
		if c == nil {
			t.Errorf("source %s records no check", s.Slug)
			continue
		}
		counts[c.Reading]++
		if !slices.Contains(models.Readings, c.Reading) {
			t.Errorf("source %s: reading %q", s.Slug, c.Reading)
		}
		if strings.TrimSpace(c.Passage) == "" {
			t.Errorf("source %s: the check does not say what was read (or why nothing was)", s.Slug)
		}
		if c.Reading != models.ReadingNotRead && (c.On == nil || strings.TrimSpace(c.By) == "") {
			t.Errorf("source %s: a %s reading without its date and reader", s.Slug, c.Reading)
		}
		derived := c.Verified()
		switch {
		case (s.Verified == nil) != (derived == nil):
			t.Errorf("source %s: verified %v, but its check gives %v", s.Slug, s.Verified, derived)
		case derived != nil && *s.Verified != *derived:
			t.Errorf("source %s: verified %s, but its check is dated %s", s.Slug, s.Verified, derived)
		}
		if derived != nil && s.URL == "" && s.DOI == "" && s.ArchivedURL == "" {
			t.Errorf("source %s is verified but gives no address to find it again (URL, DOI or archived copy)", s.Slug)
		}
	}
	if counts[models.ReadingFullText]+counts[models.ReadingExcerpt] == 0 {
		t.Errorf("no source is verified: %v", counts)
	}
}

// TestConditionsAddressed: every condition is answered by at least one current or recommended
// tactic through an addresses relation, so that no known failure is left without a response.
func TestConditionsAddressed(t *testing.T) {
	t.Parallel()
	b := bundle(t)
	kinds := map[string]string{}
	for _, tc := range b.Tactics {
		kinds[tc.Code] = tc.Kind
	}
	addressed := map[string]bool{}
	for _, r := range b.Relations {
		if r.Type != models.RelationAddresses {
			continue
		}
		if kinds[r.To] != models.KindCondition || kinds[r.From] == models.KindCondition {
			t.Errorf("%s addresses %s: want a current or recommended tactic addressing a condition (%s, %s)", r.From, r.To, kinds[r.From], kinds[r.To])
		}
		addressed[r.To] = true
	}
	for code, kind := range kinds {
		if kind == models.KindCondition && !addressed[code] {
			t.Errorf("condition %s is addressed by no tactic", code)
		}
	}
}

// TestForcedLabourCoverage: every link of the forced-labour chain has at least four efforts
// deployed today and six that should be done (issue 24).
func TestForcedLabourCoverage(t *testing.T) {
	t.Parallel()
	n := map[[2]string]int{}
	for _, tc := range bundle(t).Tactics {
		if tc.Chain == "forced-labour" {
			n[[2]string{tc.Stage, tc.Kind}]++
		}
	}
	for _, st := range []string{"worker", "creditor", "recruiter", "employer", "buyer", "consumer"} {
		if c, r := n[[2]string{st, models.KindCurrent}], n[[2]string{st, models.KindRecommended}]; c < 4 || r < 6 {
			t.Errorf("%s: %d current and %d recommended tactics, want at least 4 and 6", st, c, r)
		}
	}
}

// TestReviewStateHonest: the seed holds no record of a review by outside experts or survivors, so
// no tactic claims one; a tactic's last review is not in the future of its next one.
func TestReviewStateHonest(t *testing.T) {
	t.Parallel()
	for _, tc := range bundle(t).Tactics {
		r := tc.Review
		if r == nil {
			continue
		}
		if r.State != models.ReviewDraft {
			t.Errorf("%s claims review state %q; no such review is recorded", tc.Code, r.State)
		}
		if r.LastReviewedOn != nil && r.NextReviewDue != nil && !r.NextReviewDue.After(r.LastReviewedOn.Time) {
			t.Errorf("%s: next review %s is not after the last %s", tc.Code, r.NextReviewDue, r.LastReviewedOn)
		}
	}
}

// TestContentRulesCatch makes sure the rules above can fail: each finds the fault it is for.
func TestContentRulesCatch(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		bad  bool
		rule func(string) bool
	}{
		{"The seed held a near-duplicate.", true, buildNotes.MatchString},
		{"Known from the content review [NV].", true, buildNotes.MatchString},
		{"Markets fragmented after 2018.", false, buildNotes.MatchString},
		{"Reduce the poverty that makes people cheap to acquire.", true, commodifyingIn},
		{"Kara calls the victim the product.", false, commodifyingIn},
		{"The fine is Rs 2,000.", true, amountWithoutYear},
		{"The fine is Rs 2,000, as set in 1976.", false, amountWithoutYear},
		{"About US$3,687 per victim.", true, amountWithoutYear},
	} {
		if got := c.rule(c.text); got != c.bad {
			t.Errorf("%q: flagged %t, want %t", c.text, got, c.bad)
		}
	}
}

func commodifyingIn(s string) bool {
	low := strings.ToLower(s)
	return slices.ContainsFunc(commodifying, func(p string) bool { return strings.Contains(low, p) }) && !strings.Contains(s, "Kara")
}

func amountWithoutYear(s string) bool { return money.MatchString(s) && !year.MatchString(s) }
