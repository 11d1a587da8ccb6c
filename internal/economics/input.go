package economics

import (
	"fmt"
	"sort"
)

// Estimate says how a parameter's value was obtained, as the parameter's
// `estimate` field in the API.
//
//	@Description	How a value was obtained: reported (the source states it), derived (computed from reported figures) or assumption (no source gives it).
type Estimate string

const (
	// Reported: the value is stated by the source.
	Reported Estimate = "reported"
	// Derived: the value is computed from reported figures.
	Derived Estimate = "derived"
	// Assumption: no source gives the value; it is an editorial or user choice.
	Assumption Estimate = "assumption"
)

// Origin says where an input's value in a computation came from.
//
//	@Description	Where an input came from: a stored parameter, a scenario override (set.<symbol>), or a parameter moved by tactics (apply).
type Origin string

const (
	// FromParameter: a stored parameter, as it is.
	FromParameter Origin = "parameter"
	// FromOverride: a scenario override (`set.<symbol>=`).
	FromOverride Origin = "override"
	// FromTactic: a stored parameter (or override) moved by one or more tactic
	// effects (`apply=`); Effects lists them.
	FromTactic Origin = "tactic"
)

// Input is one value the model uses, with its provenance, so that every
// figure can list the inputs it was computed from.
//
//	@Description	One value the model used, with its provenance.
type Input struct {
	// The symbol.
	Symbol Symbol `json:"symbol" example:"fine"`
	// The value used.
	Value Value `json:"value"`
	// Parameter is the slug of the stored parameter ("" for an override).
	Parameter string `json:"parameter,omitempty" extensions:"x-omitempty" example:"st-fine-in-2009"`
	// Sources are the citations of the parameter (slugs or references, as the
	// caller chooses).
	Sources []string `json:"sources"`
	// How the value was obtained; an override is an assumption.
	Estimate Estimate `json:"estimate,omitempty" extensions:"x-omitempty" enums:"reported,derived,assumption" example:"reported"`
	// Where the value came from.
	Origin Origin `json:"origin" enums:"parameter,override,tactic" example:"parameter"`
	// Effects are the tactic effects applied to the value, in order.
	Effects []Effect `json:"effects,omitempty" extensions:"x-omitempty"`
} //	@name	FigureSource

// Inputs are the inputs of one computation, by symbol. The map key is
// authoritative: an Input's Symbol field is set from it.
type Inputs map[Symbol]Input

// Clone returns a copy of in whose slices are not shared with in.
func (in Inputs) Clone() Inputs {
	out := make(Inputs, len(in))
	for s, x := range in {
		x.Sources = append([]string(nil), x.Sources...)
		x.Effects = append([]Effect(nil), x.Effects...)
		out[s] = x
	}
	return out
}

// Rejection records an input that was not used because it is invalid.
//
//	@Description	An input that was not used because it is invalid.
type Rejection struct {
	// The symbol.
	Symbol Symbol `json:"symbol" example:"p_conviction"`
	// Why it was not used.
	Reason string `json:"reason" example:"p_conviction is a probability and must be between 0 and 1"`
}

// CheckValue reports whether v is acceptable for symbol s: a known symbol,
// finite and ordered members, in [0, 1] for a probability and ≥ 0 for an
// amount. The error's text names the symbol and says what to change.
func CheckValue(s Symbol, v Value) error {
	info, ok := s.Info()
	if !ok {
		return fmt.Errorf("unknown symbol %q", string(s))
	}
	if !v.Finite() {
		return fmt.Errorf("%s must be a finite number", s)
	}
	if !v.Ordered() {
		return fmt.Errorf("%s must have low ≤ central ≤ high (got %g, %g, %g)", s, v.Low, v.Central, v.High)
	}
	switch info.Kind {
	case Probability:
		if v.Low < 0 || v.High > 1 {
			return fmt.Errorf("%s is a probability and must be between 0 and 1", s)
		}
	case Amount:
		if v.Low < 0 {
			return fmt.Errorf("%s is an amount and must be 0 or more", s)
		}
	}
	return nil
}

// clean returns the valid inputs of in (with Symbol set from the key) and the
// rejections, sorted by symbol.
func clean(in Inputs) (Inputs, []Rejection) {
	out := make(Inputs, len(in))
	var rej []Rejection
	for s, x := range in {
		if err := CheckValue(s, x.Value); err != nil {
			rej = append(rej, Rejection{s, err.Error()})
			continue
		}
		x.Symbol = s
		if x.Origin == "" {
			x.Origin = FromParameter
		}
		if x.Sources == nil {
			x.Sources = []string{}
		}
		out[s] = x
	}
	sort.Slice(rej, func(i, j int) bool { return rej[i].Symbol < rej[j].Symbol })
	return out, rej
}
