package economics

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// in builds Inputs from symbol/value pairs, each a stored parameter.
func in(kv ...any) Inputs {
	out := Inputs{}
	for i := 0; i < len(kv); i += 2 {
		s := kv[i].(Symbol)
		var v Value
		switch x := kv[i+1].(type) {
		case float64:
			v = Point(x)
		case int:
			v = Point(float64(x))
		case Value:
			v = x
		default:
			panic("bad value")
		}
		out[s] = Input{Value: v, Parameter: "param-" + string(s), Estimate: Reported, Digits: SignificantDigits(v.Central),
			Citations: []Citation{{Source: "src-" + string(s)}}}
	}
	return out
}

// with returns in with the input of s changed by f.
func with(in Inputs, s Symbol, f func(*Input)) Inputs {
	x := in[s]
	f(&x)
	in[s] = x
	return in
}

func near(got, want float64) bool {
	if want == 0 {
		return math.Abs(got) < 1e-12
	}
	return math.Abs(got-want) <= 1e-9*math.Abs(want)
}

func wantCentral(t *testing.T, name string, f *Figure, want float64) {
	t.Helper()
	if f == nil {
		t.Fatalf("%s = nil, want %g", name, want)
	}
	if !near(f.Central, want) {
		t.Fatalf("%s = %g, want %g", name, f.Central, want)
	}
}

func exploiter(in Inputs) LinkResult {
	return Link(LinkInput{Stage: "retailer", Role: RoleExploiter, In: in})
}

// quick is exploiter with few simulation draws, for sweeps.
func quick(in Inputs) LinkResult {
	return Link(LinkInput{Stage: "retailer", Role: RoleExploiter, In: in, Draws: 20})
}

// Review E1: the share of all proceeds confiscated (Europol's 1.1%) is already unconditional: it
// is never multiplied by p again. The old model gave E[C] = p·φ·π = 0.279 for these inputs.
func TestConfiscatedShareIsNotMultipliedByP(t *testing.T) {
	r := exploiter(in(Profit, 27252.0, Convictions, 5859, Victims, 6.3e6, ConfiscatedShare, 0.011))
	wantCentral(t, "E[C]", r.ExpectedCost, 0.011*27252)
	wantCentral(t, "D", r.Deterrence, 0.011)
	if r.ExpectedCost.Bound != "lower" || r.Deterrence.Bound != "lower" {
		t.Errorf("bounds = %q, %q; want lower: fine, restitution and prison are not recorded", r.ExpectedCost.Bound, r.Deterrence.Bound)
	}
	if r.Verdict.Status != VerdictUnknown || strings.Join(r.Verdict.Missing, ",") != "fine,restitution,prison" {
		t.Errorf("verdict = %+v; want unknown with fine, restitution, prison missing", r.Verdict)
	}
	if r.Inverted != nil {
		t.Errorf("inverted = %+v; want null while components are missing", r.Inverted)
	}
	// With φ (given conviction) as well, φ is used and ψ is not.
	r = exploiter(in(Profit, 100.0, PConviction, 0.1, ConfiscationRate, 0.5, ConfiscatedShare, 0.011))
	wantCentral(t, "E[C] with φ", r.ExpectedCost, 0.1*0.5*100)
}

// Review E2: missing penalties are never a zero that becomes a verdict. With no penalty recorded,
// even at certain conviction, E[C] and D are unknown, not 0, and nothing says "pays".
func TestNoPenaltyRecordedIsUnknownNotZero(t *testing.T) {
	r := exploiter(in(Profit, 3687.0, PConviction, 1.0))
	if r.ExpectedCost != nil || r.Deterrence != nil {
		t.Fatalf("E[C], D = %v, %v; want null", r.ExpectedCost, r.Deterrence)
	}
	if got := r.Unavailable[keyExpectedCost].Reason; !strings.Contains(got, "unknown, not zero") {
		t.Errorf("reason = %q", got)
	}
	if r.Verdict.Status != VerdictUnknown || strings.Contains(r.Verdict.Text, "pays here") {
		t.Errorf("verdict = %+v; want unknown", r.Verdict)
	}
	if len(r.Verdict.Missing) != 4 {
		t.Errorf("missing = %v; want all four components", r.Verdict.Missing)
	}
	// What is still known: the penalty each conviction would need.
	wantCentral(t, "K*", r.PenaltyNeeded, 3687)
	for _, c := range r.Components {
		if c.Status != "missing" || c.Value != nil {
			t.Errorf("component %+v; want missing without a value", c)
		}
	}
}

func TestVerdicts(t *testing.T) {
	full := func(p, fine float64) Inputs {
		return in(Profit, 100.0, PConviction, p, Fine, fine, Restitution, 0.0, ConfiscationRate, 0.0, PrisonYears, 0.0)
	}
	cases := []struct {
		name string
		in   Inputs
		want VerdictStatus
	}{
		{"pays", full(0.1, 10), VerdictPays},
		{"does not pay", full(0.5, 1000), VerdictDoesNotPay},
		{"uncertain", with(full(0.5, 1000), Fine, func(x *Input) { x.Value = Value{100, 200, 300} }), VerdictUncertain},
		{"lower bound already above 1", in(Profit, 100.0, PConviction, 0.5, Fine, 1000.0), VerdictDoesNotPay},
		{"lower bound below 1", in(Profit, 100.0, PConviction, 0.5, Fine, 10.0), VerdictUnknown},
	}
	for _, tt := range cases {
		r := exploiter(tt.in)
		if r.Verdict.Status != tt.want {
			t.Errorf("%s: verdict %q (%s), want %q", tt.name, r.Verdict.Status, r.Verdict.Text, tt.want)
		}
	}
	r := exploiter(full(0.1, 10))
	if r.Inverted == nil || r.Inverted.Inverted || r.Inverted.Range != "none" {
		t.Errorf("inverted = %+v", r.Inverted)
	}
	if !strings.Contains(r.Verdict.Text, "1% of the profit") {
		t.Errorf("text = %q", r.Verdict.Text)
	}
}

// Review E5: the value of a prison year is a function of profit (k·π), not a copy of it. With
// prison alone, π cancels out of D: D = p·k·S whatever the profit.
func TestPrisonIsValuedAtIncomeForgone(t *testing.T) {
	base := func(pi float64) Inputs {
		return in(Profit, pi, PConviction, 0.01, PrisonYears, 2.0, VictimsPerOffender, 3.0)
	}
	a, b := exploiter(base(12900)), exploiter(base(1))
	wantCentral(t, "D(π=12900)", a.Deterrence, 0.01*3*2)
	wantCentral(t, "D(π=1)", b.Deterrence, 0.01*3*2)
	// A cited figure replaces k·π.
	c := exploiter(with(base(12900), PrisonYearCost, func(x *Input) { *x = in(PrisonYearCost, 50000.0)[PrisonYearCost] }))
	wantCentral(t, "E[C] with v", c.ExpectedCost, 0.01*50000*2)
	// Without k, 1 is used and said.
	d := exploiter(in(Profit, 100.0, PConviction, 0.1, PrisonYears, 1.0))
	wantCentral(t, "D(k=1)", d.Deterrence, 0.1)
	if !strings.Contains(strings.Join(d.Assumptions, " "), "victims_per_offender (k) not given") {
		t.Errorf("assumptions = %q", d.Assumptions)
	}
}

// A law that sets the fine per victim multiplies it by k.
func TestPerVictimFine(t *testing.T) {
	x := with(in(Profit, 1000.0, PConviction, 0.1, Fine, 100.0, VictimsPerOffender, 4.0), Fine, func(x *Input) { x.PerVictim = true })
	r := exploiter(x)
	wantCentral(t, "K", r.PenaltyPerConviction, 400)
	wantCentral(t, "E[C]", r.ExpectedCost, 40)
}

// Review E6: a conviction in year t confiscates t years of proceeds: lifetime confiscation is
// T(T+1)/2 years of proceeds, not T². And the per-year ratio does not depend on T, so shortening
// exploitation cannot lower it.
func TestLifetimeConfiscationAndDuration(t *testing.T) {
	x := in(Profit, 100.0, PConviction, 0.1, ConfiscationRate, 0.5, VictimsPerOffender, 1.0, DurationYears, 3.0)
	r := exploiter(x)
	wantCentral(t, "lifetime E[C]", r.LifetimeExpectedCost, 0.1*0.5*100*3*4/2)
	d1 := exploiter(with(x.Clone(), DurationYears, func(x *Input) { x.Value = Point(1) })).Deterrence.Central
	d10 := exploiter(with(x.Clone(), DurationYears, func(x *Input) { x.Value = Point(10) })).Deterrence.Central
	if d1 != d10 || d1 != r.Deterrence.Central {
		t.Errorf("per-year D moved with T: %g (T=1), %g (T=3), %g (T=10)", d1, r.Deterrence.Central, d10)
	}
	// The lifetime profit deducts the acquisition cost when it is recorded, and says so when not.
	wantCentral(t, "lifetime profit", r.LifetimeProfit, 300)
	if r.LifetimeProfit.Bound != "upper" {
		t.Errorf("lifetime profit bound = %q; want upper without A", r.LifetimeProfit.Bound)
	}
	r = exploiter(with(x.Clone(), AcquisitionCost, func(y *Input) { *y = in(AcquisitionCost, 50.0)[AcquisitionCost] }))
	wantCentral(t, "lifetime profit with A", r.LifetimeProfit, 250)
}

// Review E11: p follows N and V, so setting the convictions moves p and D.
func TestCertaintyFollowsConvictionsAndVictims(t *testing.T) {
	x := in(Profit, 100.0, Convictions, 10.0, Victims, 1000.0, Fine, 1000.0)
	r := exploiter(x)
	wantCentral(t, "p", r.Certainty, 0.01)
	wantCentral(t, "D", r.Deterrence, 0.1)
	r = exploiter(with(x, Convictions, func(x *Input) { x.Value = Point(0) }))
	wantCentral(t, "p at N=0", r.Certainty, 0)
	wantCentral(t, "D at N=0", r.Deterrence, 0)
	if r.PenaltyNeeded != nil {
		t.Errorf("K* = %v at p = 0; want null", r.PenaltyNeeded)
	}
}

// Review E7 and E8: effects are structured (never read from prose) and move only the links they
// act on; one without a size moves nothing and says so.
func TestEffectsAreScopedAndSized(t *testing.T) {
	x := in(Profit, 100.0, PConviction, 0.1, Fine, 100.0)
	sc := Scenario{Effects: []Effect{
		{Tactic: "ST-W-R04", Symbol: Fine, Direction: Raises, Links: []string{"wholesaler"}, Size: &EffectSize{Kind: Multiplier, Value: Point(10)}},
		{Tactic: "ST-R-R01", Symbol: Fine, Direction: Raises, Links: []string{"retailer"}},
	}}
	cmp := CompareLink(LinkInput{Stage: "retailer", Role: RoleExploiter, In: x}, sc)
	if cmp.Delta.ExpectedCost == nil || cmp.Delta.ExpectedCost.Central != 0 {
		t.Errorf("a wholesaler effect moved the retailer: %+v", cmp.Delta.ExpectedCost)
	}
	if len(cmp.Applied.Outcomes) != 1 || cmp.Applied.Outcomes[0].Status != EffectSizeUnknown {
		t.Fatalf("outcomes = %+v; want the unsized retailer effect alone", cmp.Applied.Outcomes)
	}
	cmp = CompareLink(LinkInput{Stage: "wholesaler", Role: RoleExploiter, In: x}, sc)
	wantCentral(t, "E[C] at the wholesaler", cmp.Scenario.ExpectedCost, 0.1*1000)
	if cmp.Applied.Outcomes[0].Status != EffectApplied {
		t.Errorf("outcome = %+v", cmp.Applied.Outcomes[0])
	}
	// An effect on a factor of p scales p when p is N/V.
	y := in(Profit, 100.0, Convictions, 10.0, Victims, 1000.0, Fine, 100.0)
	sc = Scenario{Effects: []Effect{{Tactic: "T", Symbol: PDetect, Direction: Raises, Links: []string{"retailer"}, Size: &EffectSize{Kind: Multiplier, Value: Value{2, 3, 4}}}}}
	cmp = CompareLink(LinkInput{Stage: "retailer", Role: RoleExploiter, In: y}, sc)
	if got := cmp.Scenario.Certainty.Value; !near(got.Low, 0.02) || !near(got.Central, 0.03) || !near(got.High, 0.04) {
		t.Errorf("p under the effect = %+v; want 0.02, 0.03, 0.04", got)
	}
}

// Review E9: the demand side computes: the buyer's effective price, and under a scenario the
// demand response through the elasticity.
func TestConsumerLink(t *testing.T) {
	x := in(BuyerPrice, 100.0, PBuyerPenalty, 0.1, BuyerFine, 500.0, PriceElasticity, Value{0.5, 1, 1.5})
	l := LinkInput{Stage: "consumer", Role: RoleConsumer, In: x}
	r := Link(l)
	wantCentral(t, "effective price", r.EffectivePrice, 150)
	if r.Verdict.Status != VerdictNotApplicable || !strings.Contains(r.Verdict.Text, "50%") {
		t.Errorf("verdict = %+v", r.Verdict)
	}
	cmp := CompareLink(l, Scenario{Overrides: map[Symbol]Value{BuyerFine: Point(1000)}})
	dc := cmp.Delta.DemandChange
	if dc == nil || !near(dc.Central, 200.0/150-1-(200.0/150-1)-0.25) && !near(dc.Central, math.Pow(200.0/150, -1)-1) {
		t.Fatalf("demand change = %+v; want (200/150)^-1 - 1", dc)
	}
	if !(dc.Low < dc.Central && dc.Central < dc.High) || dc.High >= 0 {
		t.Errorf("demand change range = %+v; want ordered and negative", dc.Value)
	}
	// Without a price in money it says why.
	r = Link(LinkInput{Stage: "consumer", Role: RoleConsumer, In: in(PriceElasticity, 1.0)})
	if r.EffectivePrice != nil || !strings.Contains(r.Verdict.Text, "the price of a purchase in money (buyer_price)") {
		t.Errorf("verdict = %q", r.Verdict.Text)
	}
}

func TestVictimAndRecruiterLinks(t *testing.T) {
	expl := in(Profit, 27252.0, AcquisitionCost, Value{200, 600, 1000})
	v := Link(LinkInput{Stage: "product", Role: RoleVictim, In: in(DurationYears, Value{1, 3, 5}), Exploiter: expl})
	wantCentral(t, "value extracted", v.ValueExtracted, 27252*3)
	if v.Verdict.Status != VerdictNotApplicable || v.Deterrence != nil {
		t.Errorf("victim verdict = %+v, D = %v", v.Verdict, v.Deterrence)
	}
	if v.Profit.Inputs[0].Fallback == "" {
		t.Errorf("the exploiter's profit is not marked as such: %+v", v.Profit.Inputs[0])
	}
	r := Link(LinkInput{Stage: "wholesaler", Role: RoleRecruiter, In: Inputs{}, Exploiter: expl})
	wantCentral(t, "revenue", r.RevenuePerVictim, 600)
	if r.Margin != nil || !strings.Contains(r.Unavailable[keyMargin].Reason, "recruiter's own cost") {
		t.Errorf("margin = %v, %+v", r.Margin, r.Unavailable)
	}
	if r.Verdict.Status != VerdictUnknown || !strings.Contains(r.Verdict.Text, "not reported by role") {
		t.Errorf("recruiter verdict = %+v", r.Verdict)
	}
	for _, role := range []Role{RoleCreditor, RoleBuyer} {
		r := Link(LinkInput{Role: role, In: Inputs{}})
		if r.Verdict.Status != VerdictUnknown || !strings.Contains(r.Verdict.Text, "No figures are recorded") {
			t.Errorf("%s verdict = %+v", role, r.Verdict)
		}
	}
}

func TestLevers(t *testing.T) {
	r := exploiter(in(Profit, 100.0, PConviction, 0.01, Fine, 1000.0, PrisonYears, Value{1, 2, 3}))
	r.Verdict = Verdict{}
	byS := map[Symbol]Lever{}
	for _, l := range r.Levers {
		byS[l.Symbol] = l
	}
	// E[C] = 0.01·(1000 + 100·2) = 12: p must rise ×100/12.
	p := byS[PConviction]
	if p.Needed == nil || !near(*p.Needed, 0.01*100/12) || p.Reachable == nil || !*p.Reachable {
		t.Errorf("p lever = %+v", p)
	}
	f := byS[Fine]
	if f.Needed == nil || !near(*f.Needed, 100/0.01-200) {
		t.Errorf("fine lever = %+v", f)
	}
	// Confiscation is not recorded: the lever starts from 0 and cannot exceed 1.
	c := byS[ConfiscationRate]
	if c.Current != nil || c.Needed == nil || !near(*c.Needed, (100-12)/(0.01*100)) || *c.Reachable {
		t.Errorf("confiscation lever = %+v", c)
	}
	if !strings.Contains(c.Text, "beyond its ceiling") {
		t.Errorf("text = %q", c.Text)
	}
	if len(r.Sensitivity) != 1 || r.Sensitivity[0].Symbol != PrisonYears || !near(r.Sensitivity[0].DLow, 0.11) || !near(r.Sensitivity[0].DHigh, 0.13) {
		t.Errorf("sensitivity = %+v", r.Sensitivity)
	}
}

func TestSimulationIsSeededByItsInputs(t *testing.T) {
	x := in(Profit, Value{20000, 27252, 30000}, PConviction, Value{0.0003, 0.00093, 0.003}, Fine, Value{0, 44, 100}, PrisonYears, Value{1, 2, 3})
	a, b := exploiter(x).Simulation, exploiter(x.Clone()).Simulation
	if a == nil || b == nil {
		t.Fatal("no simulation")
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("the same inputs gave two simulations:\n%s\n%s", ja, jb)
	}
	if !(a.P5 <= a.P50 && a.P50 <= a.P95) || a.Draws != DefaultDraws {
		t.Errorf("simulation = %+v", a)
	}
	shapes := map[Symbol]string{}
	for _, d := range a.Distributions {
		shapes[d.Symbol] = d.Shape
	}
	if shapes[PConviction] != "log-triangular" || shapes[Profit] != "triangular" {
		t.Errorf("shapes = %v", shapes)
	}
	c := exploiter(with(x.Clone(), Fine, func(x *Input) { x.Value = Value{0, 45, 100} })).Simulation
	if c.Seed == a.Seed {
		t.Errorf("other inputs gave the same seed %s", c.Seed)
	}
}

// randomInputs draws inputs for the exploiter link, edge values included.
func randomInputs(r *rand.Rand) Inputs {
	amounts := []float64{0, 1e-300, 0.5, 1, 44, 12900, 1e15, 1e300}
	probs := []float64{0, 1e-300, 1e-9, 0.01, 0.5, 1}
	out := Inputs{}
	for _, s := range []Symbol{Profit, PConviction, Convictions, Victims, Fine, Restitution, ConfiscationRate, ConfiscatedShare, PrisonYears, PrisonYearCost, VictimsPerOffender, DurationYears, AcquisitionCost} {
		if r.IntN(3) == 0 {
			continue
		}
		pool := amounts
		if s.Kind() == Probability {
			pool = probs
		}
		xs := []float64{pool[r.IntN(len(pool))], pool[r.IntN(len(pool))], pool[r.IntN(len(pool))]}
		slices.Sort(xs)
		out[s] = Input{Value: Value{xs[0], xs[1], xs[2]}, Digits: 2, PerVictim: s == Fine && r.IntN(2) == 0}
	}
	return out
}

// The randomized sweep: no figure is ever Inf or NaN (JSON could not carry it), every range is
// ordered, and D moves the right way with every lever.
func TestRandomSweep(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		x := randomInputs(r)
		res := quick(x)
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("inputs %+v: %v", x, err)
		}
		for name, f := range map[string]*Figure{"E[C]": res.ExpectedCost, "D": res.Deterrence, "K*": res.PenaltyNeeded, "p*": res.CertaintyNeeded, "F*": res.FineNeeded, "lifetime D": res.LifetimeDeterrence} {
			if f != nil && (!f.Finite() || !f.Ordered()) {
				t.Fatalf("%s = %+v for %+v", name, f.Value, x)
			}
		}
		if res.Deterrence == nil {
			continue
		}
		// The point model agrees with the interval computation at the central values.
		m := newPointModel(&calc{in: x, l: LinkInput{}}, !hasInput(x, ConfiscationRate) && hasInput(x, ConfiscatedShare))
		if d, ok := m.d(centrals(x)); ok && !near(d, res.Deterrence.Central) && math.Abs(d-res.Deterrence.Central) > 1e-9 {
			t.Fatalf("point D = %g, interval central = %g, for %+v", d, res.Deterrence.Central, x)
		}
		// Monotonicity: doubling a penalty or the certainty never lowers D; doubling profit never raises it.
		for _, s := range []Symbol{Fine, Restitution, PrisonYears, VictimsPerOffender, ConfiscationRate, ConfiscatedShare, PConviction} {
			v, ok := x[s]
			if !ok {
				continue
			}
			y := x.Clone()
			v.Value = v.Value.Scale(2)
			if s.Kind() == Probability {
				v.Value, _ = v.Value.ClampMax(1)
			}
			y[s] = v
			d2 := quick(y).Deterrence
			if d2 != nil && d2.Central < res.Deterrence.Central*(1-1e-12) {
				t.Fatalf("doubling %s lowered D from %g to %g for %+v", s, res.Deterrence.Central, d2.Central, x)
			}
		}
	}
}

func hasInput(in Inputs, s Symbol) bool { _, ok := in[s]; return ok }

func TestDisplay(t *testing.T) {
	cases := []struct {
		x      float64
		digits int
		want   string
	}{
		{29458952, 2, "29 million"},
		{172.6e9, 3, "173 billion"},
		{27252, 3, "27,300"},
		{12900, 2, "13,000"},
		{0.00093, 2, "0.00093"},
		{1.023e-05, 2, "0.00001"},
		{1.023e-07, 2, "1.0e-07"},
		{0.0034108, 2, "0.0034"},
		{0, 2, "0"},
	}
	for _, tt := range cases {
		if got := Display(tt.x, tt.digits); got != tt.want {
			t.Errorf("Display(%g, %d) = %q, want %q", tt.x, tt.digits, got, tt.want)
		}
	}
	for x, want := range map[float64]int{27252: 5, 6.3e6: 2, 0.00093: 2, 5859: 4, 1: 1, 0.011: 2} {
		if got := SignificantDigits(x); got != want {
			t.Errorf("SignificantDigits(%g) = %d, want %d", x, got, want)
		}
	}
	// A figure has no more digits than its least precise input.
	r := exploiter(in(Profit, 27252.0, Convictions, 5859.0, Victims, 6.3e6, Fine, 1000.0))
	if r.Certainty.Digits != 2 || r.Certainty.Display != "0.00093" {
		t.Errorf("p = %+v", r.Certainty)
	}
}

func TestConvert(t *testing.T) {
	var rates Rates
	rates.AddExchange("INR", 2009, Rate{48.3324, "fx-inr-2009"})
	rates.AddIndex("USD", 2009, Rate{214.537, "cpi-us-2009"})
	rates.AddIndex("USD", 2024, Rate{313.689, "cpi-us-2024"})
	v, c, err := rates.Convert(Point(2000), "INR", 2009, Money{"USD", 2024})
	if err != nil {
		t.Fatal(err)
	}
	want := 2000 / 48.3324 * 313.689 / 214.537
	if !near(v.Central, want) || len(c.Steps) != 2 || len(c.Parameters) != 3 {
		t.Errorf("converted = %g (%+v), want %g", v.Central, c, want)
	}
	if _, _, err := rates.Convert(Point(1), "EUR", 2009, Money{"USD", 2009}); err == nil || !strings.Contains(err.Error(), "no exchange rate of EUR per USD for 2009") {
		t.Errorf("err = %v", err)
	}
	// An input that cannot be converted is dropped and said so, never used unconverted.
	py := 2013
	x := Inputs{Fine: {Symbol: Fine, Value: Point(2000), Currency: "INR", PriceYear: &py, Parameter: "fine-inr"}}
	dropped := rates.ConvertInputs(x, Money{"USD", 2024})
	if len(x) != 0 || len(dropped) != 1 || !strings.Contains(dropped[0].Reason, "no exchange rate of INR per USD for 2013") {
		t.Errorf("inputs = %+v, dropped = %+v", x, dropped)
	}
}
