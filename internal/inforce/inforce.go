// Package inforce chooses the inputs of the risk-reward model (internal/economics) from the stored
// parameters: for each symbol, the parameter in force for a stage, a geography and a year. The
// economics API (handlers) and the public pages (internal/pages) both use it, so that a page shows
// the figures the API's default answer gives.
package inforce

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"chainkb/internal/economics"
	"chainkb/models"
)

// Default is the scope of the API's default answer: global figures, the latest of them.
var Default = Scope{Geo: models.Global}

// StageBaseline is the model of one stage (stageID) from params (the chain's parameters) in sc,
// with how the inputs were chosen before the model's own assumptions: the baseline of the API's
// answer for that stage.
func StageBaseline(params []models.Parameter, sc Scope, stageID int64) (economics.StageResult, Selection) {
	sel := Choose(params, sc, stageID, StageSymbols())
	r := economics.Stage(sel.Inputs)
	r.Assumptions = WithNotes(sel.Notes, r.Assumptions)
	return r, sel
}

// WithNotes puts the notes on how the inputs were chosen before the model's own assumptions.
func WithNotes(notes, assumptions []string) []string {
	return append(append(make([]string, 0, len(notes)+len(assumptions)), notes...), assumptions...)
}

// moneySymbols are the symbols whose values are amounts of money: the inputs of one computation
// must share a currency, because the model converts none.
var moneySymbols = map[economics.Symbol]bool{
	economics.Profit: true, economics.AcquisitionCost: true, economics.Fine: true, economics.Restitution: true,
	economics.PrisonYearCost: true, economics.BuyerPrice: true, economics.TotalProfits: true,
}

// ChainSymbols are the symbols of the whole chain's figures.
var ChainSymbols = []economics.Symbol{economics.TotalProfits, economics.Convictions, economics.Victims}

// Scope is where and when the model is asked about.
type Scope struct {
	Geo  string // a country code or global
	Year int    // 0: the latest figures
}

// candidate is a parameter that may be in force, with the keys that rank it.
type candidate struct {
	p         *models.Parameter
	geoRank   int // 0: the requested country; 1: global
	stageRank int // 0: this stage's; 1: the whole chain's
	periodKey int // the period's last year, capped at the requested year: later is better
	span      int // the period's length in years: narrower is better
}

// candidateOf returns p as a candidate in sc, or false if it is not in force there: another
// country, or a period that starts after the requested year.
func candidateOf(p *models.Parameter, sc Scope) (candidate, bool) {
	c := candidate{p: p}
	switch p.Geography {
	case sc.Geo:
		c.geoRank = 0
		if sc.Geo == models.Global {
			c.geoRank = 1
		}
	case models.Global:
		c.geoRank = 1
	default:
		return c, false
	}
	first, last, ok := models.ParsePeriod(p.Period)
	if !ok {
		return c, false
	}
	if sc.Year != 0 {
		if first > sc.Year {
			return c, false
		}
		last = min(last, sc.Year)
	}
	c.periodKey, c.span = last, last-first
	return c, true
}

// better orders candidates, best first: the requested country before global, then (for a stage)
// the stage's own figure before the chain's, then the latest period, the narrowest, and the slug
// so that the choice never depends on the order of the rows.
func better(a, b candidate, stageFirst bool) bool {
	if a.geoRank != b.geoRank {
		return a.geoRank < b.geoRank
	}
	if a.stageRank != b.stageRank {
		if stageFirst {
			return a.stageRank < b.stageRank
		}
		return a.stageRank > b.stageRank
	}
	if a.periodKey != b.periodKey {
		return a.periodKey > b.periodKey
	}
	if a.span != b.span {
		return a.span < b.span
	}
	return a.p.Slug < b.p.Slug
}

// Selection is the inputs chosen for one computation, and what a reader should know about how.
type Selection struct {
	Inputs economics.Inputs
	Notes  []string
	// Currency is that of the amounts chosen (the profit's first), or empty when none is.
	Currency string
}

// Choose picks, for each symbol in symbols, the best candidate among params. stage is the stage's
// id, or 0 for the chain's own figures (which prefer chain-wide parameters but take a stage's).
func Choose(params []models.Parameter, sc Scope, stage int64, symbols []economics.Symbol) Selection {
	bySymbol := map[economics.Symbol][]candidate{}
	for i := range params {
		p := &params[i]
		sym := economics.Symbol(p.Symbol)
		if !hasSym(symbols, sym) {
			continue
		}
		c, ok := candidateOf(p, sc)
		if !ok {
			continue
		}
		switch {
		case p.StageID == nil:
			c.stageRank = 1
		case stage != 0 && *p.StageID != stage:
			continue
		}
		bySymbol[sym] = append(bySymbol[sym], c)
	}
	sel := Selection{Inputs: economics.Inputs{}}
	// Profit first: its currency is the one the other amounts must share.
	currency := ""
	for _, sym := range orderedSymbols(symbols) {
		cs := bySymbol[sym]
		if len(cs) == 0 {
			continue
		}
		sort.SliceStable(cs, func(i, j int) bool { return better(cs[i], cs[j], stage != 0) })
		if moneySymbols[sym] && currency != "" {
			// Figures in another currency that would otherwise have been chosen are said so.
			var skipped []string
			kept := cs[:0:0]
			for _, c := range cs {
				if c.p.Currency != "" && c.p.Currency != currency {
					if len(kept) == 0 {
						skipped = append(skipped, fmt.Sprintf("%s (%s)", c.p.Slug, c.p.Currency))
					}
					continue
				}
				kept = append(kept, c)
			}
			if len(skipped) > 0 {
				sel.Notes = append(sel.Notes, fmt.Sprintf("%s: %s not used: the other amounts are in %s, and the model converts no currency", sym, strings.Join(skipped, ", "), currency))
			}
			cs = kept
			if len(cs) == 0 {
				continue
			}
		}
		best := cs[0]
		if moneySymbols[sym] && currency == "" {
			currency = best.p.Currency
			sel.Currency = currency
		}
		if len(cs) > 1 && tie(best, cs[1]) {
			sel.Notes = append(sel.Notes, fmt.Sprintf("%s: %s and %s are equally specific; %s is used (first by slug)", sym, best.p.Slug, cs[1].p.Slug, best.p.Slug))
		}
		in, note := inputOf(best.p)
		sel.Inputs[sym] = in
		if note != "" {
			sel.Notes = append(sel.Notes, note)
		}
	}
	return sel
}

// tie reports whether a and b rank alike but for their slugs.
func tie(a, b candidate) bool {
	return a.geoRank == b.geoRank && a.stageRank == b.stageRank && a.periodKey == b.periodKey && a.span == b.span
}

func hasSym(ss []economics.Symbol, s economics.Symbol) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// orderedSymbols returns symbols with profit and total profits first, whose currency the other
// amounts must share.
func orderedSymbols(symbols []economics.Symbol) []economics.Symbol {
	out := make([]economics.Symbol, 0, len(symbols))
	for _, s := range symbols {
		if s == economics.Profit || s == economics.TotalProfits {
			out = append(out, s)
		}
	}
	for _, s := range symbols {
		if s != economics.Profit && s != economics.TotalProfits {
			out = append(out, s)
		}
	}
	return out
}

// inputOf turns a parameter into an input of the model, and says how a missing member was filled
// in when the reader should know: a missing central is the midpoint of low and high, and a lone
// bound is used as the value.
func inputOf(p *models.Parameter) (economics.Input, string) {
	in := economics.Input{Parameter: p.Slug, Sources: models.CitedSources(p.Citations),
		Estimate: economics.Estimate(p.Estimate), Origin: economics.FromParameter}
	if in.Sources == nil {
		in.Sources = []string{}
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
	case lo != nil && hi != nil:
		mid := (*lo + *hi) / 2
		in.Value = economics.Value{Low: *lo, Central: mid, High: *hi}
		note = fmt.Sprintf("%s (%s) gives no central value: the midpoint of its low and high, %s, is used", p.Symbol, p.Slug, num(mid))
	case lo != nil:
		in.Value = economics.Point(*lo)
		note = fmt.Sprintf("%s (%s) gives only a low bound, %s: it is used as the value, so figures that grow with it are understated", p.Symbol, p.Slug, num(*lo))
	case hi != nil:
		in.Value = economics.Point(*hi)
		note = fmt.Sprintf("%s (%s) gives only a high bound, %s: it is used as the value, so figures that grow with it are overstated", p.Symbol, p.Slug, num(*hi))
	}
	return in, note
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// StageSymbols returns the symbols a stage's figures use.
func StageSymbols() []economics.Symbol {
	var out []economics.Symbol
	for _, s := range economics.Symbols() {
		if !hasSym(ChainSymbols, s.Symbol) {
			out = append(out, s.Symbol)
		}
	}
	return out
}
