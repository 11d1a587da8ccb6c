package pages

import (
	"fmt"
	"math"
	"strings"

	"chainkb/internal/economics"
	"chainkb/internal/inforce"
	"chainkb/models"
)

// chainEcon is a chain's risk-reward model as its page shows it: the API's default answer (the
// global input set, the latest), what it rests on, and each link's view.
type chainEcon struct {
	Set       *inforce.SetInfo
	Choice    string
	Currency  string
	PriceYear int
	// BreakEven is the whole chain's break-even penalty per conviction, in words; empty when unknown.
	BreakEven string
	// Assumed lists the inputs that rest on assumptions or come from outside the set.
	Assumed []string
	stages  map[int64]*econView
}

// econView is one link's model as its row shows it: the verdict in words, the figures that apply
// to its role, a dot plot of profit against expected penalty where both are known, what is not
// recorded or taken from a statute, and what each lever alone would take.
type econView struct {
	Role    string
	Status  string // the verdict's status, for its mark
	Verdict string
	Figures []econLine
	Chart   *econChart
	// Missing and Statutory name penalty components: not recorded (unknown, not zero), or what
	// the statute allows rather than what courts impose.
	Missing, Statutory []string
	Levers             []string
	// Simulation is the simulated share of D > 1 and its median, in words; empty without one.
	Simulation string
}

// econLine is one figure in words: a label, the value as rounded for display with its unit, and
// whether it is a bound.
type econLine struct {
	Label, Value string
	Bound        string // "", "lower" or "upper"
}

// econChart is a dot plot on a log axis (SVG user units): profit and expected penalty as dots of
// different shapes with whiskers over their ranges, and the gap between them in words. Positions
// are honest on the log axis and nothing is drawn as a bar from an arbitrary origin.
type econChart struct {
	Width, Height, Left, Right, AxisY float64
	Dots                              []econDot
	Ticks                             []econTick
	// Gap labels the ratio of profit to expected penalty ("×97,700"), drawn between GapX1 and
	// GapX2; empty when the dots coincide.
	Gap          string
	GapX1, GapX2 float64
}

type econDot struct {
	Symbol      string // π or E[C]
	Shape       string // "circle" (profit) or "square" (expected penalty)
	X, X1, X2   float64
	Ranged      bool
	LowerBound  bool // the true value is at least this: an arrow points right
	LabelAnchor string
}

type econTick struct {
	X     float64
	Label string // empty: a tick without its label
}

// The chart's layout, in SVG user units.
const (
	chartWidth  = 260
	chartLeft   = 12
	chartRight  = 248
	chartDotY   = 22
	chartAxisY  = 34
	chartHeight = 48
)

// newChainEcon computes a chain's default answer for its page.
func newChainEcon(c inforce.Chain) *chainEcon {
	a, err := inforce.Compute(c, inforce.Request{}, economics.Scenario{}, nil, nil)
	if err != nil {
		return nil
	}
	ce := &chainEcon{Set: a.InputSet, Choice: a.Choice, Currency: a.Currency, stages: map[int64]*econView{}}
	if a.PriceYear != nil {
		ce.PriceYear = *a.PriceYear
	}
	if f := a.WholeChain.Baseline.BreakEvenPerConviction; f != nil {
		ce.BreakEven = f.Display + " " + a.Currency
	}
	seen := map[string]bool{}
	for _, fb := range a.Fallbacks {
		ce.Assumed = append(ce.Assumed, fmt.Sprintf("%s (%s): %s", fb.Symbol, fb.Parameter, fb.Reason))
		seen[fb.Parameter] = true
	}
	for _, st := range a.Stages {
		ce.stages[st.Stage.ID] = newEconView(st.Baseline, a.Currency)
		for _, in := range inputsOf(st.Baseline) {
			if in.Estimate == economics.Assumption && in.Parameter != "" && !seen[in.Parameter] {
				seen[in.Parameter] = true
				ce.Assumed = append(ce.Assumed, fmt.Sprintf("%s (%s): an assumption, no source gives it", in.Symbol, in.Parameter))
			}
		}
	}
	return ce
}

// inputsOf lists the inputs of a link's figures.
func inputsOf(r economics.LinkResult) []economics.Input {
	var out []economics.Input
	for _, f := range []*economics.Figure{r.Profit, r.ExpectedCost, r.ValueExtracted, r.RevenuePerVictim, r.EffectivePrice, r.PenaltyNeeded} {
		if f != nil {
			out = append(out, f.Inputs...)
		}
	}
	return out
}

// newEconView turns a link's result into its view.
func newEconView(r economics.LinkResult, currency string) *econView {
	v := &econView{Role: string(r.Role), Status: string(r.Verdict.Status), Verdict: withoutStatus(r.Verdict.Text),
		Missing: r.Verdict.Missing, Statutory: r.Verdict.Statutory}
	money := func(f *economics.Figure) string {
		s := f.Display + " " + currency
		if f.DisplayRange != "" {
			s += " (" + f.DisplayRange + ")"
		}
		return s
	}
	line := func(label string, f *economics.Figure, unit func(*economics.Figure) string) {
		if f != nil {
			v.Figures = append(v.Figures, econLine{Label: label, Value: unit(f), Bound: f.Bound})
		}
	}
	plain := func(f *economics.Figure) string {
		if f.DisplayRange != "" {
			return f.Display + " (" + f.DisplayRange + ")"
		}
		return f.Display
	}
	line("econ.profit", r.Profit, money)
	line("econ.cost", r.ExpectedCost, money)
	line("econ.penalty-needed", r.PenaltyNeeded, money)
	line("econ.years", r.YearsExploited, plain)
	line("econ.value-extracted", r.ValueExtracted, money)
	line("econ.revenue", r.RevenuePerVictim, money)
	line("econ.effective-price", r.EffectivePrice, money)
	for _, l := range r.Levers {
		if l.Needed != nil && *l.Needed > 0 {
			v.Levers = append(v.Levers, l.Text)
		}
	}
	if s := r.Simulation; s != nil {
		v.Simulation = fmt.Sprintf("In %d draws over the inputs' ranges, D exceeded 1 in %s of them (median D = %s).",
			s.Draws, economics.Display(s.PInverted*100, 2)+"%", economics.Display(s.P50, 2))
		if len(s.Distributions) == 0 {
			v.Simulation = ""
		}
	}
	if r.Profit != nil && r.ExpectedCost != nil {
		v.Chart = newEconChart(r.Profit, r.ExpectedCost)
	}
	return v
}

// withoutStatus drops the verdict's opening word ("Unknown: ", "Not applicable: "), which the
// page shows as the verdict's mark.
func withoutStatus(text string) string {
	for _, p := range []string{"Unknown: ", "Not applicable: ", "Uncertain: "} {
		if rest, ok := strings.CutPrefix(text, p); ok {
			return strings.ToUpper(rest[:1]) + rest[1:]
		}
	}
	return text
}

// newEconChart lays out the dot plot of profit against expected penalty.
func newEconChart(profit, cost *economics.Figure) *econChart {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, f := range []*economics.Figure{profit, cost} {
		for _, x := range []float64{f.Low, f.Central, f.High} {
			if x > 0 {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 1, 10
	}
	d0, d1 := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if d1 <= d0 {
		d1 = d0 + 1
	}
	x := func(val float64) float64 {
		if val <= 0 {
			return chartLeft
		}
		t := (math.Log10(val) - d0) / (d1 - d0)
		return math.Round((chartLeft+t*(chartRight-chartLeft))*10) / 10
	}
	c := &econChart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Right: chartRight, AxisY: chartAxisY}
	decades := int(d1 - d0)
	step := (decades + 4) / 5 // at most about five labels
	for i := 0; i <= decades; i++ {
		tk := econTick{X: x(math.Pow(10, d0+float64(i)))}
		if i%step == 0 || i == decades {
			tk.Label = decade(int(d0) + i)
		}
		c.Ticks = append(c.Ticks, tk)
	}
	dot := func(f *economics.Figure, symbol, shape string) econDot {
		return econDot{Symbol: symbol, Shape: shape, X: x(f.Central), X1: x(f.Low), X2: x(f.High),
			Ranged: f.Low != f.High, LowerBound: f.Bound == "lower", LabelAnchor: "middle"}
	}
	c.Dots = []econDot{dot(profit, "π", "circle"), dot(cost, "E[C]", "square")}
	if cost.Central > 0 && profit.Central > 0 && profit.Central != cost.Central {
		ratio := profit.Central / cost.Central
		a, b := c.Dots[0].X, c.Dots[1].X
		if a > b {
			a, b = b, a
		}
		if ratio >= 1 {
			c.Gap = "×" + economics.Display(ratio, 2)
		} else {
			c.Gap = "÷" + economics.Display(1/ratio, 2)
		}
		c.GapX1, c.GapX2 = a, b
	}
	return c
}

// decade labels 10^e briefly: 0.01, 1, 100, 1k, 10M.
func decade(e int) string {
	switch {
	case e < 0:
		return "0." + strings.Repeat("0", -e-1) + "1"
	case e >= 9:
		return "1" + strings.Repeat("0", e-9) + "G"
	case e >= 6:
		return "1" + strings.Repeat("0", e-6) + "M"
	case e >= 3:
		return "1" + strings.Repeat("0", e-3) + "k"
	}
	return "1" + strings.Repeat("0", e)
}

// chainInputs is what inforce computes a chain from, out of the site's outline.
func chainInputs(c models.Chain, stages []models.Stage, params, reference []models.Parameter) inforce.Chain {
	return inforce.Chain{ID: c.ID, Slug: c.Slug, Name: c.Name, Stages: stages, Parameters: params, Reference: reference}
}
