package api_test

// The risk-reward model v2 (issue 23), through real HTTP on the seeded knowledge base, on both
// engines. Each test names the outside review's error (E1-E18) or anomaly (A1-A13) it keeps
// fixed; ../shared/reference/economics-review.md has the derivations.

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"

	"chainkb/internal/client"
	"chainkb/models"
)

// figureJSON is a figure of the economics answer as the tests read it.
type figureJSON struct {
	Low          float64     `json:"low"`
	Central      float64     `json:"central"`
	High         float64     `json:"high"`
	Display      string      `json:"display"`
	DisplayRange string      `json:"display_range"`
	Bound        string      `json:"bound"`
	Inputs       []inputJSON `json:"inputs"`
	Notes        []string    `json:"notes"`
}

type inputJSON struct {
	Symbol     string `json:"symbol"`
	Parameter  string `json:"parameter"`
	InputSet   string `json:"input_set"`
	Geography  string `json:"geography"`
	Period     string `json:"period"`
	Unit       string `json:"unit"`
	Currency   string `json:"currency"`
	PriceYear  *int   `json:"price_year"`
	Basis      string `json:"basis"`
	Estimate   string `json:"estimate"`
	Origin     string `json:"origin"`
	Fallback   string `json:"fallback"`
	Conversion *struct {
		FromPriceYear int      `json:"from_price_year"`
		Steps         []string `json:"steps"`
		Parameters    []string `json:"parameters"`
	} `json:"conversion"`
	Citations []struct {
		Source  string `json:"source"`
		Locator string `json:"locator"`
	} `json:"citations"`
	Value struct {
		Low, Central, High float64
	} `json:"value"`
}

type linkJSON struct {
	Role    string `json:"role"`
	Verdict struct {
		Status    string   `json:"status"`
		Text      string   `json:"text"`
		Missing   []string `json:"missing"`
		Statutory []string `json:"statutory"`
	} `json:"verdict"`
	Profit               *figureJSON `json:"profit"`
	Certainty            *figureJSON `json:"certainty"`
	PenaltyPerConviction *figureJSON `json:"penalty_per_conviction"`
	ExpectedCost         *figureJSON `json:"expected_cost"`
	Deterrence           *figureJSON `json:"deterrence_ratio"`
	PenaltyNeeded        *figureJSON `json:"penalty_needed"`
	FineNeeded           *figureJSON `json:"fine_needed"`
	CertaintyNeeded      *figureJSON `json:"certainty_needed"`
	LifetimeProfit       *figureJSON `json:"lifetime_profit"`
	LifetimeExpectedCost *figureJSON `json:"lifetime_expected_cost"`
	ValueExtracted       *figureJSON `json:"value_extracted"`
	EffectivePrice       *figureJSON `json:"effective_price"`
	DemandEffect         *figureJSON `json:"demand_effect"`
	Components           []struct {
		Component string      `json:"component"`
		Status    string      `json:"status"`
		Value     *figureJSON `json:"value"`
	} `json:"components"`
	Inverted *struct {
		Inverted bool `json:"inverted"`
	} `json:"inverted"`
	Levers []struct {
		Symbol    string   `json:"symbol"`
		Needed    *float64 `json:"needed"`
		Reachable *bool    `json:"reachable"`
	} `json:"levers"`
	Simulation *struct {
		P50       float64 `json:"p50"`
		PInverted float64 `json:"p_inverted"`
		Seed      string  `json:"seed"`
	} `json:"simulation"`
	Unavailable map[string]struct {
		Reason string `json:"reason"`
	} `json:"unavailable"`
	Assumptions []string `json:"assumptions"`
}

type economicsJSON struct {
	Choice   string `json:"choice"`
	InputSet *struct {
		Slug      string `json:"slug"`
		Geography string `json:"geography"`
	} `json:"input_set"`
	Fallbacks []struct {
		Symbol, Parameter, From, Reason string
	} `json:"fallbacks"`
	Currency  string `json:"currency"`
	PriceYear *int   `json:"price_year"`
	Scenario  *struct {
		Effects []struct {
			Tactic    string   `json:"tactic"`
			Symbol    string   `json:"symbol"`
			Status    string   `json:"status"`
			AppliedAt []string `json:"applied_at"`
		} `json:"effects"`
	} `json:"scenario"`
	Stages []struct {
		Stage struct {
			Slug string `json:"slug"`
			Role string `json:"role"`
		} `json:"stage"`
		Baseline linkJSON  `json:"baseline"`
		Scenario *linkJSON `json:"scenario"`
		Notes    []string  `json:"notes"`
	} `json:"stages"`
	WholeChain struct {
		Baseline struct {
			BreakEven       *figureJSON `json:"break_even_per_conviction"`
			ConvictionRate  *figureJSON `json:"conviction_rate"`
			ProfitPerVictim *figureJSON `json:"profit_per_victim"`
		} `json:"baseline"`
	} `json:"whole_chain"`
	AvailableInputs []struct {
		Slug string `json:"slug"`
	} `json:"available_inputs"`
	Method struct {
		Symbols []struct {
			Symbol, Meaning, Conditional, Denominator string
		} `json:"symbols"`
		Caveats []string `json:"caveats"`
	} `json:"method"`
}

// economicsOf GETs a chain's economics as anyone.
func economicsOf(t *testing.T, s *testServer, chain, query string) economicsJSON {
	t.Helper()
	var e economicsJSON
	s.do(t, http.MethodGet, "/api/v1/chains/"+chain+"/economics?"+query, nil, authAs(s, "anonymous")...).
		mustStatus(t, http.StatusOK).decode(t, &e)
	return e
}

// link returns the baseline and scenario of the link with the given slug.
func (e economicsJSON) link(t *testing.T, slug string) (linkJSON, *linkJSON, []string) {
	t.Helper()
	for _, st := range e.Stages {
		if st.Stage.Slug == slug {
			return st.Baseline, st.Scenario, st.Notes
		}
	}
	t.Fatalf("no link %q", slug)
	return linkJSON{}, nil, nil
}

// near reports whether got is within a relative tolerance of want.
func near(got, want float64) bool {
	if want == 0 {
		return got == 0
	}
	return math.Abs(got-want)/math.Abs(want) < 1e-9
}

func central(t *testing.T, name string, f *figureJSON, want float64) {
	t.Helper()
	if f == nil {
		t.Fatalf("%s = null, want %g", name, want)
	}
	if !near(f.Central, want) {
		t.Fatalf("%s = %g, want %g", name, f.Central, want)
	}
}

// param is a parameter of a test's own input set for its area, with what its symbol needs: money
// in USD of the period's first year, a penalty as imposed.
func param(slug, symbol, chain string, stage any, central float64, geo, period string) obj {
	o := obj{"slug": slug, "symbol": symbol, "input_set": "test-" + strings.ToLower(strings.ReplaceAll(geo, ":", "-")), "chain": chain,
		"stage": stage, "low": nil, "central": central, "high": nil, "currency": "", "price_year": nil, "basis": "",
		"geography": geo, "period": period, "estimate": "reported", "citations": []obj{}, "note": ""}
	switch symbol {
	case "profit", "acquisition_cost", "fine", "restitution", "prison_year_cost", "buyer_price", "buyer_fine", "total_profits":
		first, _, _ := models.ParsePeriod(period)
		o["currency"], o["price_year"] = "USD", first
	}
	switch symbol {
	case "fine", "restitution", "prison_years", "buyer_fine":
		o["basis"] = "imposed"
	}
	return o
}

// dropParameters deletes every parameter, the seeded ones included, so that a test starts from
// the figures it creates.
func dropParameters(t *testing.T, s *testServer) {
	t.Helper()
	for _, p := range collect[parameterJSON](t, s, "/api/v1/parameters?limit=200") {
		s.do(t, http.MethodDelete, "/api/v1/parameters/"+p.Slug, nil).mustStatus(t, http.StatusNoContent)
	}
}

// TestEconomicsReview runs each error and anomaly of the outside review against the seed.
func TestEconomicsReview(t *testing.T) {
	t.Parallel()
	s := newServer(t)

	t.Run("E1 A2: the unconditional confiscated share is never multiplied by p, and EU data is not global", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "")
		r, _, _ := e.link(t, "retailer")
		for _, in := range r.Certainty.Inputs {
			if in.Geography != "global" {
				t.Errorf("a global answer uses %s data: %+v", in.Geography, in)
			}
		}
		if r.ExpectedCost != nil {
			t.Errorf("E[C] = %+v; no penalty is recorded globally, so it is unknown", r.ExpectedCost)
		}
		e = economicsOf(t, s, "sex-trafficking", "set.confiscated_share=0.011")
		_, sc, _ := e.link(t, "retailer")
		central(t, "E[C] with ψ", sc.ExpectedCost, 0.011*27252) // not p·ψ·π = 0.279
		if sc.ExpectedCost.Bound != "lower" {
			t.Errorf("bound = %q, want lower", sc.ExpectedCost.Bound)
		}
	})

	t.Run("E2 A1: missing penalties are unknown, never a zero that becomes a verdict", func(t *testing.T) {
		for _, q := range []string{"", "set.p_conviction=1"} {
			e := economicsOf(t, s, "forced-labour", q)
			b, sc, _ := e.link(t, "employer")
			r := b
			if sc != nil {
				r = *sc
			}
			if r.ExpectedCost != nil || r.Deterrence != nil || r.Inverted != nil || r.Verdict.Status != "unknown" ||
				strings.Contains(r.Verdict.Text, "pays here") || len(r.Verdict.Missing) != 4 {
				t.Errorf("%q: E[C] %+v, D %+v, verdict %+v", q, r.ExpectedCost, r.Deterrence, r.Verdict)
			}
		}
	})

	t.Run("E3 A4 D6: one input set at a time; profit per victim no longer mixes ILO 2012 with Kara 2006", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "year=2014")
		if e.InputSet == nil || e.InputSet.Slug != "ilo-2014-global" {
			t.Fatalf("set = %+v (%s)", e.InputSet, e.Choice)
		}
		ppv := e.WholeChain.Baseline.ProfitPerVictim
		if ppv == nil || math.Abs(ppv.Central-21800) > 100 {
			t.Errorf("profit per victim = %+v, want about 21,800 (99bn / 4.54m), not 82,500", ppv)
		}
		for _, st := range e.Stages {
			for _, f := range []*figureJSON{st.Baseline.Profit, st.Baseline.Certainty, st.Baseline.ValueExtracted} {
				if f == nil {
					continue
				}
				for _, in := range f.Inputs {
					if in.InputSet != "ilo-2014-global" && in.Fallback == "" {
						t.Errorf("%s: input %s from %s without a fallback reason", st.Stage.Slug, in.Parameter, in.InputSet)
					}
				}
			}
		}
		central(t, "break-even 2014 (99bn / 5,776 convictions of 2013)", e.WholeChain.Baseline.BreakEven, 99e9/5776)
	})

	t.Run("A12: an area without a set of its own gets the global one, said so", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "geo=US")
		if e.InputSet == nil || e.InputSet.Geography != "global" || !strings.Contains(e.Choice, "no input set for US") {
			t.Errorf("choice = %q, set %+v", e.Choice, e.InputSet)
		}
	})

	t.Run("E3: every money input has a currency and price year, and converts on request", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "currency=USD&price_year=2024")
		r, _, _ := e.link(t, "retailer")
		in := r.Profit.Inputs[0]
		if in.Currency != "USD" || in.PriceYear == nil || *in.PriceYear != 2024 || in.Conversion == nil || in.Conversion.FromPriceYear != 2021 {
			t.Fatalf("profit input = %+v", in)
		}
		central(t, "profit in 2024 prices", r.Profit, 27252*313.689/270.970)
		if e.Currency != "USD" || e.PriceYear == nil || *e.PriceYear != 2024 {
			t.Errorf("answer money = %s %v", e.Currency, e.PriceYear)
		}
		// India's fine in rupees converts through the dollar at the year's rate.
		e = economicsOf(t, s, "forced-labour", "inputs=india-2013-law&currency=USD&price_year=2021&set.p_conviction=1&set.profit=1000")
		_, sc, _ := e.link(t, "employer")
		var fine *figureJSON
		for _, c := range sc.Components {
			if c.Component == "fine" {
				fine = c.Value
			}
		}
		central(t, "BLSA fine in USD", fine, 2000/73.9351)
	})

	t.Run("E4 A3 D3 D4: Kara's India 2009, with its input set named", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india")
		r, _, _ := e.link(t, "retailer")
		central(t, "p* with ITPA's fine and 1-3 years of prison valued at k·π", r.CertaintyNeeded, 12900/(44+12900*2.0))
		if r.Verdict.Status != "unknown" || !strings.Contains(r.Verdict.Text, "conviction rate is not recorded") {
			t.Errorf("verdict = %+v", r.Verdict)
		}
		e = economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india&set.p_conviction=1&set.prison_years=0")
		_, sc, _ := e.link(t, "retailer")
		central(t, "D at certain conviction, fine alone", sc.Deterrence, 44.0/12900)
		e = economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india&set.p_conviction=0.01")
		_, sc, _ = e.link(t, "retailer")
		central(t, "penalty needed per conviction at p = 1%", sc.PenaltyNeeded, 12900/0.01)
	})

	t.Run("E5 A11: a prison year is worth k·π, so it follows profit", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india&set.p_conviction=1&set.profit=1")
		_, sc, _ := e.link(t, "retailer")
		for _, c := range sc.Components {
			if c.Component == "prison" && (c.Value == nil || !near(c.Value.Central, 1*1*2)) {
				t.Errorf("prison = %+v, want k·π·S = 2", c.Value)
			}
		}
		central(t, "D", sc.Deterrence, (44+2)/1.0)
	})

	t.Run("E6 A10: the per-year ratio does not move with T; lifetime confiscation is T(T+1)/2", func(t *testing.T) {
		a := economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india&set.p_conviction=1")
		b := economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india&set.p_conviction=1&set.duration_years=0.5")
		_, ra, _ := a.link(t, "retailer")
		_, rb, _ := b.link(t, "retailer")
		if ra.Deterrence.Central != rb.Deterrence.Central {
			t.Errorf("D moved with T: %g against %g", ra.Deterrence.Central, rb.Deterrence.Central)
		}
		c := economicsOf(t, s, "sex-trafficking", "set.p_conviction=0.1&set.confiscation_rate=0.5&set.duration_years=3")
		_, rc, _ := c.link(t, "retailer")
		central(t, "lifetime expected cost", rc.LifetimeExpectedCost, 0.1*0.5*1*27252*3*4/2)
	})

	t.Run("E7 E8 A5 A6: effects are structured and scoped to their links", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "apply=ST-R-C01,ST-W-R04")
		for _, ef := range e.Scenario.Effects {
			if ef.Status != "size-unknown" || len(ef.AppliedAt) != 0 {
				t.Errorf("effect %+v; no source sizes it", ef)
			}
		}
		for _, slug := range []string{"product", "consumer"} {
			if _, _, notes := e.link(t, slug); len(notes) != 0 {
				t.Errorf("%s carries notes of effects on other links: %q", slug, notes)
			}
		}
		e = economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india&apply=ST-W-C03")
		ef := e.Scenario.Effects[0]
		if ef.Status != "applied" || strings.Join(ef.AppliedAt, ",") != "retailer,wholesaler" {
			t.Fatalf("IPC 370's range: %+v", ef)
		}
		_, sc, _ := e.link(t, "retailer")
		for _, c := range sc.Components {
			if c.Component == "prison" && (c.Value == nil || !near(c.Value.Central, 12900*8.5)) {
				t.Errorf("prison under IPC 370 = %+v", c.Value)
			}
		}
	})

	t.Run("E9 A7: the demand side computes", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "set.buyer_price=1000&set.price_elasticity=3&set.p_buyer_penalty=0.01&set.buyer_fine=5000")
		_, sc, _ := e.link(t, "consumer")
		central(t, "effective price", sc.EffectivePrice, 1050)
		central(t, "demand effect", sc.DemandEffect, math.Pow(1.05, -3)-1)
	})

	t.Run("E10: every link computes or says why", func(t *testing.T) {
		for _, chain := range []string{"sex-trafficking", "forced-labour"} {
			e := economicsOf(t, s, chain, "")
			for _, st := range e.Stages {
				if st.Baseline.Verdict.Text == "" || st.Baseline.Verdict.Status == "" || st.Baseline.Role == "" {
					t.Errorf("%s/%s says nothing: %+v", chain, st.Stage.Slug, st.Baseline.Verdict)
				}
			}
			if v, _, _ := e.link(t, map[string]string{"sex-trafficking": "product", "forced-labour": "worker"}[chain]); v.ValueExtracted == nil || v.Verdict.Status != "not-applicable" {
				t.Errorf("%s victim link: %+v", chain, v.Verdict)
			}
			if r, _, _ := e.link(t, map[string]string{"sex-trafficking": "retailer", "forced-labour": "employer"}[chain]); r.LifetimeProfit == nil || r.PenaltyNeeded == nil {
				t.Errorf("%s exploiter: lifetime profit %v, penalty needed %v", chain, r.LifetimeProfit, r.PenaltyNeeded)
			}
		}
	})

	t.Run("E11 A9: p follows the convictions", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "set.convictions=0")
		_, sc, _ := e.link(t, "retailer")
		central(t, "p at N = 0", sc.Certainty, 0)
	})

	t.Run("E12: assumptions are timeless", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "year=2010")
		found := false
		for _, f := range e.Fallbacks {
			found = found || f.Symbol == "duration_years"
		}
		if !found {
			t.Errorf("fallbacks = %+v; T should fill the 2010 answer", e.Fallbacks)
		}
	})

	t.Run("E13: India's current law applies at every exploiting link", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "inputs=india-2013-law&set.p_conviction=1&set.profit=12900")
		_, sc, _ := e.link(t, "retailer")
		for _, c := range sc.Components {
			if c.Component == "prison" && (c.Value == nil || c.Status != "statutory" || !near(c.Value.Central, 12900*8.5)) {
				t.Errorf("prison = %+v", c)
			}
		}
	})

	t.Run("E14 A8: the assumptions describe the overridden inputs", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india&set.prison_years=5&set.p_conviction=1")
		_, sc, _ := e.link(t, "retailer")
		if strings.Contains(strings.Join(sc.Assumptions, " "), "prison_years (st-prison-years-in-itpa) gives no central value") {
			t.Errorf("the scenario still describes the stored prison range: %q", sc.Assumptions)
		}
	})

	t.Run("E15: the symbols say their denominators and whether they are conditional", func(t *testing.T) {
		e := economicsOf(t, s, "sex-trafficking", "")
		for _, sym := range e.Method.Symbols {
			switch sym.Symbol {
			case "p_conviction":
				if !strings.Contains(sym.Meaning, "not the probability that a given offender is convicted") {
					t.Errorf("p = %+v", sym)
				}
			case "confiscated_share":
				if sym.Conditional != "unconditional" {
					t.Errorf("ψ = %+v", sym)
				}
			case "fine", "prison_years", "confiscation_rate":
				if sym.Conditional != "given conviction" {
					t.Errorf("%s = %+v", sym.Symbol, sym)
				}
			}
		}
		joined := strings.Join(e.Method.Caveats, " ")
		for _, w := range []string{"Deterrence is not protection", "Displacement", "Corruption", "certainty of punishment deters more", "Enforcement can harm victims"} {
			if !strings.Contains(joined, w) {
				t.Errorf("the method does not say %q", w)
			}
		}
	})

	t.Run("E16: regional values carry their region", func(t *testing.T) {
		for _, p := range collect[parameterJSON](t, s, "/api/v1/parameters?symbol=acquisition_cost&limit=200") {
			if strings.Contains(p.Slug, "asia") && p.Geography != "M49:142" || strings.Contains(p.Slug, "europe") && p.Geography != "M49:155" {
				t.Errorf("%s is stored for %s", p.Slug, p.Geography)
			}
		}
		for _, p := range collect[parameterJSON](t, s, "/api/v1/parameters?geography=global&limit=200") {
			if strings.Contains(p.Slug, "-eu-") {
				t.Errorf("EU data stored as global: %s", p.Slug)
			}
		}
	})

	t.Run("E18: a parameter's unit is the model's, or it is refused", func(t *testing.T) {
		bad := with(param("st-restitution-inr-day", "restitution", "sex-trafficking", "retailer", 5, "IN", "1976"), "currency", "INR", "unit", "INR per day of bonded labour")
		pr := s.do(t, http.MethodPost, "/api/v1/parameters", bad).problem(t, http.StatusUnprocessableEntity)
		if len(pr.Errors) != 1 || pr.Errors[0].Field != "unit" || !strings.Contains(pr.Errors[0].Message, "INR per conviction") {
			t.Errorf("problem = %+v", pr)
		}
	})
}

// TestEconomicsBadRequests: every bad query is a 400 naming the parameter, on both engines.
func TestEconomicsBadRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	draft := s.do(t, http.MethodPost, "/api/v1/tactics", obj{"stage_id": 3, "kind": "recommended", "title": "A draft", "summary": "s",
		"status": "draft", "acts_on": []obj{{"symbol": "fine", "direction": "raises", "effect": "x", "citations": []obj{},
			"size": obj{"kind": "multiplier", "central": 10, "citation": obj{"source": "kara-2009-marketplace", "supports": "supports"}, "evidence_level": "none"}}}}).
		mustStatus(t, http.StatusCreated)
	var d struct{ Code string }
	draft.decode(t, &d)
	for q, field := range map[string]string{
		"inputs=no-such-set":                 "inputs",
		"inputs=ilo-2024-global&geo=IN":      "geo",
		"inputs=ilo-2024-global&year=2014":   "year",
		"geo=M49:999":                        "geo",
		"geo=Asia":                           "geo",
		"currency=XYZ":                       "currency",
		"price_year=12":                      "price_year",
		"year=20":                            "year",
		"set.fine=1_000":                     "set.fine",
		"set.fine=0x1p3":                     "set.fine",
		"set.price_index=100":                "set.price_index",
		"set.p_conviction=2":                 "set.p_conviction",
		"apply=NOT-A-CODE":                   "apply",
		"apply=ST-R-R99":                     "apply",
		"apply=" + d.Code:                    "apply",
		"bogus=1":                            "bogus",
		"set.confiscated_share=0.5,0.2,0.9":  "set.confiscated_share",
		"currency=USD&price_year=1066&year=": "price_year",
	} {
		pr := s.do(t, http.MethodGet, "/api/v1/chains/sex-trafficking/economics?"+q, nil).problem(t, http.StatusBadRequest)
		if len(pr.Errors) == 0 || pr.Errors[0].Field != field || pr.Code != "bad_query" {
			t.Errorf("%s: %+v, want a bad_query on %s", q, pr, field)
		}
	}
	// A draft's code is refused even for an editor: apply takes published tactics only.
	pr := s.do(t, http.MethodGet, "/api/v1/chains/sex-trafficking/economics?apply="+d.Code, nil).problem(t, http.StatusBadRequest)
	if !strings.Contains(pr.Errors[0].Message, "no published tactic") {
		t.Errorf("draft: %+v", pr)
	}
}

// TestEconomicsREADMEFigures: the README's worked figures are what the API gives.
func TestEconomicsREADMEFigures(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	shows := func(what, display string) {
		t.Helper()
		if display == "" || !strings.Contains(readme, display) {
			t.Errorf("the README does not give %s as the API does: %q", what, display)
		}
	}
	e := economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india&set.p_conviction=1&set.prison_years=0")
	_, r, _ := e.link(t, "retailer")
	shows("D at certain conviction with the fine alone", "D = "+r.Deterrence.Display)
	e = economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india")
	b, _, _ := e.link(t, "retailer")
	shows("p* with prison", "p* ≈ "+b.CertaintyNeeded.Display)
	e = economicsOf(t, s, "sex-trafficking", "inputs=kara-2009-india&set.p_conviction=0.01")
	_, r, _ = e.link(t, "retailer")
	shows("the penalty needed at p = 1%", r.PenaltyNeeded.Display+" USD")
	for _, c := range []struct{ chain, query, what string }{
		{"sex-trafficking", "", "break-even, sexual exploitation, ILO 2024"},
		{"sex-trafficking", "inputs=ilo-2014-global", "break-even, sexual exploitation, ILO 2014"},
		{"forced-labour", "", "break-even, forced labour, ILO 2024"},
	} {
		e := economicsOf(t, s, c.chain, c.query)
		shows(c.what, e.WholeChain.Baseline.BreakEven.Display+" USD")
	}
}

// TestEconomicsCache: a baseline answer is served from the cache until any write; the ETag follows
// the content; a 304 for a current ETag.
func TestEconomicsCache(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	path := "/api/v1/chains/sex-trafficking/economics?inputs=kara-2009-india"
	first := s.do(t, http.MethodGet, path, nil).mustStatus(t, http.StatusOK)
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	s.do(t, http.MethodGet, path, nil, "If-None-Match", etag).mustStatus(t, http.StatusNotModified)
	again := s.do(t, http.MethodGet, path, nil).mustStatus(t, http.StatusOK)
	if string(again.Body) != string(first.Body) || again.Header.Get("ETag") != etag {
		t.Error("two reads with no write between them differ")
	}
	s.do(t, http.MethodPost, "/api/v1/parameters", with(param("p-in-2009", "p_conviction", "sex-trafficking", "retailer", 0.01, "IN", "2009"),
		"input_set", "kara-2009-india")).mustStatus(t, http.StatusCreated)
	after := s.do(t, http.MethodGet, path, nil).mustStatus(t, http.StatusOK)
	if after.Header.Get("ETag") == etag || !strings.Contains(string(after.Body), `"parameter":"p-in-2009"`) {
		t.Errorf("the answer did not change with a new parameter")
	}
	// The public can read it, and a shared cache may keep it.
	anon := s.do(t, http.MethodGet, path, nil, authAs(s, "anonymous")...).mustStatus(t, http.StatusOK)
	if cc := anon.Header.Get("Cache-Control"); !strings.Contains(cc, "public") {
		t.Errorf("Cache-Control = %q, want public", cc)
	}
	// A set covers one area: a figure for another area in the same set is refused.
	pr := s.do(t, http.MethodPost, "/api/v1/parameters", with(param("p-us", "p_conviction", "sex-trafficking", nil, 0.01, "US", "2009"),
		"input_set", "kara-2009-india")).problem(t, http.StatusUnprocessableEntity)
	if pr.Errors[0].Field != "input_set" {
		t.Errorf("problem = %+v", pr)
	}
}

// TestEconomicsGeneratedClient reads the model with the client generated from the spec: the
// schema is usable as it is, and large figures keep their precision (numbers are doubles).
func TestEconomicsGeneratedClient(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c, err := client.NewClientWithResponses(s.URL+"/api/v1", client.WithHTTPClient(contractDoer{t}))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.GetChainEconomicsWithResponse(context.Background(), "sex-trafficking", &client.GetChainEconomicsParams{SetPConviction: pointerTo("0.01")})
	if err != nil || res.JSON200 == nil {
		t.Fatalf("GetChainEconomics: %v, %s", err, res.Body)
	}
	be := res.JSON200.WholeChain.Baseline.BreakEvenPerConviction
	if be == nil || be.Central != 172.6e9/5859 || len(be.Inputs) != 2 || len(res.JSON200.Stages) == 0 || res.JSON200.Scenario == nil {
		raw, _ := json.Marshal(be)
		t.Errorf("break-even through the client = %s", raw)
	}
}
