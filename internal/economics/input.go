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
	// FromParameter: a stored parameter, as it is (converted, if Conversion says so).
	FromParameter Origin = "parameter"
	// FromOverride: a scenario override (`set.<symbol>=`).
	FromOverride Origin = "override"
	// FromTactic: a stored parameter (or override) moved by one or more tactic
	// effects (`apply=`); Effects lists them.
	FromTactic Origin = "tactic"
)

// Citation is where an input's value is stated.
//
//	@Description	Where an input's value is stated: a source by slug and the place in it.
type Citation struct {
	// Slug of the source in /api/v1/sources.
	Source string `json:"source" example:"ilo-2024-profits"`
	// Where in the source (page, table, section).
	Locator string `json:"locator,omitempty" extensions:"x-omitempty" example:"p. 14"`
	// supports, contradicts or context (an assumption's citations give context, not support).
	Supports string `json:"supports,omitempty" extensions:"x-omitempty" example:"supports"`
} //	@name	FigureCitation

// Conversion records how a money input was brought to the answer's currency
// and price year.
//
//	@Description	How a money input was converted to the answer's currency and price year: the value as stored, and each step with the rate or index used.
type Conversion struct {
	// The value as stored.
	From Value `json:"from"`
	// Its currency as stored.
	FromCurrency string `json:"from_currency" example:"INR"`
	// Its price year as stored.
	FromPriceYear int `json:"from_price_year" example:"2009"`
	// Each step, in words, with the rate or index used.
	Steps []string `json:"steps"`
	// The parameters (exchange rates, price indices) used.
	Parameters []string `json:"parameters"`
}

// Input is one value the model uses, with its provenance: where and when it
// holds, in which unit and price year, and which source states it.
//
//	@Description	One value the model used, with its provenance: the parameter and input set it came from, where and when it holds, its unit, currency and price year, its basis (for penalties), its sources with locators, how it was obtained, and any conversion, fallback or tactic effect applied.
type Input struct {
	// The symbol.
	Symbol Symbol `json:"symbol" example:"fine"`
	// The value used (after conversion and scenario).
	Value Value `json:"value"`
	// Slug of the stored parameter; absent for an override.
	Parameter string `json:"parameter,omitempty" extensions:"x-omitempty" example:"st-fine-in-2009"`
	// The input set the parameter belongs to.
	InputSet string `json:"input_set,omitempty" extensions:"x-omitempty" example:"kara-2009-india"`
	// Where the value holds: an ISO 3166-1 alpha-2 code, a region (EU, M49:<code>) or global.
	Geography string `json:"geography,omitempty" extensions:"x-omitempty" example:"IN"`
	// The year or years the value describes.
	Period string `json:"period,omitempty" extensions:"x-omitempty" example:"2009"`
	// The unit of the value used.
	Unit string `json:"unit" example:"USD per conviction"`
	// ISO 4217 code of the value used, for money.
	Currency string `json:"currency,omitempty" extensions:"x-omitempty" example:"USD"`
	// Price year of the value used, for money.
	PriceYear *int `json:"price_year,omitempty" extensions:"x-omitempty" example:"2009"`
	// What a penalty's value stands for.
	Basis Basis `json:"basis,omitempty" extensions:"x-omitempty" enums:"imposed,served,statutory-range,statutory-maximum,statutory-minimum" example:"statutory-maximum"`
	// The value is per victim (a law that sets the penalty per victim).
	PerVictim bool `json:"per_victim,omitempty" extensions:"x-omitempty" example:"false"`
	// Where the value is stated.
	Citations []Citation `json:"citations"`
	// How the value was obtained; an override is an assumption.
	Estimate Estimate `json:"estimate,omitempty" extensions:"x-omitempty" enums:"reported,derived,assumption" example:"reported"`
	// Where the value came from.
	Origin Origin `json:"origin" enums:"parameter,override,tactic" example:"parameter"`
	// Why the value comes from outside the chosen input set, when it does.
	Fallback string `json:"fallback,omitempty" extensions:"x-omitempty" example:"a timeless assumption from chainkb-assumptions: ilo-2024-global gives no value"`
	// How the value was converted to the answer's currency and price year.
	Conversion *Conversion `json:"conversion,omitempty" extensions:"x-omitempty"`
	// The tactic effects applied to the value, in order.
	Effects []Effect `json:"effects,omitempty" extensions:"x-omitempty"`
	// Significant digits of the stored value, which bound the digits of every figure computed from it.
	Digits int `json:"-"`
} //	@name	FigureSource

// Inputs are the inputs of one computation, by symbol. The map key is
// authoritative: an Input's Symbol field is set from it.
type Inputs map[Symbol]Input

// Clone returns a copy of in whose slices are not shared with in.
func (in Inputs) Clone() Inputs {
	out := make(Inputs, len(in))
	for s, x := range in {
		x.Citations = append([]Citation(nil), x.Citations...)
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
		if x.Citations == nil {
			x.Citations = []Citation{}
		}
		if x.Unit == "" {
			x.Unit = s.Unit(x.Currency, x.PerVictim)
		}
		out[s] = x
	}
	sort.Slice(rej, func(i, j int) bool { return rej[i].Symbol < rej[j].Symbol })
	return out, rej
}
