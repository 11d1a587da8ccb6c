package economics

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
)

// pointModel is the exploiter link's expected penalty as a function of
// plain numbers, for the levers, the sensitivity and the simulation. At the
// central values it equals the interval computation of [Link] (a test holds
// the two together).
type pointModel struct {
	pFrom       string // "p", "nv" or "factors"
	pScale      float64
	kGiven      bool
	fine, fineK bool
	rest, restK bool
	phi, psi    bool
	prison, v   bool
}

func newPointModel(c *calc, hasPsi bool) pointModel {
	m := pointModel{pScale: 1, kGiven: c.has(VictimsPerOffender)}
	switch {
	case c.has(PConviction):
		m.pFrom = "p"
	case c.has(Convictions) && c.has(Victims):
		m.pFrom = "nv"
	default:
		m.pFrom = "factors"
	}
	if c.l.PScale != nil {
		m.pScale = c.l.PScale.Central
	}
	if x, ok := c.in[Fine]; ok {
		m.fine, m.fineK = true, x.PerVictim
	}
	if x, ok := c.in[Restitution]; ok {
		m.rest, m.restK = true, x.PerVictim
	}
	m.phi = c.has(ConfiscationRate)
	m.psi = hasPsi
	m.prison = c.has(PrisonYears)
	m.v = c.has(PrisonYearCost)
	return m
}

// reads lists the symbols the model reads.
func (m pointModel) reads() []Symbol {
	out := []Symbol{Profit}
	switch m.pFrom {
	case "p":
		out = append(out, PConviction)
	case "nv":
		out = append(out, Convictions, Victims)
	default:
		out = append(out, factors...)
	}
	if m.kGiven {
		out = append(out, VictimsPerOffender)
	}
	for _, x := range []struct {
		on bool
		s  Symbol
	}{{m.fine, Fine}, {m.rest, Restitution}, {m.phi, ConfiscationRate}, {m.psi, ConfiscatedShare}, {m.prison, PrisonYears}, {m.prison && m.v, PrisonYearCost}} {
		if x.on {
			out = append(out, x.s)
		}
	}
	return out
}

func (m pointModel) p(x map[Symbol]float64) float64 {
	var p float64
	switch m.pFrom {
	case "p":
		p = x[PConviction]
	case "nv":
		if x[Victims] > 0 {
			p = x[Convictions] / x[Victims]
		}
	default:
		p = x[PDetect] * x[PProsecute] * x[PConvict]
	}
	return math.Min(p*m.pScale, 1)
}

// ec is E[C] = p·K + ψ·π at the given values.
func (m pointModel) ec(x map[Symbol]float64) float64 {
	k := 1.0
	if m.kGiven {
		k = x[VictimsPerOffender]
	}
	pi := x[Profit]
	var penalty float64
	if m.fine {
		f := x[Fine]
		if m.fineK {
			f *= k
		}
		penalty += f
	}
	if m.rest {
		r := x[Restitution]
		if m.restK {
			r *= k
		}
		penalty += r
	}
	if m.phi {
		penalty += x[ConfiscationRate] * k * pi
	}
	if m.prison {
		v := k * pi
		if m.v {
			v = x[PrisonYearCost]
		}
		penalty += v * x[PrisonYears]
	}
	out := m.p(x) * penalty
	if m.psi {
		out += x[ConfiscatedShare] * pi
	}
	return out
}

// d is D = E[C]/π, or false when π is not positive.
func (m pointModel) d(x map[Symbol]float64) (float64, bool) {
	pi := x[Profit]
	if !(pi > 0) {
		return 0, false
	}
	d := m.ec(x) / pi
	return d, isFinite(d)
}

func centrals(in Inputs) map[Symbol]float64 {
	x := make(map[Symbol]float64, len(in))
	for s, v := range in {
		x[s] = v.Value.Central
	}
	return x
}

// Lever says what one lever would take, alone, to bring D to 1.
//
//	@Description	What one lever would take, alone and with the other inputs at their central values, to bring D to 1: its current value, the value needed, the multiple, and whether its plausible maximum allows it.
type Lever struct {
	// The lever: p_conviction (the certainty), fine, prison_years, confiscation_rate or confiscated_share, restitution.
	Symbol Symbol `json:"symbol" example:"p_conviction"`
	// Its value now; null when it is not recorded (the lever then starts from 0).
	Current *float64 `json:"current" extensions:"x-nullable" format:"double" example:"0.00093"`
	// The value that alone makes D = 1; 0 when D is already at least 1; null when no value of it can.
	Needed *float64 `json:"needed" extensions:"x-nullable" format:"double" example:"1.07"`
	// Needed ÷ current; null when the current value is 0 or not recorded.
	Multiple *float64 `json:"multiple" extensions:"x-nullable" format:"double" example:"1150"`
	// The lever's plausible maximum; null when none is recorded.
	Ceiling *float64 `json:"ceiling" extensions:"x-nullable" format:"double" example:"1"`
	// Where the ceiling comes from.
	CeilingSource string `json:"ceiling_source" example:"a rate per victim-year above 1 cannot be reached"`
	// Whether the needed value is within the ceiling; null without a ceiling or a needed value.
	Reachable *bool `json:"reachable" extensions:"x-nullable" example:"false"`
	// The finding in words.
	Text string `json:"text" example:"p would have to rise from 0.00093 to 1.1 (×1,100): beyond its ceiling of 1."`
}

func ptr[T any](x T) *T { return &x }

// levers computes, for each lever, the value that alone brings D to 1. E[C]
// is linear in each lever, so two evaluations give it.
func (m pointModel) levers(c *calc, r *LinkResult) []Lever {
	x := centrals(c.in)
	pi := x[Profit]
	if !(pi > 0) || r.Certainty == nil {
		return []Lever{}
	}
	confSym := ConfiscationRate
	if m.psi {
		confSym = ConfiscatedShare
	}
	var out []Lever
	for _, s := range []Symbol{PConviction, Fine, PrisonYears, confSym, Restitution} {
		lm, lx := m, make(map[Symbol]float64, len(x)+1)
		for k, v := range x {
			lx[k] = v
		}
		var current *float64
		switch s {
		case PConviction:
			lm.pFrom, lm.pScale = "p", 1
			current = ptr(r.Certainty.Central)
		case Fine:
			lm.fine = true
		case Restitution:
			lm.rest = true
		case ConfiscationRate:
			lm.phi = true
		case ConfiscatedShare:
			lm.psi = true
		case PrisonYears:
			lm.prison = true
		}
		if in, ok := c.in[s]; ok && s != PConviction {
			current = ptr(in.Value.Central)
		}
		lx[s] = 0
		ec0 := lm.ec(lx)
		lx[s] = 1
		slope := lm.ec(lx) - ec0
		l := Lever{Symbol: s, Current: current}
		switch {
		case ec0 >= pi:
			l.Needed = ptr(0.0)
		case slope > 0 && isFinite(slope) && isFinite((pi-ec0)/slope):
			l.Needed = ptr((pi - ec0) / slope)
		}
		if l.Needed != nil && current != nil && *current > 0 && isFinite(*l.Needed / *current) {
			l.Multiple = ptr(*l.Needed / *current)
		}
		switch s {
		case PConviction:
			l.Ceiling, l.CeilingSource = ptr(1.0), "a rate of convictions per victim-year above 1 cannot be reached"
		case ConfiscationRate, ConfiscatedShare:
			l.Ceiling, l.CeilingSource = ptr(1.0), "no more than all proceeds can be confiscated"
		default:
			if in, ok := c.in[s]; ok && in.Parameter != "" && (in.Basis == BasisStatutoryMaximum || in.Basis == BasisStatutoryRange) {
				l.Ceiling = ptr(in.Value.High)
				l.CeilingSource = fmt.Sprintf("the statutory maximum (%s)", in.Parameter)
			} else {
				l.CeilingSource = "no maximum is recorded"
			}
		}
		if l.Needed != nil && l.Ceiling != nil {
			l.Reachable = ptr(*l.Needed <= *l.Ceiling)
		}
		l.Text = leverText(l)
		out = append(out, l)
	}
	return out
}

func leverText(l Lever) string {
	d := 2
	name := string(l.Symbol)
	if l.Symbol == PConviction {
		name = "p"
	}
	if l.Needed == nil {
		return fmt.Sprintf("No value of %s alone brings D to 1: the other inputs give it no weight here.", name)
	}
	if *l.Needed == 0 {
		return fmt.Sprintf("D is already at least 1 without %s.", name)
	}
	from := "0 (not recorded)"
	if l.Current != nil {
		from = Display(*l.Current, d)
	}
	s := fmt.Sprintf("%s would have to go from %s to %s", name, from, Display(*l.Needed, d))
	if l.Multiple != nil {
		s += fmt.Sprintf(" (×%s)", Display(*l.Multiple, d))
	}
	switch {
	case l.Reachable == nil:
		s += "; no ceiling is recorded to judge whether that is possible."
	case *l.Reachable:
		s += fmt.Sprintf(": within its ceiling of %s (%s).", Display(*l.Ceiling, 3), l.CeilingSource)
	default:
		s += fmt.Sprintf(": beyond its ceiling of %s (%s), so this lever alone cannot invert the link.", Display(*l.Ceiling, 3), l.CeilingSource)
	}
	return s
}

// Sensitivity is D at the two ends of one input's range.
//
//	@Description	One bar of a tornado: D with one input at the low and at the high end of its range, the others at their central values.
type Sensitivity struct {
	// The input moved.
	Symbol Symbol `json:"symbol" example:"p_conviction"`
	// The low end of its range.
	Low float64 `json:"low" format:"double" example:"0.0003"`
	// The high end of its range.
	High float64 `json:"high" format:"double" example:"0.003"`
	// D with the input at its low end.
	DLow float64 `json:"d_at_low" format:"double" example:"0.0003"`
	// D with the input at its high end.
	DHigh float64 `json:"d_at_high" format:"double" example:"0.003"`
	// |D at high − D at low|.
	Swing float64 `json:"swing" format:"double" example:"0.0027"`
}

// sensitivity moves each ranged input to its ends, one at a time.
func (m pointModel) sensitivity(in Inputs) []Sensitivity {
	x := centrals(in)
	out := []Sensitivity{}
	for _, s := range m.reads() {
		v, ok := in[s]
		if !ok || v.Value.Low == v.Value.High {
			continue
		}
		central := x[s]
		x[s] = v.Value.Low
		dLo, ok1 := m.d(x)
		x[s] = v.Value.High
		dHi, ok2 := m.d(x)
		x[s] = central
		if !ok1 || !ok2 {
			continue
		}
		out = append(out, Sensitivity{Symbol: s, Low: v.Value.Low, High: v.Value.High, DLow: dLo, DHigh: dHi, Swing: math.Abs(dHi - dLo)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Swing > out[j].Swing })
	return out
}

// DefaultDraws is the number of Monte Carlo draws of a link.
const DefaultDraws = 2000

// Distribution is how one input is drawn.
//
//	@Description	How one input is drawn in the simulation: triangular between low and high with its mode at the central value, or log-triangular (triangular on a log scale) when the range spans a factor of 10 or more.
type Distribution struct {
	// The input drawn.
	Symbol Symbol `json:"symbol" example:"p_conviction"`
	// triangular, or log-triangular for a range spanning a factor of 10 or more.
	Shape string `json:"shape" enums:"triangular,log-triangular" example:"log-triangular"`
	// The lowest value drawn.
	Low float64 `json:"low" format:"double" example:"0.0003"`
	// The most likely value: the input's central value.
	Mode float64 `json:"mode" format:"double" example:"0.00093"`
	// The highest value drawn.
	High float64 `json:"high" format:"double" example:"0.003"`
}

// Simulation summarises D over random draws of the inputs.
//
//	@Description	D over random draws of every input with a range (inputs given as a single value stay fixed): its 5th, 50th and 95th percentiles and the share of draws with D > 1. Seeded from the inputs, so the same request gives the same numbers.
type Simulation struct {
	// The number of draws that gave a D.
	Draws int `json:"draws" example:"2000"`
	// The seed, derived from the inputs.
	Seed string `json:"seed" example:"9f3a0c1b2d4e5f60"`
	// The 5th percentile of D.
	P5 float64 `json:"p5" format:"double" example:"0.0001"`
	// The median of D.
	P50 float64 `json:"p50" format:"double" example:"0.001"`
	// The 95th percentile of D.
	P95 float64 `json:"p95" format:"double" example:"0.01"`
	// Share of draws with D > 1.
	PInverted float64 `json:"p_inverted" format:"double" example:"0"`
	// How each ranged input was drawn.
	Distributions []Distribution `json:"distributions"`
	// What the simulation leaves out.
	Notes []string `json:"notes"`
}

// simulate draws D. lowerBound says that penalty components are missing, so
// every draw is a lower bound.
func (m pointModel) simulate(in Inputs, draws int, lowerBound bool) *Simulation {
	if draws <= 0 {
		draws = DefaultDraws
	}
	x := centrals(in)
	reads := m.reads()
	h := fnv.New64a()
	var dists []Distribution
	for _, s := range reads {
		v, ok := in[s]
		if !ok {
			continue
		}
		fmt.Fprintf(h, "%s=%g,%g,%g;", s, v.Value.Low, v.Value.Central, v.Value.High)
		if v.Value.Low == v.Value.High {
			continue
		}
		shape := "triangular"
		if v.Value.Low > 0 && v.Value.High/v.Value.Low >= 10 {
			shape = "log-triangular"
		}
		dists = append(dists, Distribution{Symbol: s, Shape: shape, Low: v.Value.Low, Mode: v.Value.Central, High: v.Value.High})
	}
	fmt.Fprintf(h, "draws=%d;p=%g", draws, m.pScale)
	seed := h.Sum64()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ds := make([]float64, 0, draws)
	above := 0
	for i := 0; i < draws; i++ {
		for _, dist := range dists {
			x[dist.Symbol] = dist.draw(rng)
		}
		d, ok := m.d(x)
		if !ok {
			continue
		}
		ds = append(ds, d)
		if d > 1 {
			above++
		}
	}
	if len(ds) == 0 {
		return nil
	}
	sort.Float64s(ds)
	q := func(p float64) float64 { return ds[int(math.Round(p*float64(len(ds)-1)))] }
	sim := &Simulation{Draws: len(ds), Seed: strconv.FormatUint(seed, 16), P5: q(0.05), P50: q(0.5), P95: q(0.95),
		PInverted: float64(above) / float64(len(ds)), Distributions: dists, Notes: []string{}}
	if sim.Distributions == nil {
		sim.Distributions = []Distribution{}
		sim.Notes = append(sim.Notes, "every input is a single value: every draw is the same")
	}
	sim.Notes = append(sim.Notes, "inputs are drawn independently; distributions are chainkb's choice, not a source's")
	if lowerBound {
		sim.Notes = append(sim.Notes, "penalty components that are not recorded are left out, so every draw is a lower bound of D")
	}
	return sim
}

// draw samples the distribution.
func (d Distribution) draw(r *rand.Rand) float64 {
	a, c, b := d.Low, d.Mode, d.High
	if d.Shape == "log-triangular" {
		return math.Exp(triangular(r.Float64(), math.Log(a), math.Log(c), math.Log(b)))
	}
	return triangular(r.Float64(), a, c, b)
}

// triangular is the inverse of the triangular distribution's CDF on [a, b]
// with mode c, at u.
func triangular(u, a, c, b float64) float64 {
	if b <= a {
		return a
	}
	fc := (c - a) / (b - a)
	if u < fc {
		return a + math.Sqrt(u*(b-a)*(c-a))
	}
	return b - math.Sqrt((1-u)*(b-a)*(b-c))
}
