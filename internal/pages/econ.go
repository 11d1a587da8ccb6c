package pages

import (
	"math"
	"strconv"
	"strings"

	"chainkb/internal/economics"
	"chainkb/internal/inforce"
	"chainkb/models"
)

// econView is a stage's profit against its expected penalty, per victim-year, from the parameters
// in force in the API's default answer (global, latest): the figures in text and a small chart on
// a log axis. Nil when the stage has neither figure.
type econView struct {
	Currency string
	Profit   *econFigure // π; nil when it cannot be computed
	Cost     *econFigure // E[C]; nil when it cannot be computed
	Verdict  string      // message id: econ.inverted (D > 1 at the central values), econ.pays, or empty without D
	Chart    econChart
}

// econFigure is one figure in text and as a row of the chart.
type econFigure struct {
	Central, Low, High string // formatted
	Ranged             bool   // low and high differ from the central
	// The row of the chart: a bar from the axis's left end to the central value at X (at least a
	// sliver, so that 0 shows), and the range from X1 to X2 as a whisker when there is one.
	X, X1, X2 float64
	Y         float64
}

// econChart is the geometry of the chart (SVG user units).
type econChart struct {
	Width, Height float64
	Left, Right   float64 // the plot's ends
	AxisY         float64
	Ticks         []econTick
}

type econTick struct {
	X     float64
	Label string // empty: a tick without its label
}

// The chart's layout, in SVG user units: a label column, two rows of bars, an axis with labels.
const (
	chartWidth  = 180
	chartLeft   = 32
	chartRight  = 164
	chartRow1   = 2
	chartRow2   = 18
	chartAxisY  = 32
	chartHeight = 48
)

// newEconView computes a stage's economics from its chain's parameters.
func newEconView(params []models.Parameter, stageID int64) *econView {
	r, sel := inforce.StageBaseline(params, inforce.Default, stageID)
	if r.Profit == nil && r.ExpectedCost == nil {
		return nil
	}
	v := &econView{Currency: sel.Currency}
	switch {
	case r.Inverted == nil:
	case r.Inverted.Inverted:
		v.Verdict = "econ.inverted"
	default:
		v.Verdict = "econ.pays"
	}
	// The axis: whole decades around every positive member of both ranges.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, f := range []*economics.Figure{r.Profit, r.ExpectedCost} {
		if f == nil {
			continue
		}
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
	v.Chart = econChart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Right: chartRight, AxisY: chartAxisY}
	decades := int(d1 - d0)
	step := (decades + 3) / 4 // at most about four labels
	for i := 0; i <= decades; i++ {
		tk := econTick{X: x(math.Pow(10, d0+float64(i)))}
		if i%step == 0 || i == decades {
			tk.Label = decade(int(d0) + i)
		}
		v.Chart.Ticks = append(v.Chart.Ticks, tk)
	}
	fig := func(f *economics.Figure, y float64) *econFigure {
		if f == nil {
			return nil
		}
		return &econFigure{Central: amount(f.Central), Low: amount(f.Low), High: amount(f.High),
			Ranged: amount(f.Low) != amount(f.Central) || amount(f.High) != amount(f.Central),
			X:      x(f.Central), X1: x(f.Low), X2: math.Max(x(f.High), x(f.Low)+1), Y: y}
	}
	v.Profit = fig(r.Profit, chartRow1)
	v.Cost = fig(r.ExpectedCost, chartRow2)
	return v
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

// amount writes x with thousands separators, whole from 100 up and with three significant digits
// below: 27,252; 44.2; 0.0034.
func amount(x float64) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return "0"
	}
	e := math.Floor(math.Log10(math.Abs(x)))
	scale := math.Pow(10, e-2)
	r := math.Round(x/scale) * scale
	if e >= 2 {
		return thousands(strconv.FormatFloat(math.Round(x), 'f', 0, 64))
	}
	s := strconv.FormatFloat(r, 'f', int(2-e), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// thousands puts commas between groups of three digits of an integer.
func thousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
