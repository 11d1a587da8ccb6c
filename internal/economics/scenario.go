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
	// Raises: the tactic increases the value.
	Raises Direction = "raises"
	// Lowers: the tactic decreases the value.
	Lowers Direction = "lowers"
)

// SizeKind says how an effect's size applies.
//
//	@Description	How an effect's size applies: multiplier (the value is multiplied by it) or value (the value becomes it).
type SizeKind string

const (
	// Multiplier: the value is multiplied by the size.
	Multiplier SizeKind = "multiplier"
	// NewValue: the value becomes the size.
	NewValue SizeKind = "value"
)

// EffectSize is how far a tactic moves a symbol, as a cited source quantifies
// it: a multiplier or a new value, each a range.
//
//	@Description	How far a tactic moves a symbol, as a cited source quantifies it: a multiplier of the value, or a new value, as a range low ≤ central ≤ high.
type EffectSize struct {
	// multiplier: the value is multiplied by the size; value: the value becomes the size.
	Kind SizeKind `json:"kind" enums:"multiplier,value" example:"multiplier"`
	Value
} //	@name	ScenarioEffectSize

// Effect is a tactic's effect on one symbol at the links it acts on, as a
// scenario applies it (from the tactic's `acts_on`).
//
//	@Description	A tactic's effect on one symbol, at the links it acts on; without a size it moves nothing and is reported as size unknown.
type Effect struct {
	// The code of the tactic the effect comes from.
	Tactic string `json:"tactic,omitempty" extensions:"x-omitempty" example:"ST-R-R01"`
	// The symbol it moves.
	Symbol Symbol `json:"symbol" example:"fine"`
	// Which way.
	Direction Direction `json:"direction" enums:"raises,lowers" example:"raises"`
	// Slugs of the stages it acts on.
	Links []string `json:"links" example:"retailer"`
	// How far, or null when no cited source quantifies it (size unknown).
	Size *EffectSize `json:"size" extensions:"x-nullable"`
	// Where the size is stated.
	Citations []Citation `json:"citations"`
	// The level of the best evidence for the size (the tactic's evidence vocabulary).
	EvidenceLevel string `json:"evidence_level,omitempty" extensions:"x-omitempty" example:"descriptive"`
} //	@name	ScenarioEffect

// Validate reports whether e can be applied: a known link symbol, a known
// direction, and a size whose values fit the symbol and agree with the
// direction (a multiplier ≥ 1 raises, between 0 and 1 lowers).
func (e Effect) Validate() error {
	if !e.Symbol.Known() || e.Symbol.Scope() != ScopeLink {
		return fmt.Errorf("effect of tactic %s: %q is not a symbol of a link", e.Tactic, string(e.Symbol))
	}
	if e.Direction != Raises && e.Direction != Lowers {
		return fmt.Errorf("effect of tactic %s on %s: direction must be %q or %q", e.Tactic, e.Symbol, Raises, Lowers)
	}
	if e.Size == nil {
		return nil
	}
	v := e.Size.Value
	if !v.Finite() || !v.Ordered() {
		return fmt.Errorf("effect of tactic %s on %s: the size must be finite with low ≤ central ≤ high", e.Tactic, e.Symbol)
	}
	switch e.Size.Kind {
	case Multiplier:
		if v.Low <= 0 {
			return fmt.Errorf("effect of tactic %s on %s: a multiplier must be above 0", e.Tactic, e.Symbol)
		}
		if e.Direction == Raises && v.Low < 1 {
			return fmt.Errorf("effect of tactic %s on %s: raises needs a multiplier of at least 1", e.Tactic, e.Symbol)
		}
		if e.Direction == Lowers && v.High > 1 {
			return fmt.Errorf("effect of tactic %s on %s: lowers needs a multiplier of at most 1", e.Tactic, e.Symbol)
		}
	case NewValue:
		if err := CheckValue(e.Symbol, v); err != nil {
			return fmt.Errorf("effect of tactic %s: %v", e.Tactic, err)
		}
	default:
		return fmt.Errorf("effect of tactic %s on %s: the size's kind must be %q or %q", e.Tactic, e.Symbol, Multiplier, NewValue)
	}
	return nil
}

// ActsOn reports whether e acts on the stage with the given slug.
func (e Effect) ActsOn(stage string) bool {
	for _, l := range e.Links {
		if l == stage {
			return true
		}
	}
	return false
}

// Scenario is a what-if: overrides replace inputs (`set.<symbol>=`) at every
// link, then tactic effects (`apply=`) move them at the links each acts on,
// in order. An override and an effect on the same symbol compose: the effect
// applies to the overridden value.
type Scenario struct {
	Overrides map[Symbol]Value
	Effects   []Effect
}

// Empty reports whether the scenario changes nothing.
func (sc Scenario) Empty() bool { return len(sc.Overrides) == 0 && len(sc.Effects) == 0 }

// factors are the symbols whose product is p when neither p nor N and V are
// given.
var factors = []Symbol{PDetect, PProsecute, PConvict}

func isCertainty(s Symbol) bool { return s == PConviction || hasSymbol(factors, s) }

// EffectStatus says what became of one effect at one link.
type EffectStatus string

const (
	EffectApplied     EffectStatus = "applied"
	EffectSizeUnknown EffectStatus = "size-unknown"
	EffectNotHere     EffectStatus = "not-applicable"
	EffectInvalid     EffectStatus = "invalid"
)

// EffectOutcome is what became of one effect at one link.
type EffectOutcome struct {
	Effect Effect
	Link   string
	Status EffectStatus
	Detail string
}

// Applied is a link's inputs under a scenario: the inputs, a factor on the
// certainty p (the effects on p and its factors, whatever p is computed
// from), what became of each effect, and notes a reader could not guess.
type Applied struct {
	In       Inputs
	PScale   *Value
	Outcomes []EffectOutcome
	Notes    []string
}

// Apply returns base under the scenario at the link named stage. base is not
// modified.
func (sc Scenario) Apply(base Inputs, stage string) Applied {
	out := Applied{In: base.Clone()}
	syms := make([]Symbol, 0, len(sc.Overrides))
	for s := range sc.Overrides {
		syms = append(syms, s)
	}
	sort.Slice(syms, func(i, j int) bool { return symbolOrder(syms[i]) < symbolOrder(syms[j]) })
	for _, s := range syms {
		v := sc.Overrides[s]
		if err := CheckValue(s, v); err != nil {
			out.Notes = append(out.Notes, fmt.Sprintf("set.%s ignored: %v", s, err))
			continue
		}
		x := Input{Symbol: s, Value: v, Citations: []Citation{}, Estimate: Assumption, Origin: FromOverride, Digits: 3}
		if prev, ok := out.In[s]; ok {
			// An override keeps the stored value's unit, currency and price year: it is a value in
			// the answer's money, like every amount the model uses.
			x.Unit, x.Currency, x.PriceYear, x.Basis, x.PerVictim = prev.Unit, prev.Currency, prev.PriceYear, prev.Basis, prev.PerVictim
		}
		out.In[s] = x
	}
	for _, e := range sc.Effects {
		o := EffectOutcome{Effect: e, Link: stage}
		switch err := e.Validate(); {
		case err != nil:
			o.Status, o.Detail = EffectInvalid, err.Error()
		case !e.ActsOn(stage):
			continue // another link's effect: not reported here
		case e.Size == nil:
			o.Status, o.Detail = EffectSizeUnknown, fmt.Sprintf("tactic %s %s %s here, but no cited source says by how much: nothing moves", e.Tactic, e.Direction, e.Symbol)
		default:
			o.Status, o.Detail = out.apply(e)
		}
		out.Outcomes = append(out.Outcomes, o)
	}
	return out
}

// apply moves one sized effect.
func (a *Applied) apply(e Effect) (EffectStatus, string) {
	x, has := a.In[e.Symbol]
	if e.Size.Kind == Multiplier && isCertainty(e.Symbol) && (!has || e.Symbol != PConviction) {
		// p may be N/V or a product of factors here: an effect on p or a factor scales p itself.
		scale := e.Size.Value
		if a.PScale != nil {
			scale = a.PScale.Mul(scale)
		}
		a.PScale = &scale
		if has {
			a.In[e.Symbol] = moved(x, e)
		}
		return EffectApplied, fmt.Sprintf("tactic %s scales the certainty p by %s", e.Tactic, rangeText(e.Size.Value))
	}
	if !has && e.Size.Kind == Multiplier {
		return EffectNotHere, fmt.Sprintf("tactic %s %s %s, which has no value at this link: nothing moves", e.Tactic, e.Direction, e.Symbol)
	}
	if !has {
		x = Input{Symbol: e.Symbol, Citations: []Citation{}, Estimate: Assumption, Origin: FromTactic, Digits: 3,
			Unit: e.Symbol.Unit("", false)}
	}
	a.In[e.Symbol] = moved(x, e)
	if e.Size.Kind == NewValue {
		return EffectApplied, fmt.Sprintf("tactic %s sets %s to %s", e.Tactic, e.Symbol, rangeText(e.Size.Value))
	}
	return EffectApplied, fmt.Sprintf("tactic %s multiplies %s by %s", e.Tactic, e.Symbol, rangeText(e.Size.Value))
}

func moved(x Input, e Effect) Input {
	if e.Size.Kind == NewValue {
		x.Value = e.Size.Value
	} else {
		x.Value = x.Value.Mul(e.Size.Value)
	}
	if x.Symbol.Kind() == Probability {
		x.Value, _ = x.Value.ClampMax(1)
	}
	x.Origin = FromTactic
	x.Effects = append(append([]Effect(nil), x.Effects...), e)
	return x
}

func rangeText(v Value) string {
	if v.Low == v.High {
		return num(v.Central)
	}
	return fmt.Sprintf("%s (%s–%s)", num(v.Central), num(v.Low), num(v.High))
}

// Change is the difference between two ranges, member by member: Low is the
// change of the low, Central of the central, High of the high. Unlike a
// [Value] it need not be ordered, and an unchanged figure has a zero Change.
//
//	@Description	The change of a range, member by member: scenario minus baseline.
type Change struct {
	// Change of the low end.
	Low float64 `json:"low" format:"double" example:"-1280000"`
	// Change of the central value.
	Central float64 `json:"central" format:"double" example:"-1280000"`
	// Change of the high end.
	High float64 `json:"high" format:"double" example:"-1280000"`
}

func delta(before, after *Figure) *Change {
	if before == nil || after == nil {
		return nil
	}
	c := Change{after.Low - before.Low, after.Central - before.Central, after.High - before.High}
	if !isFinite(c.Low) || !isFinite(c.Central) || !isFinite(c.High) {
		return nil // the difference of two huge figures overflows
	}
	return &c
}

// LinkDelta is scenario − baseline for a link's main figures.
//
//	@Description	Scenario minus baseline for a link's main figures; null where either side is. demand_change is the relative change of demand at the consumer link, from the price elasticity.
type LinkDelta struct {
	ExpectedCost       *Change `json:"expected_cost" extensions:"x-nullable"`
	Deterrence         *Change `json:"deterrence_ratio" extensions:"x-nullable"`
	Certainty          *Change `json:"certainty" extensions:"x-nullable"`
	Profit             *Change `json:"profit" extensions:"x-nullable"`
	FineNeeded         *Change `json:"fine_needed" extensions:"x-nullable"`
	CertaintyNeeded    *Change `json:"certainty_needed" extensions:"x-nullable"`
	LifetimeDeterrence *Change `json:"lifetime_deterrence_ratio" extensions:"x-nullable"`
	ValueExtracted     *Change `json:"value_extracted" extensions:"x-nullable"`
	EffectivePrice     *Change `json:"effective_price" extensions:"x-nullable"`
	// Relative change of demand, (P_eff scenario / P_eff baseline)^(−ε) − 1, as a range; null without ε or the prices.
	DemandChange *Figure `json:"demand_change" extensions:"x-nullable"`
	// The verdict's status changed.
	VerdictChanged bool `json:"verdict_changed" example:"false"`
}

// LinkComparison is a link under a scenario, against its baseline.
type LinkComparison struct {
	Baseline LinkResult
	Scenario LinkResult
	Delta    LinkDelta
	Applied  Applied
}

// CompareLink computes a link's baseline and its figures under sc, and the
// change between them.
func CompareLink(l LinkInput, sc Scenario) LinkComparison {
	b := Link(l)
	a := sc.Apply(l.In, l.Stage)
	ls := l
	ls.In, ls.PScale = a.In, a.PScale
	s := Link(ls)
	d := LinkDelta{
		ExpectedCost:       delta(b.ExpectedCost, s.ExpectedCost),
		Deterrence:         delta(b.Deterrence, s.Deterrence),
		Certainty:          delta(b.Certainty, s.Certainty),
		Profit:             delta(b.Profit, s.Profit),
		FineNeeded:         delta(b.FineNeeded, s.FineNeeded),
		CertaintyNeeded:    delta(b.CertaintyNeeded, s.CertaintyNeeded),
		LifetimeDeterrence: delta(b.LifetimeDeterrence, s.LifetimeDeterrence),
		ValueExtracted:     delta(b.ValueExtracted, s.ValueExtracted),
		EffectivePrice:     delta(b.EffectivePrice, s.EffectivePrice),
		VerdictChanged:     b.Verdict.Status != s.Verdict.Status,
	}
	d.DemandChange = demandChange(b, s, a.In)
	return LinkComparison{Baseline: b, Scenario: s, Delta: d, Applied: a}
}

// demandChange is the consumer link's demand response: with constant
// elasticity ε, Q'/Q = (P'/P)^(−ε), so the relative change is that minus 1.
func demandChange(b, s LinkResult, in Inputs) *Figure {
	eps, ok := in[PriceElasticity]
	if !ok || b.EffectivePrice == nil || s.EffectivePrice == nil || b.EffectivePrice.Central <= 0 || b.EffectivePrice.Low <= 0 {
		return nil
	}
	ratio := s.EffectivePrice.Central / b.EffectivePrice.Central
	if ratio <= 0 || !isFinite(ratio) {
		return nil
	}
	at := func(e float64) float64 { return pow(ratio, -e) - 1 }
	lo, hi := extremes(at(eps.Value.Low), at(eps.Value.High), at(eps.Value.Central))
	t := term{v: Value{lo, at(eps.Value.Central), hi}, inputs: []Input{eps}}
	t = t.note(fmt.Sprintf("constant elasticity: the effective price moves by ×%s, so demand moves by (×%s)^(−ε) − 1", num(roundSig(ratio, 4)), num(roundSig(ratio, 4))))
	if strings.Contains(string(eps.Estimate), "assumption") {
		t = t.note("ε is an assumption: no source gives the price elasticity of demand for commercial sex or for goods made with forced labour")
	}
	f, _ := t.figure()
	return f
}
