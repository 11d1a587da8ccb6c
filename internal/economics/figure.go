package economics

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Figure is one computed quantity: its range (flattened into low, central,
// high in JSON), the inputs it was computed from, how far to trust its digits,
// and notes on how it was computed.
//
//	@Description	A computed quantity: its range (low, central, high; exact), the same rounded to the significant digits its inputs support (display), whether it is a bound, the inputs it was computed from, and notes on how.
type Figure struct {
	Value
	// The central value rounded to the significant digits its inputs support (at most 3), for people; low, central and high stay exact.
	Display string `json:"display" example:"29 million"`
	// The range rounded likewise, when low and high differ from the central value.
	DisplayRange string `json:"display_range,omitempty" extensions:"x-omitempty" example:"12,900–13,000"`
	// Significant digits used for display.
	Digits int `json:"digits" example:"2"`
	// lower: the true figure is at least this, because penalty components are not recorded; upper: at most this, for the same reason; absent: no bound.
	Bound string `json:"bound,omitempty" extensions:"x-omitempty" enums:"lower,upper" example:"lower"`
	// The inputs the figure was computed from, with their provenance.
	Inputs []Input `json:"inputs"`
	// How the figure was computed, where a reader could not guess (a clamp, a conversion, an assumption).
	Notes []string `json:"notes,omitempty" extensions:"x-omitempty"`
}

// Unavailable says why a figure is null. Missing names the symbols whose
// absence prevents it (empty when the cause is a value, such as p = 0).
//
//	@Description	Why a figure is null: the inputs it lacks, or the value that prevents it (p = 0).
type Unavailable struct {
	// Why, in a sentence.
	Reason string `json:"reason" example:"missing input: fine, prison_years"`
	// The symbols whose absence prevents the figure; absent when the cause is a value.
	Missing []Symbol `json:"missing,omitempty" extensions:"x-omitempty"`
}

// term is a figure under construction: a value with its inputs and notes, or
// the reasons it cannot be computed. Operations on terms merge inputs and
// propagate gaps, so a missing input anywhere surfaces in every figure that
// depends on it.
type term struct {
	v       Value
	inputs  []Input
	notes   []string
	reasons []string
	missing []Symbol
}

func (t term) ok() bool { return len(t.reasons) == 0 && len(t.missing) == 0 }

func constant(x float64) term { return term{v: Point(x)} }

func fromInput(x Input) term { return term{v: x.Value, inputs: []Input{x}} }

func missingTerm(s ...Symbol) term { return term{missing: s} }

func gapTerm(reason string, parts ...term) term {
	t := merge(parts...)
	t.reasons = append(t.reasons, reason)
	return t
}

// merge combines the provenance and gaps of parts; the value is left zero.
func merge(parts ...term) term {
	var t term
	for _, p := range parts {
		t.inputs = appendInputs(t.inputs, p.inputs...)
		t.notes = appendUnique(t.notes, p.notes...)
		t.reasons = appendUnique(t.reasons, p.reasons...)
		for _, s := range p.missing {
			if !hasSymbol(t.missing, s) {
				t.missing = append(t.missing, s)
			}
		}
	}
	return t
}

func binary(a, b term, f func(x, y Value) Value) term {
	t := merge(a, b)
	if t.ok() {
		t.v = f(a.v, b.v)
	}
	return t
}

func add(a, b term) term { return binary(a, b, Value.Add) }
func sub(a, b term) term { return binary(a, b, Value.Sub) }
func mul(a, b term) term { return binary(a, b, Value.Mul) }

// sum adds terms; with none it is 0.
func sum(ts ...term) term {
	out := constant(0)
	for _, t := range ts {
		out = add(out, t)
	}
	return out
}

// div returns a/b, or a gap when b is 0 (zeroReason) or reaches 0 at its low
// end (lowReason).
func div(a, b term, zeroReason, lowReason string) term {
	t := merge(a, b)
	if !t.ok() {
		return t
	}
	q, ok := a.v.Div(b.v)
	if !ok {
		if b.v.High == 0 {
			return gapTerm(zeroReason, a, b)
		}
		return gapTerm(lowReason, a, b)
	}
	t.v = q
	return t
}

func (t term) note(n string) term {
	t.notes = appendUnique(append([]string(nil), t.notes...), n)
	return t
}

// digits is the number of significant digits t's inputs support: the fewest
// of any input's, between 2 and 3. The floor of 2 is there because a value
// stored with one digit is often exact (a statute's 3 years, an assumed k of
// 1), not a measurement known to one digit.
func (t term) digits() int {
	d := 3
	for _, x := range t.inputs {
		if x.Digits > 0 && x.Digits < d {
			d = x.Digits
		}
	}
	return max(d, 2)
}

// figure finishes t: a *Figure, or nil and why. A result that overflowed to
// Inf or NaN is reported as unavailable, never returned.
func (t term) figure() (*Figure, *Unavailable) {
	if !t.ok() {
		u := &Unavailable{Missing: sortSymbols(t.missing)}
		var rs []string
		if len(u.Missing) > 0 {
			names := make([]string, len(u.Missing))
			for i, s := range u.Missing {
				names[i] = string(s)
			}
			rs = append(rs, "missing input: "+strings.Join(names, ", "))
		}
		u.Reason = strings.Join(append(rs, t.reasons...), "; ")
		return nil, u
	}
	if !t.v.Finite() || !t.v.Ordered() {
		return nil, &Unavailable{Reason: "the result is too large to represent; check the magnitudes of the inputs"}
	}
	ins := t.inputs
	if ins == nil {
		ins = []Input{}
	}
	d := t.digits()
	f := &Figure{Value: t.v, Inputs: ins, Notes: t.notes, Digits: d, Display: Display(t.v.Central, d)}
	if lo, hi := Display(t.v.Low, d), Display(t.v.High, d); lo != f.Display || hi != f.Display {
		f.DisplayRange = lo + "–" + hi
	}
	return f, nil
}

// Display writes x rounded to digits significant digits, for people: whole
// numbers with thousands separators, millions and billions in words, small
// numbers as plain decimals.
func Display(x float64, digits int) string {
	if x == 0 || !isFinite(x) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	r := roundSig(x, digits)
	a := math.Abs(r)
	sign := ""
	if r < 0 {
		sign = "-"
	}
	for _, w := range []struct {
		size float64
		name string
	}{{1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}} {
		if a >= w.size {
			return sign + strconv.FormatFloat(roundSig(a/w.size, digits), 'f', -1, 64) + " " + w.name
		}
	}
	if a >= 1000 {
		return sign + thousands(strconv.FormatFloat(a, 'f', -1, 64))
	}
	if a < 1e-6 {
		return strconv.FormatFloat(r, 'e', digits-1, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

func roundSig(x float64, digits int) float64 {
	if x == 0 {
		return 0
	}
	s := strconv.FormatFloat(x, 'e', digits-1, 64)
	r, _ := strconv.ParseFloat(s, 64)
	return r
}

func thousands(s string) string {
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// SignificantDigits counts the significant digits of a stored number: 27252
// has 5, 6300000 has 2, 0.00093 has 2. At most 15.
func SignificantDigits(x float64) int {
	if x == 0 || !isFinite(x) {
		return 1
	}
	s := strconv.FormatFloat(math.Abs(x), 'e', -1, 64)
	mant, _, _ := strings.Cut(s, "e")
	mant = strings.Replace(mant, ".", "", 1)
	return max(1, min(len(mant), 15))
}

func appendInputs(dst []Input, xs ...Input) []Input {
	for _, x := range xs {
		dup := false
		for _, d := range dst {
			if d.Symbol == x.Symbol {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, x)
		}
	}
	sort.SliceStable(dst, func(i, j int) bool { return symbolOrder(dst[i].Symbol) < symbolOrder(dst[j].Symbol) })
	return dst
}

func appendUnique(dst []string, xs ...string) []string {
	for _, x := range xs {
		dup := false
		for _, d := range dst {
			if d == x {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, x)
		}
	}
	return dst
}

func hasSymbol(ss []Symbol, s Symbol) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func sortSymbols(ss []Symbol) []Symbol {
	out := append([]Symbol(nil), ss...)
	sort.SliceStable(out, func(i, j int) bool { return symbolOrder(out[i]) < symbolOrder(out[j]) })
	return out
}

func symbolOrder(s Symbol) int {
	for i, x := range symbolList {
		if x.Symbol == s {
			return i
		}
	}
	return len(symbolList)
}
