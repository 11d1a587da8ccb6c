package economics

import (
	"reflect"
	"strings"
	"testing"
)

// zeros are the penalty inputs of the India illustration other than the fine,
// all 0 ("all else 0").
func zeros(kv ...any) Inputs {
	base := []any{Restitution, 0, ConfiscationRate, 0, PrisonYears, 0, PrisonYearCost, 0}
	return in(append(base, kv...)...)
}

func TestStageIndia2009(t *testing.T) {
	// Kara's inputs: π = $12,900 per victim-year, a $44 fine, nothing else.
	t.Run("D at p = 1 is 44/12,900 = 0.34%", func(t *testing.T) {
		r := Stage(zeros(Profit, 12900, Fine, 44, PConviction, 1))
		wantValue(t, "E[C]", r.ExpectedCost, Point(44))
		wantValue(t, "D", r.Deterrence, Point(44.0/12900))
		if got := r.Deterrence.Central; got < 0.00341 || got > 0.00342 {
			t.Fatalf("D = %v, want ≈ 0.00341", got)
		}
		if r.Inverted == nil || r.Inverted.Inverted || r.Inverted.Range != InvertedNone {
			t.Fatalf("Inverted = %+v, want not inverted anywhere", r.Inverted)
		}
		// p* = 12,900/44 ≈ 293: certainty alone cannot do it.
		wantValue(t, "p*", r.CertaintyNeeded, Point(12900.0/44))
		if !strings.Contains(strings.Join(r.CertaintyNeeded.Notes, " "), "not reachable by certainty alone") {
			t.Fatalf("p* notes = %q, want the not-reachable note", r.CertaintyNeeded.Notes)
		}
	})
	t.Run("F* at p = 1% is 12,900/0.01 − 0 = $1.29m", func(t *testing.T) {
		r := Stage(zeros(Profit, 12900, Fine, 44, PConviction, 0.01))
		wantValue(t, "F*", r.FineNeeded, Point(1290000))
		// F* does not depend on F.
		if got, want := symbolsOf(r.FineNeeded), []Symbol{Profit, PConviction, Restitution, ConfiscationRate, PrisonYears, PrisonYearCost}; !reflect.DeepEqual(got, want) {
			t.Fatalf("F* inputs = %v, want %v", got, want)
		}
		wantValue(t, "D", r.Deterrence, Point(0.01*44/12900))
	})
}

func TestStageRangesPropagate(t *testing.T) {
	// Profit 12,900–13,000 (Kara's range), p 0.5%–2%, fine 44.
	pi := Value{12900, 12950, 13000}
	p := Value{0.005, 0.01, 0.02}
	r := Stage(zeros(Profit, pi, Fine, 44, PConviction, p))
	wantValue(t, "E[C]", r.ExpectedCost, Value{0.005 * 44, 0.01 * 44, 0.02 * 44})
	// D low = E[C].low/π.high, D high = E[C].high/π.low.
	wantValue(t, "D", r.Deterrence, Value{0.005 * 44 / 13000, 0.01 * 44 / 12950, 0.02 * 44 / 12900})
	// F* low = π.low/p.high, high = π.high/p.low.
	wantValue(t, "F*", r.FineNeeded, Value{12900 / 0.02, 12950 / 0.01, 13000 / 0.005})
	wantValue(t, "p*", r.CertaintyNeeded, Value{12900.0 / 44, 12950.0 / 44, 13000.0 / 44})
	for name, f := range map[string]*Figure{"D": r.Deterrence, "F*": r.FineNeeded, "p*": r.CertaintyNeeded} {
		if !(f.Low < f.Central && f.Central < f.High) {
			t.Errorf("%s = %+v, want low < central < high", name, f.Value)
		}
	}
}

func TestStageCertaintyFromFactors(t *testing.T) {
	t.Run("product of the three", func(t *testing.T) {
		r := Stage(zeros(Profit, 12900, Fine, 44, PDetect, 0.1, PProsecute, 0.5, PConvict, 0.2))
		wantValue(t, "p", r.Certainty, Point(0.01))
		wantValue(t, "F*", r.FineNeeded, Point(1290000))
		if got, want := symbolsOf(r.Certainty), []Symbol{PDetect, PProsecute, PConvict}; !reflect.DeepEqual(got, want) {
			t.Fatalf("p inputs = %v, want %v", got, want)
		}
	})
	t.Run("p_conviction takes precedence", func(t *testing.T) {
		r := Stage(zeros(Profit, 12900, Fine, 44, PConviction, 0.02, PDetect, 0.1, PProsecute, 0.5, PConvict, 0.2))
		wantValue(t, "p", r.Certainty, Point(0.02))
	})
	t.Run("a factor missing", func(t *testing.T) {
		r := Stage(zeros(Profit, 12900, Fine, 44, PDetect, 0.1, PConvict, 0.2))
		if r.Certainty != nil || r.ExpectedCost != nil || r.Deterrence != nil || r.FineNeeded != nil {
			t.Fatalf("figures needing p are not nil: %+v", r)
		}
		u := r.Unavailable[keyDeterrence]
		if !reflect.DeepEqual(u.Missing, []Symbol{PProsecute}) {
			t.Fatalf("D missing = %v, want [p_prosecute]", u.Missing)
		}
		// p* does not need p.
		wantValue(t, "p*", r.CertaintyNeeded, Point(12900.0/44))
	})
	t.Run("no p at all", func(t *testing.T) {
		r := Stage(zeros(Profit, 12900, Fine, 44))
		if u := r.Unavailable[keyFineNeeded]; !reflect.DeepEqual(u.Missing, []Symbol{PConviction}) || !strings.Contains(u.Reason, "p_conviction") {
			t.Fatalf("F* unavailable = %+v, want missing p_conviction", u)
		}
	})
}

func TestStageZeroCertainty(t *testing.T) {
	r := Stage(zeros(Profit, 12900, Fine, 44, PConviction, 0))
	wantValue(t, "D", r.Deterrence, Point(0))
	if r.FineNeeded != nil {
		t.Fatalf("F* = %+v, want nil", r.FineNeeded)
	}
	u, ok := r.Unavailable[keyFineNeeded]
	if !ok || !strings.Contains(u.Reason, "p is 0") || len(u.Missing) != 0 {
		t.Fatalf("F* unavailable = %+v, want the p = 0 reason", u)
	}
	// A p range reaching 0 leaves F* unbounded at that end: nil too.
	r = Stage(zeros(Profit, 12900, Fine, 44, PConviction, Value{0, 0.01, 0.02}))
	if r.FineNeeded != nil || !strings.Contains(r.Unavailable[keyFineNeeded].Reason, "low end of p is 0") {
		t.Fatalf("F* = %+v, %+v; want nil with the low-end reason", r.FineNeeded, r.Unavailable[keyFineNeeded])
	}
	wantValue(t, "D", r.Deterrence, Value{0, 0.01 * 44 / 12900, 0.02 * 44 / 12900})
	if r.Inverted.Range != InvertedNone {
		t.Fatalf("Inverted = %+v", r.Inverted)
	}
}

func TestStageNoPenalties(t *testing.T) {
	r := Stage(in(Profit, 12900, PConviction, 0.01))
	wantValue(t, "E[C]", r.ExpectedCost, Point(0))
	wantValue(t, "D", r.Deterrence, Point(0))
	wantValue(t, "F*", r.FineNeeded, Point(1290000))
	if r.CertaintyNeeded != nil || !strings.Contains(r.Unavailable[keyCertaintyNeeded].Reason, "no penalties") {
		t.Fatalf("p* = %+v, %+v; want nil with the no-penalties reason", r.CertaintyNeeded, r.Unavailable[keyCertaintyNeeded])
	}
	// Each penalty counted as 0 is said so.
	all := strings.Join(r.Assumptions, "\n")
	for _, s := range []string{"fine (F) not given", "restitution (R) not given", "confiscation_rate (φ) not given", "prison_years (S) not given"} {
		if !strings.Contains(all, s) {
			t.Errorf("assumptions lack %q:\n%s", s, all)
		}
	}
}

func TestStageMissingProfit(t *testing.T) {
	r := Stage(in(Fine, 44, PConviction, 0.01))
	wantValue(t, "E[C]", r.ExpectedCost, Point(0.44))
	for key, f := range map[string]*Figure{keyProfit: r.Profit, keyDeterrence: r.Deterrence, keyFineNeeded: r.FineNeeded, keyCertaintyNeeded: r.CertaintyNeeded, keyLifetimeProfit: r.LifetimeProfit} {
		if f != nil {
			t.Errorf("%s = %+v, want nil", key, f)
		}
		if u := r.Unavailable[key]; !hasSymbol(u.Missing, Profit) {
			t.Errorf("%s missing = %v, want profit in it", key, u.Missing)
		}
	}
	if r.Inverted != nil {
		t.Fatalf("Inverted = %+v, want nil", r.Inverted)
	}
}

func TestStageFineNeededClamped(t *testing.T) {
	// π/p = 12,900/0.5 = 25,800 < R = 30,000: inverted without a fine.
	r := Stage(in(Profit, 12900, PConviction, 0.5, Fine, 44, Restitution, 30000))
	wantValue(t, "F*", r.FineNeeded, Point(0))
	if !strings.Contains(strings.Join(r.FineNeeded.Notes, " "), "reported as 0") {
		t.Fatalf("F* notes = %q", r.FineNeeded.Notes)
	}
	if !r.Inverted.Inverted || r.Inverted.Range != InvertedAll {
		t.Fatalf("Inverted = %+v, want inverted over the range", r.Inverted)
	}
	// Only the low end clamps when the range straddles.
	r = Stage(in(Profit, Value{10000, 12900, 20000}, PConviction, 0.5, Restitution, 25000))
	wantValue(t, "F*", r.FineNeeded, Value{0, 25800 - 25000, 40000 - 25000})
	if r.Inverted.Range != InvertedPart {
		t.Fatalf("Inverted = %+v, want part", r.Inverted)
	}
}

func TestStageConfiscationAndPrison(t *testing.T) {
	// φ = 1.1% (Europol) of Π = π·T = 12,900·2; S = 1 year at v = 12,900.
	r := Stage(in(Profit, 12900, PConviction, 0.01, Fine, 44, Restitution, 0,
		ConfiscationRate, 0.011, DurationYears, 2, PrisonYears, 1, PrisonYearCost, 12900))
	penalties := 44 + 0.011*12900*2 + 12900
	wantValue(t, "E[C]", r.ExpectedCost, Point(0.01*penalties))
	wantValue(t, "F*", r.FineNeeded, Point(12900/0.01-(0.011*12900*2+12900)))
	if !strings.Contains(strings.Join(r.Assumptions, "\n"), "Π = π·T") {
		t.Fatalf("assumptions = %q, want Π = π·T", r.Assumptions)
	}
	// Without T, Π is one year's profit.
	r = Stage(in(Profit, 12900, PConviction, 0.01, Fine, 44, ConfiscationRate, 0.011))
	wantValue(t, "E[C]", r.ExpectedCost, Point(0.01*(44+0.011*12900)))
	if !strings.Contains(strings.Join(r.Assumptions, "\n"), "Π = π") {
		t.Fatalf("assumptions = %q, want Π = π", r.Assumptions)
	}
	// S without v: prison counted as 0, and said to understate.
	r = Stage(in(Profit, 12900, PConviction, 0.01, Fine, 44, PrisonYears, 2))
	wantValue(t, "E[C]", r.ExpectedCost, Point(0.44))
	if !strings.Contains(strings.Join(r.Assumptions, "\n"), "understates") {
		t.Fatalf("assumptions = %q", r.Assumptions)
	}
	if !hasSymbol(symbolsOf(r.ExpectedCost), PrisonYears) {
		t.Fatalf("E[C] inputs = %v, want prison_years listed", symbolsOf(r.ExpectedCost))
	}
}

func TestStageLifetime(t *testing.T) {
	r := Stage(zeros(Profit, 12900, PConviction, 0.01, Fine, 44, DurationYears, 2, AcquisitionCost, 1000))
	wantValue(t, "lifetime profit", r.LifetimeProfit, Point(12900*2-1000))
	wantValue(t, "lifetime E[C]", r.LifetimeExpectedCost, Point(0.01*44*2))
	wantValue(t, "lifetime D", r.LifetimeDeterrence, Point(0.01*44*2/24800))
	if r.LifetimeInverted == nil || r.LifetimeInverted.Inverted {
		t.Fatalf("LifetimeInverted = %+v", r.LifetimeInverted)
	}
	// A range: π·T − A has low π.low·T.low − A.high.
	r = Stage(zeros(Profit, Value{12900, 12950, 13000}, PConviction, 0.01, Fine, 44,
		DurationYears, Value{1, 2, 3}, AcquisitionCost, Value{200, 500, 1000}))
	wantValue(t, "lifetime profit", r.LifetimeProfit, Value{12900 - 1000, 12950*2 - 500, 13000*3 - 200})

	t.Run("acquisition exceeds lifetime profit", func(t *testing.T) {
		r := Stage(zeros(Profit, 100, PConviction, 0.01, Fine, 44, DurationYears, 1, AcquisitionCost, 1000))
		wantValue(t, "lifetime profit", r.LifetimeProfit, Point(-900))
		if r.LifetimeDeterrence != nil || !strings.Contains(r.Unavailable[keyLifetimeDeterrence].Reason, "not positive") {
			t.Fatalf("lifetime D = %+v, %+v", r.LifetimeDeterrence, r.Unavailable[keyLifetimeDeterrence])
		}
	})
	t.Run("no T or A", func(t *testing.T) {
		r := Stage(zeros(Profit, 12900, PConviction, 0.01, Fine, 44))
		if got := r.Unavailable[keyLifetimeProfit].Missing; !reflect.DeepEqual(got, []Symbol{AcquisitionCost, DurationYears}) {
			t.Fatalf("lifetime profit missing = %v", got)
		}
		if r.LifetimeDeterrence != nil || r.LifetimeInverted != nil {
			t.Fatal("lifetime D is not nil")
		}
	})
}

func TestStageRejectsInvalidInputs(t *testing.T) {
	bad := zeros(Profit, 12900, Fine, 44)
	bad[PConviction] = Input{Value: Point(1.5)}
	bad[Fine] = Input{Value: Value{50, 44, 60}}
	bad["bogus"] = Input{Value: Point(1)}
	r := Stage(bad)
	if len(r.Rejected) != 3 {
		t.Fatalf("Rejected = %+v, want 3", r.Rejected)
	}
	if r.Rejected[0].Symbol != "bogus" || r.Rejected[1].Symbol != Fine || r.Rejected[2].Symbol != PConviction {
		t.Fatalf("Rejected = %+v", r.Rejected)
	}
	if r.Deterrence != nil || !hasSymbol(r.Unavailable[keyDeterrence].Missing, PConviction) {
		t.Fatalf("D = %+v, unavailable %+v", r.Deterrence, r.Unavailable[keyDeterrence])
	}
}

func TestStageInputsCarryProvenance(t *testing.T) {
	r := Stage(zeros(Profit, 12900, Fine, 44, PConviction, 1))
	var fine Input
	for _, x := range r.Deterrence.Inputs {
		if x.Symbol == Fine {
			fine = x
		}
	}
	want := Input{Symbol: Fine, Value: Point(44), Parameter: "param-fine", Sources: []string{"src-fine"}, Estimate: Reported, Origin: FromParameter}
	if !reflect.DeepEqual(fine, want) {
		t.Fatalf("D's fine input = %+v, want %+v", fine, want)
	}
}
