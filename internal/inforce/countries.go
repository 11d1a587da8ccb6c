package inforce

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"chainkb/internal/economics"
	"chainkb/models"
)

// A country's risk-reward (issue 27) is the model's answer for the country as the economics API
// gives it (geo=<ISO>: the country's own latest input set, or the global one, said so), never a
// second model: nothing here computes a figure that Compute does not. The country's statutory
// penalties are shown beside it, not fed into it.

// Brief is a computed figure in brief: its range, rounded for display, and whether it is a
// bound.
//
//	@Description	A computed figure in brief: its range (low, central, high), the central value rounded for display, and whether it is only a bound (lower: penalty components are not recorded).
type Brief struct {
	economics.Value
	// The central value rounded to the digits its inputs support.
	Display string `json:"display" example:"0.0034"`
	// lower or upper when it is a bound; absent otherwise.
	Bound string `json:"bound,omitempty" extensions:"x-omitempty" enums:"lower,upper" example:"lower"`
}

func brief(f *economics.Figure) *Brief {
	if f == nil {
		return nil
	}
	return &Brief{Value: f.Value, Display: f.Display, Bound: f.Bound}
}

// CountryLink is the model's finding at a chain's exploiter link for one input set.
//
//	@Description	The model at the chain's exploiter link (where victims are held and the deterrence condition applies) for one input set: the verdict, profit π, the expected penalty E[C], D = E[C]/π, the penalty needed per conviction, the lever whose change alone would need the least to reach D = 1, and every input named with its source.
type CountryLink struct {
	// The exploiter link.
	Stage StageRef `json:"stage"`
	// The verdict, with the penalty components not recorded and those taken from statutes.
	Verdict economics.Verdict `json:"verdict"`
	// π: profit per victim-year; null when unknown.
	Profit *Brief `json:"profit" extensions:"x-nullable"`
	// E[C]: expected penalty per victim-year; null when unknown.
	ExpectedPenalty *Brief `json:"expected_penalty" extensions:"x-nullable"`
	// D = E[C]/π; null when unknown.
	Deterrence *Brief `json:"deterrence_ratio" extensions:"x-nullable"`
	// K*: the penalty each conviction would need for D = 1; null when unknown.
	PenaltyNeeded *Brief `json:"penalty_needed" extensions:"x-nullable"`
	// The lever whose change alone would need the least to reach D = 1 (reachable ones first); null when no lever can be computed.
	Lever *economics.Lever `json:"lever" extensions:"x-nullable"`
	// Every input used at the link, named, with its parameter, input set and sources.
	Inputs []economics.Input `json:"inputs"`
}

// CountryChain is one chain's risk-reward for a country, from one input set.
//
//	@Description	One chain's risk-reward for a country from one input set: which set and why (the country's own, or the global one when it has none), the inputs filled from outside it, the regional input sets that cover the country (listed, not used: a regional value is never used for a country unless asked for by name), the money every amount is in, the model at the exploiter link, and the URL of the full answer.
type CountryChain struct {
	// The chain.
	Chain ChainRef `json:"chain"`
	// The input set used; null when none fits (every figure is then unknown).
	InputSet *SetInfo `json:"input_set" extensions:"x-nullable"`
	// Whether the set is the country's own (its geography is the country).
	Own bool `json:"own" example:"true"`
	// Why this set, in a sentence; says so when the country has no set of its own and the global one is used.
	Choice string `json:"choice" example:"india-2013-law: for IN, the latest input set"`
	// Inputs that came from outside the set (timeless assumptions), each with why.
	Fallbacks []Fallback `json:"fallbacks"`
	// Regional input sets (EU, M49 regions) that cover the country: listed, not used.
	RegionalSets []SetInfo `json:"regional_sets"`
	// ISO 4217 code every amount is in; empty when the set holds no money.
	Currency string `json:"currency" example:"USD"`
	// Price year every amount is in; null when the set holds no money.
	PriceYear *int `json:"price_year" extensions:"x-nullable" example:"2009"`
	// The model at the exploiter link; null when the chain has no exploiter link.
	Exploiter *CountryLink `json:"exploiter" extensions:"x-nullable"`
	// The full answer of the economics API for the same request.
	Economics string `json:"economics" example:"/api/v1/chains/sex-trafficking/economics?geo=IN"`
}

// ForCountry computes a chain's answer for a country: from the input set named by inputs, or,
// when inputs is empty, the country's latest own set or the global one (the economics API's
// geo=<ISO>). currency and priceYear convert money as the API's parameters do (empty and 0: the
// set's). A *BadRequest for an unknown set or currency.
func ForCountry(c Chain, iso, inputs, currency string, priceYear int) (*CountryChain, error) {
	req := Request{Inputs: inputs, Currency: currency, PriceYear: priceYear}
	q := url.Values{}
	if inputs != "" {
		q.Set("inputs", inputs)
	} else {
		req.Geo = iso
		q.Set("geo", iso)
	}
	if currency != "" {
		q.Set("currency", currency)
	}
	if priceYear != 0 {
		q.Set("price_year", fmt.Sprint(priceYear))
	}
	a, err := Compute(c, req, economics.Scenario{}, nil, nil)
	if err != nil {
		return nil, err
	}
	sel, err := Select(c.Parameters, c.Reference, req)
	if err != nil {
		return nil, err
	}
	out := &CountryChain{Chain: a.Chain, InputSet: a.InputSet, Choice: a.Choice, Fallbacks: a.Fallbacks,
		RegionalSets: RegionalSets(c, iso), Currency: a.Currency, PriceYear: a.PriceYear,
		Economics: fmt.Sprintf("/api/v1/chains/%s/economics?%s", c.Slug, q.Encode())}
	out.Own = a.InputSet != nil && a.InputSet.Geography == iso
	for _, st := range a.Stages {
		if st.Stage.Role != string(economics.RoleExploiter) {
			continue
		}
		b := st.Baseline
		l := &CountryLink{Stage: st.Stage, Verdict: b.Verdict, Profit: brief(b.Profit),
			ExpectedPenalty: brief(b.ExpectedCost), Deterrence: brief(b.Deterrence),
			PenaltyNeeded: brief(b.PenaltyNeeded), Lever: bestLever(b.Levers), Inputs: linkInputs(sel, st.Stage.ID)}
		out.Exploiter = l
		break
	}
	return out, nil
}

// OwnSets lists a chain's input sets of the country itself, oldest first.
func OwnSets(c Chain, iso string) []SetInfo {
	var out []SetInfo
	for _, s := range Sets(c.Parameters) {
		if !s.AssumptionsOnly && s.Geography == iso {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b SetInfo) int { return cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.last, b.last)) })
	return out
}

// RegionalSets lists a chain's regional input sets (EU, M49) that contain the country, by slug.
func RegionalSets(c Chain, iso string) []SetInfo {
	out := []SetInfo{}
	for _, s := range Sets(c.Parameters) {
		if !s.AssumptionsOnly && models.IsRegion(s.Geography) && models.AreaContains(s.Geography, iso) {
			out = append(out, s)
		}
	}
	return out
}

// bestLever is the lever whose needed change is the smallest multiple of today's value, reachable
// ones first.
func bestLever(ls []economics.Lever) *economics.Lever {
	var best *economics.Lever
	rank := func(l *economics.Lever) (int, float64) {
		r := 1
		if l.Reachable != nil && *l.Reachable {
			r = 0
		}
		m := 1e308
		if l.Multiple != nil {
			m = *l.Multiple
		}
		return r, m
	}
	for i := range ls {
		l := &ls[i]
		if l.Needed == nil {
			continue
		}
		if best == nil {
			best = l
			continue
		}
		r1, m1 := rank(l)
		r2, m2 := rank(best)
		if r1 < r2 || r1 == r2 && m1 < m2 {
			best = l
		}
	}
	if best == nil {
		return nil
	}
	cp := *best
	return &cp
}

// linkInputs lists every input the selection gives a link (its own and the set's chain-wide ones,
// converted to the answer's money), by symbol.
func linkInputs(sel *Selection, stage int64) []economics.Input {
	in, ok := sel.Stage[stage]
	if !ok {
		in = sel.Chain
	}
	out := make([]economics.Input, 0, len(in))
	for sym, x := range in {
		x.Symbol = sym
		if x.Citations == nil {
			x.Citations = []economics.Citation{}
		}
		if x.Unit == "" {
			x.Unit = sym.Unit(x.Currency, x.PerVictim)
		}
		if x.Origin == "" {
			x.Origin = economics.FromParameter
		}
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b economics.Input) int { return strings.Compare(string(a.Symbol), string(b.Symbol)) })
	return out
}

// Statute is the heaviest statutory penalty a country records for a chain: life or death first,
// then the longest maximum term, then the longest minimum; nil when it records none.
func Statute(c *models.Country, chain string) *models.Penalty {
	var best *models.Penalty
	weight := func(p *models.Penalty) (int, float64, float64) {
		life := 0
		if p.LifeOrDeath {
			life = 1
		}
		mx, mn := -1.0, -1.0
		if p.PrisonMaxYears != nil {
			mx = *p.PrisonMaxYears
		}
		if p.PrisonMinYears != nil {
			mn = *p.PrisonMinYears
		}
		return life, mx, mn
	}
	for i := range c.Penalties {
		p := &c.Penalties[i]
		if p.Chain != chain {
			continue
		}
		if best == nil {
			best = p
			continue
		}
		l1, x1, n1 := weight(p)
		l2, x2, n2 := weight(best)
		if l1 > l2 || l1 == l2 && (x1 > x2 || x1 == x2 && n1 > n2) {
			best = p
		}
	}
	return best
}

// ComparisonRow is one country in a chain's comparison.
//
//	@Description	One country in a chain's comparison: its code, name and region, the input set its figures come from (its own, or the global one, said so), the expected penalty E[C] and D = E[C]/π at the exploiter link (null when unknown), the verdict, the penalty components not recorded, the lever whose change alone would need the least to reach D = 1, and beside them the heaviest statutory penalty it records for the chain.
type ComparisonRow struct {
	// ISO 3166-1 alpha-2 code.
	ISO string `json:"iso" example:"IN"`
	// English name.
	Name string `json:"name" example:"India"`
	// UN M49 sub-region.
	Region models.Region `json:"region"`
	// Slug of the input set used; null when none fits.
	InputSet *string `json:"input_set" extensions:"x-nullable" example:"india-2013-law"`
	// Whether the set is the country's own; false: the global set stands in, and its figures are not the country's.
	Own bool `json:"own" example:"false"`
	// Why this set.
	Choice string `json:"choice" example:"ilo-2024-global: there is no input set for NP, so the global one is used"`
	// E[C] per victim-year; null when unknown.
	ExpectedPenalty *Brief `json:"expected_penalty" extensions:"x-nullable"`
	// D = E[C]/π; null when unknown.
	Deterrence *Brief `json:"deterrence_ratio" extensions:"x-nullable"`
	// Currency of the expected penalty.
	Currency string `json:"currency" example:"USD"`
	// Price year of the expected penalty.
	PriceYear *int `json:"price_year" extensions:"x-nullable" example:"2021"`
	// pays, does-not-pay, uncertain, unknown or not-applicable.
	Verdict string `json:"verdict" enums:"pays,does-not-pay,uncertain,unknown,not-applicable" example:"unknown"`
	// Penalty components not recorded (unknown, not zero).
	Missing []string `json:"missing"`
	// The lever whose change alone would need the least to reach D = 1: its symbol; empty when none can be computed.
	Lever string `json:"lever" example:"p_conviction"`
	// What that lever would take, in words.
	LeverText string `json:"lever_text" example:"p would have to rise from 0.00093 to 1.1 (×1,100): beyond its ceiling of 1."`
	// The heaviest statutory penalty recorded for the chain, with its source; null when none is recorded.
	Statute *models.Penalty `json:"statute" extensions:"x-nullable"`
}

// Comparison is every country's risk-reward for one chain.
//
//	@Description	Every country's risk-reward for one chain, side by side, with what all rows share stated once: the model's method and caveats, the assumptions the computation made, and the timeless assumptions that filled inputs. Rows whose D is unknown come last in every order.
type Comparison struct {
	// The chain.
	Chain ChainRef `json:"chain"`
	// The order of the rows (sort=).
	Sort string `json:"sort" example:"-deterrence_ratio"`
	// Assumptions every row shares, once: the model's choices and the inputs filled from outside each set.
	Assumptions []string `json:"assumptions"`
	// The model's method and caveats.
	Method economics.Method `json:"method"`
	// One row per country.
	Rows []ComparisonRow `json:"rows"`
}

// ComparisonSorts are the orders a comparison takes ("-" in front for descending).
var ComparisonSorts = []string{"deterrence_ratio", "expected_penalty", "iso", "name", "region", "statute"}

// Compare computes the comparison of a chain across countries, ordered by sort (one of
// ComparisonSorts, "-" in front for descending). Rows whose D is unknown come last in every order,
// by ISO code. A *BadRequest for a bad sort or currency.
func Compare(c Chain, countries []models.Country, sort, currency string, priceYear int) (*Comparison, error) {
	if sort == "" {
		sort = "deterrence_ratio"
	}
	key, desc := strings.CutPrefix(sort, "-")
	if !slices.Contains(ComparisonSorts, key) {
		return nil, &BadRequest{Field: "sort", Detail: fmt.Sprintf("sort %q is not supported; use one of %s, with '-' in front for descending", sort, strings.Join(ComparisonSorts, ", "))}
	}
	out := &Comparison{Chain: ChainRef{ID: c.ID, Slug: c.Slug, Name: c.Name}, Sort: sort, Assumptions: []string{},
		Method: economics.Describe(), Rows: make([]ComparisonRow, 0, len(countries))}
	seen := map[string]bool{}
	assume := func(s string) {
		if !seen[s] {
			seen[s] = true
			out.Assumptions = append(out.Assumptions, s)
		}
	}
	for i := range countries {
		ct := &countries[i]
		cc, err := ForCountry(c, ct.ISO, "", currency, priceYear)
		if err != nil {
			return nil, err
		}
		row := ComparisonRow{ISO: ct.ISO, Name: ct.Name, Region: ct.Subregion, Own: cc.Own, Choice: cc.Choice,
			Currency: cc.Currency, PriceYear: cc.PriceYear, Verdict: string(economics.VerdictUnknown), Missing: []string{},
			Statute: Statute(ct, c.Slug)}
		if cc.InputSet != nil {
			row.InputSet = &cc.InputSet.Slug
		}
		for _, fb := range cc.Fallbacks {
			assume(fmt.Sprintf("%s = %s (a timeless assumption from %s, used where a row's input set gives no value)", fb.Symbol, fb.Parameter, fb.From))
		}
		if l := cc.Exploiter; l != nil {
			row.ExpectedPenalty, row.Deterrence = l.ExpectedPenalty, l.Deterrence
			row.Verdict, row.Missing = string(l.Verdict.Status), nonNilStrings(l.Verdict.Missing)
			if l.Lever != nil {
				row.Lever, row.LeverText = string(l.Lever.Symbol), l.Lever.Text
			}
		}
		out.Rows = append(out.Rows, row)
	}
	a, err := Compute(c, Request{Currency: currency, PriceYear: priceYear}, economics.Scenario{}, nil, nil)
	if err == nil {
		for _, st := range a.Stages {
			if st.Stage.Role == string(economics.RoleExploiter) {
				for _, s := range st.Baseline.Assumptions {
					assume(s)
				}
			}
		}
	}
	sortRows(out.Rows, key, desc)
	return out, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// sortRows orders rows by key: rows with a known D first, in that order, then those whose D is
// unknown, by ISO code; ties by ISO code.
func sortRows(rows []ComparisonRow, key string, desc bool) {
	num := func(e *Brief) (float64, bool) {
		if e == nil {
			return 0, false
		}
		return e.Central, true
	}
	statute := func(p *models.Penalty) float64 {
		switch {
		case p == nil:
			return -1
		case p.LifeOrDeath:
			return 1e9
		case p.PrisonMaxYears != nil:
			return *p.PrisonMaxYears
		case p.PrisonMinYears != nil:
			return *p.PrisonMinYears
		}
		return -1
	}
	slices.SortStableFunc(rows, func(a, b ComparisonRow) int {
		_, ka := num(a.Deterrence)
		_, kb := num(b.Deterrence)
		if ka != kb {
			if ka {
				return -1
			}
			return 1
		}
		if !ka {
			return strings.Compare(a.ISO, b.ISO)
		}
		var c int
		switch key {
		case "deterrence_ratio":
			x, _ := num(a.Deterrence)
			y, _ := num(b.Deterrence)
			c = cmp.Compare(x, y)
		case "expected_penalty":
			x, okx := num(a.ExpectedPenalty)
			y, oky := num(b.ExpectedPenalty)
			c = cmp.Compare(boolInt(okx), boolInt(oky))
			if c == 0 {
				c = cmp.Compare(x, y)
			}
		case "name":
			c = strings.Compare(a.Name, b.Name)
		case "region":
			c = strings.Compare(a.Region.Code, b.Region.Code)
		case "statute":
			c = cmp.Compare(statute(a.Statute), statute(b.Statute))
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = strings.Compare(a.ISO, b.ISO)
			if desc && key == "iso" {
				c = -c
			}
		}
		return c
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
