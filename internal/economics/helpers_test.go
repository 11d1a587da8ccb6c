package economics

import (
	"math"
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
		out[s] = Input{Value: v, Parameter: "param-" + string(s), Sources: []string{"src-" + string(s)}, Estimate: Reported}
	}
	return out
}

// near reports whether got is within a relative 1e-9 of want.
func near(got, want float64) bool {
	if want == 0 {
		return math.Abs(got) < 1e-12
	}
	return math.Abs(got-want) <= 1e-9*math.Abs(want)
}

func wantValue(t *testing.T, name string, f *Figure, want Value) {
	t.Helper()
	if f == nil {
		t.Fatalf("%s = nil, want %+v", name, want)
	}
	if !near(f.Low, want.Low) || !near(f.Central, want.Central) || !near(f.High, want.High) {
		t.Fatalf("%s = %+v, want %+v", name, f.Value, want)
	}
}

func symbolsOf(f *Figure) []Symbol {
	var out []Symbol
	for _, x := range f.Inputs {
		out = append(out, x.Symbol)
	}
	return out
}
