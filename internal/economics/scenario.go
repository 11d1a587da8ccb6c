package economics

import (
	"fmt"
	"sort"
	"strings"
)

// Direction is the way a tactic moves a symbol.
//
//	@Description	The way a tactic moves a symbol: raises or lowers.
type Direction string

const (
	// Raises: the tactic increases the value (Factor ≥ 1).
	Raises Direction = "raises"
	// Lowers: the tactic decreases the value (0 < Factor ≤ 1).
	Lowers Direction = "lowers"
)

// Effect is a tactic's effect on one symbol (a tactic's `acts_on` entry).
//
// Applying it multiplies every member of the symbol's range by Factor. Factor
// must agree with Direction: at least 1 for Raises, in (0, 1] for Lowers.
// Factor 0 means the source gives the direction but not the size; such an
// effect is recorded in the scenario's notes and moves nothing. A probability
// raised above 1 is capped at 1.
//
//	@Description	A tactic's effect on one symbol, as a scenario applies it: the value is multiplied by factor (0: the size is not known, nothing moves).
type Effect struct {
	// Tactic is the code of the tactic the effect comes from, for provenance.
	Tactic string `json:"tactic,omitempty" extensions:"x-omitempty" example:"ST-R-R01"`
	// The symbol it moves.
	Symbol Symbol `json:"symbol" example:"fine"`
	// Which way.
	Direction Direction `json:"direction" enums:"raises,lowers" example:"raises"`
	// The multiplier; 0 when the size is not known.
	Factor float64 `json:"factor" format:"double" example:"10"`
	// Sources for the effect.
	Sources []string `json:"sources,omitempty" extensions:"x-omitempty"`
} //	@name	ScenarioEffect

// Validate reports whether e can be applied: a known symbol, a known
// direction and a finite, non-negative factor that agrees with it.
func (e Effect) Validate() error {
	if !e.Symbol.Known() {
		return fmt.Errorf("effect of tactic %q: unknown symbol %q", e.Tactic, string(e.Symbol))
	}
	if e.Direction != Raises && e.Direction != Lowers {
		return fmt.Errorf("effect of tactic %q on %s: direction must be %q or %q, not %q", e.Tactic, e.Symbol, Raises, Lowers, string(e.Direction))
	}
	if !isFinite(e.Factor) || e.Factor < 0 {
		return fmt.Errorf("effect of tactic %q on %s: factor must be a finite number ≥ 0", e.Tactic, e.Symbol)
	}
	if e.Factor == 0 {
		return nil
	}
	if e.Direction == Raises && e.Factor < 1 {
		return fmt.Errorf("effect of tactic %q on %s: raises needs a factor ≥ 1, got %g", e.Tactic, e.Symbol, e.Factor)
	}
	if e.Direction == Lowers && e.Factor > 1 {
		return fmt.Errorf("effect of tactic %q on %s: lowers needs a factor between 0 and 1, got %g", e.Tactic, e.Symbol, e.Factor)
	}
	return nil
}

// Scenario is a what-if: overrides replace inputs (`set.<symbol>=`), then
// tactic effects (`apply=`) multiply them, in order. So an override and an
// effect on the same symbol compose: the effect applies to the overridden
// value.
type Scenario struct {
	Overrides map[Symbol]Value
	Effects   []Effect
}

// Empty reports whether the scenario changes nothing.
func (sc Scenario) Empty() bool { return len(sc.Overrides) == 0 && len(sc.Effects) == 0 }

// factors are the symbols whose product is p when p_conviction is absent.
var factors = []Symbol{PDetect, PProsecute, PConvict}

func isFactor(s Symbol) bool { return hasSymbol(factors, s) }

// Apply returns the scenario's inputs and notes on what it did that a reader
// could not guess (an effect without a size, a cap at 1, how a factor reaches
// p). base is not modified.
func (sc Scenario) Apply(base Inputs) (Inputs, []string) {
	out := base.Clone()
	var notes []string

	syms := make([]Symbol, 0, len(sc.Overrides))
	for s := range sc.Overrides {
		syms = append(syms, s)
	}
	sort.Slice(syms, func(i, j int) bool { return symbolOrder(syms[i]) < symbolOrder(syms[j]) })
	var factorSet []string
	for _, s := range syms {
		v := sc.Overrides[s]
		if err := CheckValue(s, v); err != nil {
			notes = append(notes, fmt.Sprintf("set.%s ignored: %v", s, err))
			continue
		}
		out[s] = Input{Symbol: s, Value: v, Sources: []string{}, Estimate: Assumption, Origin: FromOverride}
		if isFactor(s) {
			factorSet = append(factorSet, "set."+string(s))
		}
	}
	// p_conviction, when stored, takes precedence over its factors; a factor
	// override must reach p, so p is then computed from the factors.
	if _, setP := sc.Overrides[PConviction]; len(factorSet) > 0 && !setP {
		if _, hasP := out[PConviction]; hasP {
			if hasAll(out, factors) {
				delete(out, PConviction)
				notes = append(notes, fmt.Sprintf("%s: p is computed from p_detect·p_prosecute·p_convict instead of the stored p_conviction", strings.Join(factorSet, ", ")))
			} else {
				notes = append(notes, fmt.Sprintf("%s has no effect: p_conviction is given directly and not every factor of it is known; set p_conviction instead", strings.Join(factorSet, ", ")))
			}
		}
	}

	for _, e := range sc.Effects {
		if err := e.Validate(); err != nil {
			notes = append(notes, err.Error()+": not applied")
			continue
		}
		if e.Factor == 0 {
			notes = append(notes, fmt.Sprintf("tactic %s %s %s but its size is not given: the scenario does not move it", e.Tactic, e.Direction, e.Symbol))
			continue
		}
		target := e.Symbol
		_, hasTarget := out[target]
		_, hasP := out[PConviction]
		switch {
		case isFactor(target) && hasP:
			// p = p_detect·p_prosecute·p_convict, so scaling a factor scales p.
			notes = append(notes, fmt.Sprintf("tactic %s moves %s; p_conviction is given directly, so it is scaled by the same factor", e.Tactic, target))
			if hasTarget {
				notes = append(notes, scale(out, target, e)...)
			}
			target = PConviction
		case target == PConviction && !hasP && hasAll(out, factors):
			out[PConviction] = product(out)
			notes = append(notes, fmt.Sprintf("tactic %s moves p_conviction, which is not stored: it is taken as p_detect·p_prosecute·p_convict", e.Tactic))
		case !hasTarget:
			notes = append(notes, fmt.Sprintf("tactic %s %s %s, which has no value here: not applied", e.Tactic, e.Direction, target))
			continue
		}
		notes = append(notes, scale(out, target, e)...)
	}
	return out, notes
}

func hasAll(in Inputs, ss []Symbol) bool {
	for _, s := range ss {
		if _, ok := in[s]; !ok {
			return false
		}
	}
	return true
}

// product is p_conviction derived from its factors.
func product(in Inputs) Input {
	v := Point(1)
	var src []string
	for _, s := range factors {
		v = v.Mul(in[s].Value)
		src = appendUnique(src, in[s].Sources...)
	}
	if src == nil {
		src = []string{}
	}
	return Input{Symbol: PConviction, Value: v, Sources: src, Estimate: Derived, Origin: FromParameter}
}

func scale(in Inputs, s Symbol, e Effect) []string {
	x := in[s]
	x.Value = x.Value.Scale(e.Factor)
	var notes []string
	if s.Kind() == Probability {
		var capped bool
		if x.Value, capped = x.Value.ClampMax(1); capped {
			notes = append(notes, fmt.Sprintf("tactic %s would raise %s above 1: capped at 1", e.Tactic, s))
		}
	}
	x.Origin = FromTactic
	x.Effects = append(append([]Effect(nil), x.Effects...), e)
	in[s] = x
	return notes
}

// StageDelta is scenario − baseline for each figure of a [StageResult]; a
// change is nil when either side is (or, for absurdly large figures, when the
// difference cannot be represented).
//
//	@Description	Scenario minus baseline for each figure of a stage; null where either side is.
type StageDelta struct {
	Profit               *Change `json:"profit" extensions:"x-nullable"`
	Certainty            *Change `json:"certainty" extensions:"x-nullable"`
	ExpectedCost         *Change `json:"expected_cost" extensions:"x-nullable"`
	Deterrence           *Change `json:"deterrence_ratio" extensions:"x-nullable"`
	FineNeeded           *Change `json:"fine_needed" extensions:"x-nullable"`
	CertaintyNeeded      *Change `json:"certainty_needed" extensions:"x-nullable"`
	LifetimeProfit       *Change `json:"lifetime_profit" extensions:"x-nullable"`
	LifetimeExpectedCost *Change `json:"lifetime_expected_cost" extensions:"x-nullable"`
	LifetimeDeterrence   *Change `json:"lifetime_deterrence_ratio" extensions:"x-nullable"`
	// InversionChanged is true when the link's central verdict flips.
	InversionChanged bool `json:"inversion_changed" example:"false"`
}

// ChainDelta is scenario − baseline for each figure of a [ChainResult].
//
//	@Description	Scenario minus baseline for each figure of the whole chain; null where either side is.
type ChainDelta struct {
	BreakEvenPerConviction *Change `json:"break_even_per_conviction" extensions:"x-nullable"`
	ConvictionRate         *Change `json:"conviction_rate" extensions:"x-nullable"`
	ProfitPerVictim        *Change `json:"profit_per_victim" extensions:"x-nullable"`
}

// StageComparison is a stage under a scenario, against its baseline.
type StageComparison struct {
	Baseline StageResult `json:"baseline"`
	Scenario StageResult `json:"scenario"`
	Delta    StageDelta  `json:"delta"`
	Notes    []string    `json:"notes"`
}

// ChainComparison is a chain under a scenario, against its baseline.
type ChainComparison struct {
	Baseline ChainResult `json:"baseline"`
	Scenario ChainResult `json:"scenario"`
	Delta    ChainDelta  `json:"delta"`
	Notes    []string    `json:"notes"`
}

func delta(before, after *Figure) *Change {
	if before == nil || after == nil {
		return nil
	}
	c := change(before.Value, after.Value)
	if !isFinite(c.Low) || !isFinite(c.Central) || !isFinite(c.High) {
		return nil // the difference of two huge figures overflows
	}
	return &c
}

func inverted(i *Inversion) bool { return i != nil && i.Inverted }

// CompareStage computes a stage's baseline from base and its scenario from
// base with sc applied, and the change between them.
func CompareStage(base Inputs, sc Scenario) StageComparison {
	in, notes := sc.Apply(base)
	b, s := Stage(base), Stage(in)
	if notes == nil {
		notes = []string{}
	}
	return StageComparison{Baseline: b, Scenario: s, Notes: notes, Delta: StageDelta{
		Profit:               delta(b.Profit, s.Profit),
		Certainty:            delta(b.Certainty, s.Certainty),
		ExpectedCost:         delta(b.ExpectedCost, s.ExpectedCost),
		Deterrence:           delta(b.Deterrence, s.Deterrence),
		FineNeeded:           delta(b.FineNeeded, s.FineNeeded),
		CertaintyNeeded:      delta(b.CertaintyNeeded, s.CertaintyNeeded),
		LifetimeProfit:       delta(b.LifetimeProfit, s.LifetimeProfit),
		LifetimeExpectedCost: delta(b.LifetimeExpectedCost, s.LifetimeExpectedCost),
		LifetimeDeterrence:   delta(b.LifetimeDeterrence, s.LifetimeDeterrence),
		InversionChanged:     inverted(b.Inverted) != inverted(s.Inverted),
	}}
}

// CompareChain is [CompareStage] for the chain-level figures.
func CompareChain(base Inputs, sc Scenario) ChainComparison {
	in, notes := sc.Apply(base)
	b, s := Chain(base), Chain(in)
	if notes == nil {
		notes = []string{}
	}
	return ChainComparison{Baseline: b, Scenario: s, Notes: notes, Delta: ChainDelta{
		BreakEvenPerConviction: delta(b.BreakEvenPerConviction, s.BreakEvenPerConviction),
		ConvictionRate:         delta(b.ConvictionRate, s.ConvictionRate),
		ProfitPerVictim:        delta(b.ProfitPerVictim, s.ProfitPerVictim),
	}}
}
