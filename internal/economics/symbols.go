package economics

// Symbol names one quantity of the model. Its string is the `symbol` of a
// parameter in the API and the name after `set.` in a scenario override.
//
//	@Description	A quantity of the model: profit, acquisition_cost, p_conviction, p_detect, p_prosecute, p_convict, fine, restitution, confiscation_rate, prison_years, prison_year_cost, duration_years, buyer_price, price_elasticity, total_profits, victims or convictions.
type Symbol string

// The model's symbols. Amounts are in the parameter's currency and price year;
// the package does not convert currencies, so the inputs of one computation
// must share them.
const (
	// Profit (π): net profit an exploiter makes from one victim in one year.
	Profit Symbol = "profit"
	// AcquisitionCost (A): what an exploiter pays to acquire one victim.
	AcquisitionCost Symbol = "acquisition_cost"
	// PConviction (p): probability that an exploiter is convicted, per
	// victim-year. When absent, p is the product of its three factors below.
	PConviction Symbol = "p_conviction"
	// PDetect: probability that the exploitation is detected, per victim-year.
	PDetect Symbol = "p_detect"
	// PProsecute: probability of prosecution once detected.
	PProsecute Symbol = "p_prosecute"
	// PConvict: probability of conviction once prosecuted.
	PConvict Symbol = "p_convict"
	// Fine (F): the fine on conviction.
	Fine Symbol = "fine"
	// Restitution (R): restitution ordered on conviction.
	Restitution Symbol = "restitution"
	// ConfiscationRate (φ): share of the accumulated proceeds Π that is
	// confiscated on conviction.
	ConfiscationRate Symbol = "confiscation_rate"
	// PrisonYears (S): prison years served on conviction.
	PrisonYears Symbol = "prison_years"
	// PrisonYearCost (v): the cost of one prison year to the offender in money
	// (for example the criminal income foregone).
	PrisonYearCost Symbol = "prison_year_cost"
	// DurationYears (T): how many years a victim is exploited.
	DurationYears Symbol = "duration_years"
	// BuyerPrice (P): the price a buyer pays (consumer link).
	BuyerPrice Symbol = "buyer_price"
	// PriceElasticity (ε): the magnitude of the price elasticity of demand,
	// |∂ln Q/∂ln P|, so a 1% rise in price cuts demand by ε%. Stored as a
	// magnitude (≥ 0); no source gives it, so it is always an assumption.
	PriceElasticity Symbol = "price_elasticity"
	// TotalProfits (Π_tot): total annual profits of the chain.
	TotalProfits Symbol = "total_profits"
	// Victims (V): number of victims at a point in time (a stock).
	Victims Symbol = "victims"
	// Convictions (N): convictions per year (a flow).
	Convictions Symbol = "convictions"
)

// Kind says which values a symbol accepts.
//
//	@Description	Which values a symbol accepts: a probability in [0, 1], or an amount of 0 or more.
type Kind string

const (
	// Probability: a number in [0, 1].
	Probability Kind = "probability"
	// Amount: a number ≥ 0 (money, years, counts, a rate or a magnitude).
	Amount Kind = "amount"
)

// SymbolInfo describes one symbol, for validation and for the API's method
// object.
//
//	@Description	One symbol of the model: its notation, kind, unit and meaning.
type SymbolInfo struct {
	// The symbol, as parameters and set.<symbol> name it.
	Symbol Symbol `json:"symbol" example:"fine"`
	// Its notation in the formulas.
	Notation string `json:"notation" example:"F"`
	// Which values it accepts.
	Kind Kind `json:"kind" enums:"probability,amount" example:"amount"`
	// Its unit.
	Unit string `json:"unit" example:"currency"`
	// What it means.
	Meaning string `json:"meaning" example:"fine on conviction"`
}

// symbolList is the single table of symbols; Symbols returns a copy.
var symbolList = []SymbolInfo{
	{Profit, "π", Amount, "currency per victim-year", "net profit from one victim in one year"},
	{AcquisitionCost, "A", Amount, "currency per victim", "cost of acquiring one victim"},
	{PConviction, "p", Probability, "per victim-year", "probability of conviction per victim-year (= p_detect·p_prosecute·p_convict when not given)"},
	{PDetect, "p_detect", Probability, "per victim-year", "probability of detection per victim-year"},
	{PProsecute, "p_prosecute", Probability, "given detection", "probability of prosecution once detected"},
	{PConvict, "p_convict", Probability, "given prosecution", "probability of conviction once prosecuted"},
	{Fine, "F", Amount, "currency", "fine on conviction"},
	{Restitution, "R", Amount, "currency", "restitution ordered on conviction"},
	{ConfiscationRate, "φ", Probability, "share of proceeds", "share of accumulated proceeds Π confiscated on conviction"},
	{PrisonYears, "S", Amount, "years", "prison years served on conviction"},
	{PrisonYearCost, "v", Amount, "currency per year", "cost of one prison year to the offender, in money"},
	{DurationYears, "T", Amount, "years", "years a victim is exploited"},
	{BuyerPrice, "P", Amount, "currency", "price paid by a buyer"},
	{PriceElasticity, "ε", Amount, "magnitude", "magnitude of the price elasticity of demand"},
	{TotalProfits, "Π_tot", Amount, "currency per year", "total annual profits of the chain"},
	{Victims, "V", Amount, "persons", "victims at a point in time (stock)"},
	{Convictions, "N", Amount, "per year", "convictions per year (flow)"},
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

// Info returns the description of s, and false if s is unknown.
func (s Symbol) Info() (SymbolInfo, bool) { i, ok := symbolIndex[s]; return i, ok }
