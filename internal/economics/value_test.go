package economics

import "testing"

func TestValueArithmetic(t *testing.T) {
	a := Value{1, 2, 3}
	b := Value{10, 20, 40}
	tests := []struct {
		name string
		got  Value
		want Value
	}{
		{"add", a.Add(b), Value{11, 22, 43}},
		{"sub takes the other's opposite end", b.Sub(a), Value{7, 18, 39}},
		{"mul of non-negatives: lows and highs", a.Mul(b), Value{10, 40, 120}},
		{"mul across zero", Value{-2, 1, 3}.Mul(Value{1, 2, 4}), Value{-8, 2, 12}},
		{"mul of two negatives", Value{-3, -2, -1}.Mul(Value{-5, -4, -2}), Value{2, 8, 15}},
		{"scale by a negative swaps the ends", a.Scale(-1), Value{-3, -2, -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("got %+v, want %+v", tt.got, tt.want)
			}
			if !tt.got.Ordered() {
				t.Fatalf("%+v is not ordered", tt.got)
			}
		})
	}
}

func TestValueDiv(t *testing.T) {
	// D = E[C]/π: the low is E[C].low/π.high and the high E[C].high/π.low.
	q, ok := Value{1, 2, 4}.Div(Value{10, 20, 40})
	if !ok || q != (Value{1.0 / 40, 2.0 / 20, 4.0 / 10}) {
		t.Fatalf("Div = %+v, %v", q, ok)
	}
	for _, w := range []Value{Point(0), {0, 1, 2}, {-1, 1, 2}} {
		if _, ok := Point(1).Div(w); ok {
			t.Errorf("Div by %+v ok, want refused", w)
		}
	}
}

func TestValueClamp(t *testing.T) {
	v, clamped := Value{-5, 3, 7}.ClampMin(0)
	if !clamped || v != (Value{0, 3, 7}) {
		t.Fatalf("ClampMin = %+v, %v", v, clamped)
	}
	if _, clamped := (Value{1, 2, 3}).ClampMin(0); clamped {
		t.Fatal("ClampMin clamped a non-negative range")
	}
	v, clamped = Value{0.5, 1, 2}.ClampMax(1)
	if !clamped || v != (Value{0.5, 1, 1}) {
		t.Fatalf("ClampMax = %+v, %v", v, clamped)
	}
}
