package inforce

import (
	"strings"
	"testing"

	"chainkb/internal/economics"
	"chainkb/models"
)

func ptrTo[T any](v T) *T { return &v }

func TestChoose(t *testing.T) {
	const stage = 3
	p := func(slug, symbol, geo, period string, stageID *int64, currency string, lo, c, hi *float64) models.Parameter {
		return models.Parameter{Slug: slug, Symbol: symbol, Geography: geo, Period: period, StageID: stageID,
			Currency: currency, Low: lo, Central: c, High: hi, Estimate: "reported",
			Citations: []models.Citation{{Source: slug + "-source"}}}
	}
	here, other := ptrTo(int64(stage)), ptrTo(int64(4))
	params := []models.Parameter{
		p("profit-global-2021", "profit", "global", "2021", here, "USD", nil, ptrTo(27252.0), nil),
		p("profit-in-2009", "profit", "IN", "2009", here, "USD", nil, ptrTo(12900.0), ptrTo(13000.0)),
		p("profit-gb-2020", "profit", "GB", "2020", here, "USD", nil, ptrTo(50000.0), nil),
		p("fine-in-inr-1956", "fine", "IN", "1956", here, "INR", nil, ptrTo(2000.0), nil),
		p("fine-in-usd-2009", "fine", "IN", "2009", here, "USD", nil, ptrTo(44.0), nil),
		p("restitution-in-inr", "restitution", "IN", "1976", here, "INR", nil, ptrTo(5.0), nil),
		p("p-chain-global", "p_conviction", "global", "2008", nil, "", nil, ptrTo(0.001), nil),
		p("p-stage-global", "p_conviction", "global", "2005", here, "", nil, ptrTo(0.002), nil),
		p("p-other-stage", "p_conviction", "IN", "2009", other, "", nil, ptrTo(0.5), nil),
		p("prison-range", "prison_years", "IN", "1956", here, "", ptrTo(1.0), nil, ptrTo(3.0)),
		p("acq-asia", "acquisition_cost", "global", "2009", here, "USD", ptrTo(200.0), nil, ptrTo(1000.0)),
		p("acq-europe", "acquisition_cost", "global", "2009", here, "USD", ptrTo(2000.0), nil, ptrTo(10000.0)),
		p("phi-eu", "confiscation_rate", "global", "2010-2014", here, "", nil, ptrTo(0.011), nil),
	}
	sel := Choose(params, Scope{Geo: "IN", Year: 2009}, stage, StageSymbols())
	used := map[economics.Symbol]string{}
	for s, in := range sel.Inputs {
		used[s] = in.Parameter
	}
	want := map[economics.Symbol]string{
		"profit":           "profit-in-2009",   // the country before global; GB is not in force in IN
		"fine":             "fine-in-usd-2009", // the latest period
		"p_conviction":     "p-stage-global",   // the stage's own before the chain's, even older; not another stage's
		"prison_years":     "prison-range",
		"acquisition_cost": "acq-asia", // a tie: first by slug, and said so
	}
	for s, slug := range want {
		if used[s] != slug {
			t.Errorf("%s: used %q, want %q", s, used[s], slug)
		}
	}
	// restitution is only in INR while the profit is in USD: not used, and said so. φ's period
	// 2010-2014 starts after 2009: not in force.
	for _, s := range []economics.Symbol{"restitution", "confiscation_rate"} {
		if _, ok := sel.Inputs[s]; ok {
			t.Errorf("%s used: %+v", s, sel.Inputs[s])
		}
	}
	notes := strings.Join(sel.Notes, "\n")
	for _, w := range []string{"restitution-in-inr (INR) not used", "midpoint", "acq-asia and acq-europe are equally specific"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}
	if v := sel.Inputs["prison_years"].Value; v != (economics.Value{Low: 1, Central: 2, High: 3}) {
		t.Errorf("prison years = %+v, want 1/2/3", v)
	}
	if v := sel.Inputs["profit"].Value; v != (economics.Value{Low: 12900, Central: 12900, High: 13000}) {
		t.Errorf("profit = %+v, want 12900/12900/13000", v)
	}
	if src := sel.Inputs["profit"].Sources; len(src) != 1 || src[0] != "profit-in-2009-source" {
		t.Errorf("profit sources = %v", src)
	}

	// Without a year, the latest; without a country, global only.
	sel = Choose(params, Scope{Geo: models.Global}, stage, StageSymbols())
	if got := sel.Inputs["profit"].Parameter; got != "profit-global-2021" {
		t.Errorf("global profit = %q", got)
	}
	if got := sel.Inputs["confiscation_rate"].Parameter; got != "phi-eu" {
		t.Errorf("global φ = %q", got)
	}
	// A lone bound is used as the value, and said so.
	lone := []models.Parameter{p("total-bonded", "total_profits", "global", "2011", nil, "USD", ptrTo(17.6e9), nil, nil)}
	sel = Choose(lone, Scope{Geo: models.Global}, 0, ChainSymbols)
	if v := sel.Inputs["total_profits"].Value; v != economics.Point(17.6e9) || !strings.Contains(strings.Join(sel.Notes, ""), "only a low bound") {
		t.Errorf("lone low bound: %+v, notes %q", v, sel.Notes)
	}
}
