package economics

const (
	keyBreakEven       = "break_even_per_conviction"
	keyConvictionRate  = "conviction_rate"
	keyProfitPerVictim = "profit_per_victim"
)

// ChainResult is the model for a whole chain. A nil figure cannot be
// computed; Unavailable, keyed by the figure's JSON name, says why.
//
//	@Description	The figures of a whole chain. A null figure cannot be computed; unavailable, keyed by the figure's name, says why.
type ChainResult struct {
	// BreakEvenPerConviction is Π_tot/N: the expected penalty each conviction
	// would have to carry for the chain's total profits to be wiped out. If N
	// convictions target offenders holding k victims each, it does not depend
	// on k.
	BreakEvenPerConviction *Figure `json:"break_even_per_conviction" extensions:"x-nullable"`
	// ConvictionRate is N/V, convictions per victim-year.
	ConvictionRate *Figure `json:"conviction_rate" extensions:"x-nullable"`
	// ProfitPerVictim is Π_tot/V, profit per victim-year.
	ProfitPerVictim *Figure `json:"profit_per_victim" extensions:"x-nullable"`

	// Why each null figure is null, keyed by the figure's name.
	Unavailable map[string]Unavailable `json:"unavailable"`
	// The choices the computation made that the inputs did not dictate.
	Assumptions []string `json:"assumptions"`
	// Inputs ignored because they are invalid.
	Rejected []Rejection `json:"rejected,omitempty" extensions:"x-omitempty"`
}

// Chain computes the chain-level figures from total_profits, convictions and
// victims. Like [Stage], it ignores invalid inputs (listed in Rejected),
// never panics and never returns Inf or NaN.
func Chain(inputs Inputs) ChainResult {
	in, rej := clean(inputs)
	c := &calc{in: in, unavailable: map[string]Unavailable{}}
	total, n, v := c.get(TotalProfits), c.get(Convictions), c.get(Victims)

	be := div(total, n,
		"there are no convictions (N = 0): no penalty per conviction can break even",
		"the low end of convictions is 0: the break-even penalty per conviction is unbounded there")
	rate := div(n, v,
		"there are no victims (V = 0): the conviction rate is undefined",
		"the low end of victims is 0: the conviction rate is unbounded there").
		note("convictions in a year (a flow) over victims at a point in time (a stock): a rough rate per victim-year")
	ppv := div(total, v,
		"there are no victims (V = 0): profit per victim is undefined",
		"the low end of victims is 0: profit per victim is unbounded there")

	var r ChainResult
	r.BreakEvenPerConviction = c.finish(keyBreakEven, be)
	r.ConvictionRate = c.finish(keyConvictionRate, rate)
	r.ProfitPerVictim = c.finish(keyProfitPerVictim, ppv)
	c.assume("risk-neutral offender: the penalty that deters equals the profit it must wipe out")
	c.assume("all convictions are counted against the chain's profits, although reported convictions mix forms of exploitation")
	r.Unavailable = c.unavailable
	r.Assumptions = c.assumptions
	r.Rejected = rej
	return r
}
