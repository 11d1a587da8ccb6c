package pages

import (
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// TestChainPageChart renders a link whose profit and expected penalty are both known: a dot plot,
// profit a circle and the expected penalty a square (shape, not colour, tells them apart), the
// gap between them in words, and the expected penalty marked as a lower bound while components
// are missing.
func TestChainPageChart(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	y := func(x int) *int { return &x }
	st := int64(2)
	cid := int64(1)
	o := &store.Outline{Chains: []models.Chain{{ID: 1, Slug: "c", Name: "C"}},
		Stages: []models.Stage{{ID: 1, ChainID: 1, Slug: "a", Role: "victim", Side: "supply"}, {ID: 2, ChainID: 1, Slug: "b", Role: "exploiter", Side: "demand"}},
		Parameters: []models.Parameter{
			{Slug: "profit", Symbol: "profit", InputSet: "set", Central: f(27252), Currency: "USD", PriceYear: y(2021), Geography: "global", Period: "2021", ChainID: &cid, StageID: &st, Estimate: "reported"},
			{Slug: "p", Symbol: "p_conviction", InputSet: "set", Central: f(0.001), Geography: "global", Period: "2021", ChainID: &cid, StageID: &st, Estimate: "reported"},
			{Slug: "fine", Symbol: "fine", InputSet: "set", Central: f(1000), Currency: "USD", PriceYear: y(2021), Basis: "imposed", Geography: "global", Period: "2021", ChainID: &cid, StageID: &st, Estimate: "reported"},
		}}
	s := newSite(o)
	p := New(nil)
	ch := s.chainBySlug["c"]
	out, err := p.render("chain", newChainData(s, ch, &models.ChainTable{Stages: []models.TableRow{{Stage: o.Stages[0]}, {Stage: o.Stages[1]}}}, filters{}))
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	for _, want := range []string{`<circle class="econ-dot econ-profit"`, `<rect class="econ-dot econ-cost"`, `>×27,000</text>`,
		`<path class="econ-bound"`, "at least 1 USD", "Not recorded (unknown, not zero): restitution, confiscation, prison."} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Count(page, "<svg class=\"econ-chart\"") != 1 {
		t.Error("want one chart: the victim link has none")
	}
}
