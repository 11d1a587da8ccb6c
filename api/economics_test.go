package api_test

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"

	"chainkb/internal/client"
	"chainkb/models"
)

// figureJSON is a figure of the economics answer as the tests read it.
type figureJSON struct {
	Low     float64 `json:"low"`
	Central float64 `json:"central"`
	High    float64 `json:"high"`
	Inputs  []struct {
		Symbol    string   `json:"symbol"`
		Parameter string   `json:"parameter"`
		Sources   []string `json:"sources"`
		Origin    string   `json:"origin"`
		Value     struct {
			Central float64 `json:"central"`
		} `json:"value"`
	} `json:"inputs"`
}

type changeJSON struct {
	Low     float64 `json:"low"`
	Central float64 `json:"central"`
	High    float64 `json:"high"`
}

type stageResultJSON struct {
	Profit          *figureJSON `json:"profit"`
	Certainty       *figureJSON `json:"certainty"`
	ExpectedCost    *figureJSON `json:"expected_cost"`
	Deterrence      *figureJSON `json:"deterrence_ratio"`
	FineNeeded      *figureJSON `json:"fine_needed"`
	CertaintyNeeded *figureJSON `json:"certainty_needed"`
	Inverted        *struct {
		Inverted bool   `json:"inverted"`
		Range    string `json:"range"`
	} `json:"inverted"`
	Unavailable map[string]struct {
		Reason string `json:"reason"`
	} `json:"unavailable"`
	Assumptions []string `json:"assumptions"`
}

type chainResultJSON struct {
	BreakEven      *figureJSON `json:"break_even_per_conviction"`
	ConvictionRate *figureJSON `json:"conviction_rate"`
	Unavailable    map[string]struct {
		Reason string `json:"reason"`
	} `json:"unavailable"`
	Assumptions []string `json:"assumptions"`
}

type economicsJSON struct {
	Chain struct {
		Slug string `json:"slug"`
	} `json:"chain"`
	Geography string         `json:"geography"`
	Year      *int           `json:"year"`
	Scenario  map[string]any `json:"scenario"`
	Stages    []struct {
		Stage struct {
			Slug string `json:"slug"`
		} `json:"stage"`
		Baseline stageResultJSON  `json:"baseline"`
		Scenario *stageResultJSON `json:"scenario"`
		Delta    *struct {
			Profit          *changeJSON `json:"profit"`
			Certainty       *changeJSON `json:"certainty"`
			ExpectedCost    *changeJSON `json:"expected_cost"`
			Deterrence      *changeJSON `json:"deterrence_ratio"`
			FineNeeded      *changeJSON `json:"fine_needed"`
			CertaintyNeeded *changeJSON `json:"certainty_needed"`
		} `json:"delta"`
		Notes []string `json:"notes"`
	} `json:"stages"`
	WholeChain struct {
		Baseline chainResultJSON  `json:"baseline"`
		Scenario *chainResultJSON `json:"scenario"`
		Delta    *struct {
			BreakEven *changeJSON `json:"break_even_per_conviction"`
		} `json:"delta"`
	} `json:"whole_chain"`
	Method struct {
		Formulas []any    `json:"formulas"`
		Caveats  []string `json:"caveats"`
	} `json:"method"`
}

// economicsOf GETs a chain's economics as anyone, and checks the answer against the contract.
func economicsOf(t *testing.T, s *testServer, chain, query string) economicsJSON {
	t.Helper()
	var e economicsJSON
	s.do(t, http.MethodGet, "/api/v1/chains/"+chain+"/economics?"+query, nil, authAs(s, "anonymous")...).
		mustStatus(t, http.StatusOK).decode(t, &e)
	return e
}

// stageOf returns the result of the stage with the given slug.
func stageOf(t *testing.T, e economicsJSON, slug string) (stageResultJSON, *stageResultJSON, int) {
	t.Helper()
	for i, st := range e.Stages {
		if st.Stage.Slug == slug {
			return st.Baseline, st.Scenario, i
		}
	}
	t.Fatalf("no stage %q in %+v", slug, e.Stages)
	return stageResultJSON{}, nil, 0
}

// near reports whether got is within a relative tolerance of want.
func near(got, want float64) bool {
	if want == 0 {
		return got == 0
	}
	return math.Abs(got-want)/math.Abs(want) < 1e-9
}

func param(slug, symbol, chain string, stage any, central float64, geo, period string) obj {
	return obj{"slug": slug, "symbol": symbol, "chain": chain, "stage": stage, "low": nil, "central": central, "high": nil,
		"unit": "", "currency": "", "price_year": nil, "geography": geo, "period": period, "estimate": "reported",
		"citations": []obj{}, "note": ""}
}

// dropParameters deletes every parameter, the seeded ones included, so that a test starts from
// the figures it creates.
func dropParameters(t *testing.T, s *testServer) {
	t.Helper()
	for _, p := range collect[parameterJSON](t, s, "/api/v1/parameters?limit=200") {
		s.do(t, http.MethodDelete, "/api/v1/parameters/"+p.Slug, nil).mustStatus(t, http.StatusNoContent)
	}
}

// TestEconomicsIndia2009 works Kara's India 2009 figures by hand: profit $12,900 per victim-year
// against a $44 fine. At p = 1, D = 44/12,900 = 0.34%; at p = 1%, the fine needed is
// 12,900/0.01 = $1.29 million.
func TestEconomicsIndia2009(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	dropParameters(t, s)
	profit := with(param("st-profit-in-2009", "profit", "sex-trafficking", "retailer", 12900, "IN", "2009"), "currency", "USD", "high", 13000.0)
	s.do(t, http.MethodPost, "/api/v1/parameters", profit).mustStatus(t, http.StatusCreated)
	s.do(t, http.MethodPost, "/api/v1/parameters", with(param("st-fine-in-2009", "fine", "sex-trafficking", "retailer", 44, "IN", "2009"), "currency", "USD")).mustStatus(t, http.StatusCreated)
	// An older fine in another currency, and a fine of another country: neither is in force.
	s.do(t, http.MethodPost, "/api/v1/parameters", with(param("st-fine-in-itpa-inr", "fine", "sex-trafficking", "retailer", 2000, "IN", "1956"), "currency", "INR")).mustStatus(t, http.StatusCreated)
	s.do(t, http.MethodPost, "/api/v1/parameters", with(param("st-fine-gb", "fine", "sex-trafficking", "retailer", 1e6, "GB", "2009"), "currency", "GBP")).mustStatus(t, http.StatusCreated)
	var p obj
	s.do(t, http.MethodPost, "/api/v1/parameters", param("st-p-in-2009", "p_conviction", "sex-trafficking", "retailer", 1, "IN", "2009")).
		mustStatus(t, http.StatusCreated).decode(t, &p)

	e := economicsOf(t, s, "sex-trafficking", "geo=IN&year=2009")
	if e.Geography != "IN" || e.Year == nil || *e.Year != 2009 || e.Scenario != nil || len(e.Method.Formulas) == 0 || len(e.Method.Caveats) == 0 {
		t.Fatalf("header of the answer = %+v", e)
	}
	r, _, _ := stageOf(t, e, "retailer")
	if r.Deterrence == nil || !near(r.Deterrence.Central, 44.0/12900) {
		t.Fatalf("D = %+v, want 44/12,900 = %.6f", r.Deterrence, 44.0/12900)
	}
	if math.Round(r.Deterrence.Central*10000)/100 != 0.34 {
		t.Errorf("D = %.4f%%, want 0.34%%", r.Deterrence.Central*100)
	}
	// π is a range 12,900-13,000: D's low is 44/13,000.
	if !near(r.Deterrence.Low, 44.0/13000) || !near(r.Deterrence.High, 44.0/12900) {
		t.Errorf("D range = %+v, want 44/13,000 .. 44/12,900", r.Deterrence)
	}
	if r.Inverted == nil || r.Inverted.Inverted || r.Inverted.Range != "none" {
		t.Errorf("inverted = %+v, want false, none", r.Inverted)
	}
	if r.FineNeeded == nil || !near(r.FineNeeded.Central, 12900) {
		t.Errorf("F* at p = 1 = %+v, want 12,900", r.FineNeeded)
	}
	// Every figure carries its inputs: D names the three parameters.
	got := map[string]string{}
	for _, in := range r.Deterrence.Inputs {
		got[in.Symbol] = in.Parameter
	}
	if got["profit"] != "st-profit-in-2009" || got["fine"] != "st-fine-in-2009" || got["p_conviction"] != "st-p-in-2009" {
		t.Errorf("inputs of D = %v", got)
	}

	// p = 1% (the stored parameter changed): F* = 12,900/0.01 = $1.29 million. The cached answer
	// must not survive the write.
	s.do(t, http.MethodPut, "/api/v1/parameters/st-p-in-2009", with(p, "central", 0.01)).mustStatus(t, http.StatusOK)
	e = economicsOf(t, s, "sex-trafficking", "geo=IN&year=2009")
	r, _, _ = stageOf(t, e, "retailer")
	if r.FineNeeded == nil || !near(r.FineNeeded.Central, 1.29e6) {
		t.Fatalf("F* at p = 1%% = %+v, want 1,290,000", r.FineNeeded)
	}
	if r.Deterrence == nil || !near(r.Deterrence.Central, 0.01*44/12900) {
		t.Errorf("D at p = 1%% = %+v", r.Deterrence)
	}

	// Without geo, only global figures count: there are none, so nothing can be computed, and no
	// figure is invented.
	e = economicsOf(t, s, "sex-trafficking", "")
	r, _, _ = stageOf(t, e, "retailer")
	if r.Profit != nil || r.Deterrence != nil || r.Unavailable["deterrence_ratio"].Reason == "" {
		t.Errorf("global answer without global figures = %+v", r)
	}
	// Before 2009 the 2009 figures are not in force.
	e = economicsOf(t, s, "sex-trafficking", "geo=IN&year=2008")
	if r, _, _ := stageOf(t, e, "retailer"); r.Profit != nil {
		t.Errorf("profit in force in 2008 = %+v, want none", r.Profit)
	}
}

// TestEconomicsBreakEven works the whole-chain identity Π_tot/N for both global examples: sexual
// exploitation $172.6bn / 5,859 ≈ $29.5 million per conviction, forced labour $63.4bn / 1,256 ≈
// $50 million.
func TestEconomicsBreakEven(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	dropParameters(t, s)
	for _, p := range []obj{
		with(param("st-total-profits-global-2024", "total_profits", "sex-trafficking", nil, 172.6e9, "global", "2021"), "currency", "USD", "estimate", "derived"),
		// An older total: the latest is in force.
		param("st-total-profits-global-2014", "total_profits", "sex-trafficking", nil, 99e9, "global", "2012"),
		param("st-convictions-global-2023", "convictions", "sex-trafficking", "retailer", 5859, "global", "2023"),
		param("st-victims-global-2021", "victims", "sex-trafficking", "product", 6.3e6, "global", "2021"),
		param("fl-total-profits-global-2024", "total_profits", "forced-labour", nil, 63.4e9, "global", "2021"),
		param("fl-convictions-global-2023", "convictions", "forced-labour", nil, 1256, "global", "2023"),
	} {
		s.do(t, http.MethodPost, "/api/v1/parameters", p).mustStatus(t, http.StatusCreated)
	}
	for _, c := range []struct {
		chain string
		want  float64
		round float64 // the figure in millions, rounded as the issue gives it
	}{
		{"sex-trafficking", 172.6e9 / 5859, 29.5},
		{"forced-labour", 63.4e9 / 1256, 50},
	} {
		e := economicsOf(t, s, c.chain, "")
		be := e.WholeChain.Baseline.BreakEven
		if be == nil || !near(be.Central, c.want) {
			t.Fatalf("%s: break-even per conviction = %+v, want %.0f", c.chain, be, c.want)
		}
		if r := math.Round(be.Central/1e5) / 10; math.Abs(r-c.round) > 0.5 {
			t.Errorf("%s: break-even = $%.1fm, want ≈ $%.1fm", c.chain, r, c.round)
		}
	}
	e := economicsOf(t, s, "sex-trafficking", "year=2013")
	// In 2013 the 2014 total (period 2012) is the latest in force, and the 2023 convictions are not.
	if e.WholeChain.Baseline.BreakEven != nil || e.WholeChain.Baseline.Unavailable["break_even_per_conviction"].Reason == "" {
		t.Errorf("2013 break-even = %+v, want unavailable (no convictions in force)", e.WholeChain.Baseline.BreakEven)
	}
	// The conviction rate N/V ≈ 0.09% per victim-year.
	e = economicsOf(t, s, "sex-trafficking", "")
	if cr := e.WholeChain.Baseline.ConvictionRate; cr == nil || !near(cr.Central, 5859/6.3e6) {
		t.Errorf("conviction rate = %+v, want 5,859/6.3m", cr)
	}
}

// TestEconomicsScenarios: an override changes only what it should; apply= moves the values a
// tactic's acts_on names; p = 0 gives D = 0 and F* null with a reason.
func TestEconomicsScenarios(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	dropParameters(t, s)
	for _, p := range []obj{
		with(param("profit", "profit", "sex-trafficking", "retailer", 12900, "global", "2009"), "currency", "USD"),
		with(param("fine", "fine", "sex-trafficking", "retailer", 44, "global", "2009"), "currency", "USD"),
		param("p", "p_conviction", "sex-trafficking", "retailer", 1, "global", "2009"),
		param("total", "total_profits", "sex-trafficking", nil, 172.6e9, "global", "2021"),
		param("convictions", "convictions", "sex-trafficking", nil, 5859, "global", "2023"),
		// A range without a central value counts at its midpoint, and the answer says so.
		with(param("acq", "acquisition_cost", "sex-trafficking", "wholesaler", 0, "global", "2009"), "central", nil, "low", 200.0, "high", 1000.0),
	} {
		s.do(t, http.MethodPost, "/api/v1/parameters", p).mustStatus(t, http.StatusCreated)
	}
	base := economicsOf(t, s, "sex-trafficking", "")
	_, _, wi := stageOf(t, base, "wholesaler")
	if a := strings.Join(base.Stages[wi].Baseline.Assumptions, "\n"); !strings.Contains(a, "midpoint") || !strings.Contains(a, "600") {
		t.Errorf("wholesaler assumptions do not state the midpoint 600: %q", a)
	}

	e := economicsOf(t, s, "sex-trafficking", "set.p_conviction=0.01")
	if e.Scenario == nil {
		t.Fatal("a scenario answer has no scenario")
	}
	b, sc, i := stageOf(t, e, "retailer")
	if sc == nil || e.Stages[i].Delta == nil {
		t.Fatalf("retailer has no scenario or delta: %+v", e.Stages[i])
	}
	if !near(b.FineNeeded.Central, 12900) || !near(sc.FineNeeded.Central, 1.29e6) {
		t.Errorf("F*: baseline %+v, scenario %+v; want 12,900 and 1,290,000", b.FineNeeded, sc.FineNeeded)
	}
	d := e.Stages[i].Delta
	if d.Profit == nil || *d.Profit != (changeJSON{}) {
		t.Errorf("the override moved profit: %+v", d.Profit)
	}
	if d.Certainty == nil || !near(d.Certainty.Central, -0.99) {
		t.Errorf("certainty delta = %+v, want -0.99", d.Certainty)
	}
	if d.FineNeeded == nil || !near(d.FineNeeded.Central, 1.29e6-12900) {
		t.Errorf("F* delta = %+v", d.FineNeeded)
	}
	// certainty_needed does not depend on p.
	if d.CertaintyNeeded == nil || *d.CertaintyNeeded != (changeJSON{}) {
		t.Errorf("the override moved p*: %+v", d.CertaintyNeeded)
	}
	for _, in := range sc.Certainty.Inputs {
		if in.Symbol == "p_conviction" && in.Origin != "override" {
			t.Errorf("the overridden p is not marked as an override: %+v", in)
		}
	}
	// The whole chain does not depend on p.
	if wd := e.WholeChain.Delta; wd == nil || wd.BreakEven == nil || *wd.BreakEven != (changeJSON{}) {
		t.Errorf("the override moved the chain's break-even: %+v", e.WholeChain.Delta)
	}

	// apply: a published tactic whose acts_on raises the fine tenfold.
	// Made through the store: the tactic is the set-up, not what is tested.
	m, err := s.Store.ChainModel(context.Background(), "sex-trafficking")
	if err != nil {
		t.Fatal(err)
	}
	var retailerID int64
	for _, st := range m.Stages {
		if st.Slug == "retailer" {
			retailerID = st.ID
		}
	}
	_, err = s.Store.CreateTactic(context.Background(), &models.TacticInput{StageID: &retailerID, Code: "ST-R-R90",
		Kind: models.KindRecommended, Status: models.StatusPublished, Title: "Fine exploiters tenfold",
		Summary: "Raise the fine for brothel keeping.",
		ActsOn:  []models.ActsOn{{Symbol: "fine", Direction: "raises", Effect: "The fine rises ×10."}}})
	if err != nil {
		t.Fatal(err)
	}
	e = economicsOf(t, s, "sex-trafficking", "apply=ST-R-R90")
	b, sc, i = stageOf(t, e, "retailer")
	if sc == nil || !near(sc.ExpectedCost.Central, 440) || !near(b.ExpectedCost.Central, 44) {
		t.Fatalf("E[C] with the fine ×10: baseline %+v, scenario %+v; want 44 and 440", b.ExpectedCost, sc)
	}
	if !near(sc.Deterrence.Central, 440.0/12900) {
		t.Errorf("D with the fine ×10 = %+v", sc.Deterrence)
	}
	if d := e.Stages[i].Delta; d.Certainty == nil || *d.Certainty != (changeJSON{}) {
		t.Errorf("apply moved certainty: %+v", d.Certainty)
	}
	// An override and an effect compose: set, then apply.
	e = economicsOf(t, s, "sex-trafficking", "set.fine=100&apply=ST-R-R90")
	if _, sc, _ := stageOf(t, e, "retailer"); sc == nil || !near(sc.ExpectedCost.Central, 1000) {
		t.Errorf("E[C] with fine 100 ×10 = %+v, want 1,000", sc)
	}

	// p = 0: D = 0, F* null with a reason; never a 500 or an infinity.
	e = economicsOf(t, s, "sex-trafficking", "set.p_conviction=0")
	_, sc, _ = stageOf(t, e, "retailer")
	if sc == nil || sc.Deterrence == nil || sc.Deterrence.Central != 0 {
		t.Fatalf("D at p = 0 = %+v, want 0", sc)
	}
	if sc.FineNeeded != nil || sc.Unavailable["fine_needed"].Reason == "" {
		t.Errorf("F* at p = 0 = %+v, unavailable %+v; want null with a reason", sc.FineNeeded, sc.Unavailable)
	}
	// The same with p = 0 stored.
	var p obj
	s.do(t, http.MethodGet, "/api/v1/parameters/p", nil).mustStatus(t, http.StatusOK).decode(t, &p)
	s.do(t, http.MethodPut, "/api/v1/parameters/p", with(p, "central", 0.0)).mustStatus(t, http.StatusOK)
	e = economicsOf(t, s, "sex-trafficking", "")
	if r, _, _ := stageOf(t, e, "retailer"); r.Deterrence == nil || r.Deterrence.Central != 0 || r.FineNeeded != nil || r.Unavailable["fine_needed"].Reason == "" {
		t.Errorf("stored p = 0: D %+v, F* %+v, unavailable %+v", r.Deterrence, r.FineNeeded, r.Unavailable)
	}
}

// TestEconomicsCache: a baseline answer is served from the cache until any write; the ETag follows
// the content; a 304 for a current ETag.
func TestEconomicsCache(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	dropParameters(t, s)
	path := "/api/v1/chains/sex-trafficking/economics?geo=IN"
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
	s.do(t, http.MethodPost, "/api/v1/parameters", param("profit", "profit", "sex-trafficking", "retailer", 12900, "IN", "2009")).mustStatus(t, http.StatusCreated)
	after := s.do(t, http.MethodGet, path, nil).mustStatus(t, http.StatusOK)
	if after.Header.Get("ETag") == etag || !strings.Contains(string(after.Body), `"parameter":"profit"`) {
		t.Errorf("the answer did not change with a new parameter: %s", after.Body)
	}
	// The public can read it, and a shared cache may keep it.
	anon := s.do(t, http.MethodGet, path, nil, authAs(s, "anonymous")...).mustStatus(t, http.StatusOK)
	if cc := anon.Header.Get("Cache-Control"); !strings.Contains(cc, "public") {
		t.Errorf("Cache-Control = %q, want public", cc)
	}
}

// TestEconomicsGeneratedClient reads the model with the client generated from the spec: the
// schema is usable as it is, and large figures keep their precision (numbers are doubles).
func TestEconomicsGeneratedClient(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	dropParameters(t, s)
	s.do(t, http.MethodPost, "/api/v1/parameters", param("total", "total_profits", "sex-trafficking", nil, 172.6e9, "global", "2021")).mustStatus(t, http.StatusCreated)
	s.do(t, http.MethodPost, "/api/v1/parameters", param("n", "convictions", "sex-trafficking", nil, 5859, "global", "2023")).mustStatus(t, http.StatusCreated)
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
		t.Errorf("break-even through the client = %+v", be)
	}
}
