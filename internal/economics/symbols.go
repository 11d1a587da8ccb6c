package economics

import "strings"

// Symbol names one quantity of the model. Its string is the `symbol` of a
// parameter in the API and the name after `set.` in a scenario override.
//
//	@Description	A quantity of the model (see method.symbols for each one's unit, denominator and meaning).
type Symbol string

// The model's symbols. Every one is documented in [symbolList] with its unit,
// its denominator and whether it is conditional on a conviction.
const (
	Profit             Symbol = "profit"
	AcquisitionCost    Symbol = "acquisition_cost"
	PConviction        Symbol = "p_conviction"
	PDetect            Symbol = "p_detect"
	PProsecute         Symbol = "p_prosecute"
	PConvict           Symbol = "p_convict"
	Fine               Symbol = "fine"
	Restitution        Symbol = "restitution"
	ConfiscationRate   Symbol = "confiscation_rate"
	ConfiscatedShare   Symbol = "confiscated_share"
	PrisonYears        Symbol = "prison_years"
	PrisonYearCost     Symbol = "prison_year_cost"
	VictimsPerOffender Symbol = "victims_per_offender"
	DurationYears      Symbol = "duration_years"
	BuyerPrice         Symbol = "buyer_price"
	PBuyerPenalty      Symbol = "p_buyer_penalty"
	BuyerFine          Symbol = "buyer_fine"
	PriceElasticity    Symbol = "price_elasticity"
	TotalProfits       Symbol = "total_profits"
	Victims            Symbol = "victims"
	Convictions        Symbol = "convictions"
	PriceIndex         Symbol = "price_index"
	ExchangeRate       Symbol = "exchange_rate"
)

// Kind says which values a symbol accepts.
//
//	@Description	Which values a symbol accepts: a probability or share in [0, 1], or an amount of 0 or more.
type Kind string

const (
	// Probability: a number in [0, 1] (a probability, a rate per victim-year or a share).
	Probability Kind = "probability"
	// Amount: a number ≥ 0 (money, years, counts, a magnitude or an index).
	Amount Kind = "amount"
)

// Scope says where a symbol is used: at a link of a chain, for the chain as a
// whole, or as reference data that converts money (not part of any chain).
//
//	@Description	Where a symbol is used: at a link of a chain (link), for the whole chain (chain), or as reference data for converting money (reference).
type Scope string //	@name	SymbolScope

const (
	ScopeLink      Scope = "link"
	ScopeChain     Scope = "chain"
	ScopeReference Scope = "reference"
)

// SymbolInfo describes one symbol, for validation and for the API's method
// object.
//
//	@Description	One symbol of the model: its notation, kind, unit and denominator, whether it is conditional on a conviction, and its meaning.
type SymbolInfo struct {
	// The symbol, as parameters and set.<symbol> name it.
	Symbol Symbol `json:"symbol" example:"fine"`
	// Its notation in the formulas.
	Notation string `json:"notation" example:"F"`
	// Which values it accepts.
	Kind Kind `json:"kind" enums:"probability,amount" example:"amount"`
	// Its unit; {currency} stands for the parameter's ISO 4217 code.
	Unit string `json:"unit" example:"{currency} per conviction"`
	// Whether it is an amount of money: such a parameter needs a currency and a price year.
	Money bool `json:"money" example:"true"`
	// What it is counted per.
	Denominator string `json:"denominator" example:"per conviction (per victim when per_victim is true)"`
	// Whether the value is conditional on a conviction (given conviction), already unconditional, or neither applies.
	Conditional string `json:"conditional" enums:"given conviction,unconditional,not applicable" example:"given conviction"`
	// Where it is used.
	Scope Scope `json:"scope" enums:"link,chain,reference" example:"link"`
	// What it means.
	Meaning string `json:"meaning" example:"fine imposed on conviction"`
}

const (
	givenConviction = "given conviction"
	unconditional   = "unconditional"
	notApplicable   = "not applicable"
)

// symbolList is the single table of symbols; Symbols returns a copy.
var symbolList = []SymbolInfo{
	{Profit, "π", Amount, "{currency} per victim-year", true, "per victim per year of exploitation", notApplicable, ScopeLink,
		"net profit the link's exploiter makes from one victim in one year; where the source gives the whole chain's profit per victim, it is all attributed to the link that holds it"},
	{AcquisitionCost, "A", Amount, "{currency} per victim acquired", true, "per victim acquired", notApplicable, ScopeLink,
		"what the link pays for each victim it acquires; the exploiter's acquisition cost is the recruiter's revenue per victim"},
	{PConviction, "p", Probability, "convictions per victim-year", false, "convictions in a year ÷ victims at a point in time", notApplicable, ScopeLink,
		"conviction rate per victim-year, N/V: not the probability that a given offender is convicted (an offender holding k victims faces about k·p); derived from convictions and victims when not given"},
	{PDetect, "p_d", Probability, "probability", false, "per victim-year", notApplicable, ScopeLink,
		"probability that the exploitation is detected in a year; with p_prosecute and p_convict, it gives p when neither p nor N and V are given"},
	{PProsecute, "p_s", Probability, "probability", false, "per detected case", notApplicable, ScopeLink,
		"probability of prosecution once detected"},
	{PConvict, "p_c", Probability, "probability", false, "per prosecution", notApplicable, ScopeLink,
		"probability of conviction once prosecuted"},
	{Fine, "F", Amount, "{currency} per conviction", true, "per conviction (per victim when per_victim is true)", givenConviction, ScopeLink,
		"fine on conviction: as imposed where a source gives it, otherwise the statute's amount, labelled by its basis"},
	{Restitution, "R", Amount, "{currency} per conviction", true, "per conviction (per victim when per_victim is true)", givenConviction, ScopeLink,
		"restitution or compensation ordered on conviction and paid by the offender"},
	{ConfiscationRate, "φ", Probability, "share of a convicted offender's proceeds", false, "per conviction", givenConviction, ScopeLink,
		"share of a convicted offender's proceeds that is confiscated, given conviction; applied to one year's proceeds k·π (lifetime: to all proceeds accumulated by the conviction)"},
	{ConfiscatedShare, "ψ", Probability, "share of all proceeds", false, "per unit of proceeds, convicted or not", unconditional, ScopeLink,
		"share of all criminal proceeds that is confiscated (confiscated ÷ estimated proceeds): already unconditional, so it is never multiplied by p; used only when φ is not given"},
	{PrisonYears, "S", Amount, "years per conviction", false, "per conviction", givenConviction, ScopeLink,
		"prison years on conviction: as served or imposed where a source gives them, otherwise the statute's range, labelled by its basis"},
	{PrisonYearCost, "v", Amount, "{currency} per prison-year", true, "per year in prison", givenConviction, ScopeLink,
		"what a year in prison costs the offender in money; by default the income forgone, k·π; a cited figure replaces it"},
	{VictimsPerOffender, "k", Amount, "victims per offender", false, "per convicted offender", notApplicable, ScopeLink,
		"victims an offender holds at a time; scales the proceeds confiscated, the income forgone in prison and per-victim penalties"},
	{DurationYears, "T", Amount, "years per victim", false, "per victim", notApplicable, ScopeLink,
		"years a victim is exploited; used by the victim link and the lifetime figures, never by the per-year deterrence ratio"},
	{BuyerPrice, "P", Amount, "{currency} per purchase", true, "per purchase", notApplicable, ScopeLink,
		"price a buyer pays for one purchase (consumer link)"},
	{PBuyerPenalty, "p_b", Probability, "penalties per purchase", false, "per purchase", notApplicable, ScopeLink,
		"probability that a purchase leads to a penalty for the buyer"},
	{BuyerFine, "F_b", Amount, "{currency} per penalty", true, "per penalty", givenConviction, ScopeLink,
		"penalty on a buyer when one is imposed"},
	{PriceElasticity, "ε", Amount, "magnitude", false, "dimensionless", notApplicable, ScopeLink,
		"magnitude of the price elasticity of demand, |∂ln Q/∂ln P|: a 1% rise in the buyer's effective price cuts demand by ε%"},
	{TotalProfits, "Π_tot", Amount, "{currency} per year", true, "per year, whole chain", notApplicable, ScopeChain,
		"total annual profits of the chain"},
	{Victims, "V", Amount, "persons", false, "at a point in time (a stock)", notApplicable, ScopeChain,
		"victims at a point in time"},
	{Convictions, "N", Amount, "convictions per year", false, "per year (a flow)", notApplicable, ScopeChain,
		"convictions per year"},
	{PriceIndex, "CPI", Amount, "index points", false, "per year", notApplicable, ScopeReference,
		"consumer price index of the currency's economy for a year (annual average), used to move amounts between price years"},
	{ExchangeRate, "X", Amount, "{currency} per USD", false, "per year (annual average)", notApplicable, ScopeReference,
		"units of the currency per US dollar, annual average, used to convert amounts through the dollar"},
}

var symbolIndex = func() map[Symbol]SymbolInfo {
	m := make(map[Symbol]SymbolInfo, len(symbolList))
	for _, s := range symbolList {
		m[s.Symbol] = s
	}
	return m
}()

// Symbols returns every symbol of the model, in a fixed order.
func Symbols() []SymbolInfo { return append([]SymbolInfo(nil), symbolList...) }

// Known reports whether s is one of the model's symbols.
func (s Symbol) Known() bool { _, ok := symbolIndex[s]; return ok }

// Kind returns whether s is a probability or an amount ("" if unknown).
func (s Symbol) Kind() Kind { return symbolIndex[s].Kind }

// Money reports whether s is an amount of money.
func (s Symbol) Money() bool { return symbolIndex[s].Money }

// Scope returns where s is used ("" if unknown).
func (s Symbol) Scope() Scope { return symbolIndex[s].Scope }

// Info returns the description of s, and false if s is unknown.
func (s Symbol) Info() (SymbolInfo, bool) { i, ok := symbolIndex[s]; return i, ok }

// Penalty reports whether s is a penalty whose basis (imposed, served, statutory) must be said.
func (s Symbol) Penalty() bool {
	return s == Fine || s == Restitution || s == PrisonYears || s == BuyerFine
}

// PerVictimAllowed reports whether a law may set s per victim.
func (s Symbol) PerVictimAllowed() bool { return s == Fine || s == Restitution }

// Unit is the symbol's unit for a parameter in currency (empty when s is not
// money), per victim when perVictim is set: the only unit the model reads.
func (s Symbol) Unit(currency string, perVictim bool) string {
	info, ok := s.Info()
	if !ok {
		return ""
	}
	u := info.Unit
	if s == ExchangeRate {
		return strings.ReplaceAll(u, "{currency}", currency)
	}
	if perVictim && s.PerVictimAllowed() {
		u = strings.Replace(u, "per conviction", "per victim, per conviction", 1)
	}
	return strings.ReplaceAll(u, "{currency}", currency)
}

// Names returns every symbol's name, comma-separated, for messages.
func Names(scopes ...Scope) string {
	var names []string
	for _, s := range symbolList {
		if len(scopes) > 0 && !hasScope(scopes, s.Scope) {
			continue
		}
		names = append(names, string(s.Symbol))
	}
	return strings.Join(names, ", ")
}

func hasScope(ss []Scope, s Scope) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Basis says what a penalty's value stands for.
//
//	@Description	What a penalty's value stands for: what courts imposed or offenders served (imposed, served), or what the statute allows (statutory-range, statutory-maximum, statutory-minimum).
type Basis string

const (
	BasisImposed          Basis = "imposed"
	BasisServed           Basis = "served"
	BasisStatutoryRange   Basis = "statutory-range"
	BasisStatutoryMaximum Basis = "statutory-maximum"
	BasisStatutoryMinimum Basis = "statutory-minimum"
)

// Bases lists the bases, for validation.
var Bases = []Basis{BasisImposed, BasisServed, BasisStatutoryRange, BasisStatutoryMaximum, BasisStatutoryMinimum}

// Statutory reports whether b is what a statute allows rather than what courts do.
func (b Basis) Statutory() bool { return strings.HasPrefix(string(b), "statutory-") }
