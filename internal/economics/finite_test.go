package economics

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// edge values for the grid: each symbol is absent, a point or a range built
// from these.
var (
	edgeAmounts = []float64{0, 5e-324, 1e-300, 0.5, 1, 44, 12900, 1e15, 1e300, 1.7976931348623157e308}
	edgeProbs   = []float64{0, 5e-324, 1e-300, 1e-9, 0.01, 0.5, 1}
)

func randomValue(r *rand.Rand, s Symbol) Value {
	pool := edgeAmounts
	if s.Kind() == Probability {
		pool = edgeProbs
	}
	a, b, c := pool[r.IntN(len(pool))], pool[r.IntN(len(pool))], pool[r.IntN(len(pool))]
	if r.IntN(2) == 0 {
		return Point(a)
	}
	lo, mid, hi := extremes3(a, b, c)
	return Value{lo, mid, hi}
}

func extremes3(a, b, c float64) (float64, float64, float64) {
	if a > b {
		a, b = b, a
	}
	if b > c {
		b, c = c, b
	}
	if a > b {
		a, b = b, a
	}
	return a, b, c
}

func randomInputs(r *rand.Rand) Inputs {
	out := Inputs{}
	for _, info := range symbolList {
		if r.IntN(4) == 0 {
			continue // absent
		}
		out[info.Symbol] = Input{Value: randomValue(r, info.Symbol)}
	}
	return out
}

func randomScenario(r *rand.Rand) Scenario {
	var sc Scenario
	if r.IntN(2) == 0 {
		sc.Overrides = map[Symbol]Value{}
		for i := r.IntN(3); i > 0; i-- {
			s := symbolList[r.IntN(len(symbolList))].Symbol
			sc.Overrides[s] = randomValue(r, s)
		}
	}
	factors := []float64{0, 1e-300, 0.5, 1, 2, 1e300}
	for i := r.IntN(3); i > 0; i-- {
		d := Raises
		if r.IntN(2) == 0 {
			d = Lowers
		}
		sc.Effects = append(sc.Effects, Effect{Tactic: "T", Symbol: symbolList[r.IntN(len(symbolList))].Symbol, Direction: d, Factor: factors[r.IntN(len(factors))]})
	}
	return sc
}

// checkFigures asserts that every figure of a result is finite and ordered,
// and nil exactly when Unavailable explains it.
func checkFigures(t *testing.T, label string, result any, unavailable map[string]Unavailable) {
	t.Helper()
	v := reflect.ValueOf(result)
	for i := 0; i < v.NumField(); i++ {
		f, ok := v.Field(i).Interface().(*Figure)
		if !ok {
			continue
		}
		key := v.Type().Field(i).Tag.Get("json")
		u, explained := unavailable[key]
		switch {
		case f == nil && (!explained || u.Reason == ""):
			t.Fatalf("%s: %s is nil without a reason", label, key)
		case f != nil && explained:
			t.Fatalf("%s: %s = %+v but also unavailable: %+v", label, key, f.Value, u)
		case f != nil && (!f.Finite() || !f.Ordered()):
			t.Fatalf("%s: %s = %+v", label, key, f.Value)
		}
	}
}

func TestNoInfOrNaN(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 7))
	cases := []Inputs{
		{},
		in(Profit, 0, PConviction, 0, Fine, 0),
		in(Profit, 0, PConviction, 1, Fine, 1e308, Restitution, 1e308, PrisonYears, 1e308, PrisonYearCost, 1e308),
		in(Profit, 1e-300, PConviction, 1e-300, Fine, 0),
		in(Profit, Value{0, 0, 1}, PConviction, Value{0, 0, 1}, DurationYears, Value{0, 1, 1e308}, AcquisitionCost, 1e308),
		in(TotalProfits, 1e308, Convictions, 5e-324, Victims, 5e-324),
		in(TotalProfits, 0, Convictions, 0, Victims, 0),
	}
	for i := 0; i < 20000; i++ {
		cases = append(cases, randomInputs(r))
	}
	for i, c := range cases {
		sc := randomScenario(r)
		sr := CompareStage(c, sc)
		cr := CompareChain(c, sc)
		if _, err := json.Marshal(sr); err != nil {
			t.Fatalf("case %d: stage %+v: %v", i, c, err)
		}
		if _, err := json.Marshal(cr); err != nil {
			t.Fatalf("case %d: chain %+v: %v", i, c, err)
		}
		for _, res := range []StageResult{sr.Baseline, sr.Scenario} {
			checkFigures(t, "stage", res, res.Unavailable)
			if (res.Deterrence == nil) != (res.Inverted == nil) {
				t.Fatalf("case %d: D %v, inverted %v", i, res.Deterrence, res.Inverted)
			}
		}
		for _, res := range []ChainResult{cr.Baseline, cr.Scenario} {
			checkFigures(t, "chain", res, res.Unavailable)
		}
	}
}

func TestMethodEncodes(t *testing.T) {
	m := Describe()
	if len(m.Formulas) == 0 || len(m.Caveats) < 6 || len(m.Symbols) != len(symbolList) {
		t.Fatalf("method = %+v", m)
	}
	if _, err := json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	// Describe returns a fresh value each time.
	m.Symbols[0].Symbol = "changed"
	if Describe().Symbols[0].Symbol != Profit {
		t.Fatal("Describe shares its symbol table")
	}
}
