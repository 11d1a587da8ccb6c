package economics

// Formula is one formula of the model, as text.
//
//	@Description	One formula of the model, as text.
type Formula struct {
	// The figure it computes, as the results name it.
	Figure string `json:"figure" example:"deterrence_ratio"`
	// The formula.
	Expression string `json:"expression" example:"D = E[C] / π"`
	// What it means.
	Meaning string `json:"meaning" example:"expected penalty per unit of profit; the link is inverted when D > 1"`
}

// Method states the model for a reader of the API: what it is, its formulas,
// its symbols and its caveats. It is editorial (chainkb's own), not a
// source's.
//
//	@Description	How the figures are computed: the model, its formulas and symbols, how ranges propagate, and its caveats. Editorial (chainkb's own), not a source's.
type Method struct {
	// What the model is.
	Model string `json:"model" example:"chainkb's own reading, not a source's: the Becker deterrence condition applied to each link of a chain."`
	// Its formulas.
	Formulas []Formula `json:"formulas"`
	// Its symbols.
	Symbols []SymbolInfo `json:"symbols"`
	// How ranges propagate.
	Ranges string `json:"ranges" example:"Every input and figure is a range low/central/high."`
	// What the figures leave out or assume.
	Caveats []string `json:"caveats"`
}

// Describe returns the method statement. Each call returns a fresh value.
func Describe() Method {
	return Method{
		Model: "chainkb's own reading, not a source's: the Becker deterrence condition applied to each link of a chain. " +
			"An offender weighs the profit from one victim over one year against the penalty expected for it; exploitation " +
			"stops paying when the expected penalty exceeds the profit.",
		Formulas: []Formula{
			{"certainty", "p = p_detect · p_prosecute · p_convict", "probability of conviction per victim-year, when p_conviction is not given directly"},
			{"expected_cost", "E[C] = p · (F + R + φ·Π + v·S)", "penalty expected per victim-year; Π = π·T when T is known, else π (one year's proceeds)"},
			{"deterrence_ratio", "D = E[C] / π", "expected penalty per unit of profit; the link is inverted when D > 1"},
			{"fine_needed", "F* = π/p − (R + φ·Π + v·S)", "the fine that would make D = 1 at today's certainty; 0 when the other penalties already suffice"},
			{"certainty_needed", "p* = π / (F + R + φ·Π + v·S)", "the certainty that would make D = 1 at today's penalties; above 1, certainty alone cannot do it"},
			{"lifetime_profit", "π·T − A", "profit from one victim over the exploitation, net of the acquisition cost"},
			{"lifetime_expected_cost", "E[C] · T", "expected penalty over the exploitation"},
			{"lifetime_deterrence_ratio", "E[C]·T / (π·T − A)", "the deterrence ratio over the exploitation"},
			{"break_even_per_conviction", "Π_tot / N", "expected penalty each conviction must carry to wipe out the chain's annual profits; independent of how many victims each convicted offender holds"},
			{"conviction_rate", "N / V", "convictions per victim-year"},
			{"profit_per_victim", "Π_tot / V", "profit per victim-year implied by the totals"},
		},
		Symbols: Symbols(),
		Ranges: "Every input and figure is a range low/central/high. Ranges are propagated by interval arithmetic: a figure's low " +
			"combines the inputs' ends that make it smallest (D's low is E[C]'s low over π's high), its central combines the " +
			"centrals. Where one input enters a formula twice the range is wider than the exact one, never narrower. A figure " +
			"that would be unbounded or undefined (a division by zero) is null, with the reason.",
		Caveats: []string{
			"The offender is assumed to be risk-neutral, weighing expected penalties against profits. Real offenders are not: some discount distant or unlikely punishment heavily, others fear it more than its expectation, so the same expected cost can deter more or less than D suggests.",
			"Conviction counts are reported by governments. They undercount, differ in definitions and coverage between countries, and mix forms of exploitation, so a rate built on them for one chain is approximate.",
			"Victim numbers are a stock (people held at a point in time) while convictions are a flow (per year); dividing one by the other gives only a rough rate per victim-year.",
			"Prison does more than cost the offender money: it also removes the offender from the trade for the term. Converting prison years to money with v leaves that incapacitation out.",
			"Missing penalties are counted as 0 and listed in the assumptions; this understates the expected cost where they exist, notably prison when v is not given.",
			"The exploitation duration T and the price elasticity of demand ε are assumptions: no source gives them, and they are meant to be changed by the user.",
			"The lifetime form multiplies the yearly expected cost by T; it ignores that a conviction ends the exploitation early, and it applies no discounting.",
		},
	}
}
