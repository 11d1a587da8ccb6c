package economics

import (
	"sort"
	"strings"
)

// Figure is one computed quantity: its range (flattened into low, central,
// high in JSON), the inputs it was computed from, and notes on how it was
// computed (a clamp, a threshold, an approximation).
//
//	@Description	A computed quantity: its range (low, central, high), the inputs it was computed from, and notes on how.
type Figure struct {
	Value
	// The inputs the figure was computed from, with their parameters and sources.
	Inputs []Input `json:"inputs"`
	// How the figure was computed, where a reader could not guess (a clamp, a threshold).
	Notes []string `json:"notes,omitempty" extensions:"x-omitempty"`
}

// Unavailable says why a figure is nil. Missing names the symbols whose
// absence prevents it (empty when the cause is a value, such as p = 0).
//
//	@Description	Why a figure is null: the inputs it lacks, or the value that prevents it (p = 0).
type Unavailable struct {
	// Why, in a sentence.
	Reason string `json:"reason" example:"there is no certainty (p = 0): no fine can deter"`
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
	return &Figure{Value: t.v, Inputs: ins, Notes: t.notes}, nil
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
