package economics

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// india is the India 2009 illustration at p = 1%, with every stage input.
func india() Inputs {
	return in(Profit, 12900, PConviction, 0.01, Fine, 44, Restitution, 0, ConfiscationRate, 0,
		PrisonYears, 0, PrisonYearCost, 0, DurationYears, 2, AcquisitionCost, 500)
}

func TestScenarioOverrideChangesOnlyWhatItShould(t *testing.T) {
	base := india()
	c := CompareStage(base, Scenario{Overrides: map[Symbol]Value{Fine: Point(5000)}})

	// The fine enters E[C], D and p* (and their lifetime forms) ...
	wantValue(t, "scenario E[C]", c.Scenario.ExpectedCost, Point(50))
	wantValue(t, "scenario D", c.Scenario.Deterrence, Point(50.0/12900))
	wantValue(t, "scenario p*", c.Scenario.CertaintyNeeded, Point(12900.0/5000))
	if got, want := *c.Delta.ExpectedCost, (Change{50 - 0.44, 50 - 0.44, 50 - 0.44}); !near(got.Central, want.Central) || !near(got.Low, want.Low) || !near(got.High, want.High) {
		t.Fatalf("ΔE[C] = %+v, want %+v", got, want)
	}
	// ... and nothing else: F* = π/p − (R + φΠ + vS) does not depend on F.
	same := map[string][2]*Figure{
		"profit":          {c.Baseline.Profit, c.Scenario.Profit},
		"certainty":       {c.Baseline.Certainty, c.Scenario.Certainty},
		"fine_needed":     {c.Baseline.FineNeeded, c.Scenario.FineNeeded},
		"lifetime_profit": {c.Baseline.LifetimeProfit, c.Scenario.LifetimeProfit},
	}
	for name, pair := range same {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s changed: %+v → %+v", name, pair[0], pair[1])
		}
	}
	for name, d := range map[string]*Change{"profit": c.Delta.Profit, "certainty": c.Delta.Certainty, "fine_needed": c.Delta.FineNeeded, "lifetime_profit": c.Delta.LifetimeProfit} {
		if d == nil || *d != (Change{}) {
			t.Errorf("Δ%s = %+v, want zero", name, d)
		}
	}
	// The overridden input says where it came from.
	var fine Input
	for _, x := range c.Scenario.ExpectedCost.Inputs {
		if x.Symbol == Fine {
			fine = x
		}
	}
	if fine.Origin != FromOverride || fine.Parameter != "" || fine.Estimate != Assumption || fine.Value != Point(5000) {
		t.Fatalf("scenario fine input = %+v", fine)
	}
	// The baseline is untouched.
	if !reflect.DeepEqual(base, india()) {
		t.Fatal("CompareStage modified its base inputs")
	}
	if c.Delta.InversionChanged {
		t.Fatal("InversionChanged, want false")
	}
}

func TestScenarioInverts(t *testing.T) {
	// At p = 1%, a fine of F* = $1.29m (plus a little) inverts the link.
	c := CompareStage(india(), Scenario{Overrides: map[Symbol]Value{Fine: Point(1300000)}})
	if !c.Scenario.Inverted.Inverted || c.Baseline.Inverted.Inverted || !c.Delta.InversionChanged {
		t.Fatalf("inverted %+v → %+v, changed %v", c.Baseline.Inverted, c.Scenario.Inverted, c.Delta.InversionChanged)
	}
}

func TestScenarioEffects(t *testing.T) {
	t.Run("raises p by a factor", func(t *testing.T) {
		e := Effect{Tactic: "ST-R-R01", Symbol: PConviction, Direction: Raises, Factor: 3}
		c := CompareStage(india(), Scenario{Effects: []Effect{e}})
		wantValue(t, "p", c.Scenario.Certainty, Point(0.03))
		wantValue(t, "F*", c.Scenario.FineNeeded, Point(12900/0.03))
		x := c.Scenario.Certainty.Inputs[0]
		if x.Origin != FromTactic || !reflect.DeepEqual(x.Effects, []Effect{e}) || x.Parameter != "param-p_conviction" {
			t.Fatalf("p input = %+v", x)
		}
		// Profit is not touched.
		if *c.Delta.Profit != (Change{}) {
			t.Fatalf("Δprofit = %+v", c.Delta.Profit)
		}
	})
	t.Run("an override then an effect compose", func(t *testing.T) {
		c := CompareStage(india(), Scenario{
			Overrides: map[Symbol]Value{Fine: Point(1000)},
			Effects:   []Effect{{Tactic: "T", Symbol: Fine, Direction: Raises, Factor: 2}},
		})
		wantValue(t, "E[C]", c.Scenario.ExpectedCost, Point(0.01*2000))
	})
	t.Run("a probability is capped at 1", func(t *testing.T) {
		c := CompareStage(india(), Scenario{Effects: []Effect{{Tactic: "T", Symbol: PConviction, Direction: Raises, Factor: 200}}})
		wantValue(t, "p", c.Scenario.Certainty, Point(1))
		if !strings.Contains(strings.Join(c.Notes, "\n"), "capped at 1") {
			t.Fatalf("notes = %q", c.Notes)
		}
	})
	t.Run("a direction without a size moves nothing", func(t *testing.T) {
		c := CompareStage(india(), Scenario{Effects: []Effect{{Tactic: "T", Symbol: Fine, Direction: Raises}}})
		if !reflect.DeepEqual(c.Baseline, c.Scenario) {
			t.Fatal("scenario differs from baseline")
		}
		if !strings.Contains(strings.Join(c.Notes, "\n"), "size is not given") {
			t.Fatalf("notes = %q", c.Notes)
		}
	})
	t.Run("an effect on an absent symbol", func(t *testing.T) {
		c := CompareStage(in(Profit, 12900, PConviction, 0.01), Scenario{Effects: []Effect{{Tactic: "T", Symbol: Fine, Direction: Raises, Factor: 2}}})
		if !reflect.DeepEqual(c.Baseline, c.Scenario) || !strings.Contains(strings.Join(c.Notes, "\n"), "has no value here") {
			t.Fatalf("notes = %q", c.Notes)
		}
	})
	t.Run("an invalid effect is not applied", func(t *testing.T) {
		c := CompareStage(india(), Scenario{Effects: []Effect{{Tactic: "T", Symbol: Fine, Direction: Lowers, Factor: 3}}})
		if !reflect.DeepEqual(c.Baseline, c.Scenario) || !strings.Contains(strings.Join(c.Notes, "\n"), "not applied") {
			t.Fatalf("notes = %q", c.Notes)
		}
	})
	t.Run("a factor's effect scales a stored p", func(t *testing.T) {
		c := CompareStage(india(), Scenario{Effects: []Effect{{Tactic: "T", Symbol: PDetect, Direction: Raises, Factor: 2}}})
		wantValue(t, "p", c.Scenario.Certainty, Point(0.02))
	})
	t.Run("an effect on p computed from factors", func(t *testing.T) {
		base := in(Profit, 12900, PDetect, 0.1, PProsecute, 0.5, PConvict, 0.2)
		c := CompareStage(base, Scenario{Effects: []Effect{{Tactic: "T", Symbol: PConviction, Direction: Lowers, Factor: 0.5}}})
		wantValue(t, "p", c.Scenario.Certainty, Point(0.005))
		x := c.Scenario.Certainty.Inputs[0]
		if x.Estimate != Derived || x.Origin != FromTactic || !reflect.DeepEqual(x.Sources, []string{"src-p_detect", "src-p_prosecute", "src-p_convict"}) {
			t.Fatalf("p input = %+v", x)
		}
	})
}

func TestScenarioFactorOverride(t *testing.T) {
	t.Run("all factors known: p from factors", func(t *testing.T) {
		base := in(Profit, 12900, PConviction, 0.01, PDetect, 0.1, PProsecute, 0.5, PConvict, 0.2)
		c := CompareStage(base, Scenario{Overrides: map[Symbol]Value{PDetect: Point(0.4)}})
		wantValue(t, "p", c.Scenario.Certainty, Point(0.04))
	})
	t.Run("a factor unknown: no effect, said so", func(t *testing.T) {
		base := in(Profit, 12900, PConviction, 0.01)
		c := CompareStage(base, Scenario{Overrides: map[Symbol]Value{PDetect: Point(0.4)}})
		wantValue(t, "p", c.Scenario.Certainty, Point(0.01))
		if !strings.Contains(strings.Join(c.Notes, "\n"), "set.p_detect has no effect") {
			t.Fatalf("notes = %q", c.Notes)
		}
	})
}

func TestCompareChain(t *testing.T) {
	base := in(TotalProfits, 172.6e9, Convictions, 5859, Victims, 6.3e6)
	c := CompareChain(base, Scenario{Overrides: map[Symbol]Value{Convictions: Point(58590)}})
	wantValue(t, "break-even", c.Scenario.BreakEvenPerConviction, Point(172.6e9/58590))
	if *c.Delta.ProfitPerVictim != (Change{}) {
		t.Fatalf("Δprofit per victim = %+v, want zero", c.Delta.ProfitPerVictim)
	}
	if !near(c.Delta.BreakEvenPerConviction.Central, 172.6e9/58590-172.6e9/5859) {
		t.Fatalf("Δbreak-even = %+v", c.Delta.BreakEvenPerConviction)
	}
}

func TestScenarioDeltaOverflow(t *testing.T) {
	// Lifetime profit goes from about −1.7e308 to +1.7e308: the change cannot
	// be represented, so it is nil rather than Inf.
	base := in(Profit, 1, DurationYears, 1, AcquisitionCost, 1.7e308)
	c := CompareStage(base, Scenario{Overrides: map[Symbol]Value{Profit: Point(1.7e308), AcquisitionCost: Point(0)}})
	if c.Baseline.LifetimeProfit == nil || c.Scenario.LifetimeProfit == nil {
		t.Fatalf("lifetime profit %+v → %+v", c.Baseline.LifetimeProfit, c.Scenario.LifetimeProfit)
	}
	if c.Delta.LifetimeProfit != nil {
		t.Fatalf("Δlifetime profit = %+v, want nil", c.Delta.LifetimeProfit)
	}
	if _, err := json.Marshal(c); err != nil {
		t.Fatal(err)
	}
}
