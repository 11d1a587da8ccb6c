// Package inforce chooses the inputs of the risk-reward model (internal/economics) from the stored
// parameters and assembles a chain's answer: it picks one named input set (asked for by name, or
// the best match for an area and a year), fills what the set lacks only with timeless
// assumptions, each listed, converts money to one currency and price year with the stored
// exchange rates and price indices, and computes every link and the whole chain. The economics
// API (handlers) and the public pages (internal/pages) both use it, so that a page shows the
// figures the API's default answer gives.
package inforce

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"chainkb/internal/economics"
	"chainkb/models"
)

// Request is what an answer is asked for.
type Request struct {
	// Inputs names an input set; empty: the best match for Geo and Year.
	Inputs string
	// Geo is an area (a country, EU, M49:<code>) or global; empty is global.
	Geo string
	// Year picks the latest set whose period starts by it; 0: the latest of all.
	Year int
	// Currency and PriceYear are the money every amount is converted to; empty and 0: those of
	// the set's profit.
	Currency  string
	PriceYear int
}

// SetInfo describes one input set of a chain.
//
//	@Description	A named input set: figures from one source family, place and period that are computed together.
type SetInfo struct {
	// The set's name.
	Slug string `json:"slug" example:"ilo-2024-global"`
	// Where its figures hold.
	Geography string `json:"geography" example:"global"`
	// The years its figures describe (assumptions left out).
	Period string `json:"period" example:"2021-2023"`
	// The symbols it gives.
	Symbols []economics.Symbol `json:"symbols"`
	// Whether it holds only assumptions (used to fill other sets, never chosen as a set).
	AssumptionsOnly bool `json:"assumptions_only" example:"false"`

	first, last int
	params      []*models.Parameter
}

// Fallback is an input that came from outside the chosen set, and why.
//
//	@Description	An input that came from outside the chosen input set, and why.
type Fallback struct {
	// The symbol filled.
	Symbol economics.Symbol `json:"symbol" example:"victims_per_offender"`
	// The parameter that filled it.
	Parameter string `json:"parameter" example:"st-victims-per-offender-assumption"`
	// The set it came from.
	From string `json:"from" example:"chainkb-assumptions"`
	// Why it came from outside the chosen set.
	Reason string `json:"reason" example:"a timeless assumption from chainkb-assumptions: ilo-2024-global gives no value"`
}

// BadRequest is a request that names something that is not there: an unknown input set, an area
// and year no set covers. Field names the query parameter.
type BadRequest struct {
	Field, Detail string
}

func (e *BadRequest) Error() string { return e.Field + ": " + e.Detail }

// Selection is the inputs chosen for one answer.
type Selection struct {
	// Set is the chosen set; nil when none fits (every figure is then unknown, and Choice says why).
	Set *SetInfo
	// Choice says why this set, in a sentence.
	Choice    string
	Fallbacks []Fallback
	// Stage inputs by stage id, each holding the stage's own parameters and the set's chain-wide
	// ones; Chain holds the chain-wide ones alone.
	Stage map[int64]economics.Inputs
	Chain economics.Inputs
	// Notes on how inputs were read (a midpoint, a lone bound), by stage id (0: the chain).
	Notes map[int64][]Note
	// Dropped are amounts that could not be converted, by stage id (0: the chain).
	Dropped map[int64][]economics.Rejection
	// Money is what every amount was converted to; empty currency when the set holds no money.
	Money     economics.Money
	Available []SetInfo
}

// Note is something a reader should know about how an input was read.
type Note struct {
	Symbol economics.Symbol
	Text   string
}

// Sets groups a chain's parameters into its input sets, ordered by slug.
func Sets(params []models.Parameter) []SetInfo {
	by := map[string]*SetInfo{}
	for i := range params {
		p := &params[i]
		s := by[p.InputSet]
		if s == nil {
			s = &SetInfo{Slug: p.InputSet, Geography: p.Geography, AssumptionsOnly: true}
			by[p.InputSet] = s
		}
		s.params = append(s.params, p)
		if !slices.Contains(s.Symbols, economics.Symbol(p.Symbol)) {
			s.Symbols = append(s.Symbols, economics.Symbol(p.Symbol))
		}
		if p.Estimate == models.EstimateAssumption {
			continue
		}
		s.AssumptionsOnly = false
		first, last, ok := models.ParsePeriod(p.Period)
		if !ok {
			continue
		}
		if s.first == 0 || first < s.first {
			s.first = first
		}
		if last > s.last {
			s.last = last
		}
	}
	out := make([]SetInfo, 0, len(by))
	for _, s := range by {
		sort.Slice(s.Symbols, func(i, j int) bool { return s.Symbols[i] < s.Symbols[j] })
		switch {
		case s.first == 0:
			s.Period = ""
		case s.first == s.last:
			s.Period = strconv.Itoa(s.first)
		default:
			s.Period = fmt.Sprintf("%d-%d", s.first, s.last)
		}
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out
}

// Select chooses the inputs for req from a chain's parameters (params) and the reference data
// (exchange rates and price indices). A request naming an input set that does not exist is a
// *BadRequest.
func Select(params, reference []models.Parameter, req Request) (*Selection, error) {
	sets := Sets(params)
	sel := &Selection{Stage: map[int64]economics.Inputs{}, Chain: economics.Inputs{}, Notes: map[int64][]Note{},
		Dropped: map[int64][]economics.Rejection{}, Fallbacks: []Fallback{}}
	for _, s := range sets {
		if !s.AssumptionsOnly {
			sel.Available = append(sel.Available, s)
		}
	}
	if sel.Available == nil {
		sel.Available = []SetInfo{}
	}
	set, choice, err := choose(sets, req)
	if err != nil {
		return nil, err
	}
	sel.Set, sel.Choice = set, choice
	if set == nil {
		return sel, nil
	}
	have := map[int64]map[economics.Symbol]bool{}
	add := func(p *models.Parameter, fb *Fallback) {
		in, note := inputOf(p)
		if fb != nil {
			in.Fallback = fb.Reason
		}
		var stage int64
		if p.StageID != nil {
			stage = *p.StageID
		}
		if have[stage] == nil {
			have[stage] = map[economics.Symbol]bool{}
		}
		if have[stage][in.Symbol] {
			sel.Notes[stage] = append(sel.Notes[stage], Note{in.Symbol, fmt.Sprintf("%s: %s is not used: the set holds another value of it here", in.Symbol, p.Slug)})
			return
		}
		have[stage][in.Symbol] = true
		if stage == 0 {
			sel.Chain[in.Symbol] = in
		} else {
			if sel.Stage[stage] == nil {
				sel.Stage[stage] = economics.Inputs{}
			}
			sel.Stage[stage][in.Symbol] = in
		}
		if note != "" {
			sel.Notes[stage] = append(sel.Notes[stage], Note{in.Symbol, note})
		}
	}
	for _, p := range sortedParams(set.params) {
		add(p, nil)
	}
	// Timeless assumptions fill the symbols the set lacks, chain-wide, each listed.
	var assumed []*models.Parameter
	for _, s := range sets {
		if s.Slug == set.Slug {
			continue
		}
		for _, p := range s.params {
			if p.Estimate == models.EstimateAssumption && p.Geography == models.Global && p.StageID == nil &&
				!set.has(economics.Symbol(p.Symbol)) {
				assumed = append(assumed, p)
			}
		}
	}
	sort.SliceStable(assumed, func(i, j int) bool { return assumed[i].Slug < assumed[j].Slug })
	for _, p := range assumed {
		if have[0][economics.Symbol(p.Symbol)] {
			continue
		}
		fb := Fallback{Symbol: economics.Symbol(p.Symbol), Parameter: p.Slug, From: p.InputSet,
			Reason: fmt.Sprintf("a timeless assumption from %s: %s gives no value", p.InputSet, set.Slug)}
		sel.Fallbacks = append(sel.Fallbacks, fb)
		add(p, &fb)
	}
	// Every stage sees the chain-wide inputs of the set; its own come first.
	for id, in := range sel.Stage {
		for s, x := range sel.Chain {
			if _, ok := in[s]; !ok {
				in[s] = x
			}
		}
		sel.Stage[id] = in
	}
	sel.Money = target(sel, req)
	rates := Rates(reference)
	if sel.Money.Currency != "" {
		sel.Dropped[0] = rates.ConvertInputs(sel.Chain, sel.Money)
		for id, in := range sel.Stage {
			sel.Dropped[id] = rates.ConvertInputs(in, sel.Money)
		}
	}
	return sel, nil
}

func (s *SetInfo) has(sym economics.Symbol) bool { return slices.Contains(s.Symbols, sym) }

func sortedParams(ps []*models.Parameter) []*models.Parameter {
	out := append([]*models.Parameter(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out
}

// choose picks the set: the one named, or the best match for the area and year.
func choose(sets []SetInfo, req Request) (*SetInfo, string, error) {
	if req.Inputs != "" {
		for i := range sets {
			s := &sets[i]
			if s.Slug != req.Inputs || s.AssumptionsOnly {
				continue
			}
			switch {
			case req.Geo != "" && req.Geo != s.Geography:
				return nil, "", &BadRequest{Field: "geo", Detail: fmt.Sprintf("input set %s is for %s, not %s: leave geo out, or give the set's", s.Slug, s.Geography, req.Geo)}
			case req.Year != 0 && s.first > req.Year:
				return nil, "", &BadRequest{Field: "year", Detail: fmt.Sprintf("input set %s starts in %d, after %d: leave year out, or give a later one", s.Slug, s.first, req.Year)}
			}
			return s, fmt.Sprintf("%s, as asked", req.Inputs), nil
		}
		var names []string
		for _, s := range sets {
			if !s.AssumptionsOnly {
				names = append(names, s.Slug)
			}
		}
		return nil, "", &BadRequest{Field: "inputs", Detail: fmt.Sprintf("this chain has no input set %q; it has: %s", req.Inputs, strings.Join(names, ", "))}
	}
	geo := req.Geo
	if geo == "" {
		geo = models.Global
	}
	pick := func(area string) []*SetInfo {
		var cs []*SetInfo
		for i := range sets {
			s := &sets[i]
			if s.AssumptionsOnly || s.Geography != area || s.first == 0 {
				continue
			}
			if req.Year != 0 && s.first > req.Year {
				continue
			}
			cs = append(cs, s)
		}
		sort.SliceStable(cs, func(i, j int) bool {
			a, b := capYear(cs[i].last, req.Year), capYear(cs[j].last, req.Year)
			if a != b {
				return a > b
			}
			if sa, sb := cs[i].last-cs[i].first, cs[j].last-cs[j].first; sa != sb {
				return sa < sb
			}
			return cs[i].Slug < cs[j].Slug
		})
		return cs
	}
	when := "the latest input set"
	if req.Year != 0 {
		when = fmt.Sprintf("the latest input set that starts by %d", req.Year)
	}
	if cs := pick(geo); len(cs) > 0 {
		s := cs[0]
		why := fmt.Sprintf("%s: for %s, %s", s.Slug, geo, when)
		if len(cs) > 1 {
			why += fmt.Sprintf(" (others: %s)", slugs(cs[1:]))
		}
		return s, why, nil
	}
	if geo != models.Global {
		if cs := pick(models.Global); len(cs) > 0 {
			s := cs[0]
			return s, fmt.Sprintf("%s: there is no input set for %s, so the global one (%s) is used: its figures are global, not %s's", s.Slug, geo, when, geo), nil
		}
	}
	return nil, fmt.Sprintf("no input set for %s starts by %d: every figure is unknown", geo, req.Year), nil
}

func capYear(last, year int) int {
	if year != 0 && last > year {
		return year
	}
	return last
}

func slugs(ss []*SetInfo) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Slug
	}
	return strings.Join(out, ", ")
}

// target is the money of the answer: as asked, or the currency and price year of the set's
// profit (or, failing that, of its first amount).
func target(sel *Selection, req Request) economics.Money {
	m := economics.Money{Currency: req.Currency, PriceYear: req.PriceYear}
	if m.Currency != "" && m.PriceYear != 0 {
		return m
	}
	var first *economics.Input
	pick := func(in economics.Inputs) {
		for _, s := range []economics.Symbol{economics.Profit, economics.TotalProfits} {
			if x, ok := in[s]; ok && x.PriceYear != nil && first == nil {
				first = &x
			}
		}
	}
	pick(sel.Chain)
	ids := make([]int64, 0, len(sel.Stage))
	for id := range sel.Stage {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		pick(sel.Stage[id])
	}
	if first == nil {
		for _, id := range ids {
			for _, x := range sel.Stage[id] {
				if x.Symbol.Money() && x.PriceYear != nil && (first == nil || x.Parameter < first.Parameter) {
					y := x
					first = &y
				}
			}
		}
	}
	if first == nil {
		return m
	}
	if m.Currency == "" {
		m.Currency = first.Currency
	}
	if m.PriceYear == 0 {
		m.PriceYear = *first.PriceYear
	}
	return m
}

// Rates reads the exchange rates and price indices.
func Rates(reference []models.Parameter) economics.Rates {
	var r economics.Rates
	for _, p := range reference {
		first, _, ok := models.ParsePeriod(p.Period)
		if !ok || p.Central == nil {
			continue
		}
		x := economics.Rate{Value: *p.Central, Parameter: p.Slug}
		switch economics.Symbol(p.Symbol) {
		case economics.ExchangeRate:
			r.AddExchange(p.Currency, first, x)
		case economics.PriceIndex:
			r.AddIndex(p.Currency, first, x)
		}
	}
	return r
}

// inputOf turns a parameter into an input of the model, and says how a missing member was filled
// in when the reader should know: a missing central is the midpoint of low and high, and a lone
// bound is used as the value.
func inputOf(p *models.Parameter) (economics.Input, string) {
	in := economics.Input{Symbol: economics.Symbol(p.Symbol), Parameter: p.Slug, InputSet: p.InputSet,
		Geography: p.Geography, Period: p.Period, Unit: p.Unit, Currency: p.Currency, PriceYear: p.PriceYear,
		Basis: economics.Basis(p.Basis), PerVictim: p.PerVictim, Estimate: economics.Estimate(p.Estimate),
		Origin: economics.FromParameter, Citations: make([]economics.Citation, 0, len(p.Citations))}
	for _, c := range p.Citations {
		in.Citations = append(in.Citations, economics.Citation{Source: c.Source, Locator: c.Locator, Supports: c.Supports})
	}
	var note string
	lo, c, hi := p.Low, p.Central, p.High
	switch {
	case c != nil:
		v := economics.Point(*c)
		if lo != nil {
			v.Low = *lo
		}
		if hi != nil {
			v.High = *hi
		}
		in.Value = v
		in.Digits = economics.SignificantDigits(*c)
	case lo != nil && hi != nil:
		mid := (*lo + *hi) / 2
		in.Value = economics.Value{Low: *lo, Central: mid, High: *hi}
		in.Digits = min(economics.SignificantDigits(*lo), economics.SignificantDigits(*hi))
		note = fmt.Sprintf("%s (%s) gives no central value: the midpoint of its low and high, %s, is used", p.Symbol, p.Slug, num(mid))
	case lo != nil:
		in.Value = economics.Point(*lo)
		in.Digits = economics.SignificantDigits(*lo)
		note = fmt.Sprintf("%s (%s) gives only a low bound, %s: it is used as the value, so figures that grow with it are understated", p.Symbol, p.Slug, num(*lo))
	case hi != nil:
		in.Value = economics.Point(*hi)
		in.Digits = economics.SignificantDigits(*hi)
		note = fmt.Sprintf("%s (%s) gives only a high bound, %s: it is used as the value, so figures that grow with it are overstated", p.Symbol, p.Slug, num(*hi))
	}
	return in, note
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
