package inforce

import (
	"errors"
	"strings"
	"testing"

	"chainkb/internal/economics"
	"chainkb/models"
)

func ptrTo[T any](v T) *T { return &v }

// p is a parameter of a set for the tests.
func p(slug, symbol, set, geo, period string, stage *int64, c float64) models.Parameter {
	return models.Parameter{Slug: slug, Symbol: symbol, InputSet: set, Geography: geo, Period: period, StageID: stage,
		Central: ptrTo(c), Estimate: "reported", Citations: []models.Citation{{Source: slug + "-source", Locator: "p. 1"}}}
}

func money(x models.Parameter, cur string, py int) models.Parameter {
	x.Currency, x.PriceYear = cur, &py
	return x
}

const exploiter = int64(3)

var fixture = []models.Parameter{
	money(p("profit-2021", "profit", "ilo-2024", "global", "2021", ptrTo(exploiter), 27252), "USD", 2021),
	p("victims-2021", "victims", "ilo-2024", "global", "2021", nil, 6.3e6),
	p("convictions-2023", "convictions", "ilo-2024", "global", "2023", nil, 5859),
	money(p("profit-2012", "profit", "ilo-2014", "global", "2012", ptrTo(exploiter), 21800), "USD", 2012),
	money(p("profit-in-2009", "profit", "kara-in", "IN", "2009", ptrTo(exploiter), 12900), "USD", 2009),
	money(p("fine-in-2021", "fine", "in-law", "IN", "2013-2024", ptrTo(exploiter), 2000), "INR", 2021),
	p("share-eu", "confiscated_share", "europol-eu", "EU", "2010-2014", nil, 0.011),
	{Slug: "k-assumption", Symbol: "victims_per_offender", InputSet: "assumptions", Geography: "global", Period: "2026",
		Low: ptrTo(1.0), Central: ptrTo(1.0), High: ptrTo(10.0), Estimate: "assumption"},
}

var reference = []models.Parameter{
	{Slug: "fx-inr-2021", Symbol: "exchange_rate", Currency: "INR", Period: "2021", Geography: "global", Central: ptrTo(73.9351)},
	{Slug: "cpi-2021", Symbol: "price_index", Currency: "USD", Period: "2021", Geography: "US", Central: ptrTo(270.970)},
	{Slug: "cpi-2024", Symbol: "price_index", Currency: "USD", Period: "2024", Geography: "US", Central: ptrTo(313.689)},
}

func TestSelect(t *testing.T) {
	cases := []struct {
		name    string
		req     Request
		set     string
		choice  string
		profit  string
		without []economics.Symbol
	}{
		{"the latest global set by default", Request{}, "ilo-2024", "for global, the latest input set", "profit-2021", []economics.Symbol{economics.ConfiscatedShare}},
		{"a year picks the latest set that starts by it", Request{Year: 2014}, "ilo-2014", "starts by 2014", "profit-2012", []economics.Symbol{economics.Convictions}},
		{"a named set", Request{Inputs: "kara-in"}, "kara-in", "as asked", "profit-in-2009", []economics.Symbol{economics.Convictions, economics.Fine}},
		{"a country's latest set", Request{Geo: "IN"}, "in-law", "for IN", "", []economics.Symbol{economics.Profit}},
		{"a country without a set gets the global one, said so", Request{Geo: "US"}, "ilo-2024", "no input set for US", "profit-2021", nil},
		{"a country in the EU does not get the EU's figures", Request{Geo: "DE"}, "ilo-2024", "no input set for DE", "profit-2021", []economics.Symbol{economics.ConfiscatedShare}},
		{"the EU's set for the EU", Request{Geo: "EU"}, "europol-eu", "for EU", "", []economics.Symbol{economics.Profit}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := Select(fixture, reference, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if sel.Set == nil || sel.Set.Slug != tt.set || !strings.Contains(sel.Choice, tt.choice) {
				t.Fatalf("set %+v, choice %q; want %s (%q)", sel.Set, sel.Choice, tt.set, tt.choice)
			}
			in := sel.Stage[exploiter]
			if in == nil {
				in = sel.Chain
			}
			if got := in[economics.Profit].Parameter; got != tt.profit {
				t.Errorf("profit from %q, want %q", got, tt.profit)
			}
			for _, s := range tt.without {
				if x, ok := in[s]; ok {
					t.Errorf("%s came from %s (%s), outside the set", s, x.Parameter, x.InputSet)
				}
			}
			// The assumption fills k, whatever the set, and is listed.
			if x := sel.Chain[economics.VictimsPerOffender]; x.Parameter != "k-assumption" || x.Fallback == "" {
				t.Errorf("k = %+v", x)
			}
			if len(sel.Fallbacks) != 1 || sel.Fallbacks[0].From != "assumptions" {
				t.Errorf("fallbacks = %+v", sel.Fallbacks)
			}
		})
	}
	// An assumption is not aged by the year asked.
	sel, _ := Select(fixture, reference, Request{Year: 2012})
	if _, ok := sel.Chain[economics.VictimsPerOffender]; !ok {
		t.Error("the 2012 answer lost the timeless assumption")
	}
	// No set for the area and year: every figure unknown, and why.
	sel, err := Select(fixture, reference, Request{Geo: "IN", Year: 2000})
	if err != nil || sel.Set != nil || !strings.Contains(sel.Choice, "no input set for IN starts by 2000") {
		t.Errorf("set %+v, choice %q, err %v", sel.Set, sel.Choice, err)
	}
	// An unknown set is a bad request listing those there are.
	_, err = Select(fixture, reference, Request{Inputs: "nope"})
	var bad *BadRequest
	if !errors.As(err, &bad) || bad.Field != "inputs" || !strings.Contains(bad.Detail, "ilo-2024") || strings.Contains(bad.Detail, "assumptions") {
		t.Errorf("err = %v", err)
	}
	// Sets list their areas, periods and symbols; a set of assumptions alone is not offered.
	for _, s := range sel.Available {
		if s.Slug == "assumptions" {
			t.Error("the assumptions are offered as a set")
		}
		if s.Slug == "ilo-2024" && (s.Period != "2021-2023" || s.Geography != "global" || len(s.Symbols) != 3) {
			t.Errorf("ilo-2024 = %+v", s)
		}
	}
}

func TestSelectConverts(t *testing.T) {
	sel, err := Select(fixture, reference, Request{Inputs: "in-law", Currency: "USD", PriceYear: 2024})
	if err != nil {
		t.Fatal(err)
	}
	x := sel.Stage[exploiter][economics.Fine]
	want := 2000 / 73.9351 * 313.689 / 270.970
	if x.Conversion == nil || x.Currency != "USD" || *x.PriceYear != 2024 || x.Value.Central < want*0.999999 || x.Value.Central > want*1.000001 {
		t.Errorf("fine = %+v, want %g USD of 2024", x, want)
	}
	if x.Citations[0].Locator != "p. 1" || x.InputSet != "in-law" || x.Geography != "IN" {
		t.Errorf("provenance lost: %+v", x)
	}
	// Without a rate for the year, the amount is left out and said so, never used unconverted.
	sel, _ = Select(fixture, reference, Request{Inputs: "in-law", Currency: "USD", PriceYear: 2030})
	if _, ok := sel.Stage[exploiter][economics.Fine]; ok || len(sel.Dropped[exploiter]) != 1 || !strings.Contains(sel.Dropped[exploiter][0].Reason, "no US price index for 2030") {
		t.Errorf("dropped = %+v", sel.Dropped)
	}
}

func TestComputeAnswer(t *testing.T) {
	stages := []models.Stage{
		{ID: 1, Slug: "product", Role: "victim"}, {ID: 2, Slug: "wholesaler", Role: "recruiter"},
		{ID: exploiter, Slug: "retailer", Role: "exploiter"}, {ID: 4, Slug: "consumer", Role: "consumer"},
	}
	a, err := Compute(Chain{ID: 1, Slug: "st", Stages: stages, Parameters: fixture, Reference: reference}, Request{}, economics.Scenario{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Currency != "USD" || a.PriceYear == nil || *a.PriceYear != 2021 || a.Scenario != nil {
		t.Fatalf("answer money %s %v, scenario %+v", a.Currency, a.PriceYear, a.Scenario)
	}
	r := a.Stages[2].Baseline
	if r.Verdict.Status != economics.VerdictUnknown || r.PenaltyNeeded == nil {
		t.Errorf("exploiter = %+v", r.Verdict)
	}
	if be := a.WholeChain.Baseline.BreakEvenPerConviction; be != nil {
		t.Errorf("break-even without total profits = %+v", be)
	}
	// A scenario reports each effect once, whatever the number of links.
	sc := economics.Scenario{Effects: []economics.Effect{{Tactic: "T1", Symbol: economics.Fine, Direction: economics.Raises, Links: []string{"retailer", "wholesaler"}}}}
	a, err = Compute(Chain{ID: 1, Slug: "st", Stages: stages, Parameters: fixture, Reference: reference}, Request{}, sc, nil, []string{"T1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Scenario.Effects) != 1 || a.Scenario.Effects[0].Status != "size-unknown" {
		t.Errorf("effects = %+v", a.Scenario.Effects)
	}
}
