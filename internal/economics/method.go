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
	Meaning string `json:"meaning" example:"expected penalty per unit of profit; exploitation stops paying when D > 1"`
}

// Method states the model for a reader of the API: what it is, its formulas,
// its symbols, how inputs are chosen and ranges propagate, and what it leaves
// out. It is editorial (chainkb's own), not a source's.
//
//	@Description	How the figures are computed: the model, its formulas and symbols, how inputs are chosen and converted, how ranges propagate and are simulated, and what the model leaves out. Editorial (chainkb's own), not a source's.
type Method struct {
	// What the model is.
	Model string `json:"model" example:"chainkb's own reading, not a source's: the Becker deterrence condition applied to each link of a chain."`
	// Its formulas.
	Formulas []Formula `json:"formulas"`
	// Its symbols, with units, denominators and whether each is conditional on conviction.
	Symbols []SymbolInfo `json:"symbols"`
	// How the inputs of one answer are chosen.
	Inputs string `json:"inputs" example:"Every figure is computed from one named input set."`
	// How money is converted.
	Money string `json:"money" example:"Money is compared only in one currency and price year."`
	// How ranges propagate, are simulated and are rounded.
	Ranges string `json:"ranges" example:"Every input and figure is a range low/central/high."`
	// What the figures leave out or assume.
	Caveats []string `json:"caveats"`
}

// Describe returns the method statement. Each call returns a fresh value.
func Describe() Method {
	return Method{
		Model: "chainkb's own reading, not a source's: the Becker deterrence condition applied to each link of a chain. At a link " +
			"where victims are held, an offender weighs the profit from one victim over one year against the penalty expected for it; " +
			"exploitation stops paying when the expected penalty exceeds the profit (D > 1). The victim link shows what exploitation " +
			"takes from each victim instead, because deterrence does not apply to victims; the recruiter link shows its revenue and " +
			"margin; the consumer link adds the penalty a buyer expects to the price and, under a scenario, the demand response.",
		Formulas: []Formula{
			{"certainty", "p = N / V (or p_conviction, or p_detect · p_prosecute · p_convict)", "convictions in a year over victims at a point in time: a rate per victim-year, not an offender's probability of conviction (an offender holding k victims faces about k·p)"},
			{"penalty_per_conviction", "K = F + R + φ·k·π + v·S,  v = k·π unless given", "the recorded penalty a conviction brings: fine (×k when set per victim), restitution, the confiscated share of one year's proceeds of the convicted offender, and prison valued at the income forgone"},
			{"expected_cost", "E[C] = p·K + ψ·π", "penalty expected per victim-year; ψ (the share of all proceeds confiscated) is already unconditional and never multiplied by p; a component that is not recorded is left out and E[C] is then a lower bound"},
			{"deterrence_ratio", "D = E[C] / π", "expected penalty per unit of profit; exploitation stops paying when D > 1"},
			{"penalty_needed", "K* = π·(1 − ψ) / p", "the penalty each conviction would have to carry for D = 1 at today's certainty"},
			{"fine_needed", "F* = K* − (K − F)", "the fine that makes D = 1 with the other recorded penalties; 0 when they already suffice"},
			{"certainty_needed", "p* = π·(1 − ψ) / K", "the conviction rate that makes D = 1 at the recorded penalties; above 1, certainty alone cannot"},
			{"lifetime_profit", "π·T − A", "profit from one victim over the exploitation, net of the acquisition cost"},
			{"lifetime_expected_cost", "p·T·(F + R + v·S) + p·φ·k·π·T(T+1)/2 + ψ·π·T", "expected penalty over the exploitation: a conviction in year t confiscates t years of proceeds"},
			{"lifetime_deterrence_ratio", "lifetime expected cost / lifetime profit", "the deterrence ratio over the exploitation"},
			{"value_extracted", "π·T", "victim link: what exploitation takes from one victim over the years of exploitation"},
			{"margin", "A(exploiter) − A(recruiter)", "recruiter link: what exploiters pay per victim, less the recruiter's own cost per victim"},
			{"effective_price", "P + p_b·F_b", "consumer link: the price plus the penalty a buyer expects per purchase"},
			{"demand_change", "(P′/P)^(−ε) − 1", "consumer link, under a scenario: the relative change in demand for a change in the effective price, with constant elasticity ε"},
			{"break_even_per_conviction", "Π_tot / N", "expected penalty each conviction must carry to wipe out the chain's annual profits; independent of how many victims each convicted offender holds"},
			{"conviction_rate", "N / V", "convictions per victim-year"},
			{"profit_per_victim", "Π_tot / V", "profit per victim-year implied by the totals"},
		},
		Symbols: Symbols(),
		Inputs: "Every figure is computed from one named input set: parameters from one source family, place and period (for example ilo-2024-global, " +
			"kara-2009-india), chosen with inputs=, or as the best match for geo and year (the set of that geography whose period starts by the year, " +
			"the latest). With geo and year, a country without a set of its own gets the global set, and the answer says so. Timeless " +
			"assumptions (estimate: assumption, such as k, T and ε) fill symbols the set lacks, each listed as a fallback. A value for a region " +
			"(EU, M49:<code>) is never used as global, nor for a country outside the region. Nothing missing is counted as zero.",
		Money: "Money is compared only in one currency and price year: the answer's (currency= and price_year=, by default those of the set's " +
			"profit). Each amount is converted through the US dollar at the annual average exchange rate of its price year, moved between years " +
			"with the US consumer price index (CPI-U), then converted into the target currency; the rates and indices are parameters with their " +
			"sources, and every conversion is listed with the input. An amount that cannot be converted is left out and said so.",
		Ranges: "Every input and figure is a range low/central/high. Figures propagate ranges by interval arithmetic: a figure's low combines " +
			"the inputs' ends that make it smallest, its central combines the centrals; where one input enters a formula twice the range is " +
			"wider than the exact one, never narrower. The simulation draws every ranged input independently, triangular with its mode at " +
			"the central value (log-triangular when the range spans a factor of 10 or more), seeded from the inputs so that the same " +
			"request gives the same numbers, and reports percentiles of D and the share of draws with D > 1. Figures are also given rounded " +
			"to the significant digits their inputs support (display), at most three; the exact values stay in low, central and high. A " +
			"figure that would be unbounded or undefined is null, with the reason.",
		Caveats: []string{
			"Deterrence is not protection. A link where exploitation 'does not pay' is not a place where victims are safe, and D says nothing about victim-years, harm, restitution actually paid or re-trafficking.",
			"Enforcement can harm victims: raids, detention, deportation and prosecuting victims for what they were forced to do raise D on paper while hurting the people the strategy exists for (see the non-punishment principle and the harm caveats of the tactics).",
			"Displacement: enforcement in one link or country can move the trade elsewhere, to other routes, places or forms of exploitation, rather than end it.",
			"Corruption: where police, prosecutors or courts can be paid off, the statutory penalty is not the penalty expected, and the average conviction rate is not the rate an offender with protection faces.",
			"How offenders respond: the Becker condition assumes a risk-neutral offender who responds to expected penalties. Criminological research finds the certainty of punishment deters more than its severity, and marginal increases in severity deter little; D > 1 is a condition under that assumption, not a prediction.",
			"Average against perceived risk: p is an average over all offenders and victims. Offenders respond to the risk they perceive, which differs by role, country and protection.",
			"Pass-through: higher costs can be passed on to buyers or raise prices, which changes profits per victim; only the consumer link's demand response models this, and only through an assumed elasticity.",
			"Profit allocation: where a source gives the whole chain's profit per victim, it is attributed to the exploiter link; no source read splits it between recruiters and exploiters.",
			"Victims are a stock (people held at a point in time) and convictions a flow (per year), counted in different years and definitions by governments that undercount; N/V is a rough rate, an order of magnitude at best.",
			"Prison does more than cost money: it also removes the offender from the trade for the term. Converting prison years to money (v = k·π) leaves that incapacitation out, and values no loss of liberty.",
			"Statutory penalties (maxima and ranges) are what a law allows, not what courts impose or offenders serve; every figure built on one says so.",
			"The lifetime form ignores that a conviction ends the exploitation early, and discounts nothing.",
			"T, k and ε are assumptions no source gives, and are meant to be changed by the user.",
		},
	}
}
