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
	// Π_tot/N: the expected penalty each conviction would have to carry for the chain's total
	// profits to be wiped out; it does not depend on how many victims each convicted offender holds.
	BreakEvenPerConviction *Figure `json:"break_even_per_conviction" extensions:"x-nullable"`
	// N/V: convictions per victim-year.
	ConvictionRate *Figure `json:"conviction_rate" extensions:"x-nullable"`
	// Π_tot/V: profit per victim-year implied by the totals.
	ProfitPerVictim *Figure `json:"profit_per_victim" extensions:"x-nullable"`

	// Why each null figure is null, keyed by the figure's name.
	Unavailable map[string]Unavailable `json:"unavailable"`
	// The choices the computation made that the inputs did not dictate.
	Assumptions []string `json:"assumptions"`
	// Inputs ignored because they are invalid or could not be converted.
	Rejected []Rejection `json:"rejected,omitempty" extensions:"x-omitempty"`
}

// Chain computes the chain-level figures from total_profits, convictions and
// victims. Like [Link], it ignores invalid inputs (listed in Rejected), never
// panics and never returns Inf or NaN.
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
	c.assume("every conviction counted is counted against this chain's profits, although reported convictions may mix forms of exploitation")
	r.Unavailable = c.unavailable
	r.Assumptions = c.assumptions
	r.Rejected = rej
	return r
}

// ChainDelta is scenario − baseline for each figure of a [ChainResult].
//
//	@Description	Scenario minus baseline for each figure of the whole chain; null where either side is.
type ChainDelta struct {
	BreakEvenPerConviction *Change `json:"break_even_per_conviction" extensions:"x-nullable"`
	ConvictionRate         *Change `json:"conviction_rate" extensions:"x-nullable"`
	ProfitPerVictim        *Change `json:"profit_per_victim" extensions:"x-nullable"`
}

// CompareChain computes the chain's figures from base and under sc's overrides (tactic effects
// act on links, not on the chain's totals), and the change between them.
func CompareChain(base Inputs, sc Scenario) (ChainResult, ChainResult, ChainDelta) {
	a := Scenario{Overrides: map[Symbol]Value{}}
	for s, v := range sc.Overrides {
		if s.Scope() == ScopeChain {
			a.Overrides[s] = v
		}
	}
	b, s := Chain(base), Chain(a.Apply(base, "").In)
	return b, s, ChainDelta{
		BreakEvenPerConviction: delta(b.BreakEvenPerConviction, s.BreakEvenPerConviction),
		ConvictionRate:         delta(b.ConvictionRate, s.ConvictionRate),
		ProfitPerVictim:        delta(b.ProfitPerVictim, s.ProfitPerVictim),
	}
}
