package economics

import "math"

// Value is a range: Low ≤ Central ≤ High. A single figure is a range whose
// three members are equal (see [Point]).
//
// The arithmetic methods are interval arithmetic: the low and high of a
// result are the smallest and largest values the operation can take over the
// operands' ranges, and the central is the operation applied to the centrals.
// When the same input enters a formula twice (π in D = p·(F + φ·π·T)/π, for
// example), interval arithmetic treats the two occurrences as independent, so
// the resulting range is wider than the exact one, never narrower.
//
//	@Description	A range low ≤ central ≤ high; a single figure has three equal members.
type Value struct {
	// Low end of the range.
	Low float64 `json:"low" format:"double" example:"0.0034"`
	// Central value.
	Central float64 `json:"central" format:"double" example:"0.0034"`
	// High end of the range.
	High float64 `json:"high" format:"double" example:"0.0034"`
}

// Point returns the range holding the single value x.
func Point(x float64) Value { return Value{x, x, x} }

// Ordered reports whether Low ≤ Central ≤ High (false if any is NaN).
func (v Value) Ordered() bool { return v.Low <= v.Central && v.Central <= v.High }

// Finite reports whether no member is NaN or ±Inf.
func (v Value) Finite() bool {
	return isFinite(v.Low) && isFinite(v.Central) && isFinite(v.High)
}

// IsZero reports whether the whole range is 0.
func (v Value) IsZero() bool { return v.Low == 0 && v.Central == 0 && v.High == 0 }

// Add returns v + w.
func (v Value) Add(w Value) Value {
	return Value{v.Low + w.Low, v.Central + w.Central, v.High + w.High}
}

// Sub returns v − w: the low subtracts w's high and the high subtracts w's low.
func (v Value) Sub(w Value) Value {
	return Value{v.Low - w.High, v.Central - w.Central, v.High - w.Low}
}

// Mul returns v·w. For non-negative ranges the low is the product of the lows
// and the high the product of the highs; for ranges that may be negative
// (F* before clamping, lifetime profit) the extremes are taken over the four
// products of bounds.
func (v Value) Mul(w Value) Value {
	lo, hi := extremes(v.Low*w.Low, v.Low*w.High, v.High*w.Low, v.High*w.High)
	return Value{lo, v.Central * w.Central, hi}
}

// Scale returns v·k for a single number k; a negative k swaps the bounds.
func (v Value) Scale(k float64) Value { return v.Mul(Point(k)) }

// Div returns v/w. It is defined only when the whole of w is strictly
// positive (w.Low > 0); otherwise the quotient is unbounded or undefined and
// ok is false. For non-negative v, the low is v.Low/w.High and the high is
// v.High/w.Low.
func (v Value) Div(w Value) (q Value, ok bool) {
	if !(w.Low > 0) {
		return Value{}, false
	}
	lo, hi := extremes(v.Low/w.Low, v.Low/w.High, v.High/w.Low, v.High/w.High)
	return Value{lo, v.Central / w.Central, hi}, true
}

// ClampMin returns v with every member raised to at least m, and whether any
// member was raised. Clamping keeps the order of the members.
func (v Value) ClampMin(m float64) (Value, bool) {
	c := v
	c.Low, c.Central, c.High = math.Max(c.Low, m), math.Max(c.Central, m), math.Max(c.High, m)
	return c, c != v
}

// ClampMax returns v with every member lowered to at most m, and whether any
// member was lowered.
func (v Value) ClampMax(m float64) (Value, bool) {
	c := v
	c.Low, c.Central, c.High = math.Min(c.Low, m), math.Min(c.Central, m), math.Min(c.High, m)
	return c, c != v
}

func extremes(xs ...float64) (lo, hi float64) {
	lo, hi = xs[0], xs[0]
	for _, x := range xs[1:] {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
