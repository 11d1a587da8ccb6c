package pages

import (
	"strings"
	"testing"

	"chainkb/models"
)

func TestDecade(t *testing.T) {
	for e, want := range map[int]string{-2: "0.01", -1: "0.1", 0: "1", 2: "100", 3: "1k", 5: "100k", 6: "1M", 9: "1G"} {
		if got := decade(e); got != want {
			t.Errorf("decade(%d) = %q, want %q", e, got, want)
		}
	}
}

// TestChainEcon checks the chain page's view of the model: the default answer's set and money, a
// verdict for every link, the missing components named, and a dot plot only where both profit and
// expected penalty are known, with their ratio in words rather than bars from an arbitrary origin.
func TestChainEcon(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	y := func(x int) *int { return &x }
	stages := []models.Stage{{ID: 1, Slug: "product", Role: "victim"}, {ID: 2, Slug: "retailer", Role: "exploiter"}}
	exploiter := int64(2)
	params := []models.Parameter{
		{Slug: "profit", Symbol: "profit", InputSet: "set", Central: f(27252), Currency: "USD", PriceYear: y(2021), Geography: "global", Period: "2021", StageID: &exploiter, Estimate: "reported"},
		{Slug: "n", Symbol: "convictions", InputSet: "set", Central: f(5859), Geography: "global", Period: "2023", Estimate: "reported"},
		{Slug: "v", Symbol: "victims", InputSet: "set", Central: f(6.3e6), Geography: "global", Period: "2021", Estimate: "reported"},
		{Slug: "t", Symbol: "duration_years", InputSet: "assumed", Low: f(1), Central: f(3), High: f(5), Geography: "global", Period: "2026", Estimate: "assumption"},
	}
	ce := newChainEcon(chainInputs(models.Chain{ID: 1, Slug: "c"}, stages, params, nil))
	if ce == nil || ce.Set == nil || ce.Set.Slug != "set" || ce.Currency != "USD" || ce.PriceYear != 2021 || len(ce.Assumed) != 1 {
		t.Fatalf("chain econ = %+v", ce)
	}
	r := ce.stages[2]
	if r.Status != "unknown" || r.Chart != nil || len(r.Missing) != 4 || !strings.Contains(r.Verdict, "29 million USD") {
		t.Errorf("exploiter without penalties: %+v", r)
	}
	v := ce.stages[1]
	if v.Status != "not-applicable" || len(v.Figures) == 0 {
		t.Errorf("victim link: %+v", v)
	}
	// With a fine recorded the expected penalty is a lower bound, drawn as a dot with an arrow.
	params = append(params, models.Parameter{Slug: "fine", Symbol: "fine", InputSet: "set", Central: f(1000), Currency: "USD",
		PriceYear: y(2021), Basis: "imposed", Geography: "global", Period: "2021", StageID: &exploiter, Estimate: "reported"})
	ce = newChainEcon(chainInputs(models.Chain{ID: 1, Slug: "c"}, stages, params, nil))
	c := ce.stages[2].Chart
	if c == nil || len(c.Dots) != 2 || c.Dots[0].Shape == c.Dots[1].Shape || !c.Dots[1].LowerBound || c.Gap != "×29,000" {
		t.Fatalf("chart = %+v", c)
	}
	if c.Dots[1].X >= c.Dots[0].X || c.Dots[0].X > c.Right || c.Dots[1].X < c.Left {
		t.Errorf("dots out of place: %+v", c.Dots)
	}
}
