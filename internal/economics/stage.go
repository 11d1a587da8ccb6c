package economics

import "fmt"

// The keys of StageResult.Unavailable and ChainResult.Unavailable are the JSON
// names of the figures.
const (
	keyProfit               = "profit"
	keyCertainty            = "certainty"
	keyExpectedCost         = "expected_cost"
	keyDeterrence           = "deterrence_ratio"
	keyFineNeeded           = "fine_needed"
	keyCertaintyNeeded      = "certainty_needed"
	keyLifetimeProfit       = "lifetime_profit"
	keyLifetimeExpectedCost = "lifetime_expected_cost"
	keyLifetimeDeterrence   = "lifetime_deterrence_ratio"
)

// Verdict says how a deterrence ratio's range lies against 1.
//
//	@Description	How the range of a deterrence ratio lies against 1: all of it above (all), across (part), or none of it above (none).
type Verdict string

const (
	// InvertedAll: even the low end of D is above 1.
	InvertedAll Verdict = "all"
	// InvertedPart: D's range straddles 1.
	InvertedPart Verdict = "part"
	// InvertedNone: even the high end of D is at most 1.
	InvertedNone Verdict = "none"
)

// Inversion judges a deterrence ratio D: Inverted is D > 1 at the central
// value; Range says whether the whole range is above 1, below it, or across.
//
//	@Description	Whether a link is inverted: D > 1 at the central value, and how the range of D lies against 1.
type Inversion struct {
	// D > 1 at the central value: exploitation does not pay.
	Inverted bool `json:"inverted" example:"false"`
	// How the range of D lies against 1.
	Range Verdict `json:"range" enums:"all,part,none" example:"none"`
}

func judge(d *Figure) *Inversion {
	if d == nil {
		return nil
	}
	inv := &Inversion{Inverted: d.Central > 1, Range: InvertedPart}
	switch {
	case d.Low > 1:
		inv.Range = InvertedAll
	case d.High <= 1:
		inv.Range = InvertedNone
	}
	return inv
}

// StageResult is the model for one link of a chain. A nil figure cannot be
// computed; Unavailable, keyed by the figure's JSON name, says why.
//
//	@Description	The model for one link of a chain. A null figure cannot be computed; unavailable, keyed by the figure's name, says why.
type StageResult struct {
	// Profit is π per victim-year.
	Profit *Figure `json:"profit" extensions:"x-nullable"`
	// Certainty is p, the probability of conviction per victim-year.
	Certainty *Figure `json:"certainty" extensions:"x-nullable"`
	// ExpectedCost is E[C] = p·(F + R + φ·Π + v·S) per victim-year.
	ExpectedCost *Figure `json:"expected_cost" extensions:"x-nullable"`
	// Deterrence is D = E[C]/π.
	Deterrence *Figure `json:"deterrence_ratio" extensions:"x-nullable"`
	// Inverted judges D against 1 (nil when D is).
	Inverted *Inversion `json:"inverted" extensions:"x-nullable"`
	// FineNeeded is F* = π/p − (R + φ·Π + v·S), clamped at 0 (0 means the
	// link is inverted without any fine).
	FineNeeded *Figure `json:"fine_needed" extensions:"x-nullable"`
	// CertaintyNeeded is p* = π/(F + R + φ·Π + v·S); above 1 it cannot be
	// reached by certainty alone.
	CertaintyNeeded *Figure `json:"certainty_needed" extensions:"x-nullable"`
	// LifetimeProfit is π·T − A per victim.
	LifetimeProfit *Figure `json:"lifetime_profit" extensions:"x-nullable"`
	// LifetimeExpectedCost is E[C]·T per victim.
	LifetimeExpectedCost *Figure `json:"lifetime_expected_cost" extensions:"x-nullable"`
	// LifetimeDeterrence is E[C]·T / (π·T − A).
	LifetimeDeterrence *Figure `json:"lifetime_deterrence_ratio" extensions:"x-nullable"`
	// LifetimeInverted judges LifetimeDeterrence against 1.
	LifetimeInverted *Inversion `json:"lifetime_inverted" extensions:"x-nullable"`

	// Why each null figure is null, keyed by the figure's name.
	Unavailable map[string]Unavailable `json:"unavailable"`
	// Assumptions are the choices the computation made that the inputs did
	// not dictate (a missing penalty counted as 0, Π over one year, ...).
	Assumptions []string `json:"assumptions"`
	// Rejected lists inputs that were ignored because they are invalid.
	Rejected []Rejection `json:"rejected,omitempty" extensions:"x-omitempty"`
}

type calc struct {
	in          Inputs
	assumptions []string
	unavailable map[string]Unavailable
}

func (c *calc) get(s Symbol) term {
	if x, ok := c.in[s]; ok {
		return fromInput(x)
	}
	return missingTerm(s)
}

func (c *calc) assume(a string) { c.assumptions = appendUnique(c.assumptions, a) }

// penalty returns the input s, or 0 with an assumption when it is absent.
func (c *calc) penalty(s Symbol) term {
	if x, ok := c.in[s]; ok {
		return fromInput(x)
	}
	info, _ := s.Info()
	c.assume(fmt.Sprintf("%s (%s) not given: counted as 0", s, info.Notation))
	return constant(0)
}

// certainty returns p: p_conviction when given, else the product of its
// three factors.
func (c *calc) certainty() term {
	if x, ok := c.in[PConviction]; ok {
		return fromInput(x)
	}
	var absent []Symbol
	t := constant(1)
	for _, s := range factors {
		if _, ok := c.in[s]; !ok {
			absent = append(absent, s)
			continue
		}
		t = mul(t, c.get(s))
	}
	switch {
	case len(absent) == len(factors):
		return missingTerm(PConviction)
	case len(absent) > 0:
		return gapTerm("p_conviction is not given and p_detect·p_prosecute·p_convict lacks a factor", missingTerm(absent...))
	}
	return t.note("p = p_detect · p_prosecute · p_convict")
}

func (c *calc) finish(key string, t term) *Figure {
	f, u := t.figure()
	if u != nil {
		c.unavailable[key] = *u
	}
	return f
}

// Stage computes the model for one link from its inputs. Inputs that fail
// [CheckValue] are ignored and listed in Rejected. It never panics, and no
// member of any figure is Inf or NaN.
func Stage(inputs Inputs) StageResult {
	in, rej := clean(inputs)
	c := &calc{in: in, unavailable: map[string]Unavailable{}}
	var r StageResult

	pi := c.get(Profit)
	p := c.certainty()
	fine := c.penalty(Fine)
	restitution := c.penalty(Restitution)

	// φ·Π, with Π the proceeds accumulated by the time of conviction.
	confiscation := constant(0)
	if phi, ok := in[ConfiscationRate]; ok {
		proceeds := pi
		if _, ok := in[DurationYears]; ok {
			proceeds = mul(pi, c.get(DurationYears))
			c.assume("confiscation applies to the proceeds accumulated over the exploitation: Π = π·T")
		} else {
			c.assume("duration_years (T) not given: confiscation applies to one year's proceeds, Π = π")
		}
		confiscation = mul(fromInput(phi), proceeds)
	} else {
		c.assume("confiscation_rate (φ) not given: counted as 0")
	}

	// v·S, the prison term in money. When only one of the two is given it is
	// still listed among the inputs, so the reader sees what was left out.
	prison := constant(0)
	_, hasS := in[PrisonYears]
	_, hasV := in[PrisonYearCost]
	switch {
	case hasS && hasV:
		prison = mul(c.get(PrisonYearCost), c.get(PrisonYears))
	case hasS:
		prison.inputs = []Input{in[PrisonYears]}
		c.assume("prison_years (S) given without prison_year_cost (v): prison counted as 0 in money, which understates the expected cost wherever prison terms are served")
	case hasV:
		prison.inputs = []Input{in[PrisonYearCost]}
		c.assume("prison_year_cost (v) given without prison_years (S): prison counted as 0")
	default:
		c.assume("prison_years (S) not given: prison counted as 0")
	}

	others := add(add(restitution, confiscation), prison) // R + φ·Π + v·S
	penalties := add(fine, others)                        // F + R + φ·Π + v·S
	cost := mul(p, penalties)
	d := div(cost, pi,
		"profit is 0: the deterrence ratio is undefined",
		"the low end of profit is 0: the deterrence ratio is unbounded there")

	needed := sub(div(pi, p,
		"p is 0: no one is convicted, so no fine can deter",
		"the low end of p is 0: at that certainty no fine can deter, so the fine needed is unbounded"), others)
	if needed.ok() {
		if v, clamped := needed.v.ClampMin(0); clamped {
			needed.v = v
			needed = needed.note("where R + φ·Π + v·S already exceeds π/p the fine needed is reported as 0: the link is inverted without any fine")
		}
	}

	pstar := div(pi, penalties,
		"there are no penalties (F + R + φ·Π + v·S = 0): no certainty of conviction can deter",
		"the low end of the penalties is 0: the certainty needed is unbounded there")
	if pstar.ok() {
		switch {
		case pstar.v.Low > 1:
			pstar = pstar.note("p* > 1 over the whole range: not reachable by certainty alone at today's penalties")
		case pstar.v.Central > 1:
			pstar = pstar.note("p* > 1 at the central value: not reachable by certainty alone at today's penalties")
		case pstar.v.High > 1:
			pstar = pstar.note("p* > 1 at the high end: there, not reachable by certainty alone at today's penalties")
		}
	}

	r.Profit = c.finish(keyProfit, pi)
	r.Certainty = c.finish(keyCertainty, p)
	r.ExpectedCost = c.finish(keyExpectedCost, cost)
	r.Deterrence = c.finish(keyDeterrence, d)
	r.Inverted = judge(r.Deterrence)
	r.FineNeeded = c.finish(keyFineNeeded, needed)
	r.CertaintyNeeded = c.finish(keyCertaintyNeeded, pstar)

	// Lifetime: π·T − A against E[C]·T.
	years := c.get(DurationYears)
	lifeProfit := sub(mul(pi, years), c.get(AcquisitionCost))
	lifeCost := mul(cost, years).note("E[C]·T: the per-year expected cost over T years, ignoring that a conviction ends the exploitation early and any discounting")
	var lifeD term
	switch {
	case !lifeCost.ok() || !lifeProfit.ok():
		lifeD = merge(lifeCost, lifeProfit)
	case lifeProfit.v.High <= 0:
		lifeD = gapTerm("lifetime profit π·T − A is not positive: acquisition costs at least what the victim earns the exploiter, before any penalty", lifeCost, lifeProfit)
	case lifeProfit.v.Low <= 0:
		lifeD = gapTerm("lifetime profit π·T − A reaches 0 or below at its low end: the lifetime ratio is unbounded there", lifeCost, lifeProfit)
	default:
		lifeD = div(lifeCost, lifeProfit, "", "")
	}
	r.LifetimeProfit = c.finish(keyLifetimeProfit, lifeProfit)
	r.LifetimeExpectedCost = c.finish(keyLifetimeExpectedCost, lifeCost)
	r.LifetimeDeterrence = c.finish(keyLifetimeDeterrence, lifeD)
	r.LifetimeInverted = judge(r.LifetimeDeterrence)

	c.assume("risk-neutral offender; probabilities and penalties per victim-year")
	r.Unavailable = c.unavailable
	r.Assumptions = c.assumptions
	r.Rejected = rej
	return r
}
