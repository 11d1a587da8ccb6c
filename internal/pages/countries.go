package pages

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"chainkb/internal/countries"
	"chainkb/internal/economics"
	"chainkb/internal/inforce"
	"chainkb/models"
)

// The countries' pages (issue 27): /countries, every country's law, latest enforcement and
// risk-reward for one chain, as a table sortable by links and a ranked dot plot of the statutory
// prison terms; and /countries/{iso}, a country's law, enforcement trend, ratifications, tactics
// and risk-reward, each input set side by side. Both show what the API answers
// (internal/countries), in words from the catalogue.

// countriesData is what /countries shows.
type countriesData struct {
	Chains      []chainLink
	Chain       inforce.ChainRef
	Sorts       []sortLink
	Rows        []countryLine
	Plot        *statutePlot
	NoStatute   []string
	JSON, CSV   string
	Assumptions []string
}

type chainLink struct {
	Name, URL string
	Current   bool
}

type sortLink struct {
	Label, URL string
	Current    bool
}

// countryLine is one country's row.
type countryLine struct {
	ISO, Name, Region string
	Statute           string
	Enforcement       string
	D, Verdict, Set   string
	Own               bool
}

// statutePlot is a ranked dot plot (SVG user units) of each country's heaviest statutory prison
// term for the chain: a line from the minimum to the maximum, a dot at the maximum, an arrow to
// the axis's end for life or death; a label at each row's left and its value at its right.
type statutePlot struct {
	Width, Height, Left, Right, AxisY float64
	Rows                              []plotRow
	Ticks                             []econTick
}

type plotRow struct {
	Y, X1, X2         float64
	Label, Value      string
	Ranged, Life, Min bool // Min: only a minimum is known (no dot at a maximum)
}

// The plot's layout.
const (
	plotWidth = 620
	plotLeft  = 130
	plotRight = 440
	plotRowH  = 18
	plotTop   = 16
)

// Countries handles GET /countries: every country on one chain (?chain=, default the first by
// slug), in the order ?sort= names (the comparison's orders); unknown values are dropped.
func (p *Pages) Countries(c *gin.Context) {
	q := c.Request.URL.Query()
	p.serve(c, func(s *site) page {
		if len(s.chains) == 0 {
			return page{"countries", "countries", func(context.Context) (any, error) { return countriesData{}, nil }}
		}
		chain := s.chains[0].Slug
		if s.chainBySlug[q.Get("chain")] != nil {
			chain = q.Get("chain")
		}
		sort := q.Get("sort")
		if !slices.Contains(inforce.ComparisonSorts, strings.TrimPrefix(sort, "-")) {
			sort = ""
		}
		return page{"countries|" + chain + "|" + sort, "countries", func(ctx context.Context) (any, error) {
			cmp, err := countries.Comparison(ctx, p.store, chain, sort, "", 0)
			if err != nil {
				return nil, err
			}
			all, err := p.store.AllCountries(ctx)
			if err != nil {
				return nil, err
			}
			return newCountriesData(s, cmp, all), nil
		}}
	})
}

// Country handles GET /countries/{iso}.
func (p *Pages) Country(c *gin.Context) {
	iso := strings.ToUpper(c.Param("iso"))
	p.serve(c, func(s *site) page {
		if !models.IsCountry(iso) {
			return page{}
		}
		return page{"country|" + iso, "country", func(ctx context.Context) (any, error) {
			pr, err := countries.Of(ctx, p.store, iso)
			if err != nil {
				return nil, err
			}
			return newCountryData(pr), nil
		}}
	})
}

func msg(id string, args ...any) string {
	m := catalogue[defaultLang][id]
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}

func fnum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// statuteText is a penalty's prison term in words.
func statuteText(pen *models.Penalty) string {
	if pen == nil {
		return msg("country.statute.none")
	}
	mn, mx := pen.PrisonMinYears, pen.PrisonMaxYears
	switch {
	case pen.LifeOrDeath && mn != nil:
		return msg("country.statute.min-life", fnum(*mn))
	case pen.LifeOrDeath:
		return msg("country.statute.life")
	case mn != nil && mx != nil:
		return msg("country.statute.range", fnum(*mn), fnum(*mx))
	case mx != nil:
		return msg("country.statute.max", fnum(*mx))
	case mn != nil:
		return msg("country.statute.min", fnum(*mn))
	}
	return msg("country.statute.no-term")
}

// fineText is a penalty's fine in words, or "" without one.
func fineText(pen *models.Penalty) string {
	per := ""
	if pen.PerVictim {
		per = " " + msg("country.fine.per-victim")
	}
	switch {
	case pen.FineMin != nil && pen.FineMax != nil:
		return msg("country.fine.range", economics.Display(*pen.FineMin, 3), economics.Display(*pen.FineMax, 3), pen.Currency) + per
	case pen.FineMax != nil:
		return msg("country.fine.max", economics.Display(*pen.FineMax, 3), pen.Currency) + per
	case pen.FineMin != nil:
		return msg("country.fine.min", economics.Display(*pen.FineMin, 3), pen.Currency) + per
	}
	return ""
}

// enforcementText is one year's figures in words; unknown ones are said so.
func enforcementText(e models.Enforcement) string {
	f := func(n *int64) string {
		if n == nil {
			return msg("country.unknown")
		}
		return strconv.FormatInt(*n, 10)
	}
	return msg("country.enforcement.line", f(e.Investigations), f(e.Prosecutions), f(e.Convictions), f(e.VictimsIdentified))
}

// latest is the latest dated enforcement entry, or nil.
func latest(es []models.Enforcement) *models.Enforcement {
	var out *models.Enforcement
	for i := range es {
		if e := &es[i]; e.Year != nil && (out == nil || *e.Year > *out.Year) {
			out = e
		}
	}
	return out
}

func newCountriesData(s *site, cmp *inforce.Comparison, all []models.Country) countriesData {
	d := countriesData{Chain: cmp.Chain, Assumptions: cmp.Assumptions,
		JSON: "/api/v1/chains/" + cmp.Chain.Slug + "/countries?sort=" + url.QueryEscape(cmp.Sort),
		CSV:  "/api/v1/chains/" + cmp.Chain.Slug + "/countries.csv?sort=" + url.QueryEscape(cmp.Sort)}
	for _, ch := range s.chains {
		d.Chains = append(d.Chains, chainLink{Name: ch.Name, URL: "/countries?chain=" + ch.Slug, Current: ch.Slug == cmp.Chain.Slug})
	}
	for _, so := range []string{"deterrence_ratio", "-deterrence_ratio", "statute", "-statute", "name", "region"} {
		d.Sorts = append(d.Sorts, sortLink{Label: msg("countries.sort." + so),
			URL: "/countries?chain=" + cmp.Chain.Slug + "&sort=" + url.QueryEscape(so), Current: so == cmp.Sort})
	}
	byISO := map[string]*models.Country{}
	for i := range all {
		byISO[all[i].ISO] = &all[i]
	}
	var ranked []inforce.ComparisonRow
	for _, r := range cmp.Rows {
		line := countryLine{ISO: r.ISO, Name: r.Name, Region: r.Region.Name, Statute: statuteText(r.Statute), Own: r.Own,
			Verdict: msg("econ.status." + r.Verdict), D: msg("country.unknown"), Enforcement: msg("country.unknown")}
		if r.Statute != nil {
			if f := fineText(r.Statute); f != "" {
				line.Statute += "; " + f
			}
		}
		if r.Deterrence != nil {
			line.D = r.Deterrence.Display
			if r.Deterrence.Bound == "lower" {
				line.D = msg("econ.at-least") + " " + line.D
			}
		}
		if r.InputSet != nil {
			line.Set = *r.InputSet
		}
		if c := byISO[r.ISO]; c != nil {
			if e := latest(c.Enforcement); e != nil {
				line.Enforcement = msg("country.enforcement.latest", *e.Year, enforcementText(*e))
			}
		}
		d.Rows = append(d.Rows, line)
		if r.Statute != nil && (r.Statute.LifeOrDeath || r.Statute.PrisonMaxYears != nil || r.Statute.PrisonMinYears != nil) {
			ranked = append(ranked, r)
		} else {
			d.NoStatute = append(d.NoStatute, r.Name)
		}
	}
	d.Plot = newStatutePlot(ranked)
	return d
}

// newStatutePlot ranks the rows by their heaviest statutory term (life or death first) and draws
// them on a linear axis in years; nil when no row has a term.
func newStatutePlot(rows []inforce.ComparisonRow) *statutePlot {
	if len(rows) == 0 {
		return nil
	}
	weight := func(p *models.Penalty) (int, float64, float64) {
		l, mx, mn := 0, -1.0, -1.0
		if p.LifeOrDeath {
			l = 1
		}
		if p.PrisonMaxYears != nil {
			mx = *p.PrisonMaxYears
		}
		if p.PrisonMinYears != nil {
			mn = *p.PrisonMinYears
		}
		return l, mx, mn
	}
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b inforce.ComparisonRow) int {
		l1, x1, n1 := weight(a.Statute)
		l2, x2, n2 := weight(b.Statute)
		return cmp.Or(cmp.Compare(l2, l1), cmp.Compare(x2, x1), cmp.Compare(n2, n1), strings.Compare(a.ISO, b.ISO))
	})
	top := 20.0
	for _, r := range rows {
		_, mx, mn := weight(r.Statute)
		top = math.Max(top, math.Max(mx, mn))
	}
	top = math.Ceil(top/5) * 5
	x := func(years float64) float64 { return plotLeft + (plotRight-plotLeft)*years/top }
	pl := &statutePlot{Width: plotWidth, Left: plotLeft, Right: plotRight}
	for i, r := range rows {
		st := r.Statute
		pr := plotRow{Y: plotTop + float64(i)*plotRowH, Label: r.Name, Value: statuteText(st), Life: st.LifeOrDeath}
		switch {
		case st.PrisonMinYears != nil:
			pr.X1 = x(*st.PrisonMinYears)
		case st.PrisonMaxYears != nil:
			pr.X1 = x(*st.PrisonMaxYears)
		}
		switch {
		case st.LifeOrDeath && st.PrisonMinYears == nil && st.PrisonMaxYears == nil:
			pr.X1, pr.X2 = plotRight, plotRight // no term known but the top: the arrow alone
		case st.LifeOrDeath:
			pr.X2, pr.Ranged = plotRight, true
		case st.PrisonMaxYears != nil:
			pr.X2 = x(*st.PrisonMaxYears)
			pr.Ranged = st.PrisonMinYears != nil && *st.PrisonMinYears < *st.PrisonMaxYears
		default:
			pr.X2, pr.Min = pr.X1, true
		}
		pl.Rows = append(pl.Rows, pr)
	}
	pl.AxisY = plotTop + float64(len(rows))*plotRowH
	pl.Height = pl.AxisY + 26
	for y := 0.0; y <= top; y += 5 {
		pl.Ticks = append(pl.Ticks, econTick{X: x(y), Label: fnum(y)})
	}
	return pl
}

// countryData is what /countries/{iso} shows.
type countryData struct {
	Country       models.Country
	Enforcement   []enforcementLine
	Ratifications []countries.Standing
	Tactics       countries.Tactics
	Chains        []countryChainView
	Sources       []countries.CitedSource
	// Unverified holds the slugs of the cited sources that were not checked against the work
	// itself: each figure citing one says so beside its source.
	Unverified map[string]bool
}

type enforcementLine struct {
	Period, Year, Text, Unit, Scope, Source, Locator, Note string
}

type penaltyLine struct {
	Offence, Law, Prison, Fine, Source, Locator, Note string
}

type countryChainView struct {
	Name, Slug string
	Statute    []penaltyLine
	Columns    []riskColumn
	Regional   []string
	Fallbacks  []string
}

// riskColumn is the model's answer from one input set, as a column of the country's page.
type riskColumn struct {
	Set, Choice, Economics string
	Today, Own             bool
	Verdict, VerdictText   string
	Figures                []econLine
	Missing, Statutory     []string
	Lever                  string
	Inputs                 []string
	Money                  string
}

func newCountryData(pr *countries.Profile) countryData {
	d := countryData{Country: pr.Country, Ratifications: pr.Ratifications, Tactics: pr.Tactics, Sources: pr.Sources,
		Unverified: map[string]bool{}}
	for _, src := range pr.Sources {
		if src.Verified == nil {
			d.Unverified[src.Slug] = true
		}
	}
	for _, e := range pr.EnforcementTrend {
		l := enforcementLine{Period: e.Period, Year: msg("country.unknown"), Text: enforcementText(e), Unit: e.Unit, Scope: e.Scope,
			Source: e.Source, Locator: e.Locator, Note: e.Note}
		if e.Year != nil {
			l.Year = strconv.Itoa(*e.Year)
		}
		d.Enforcement = append(d.Enforcement, l)
	}
	for _, ch := range pr.Chains {
		v := countryChainView{Name: ch.Chain.Name, Slug: ch.Chain.Slug}
		for i := range ch.Statute {
			pen := &ch.Statute[i]
			law := pen.Instrument
			if pen.Section != "" {
				law += ", " + pen.Section
			}
			v.Statute = append(v.Statute, penaltyLine{Offence: pen.Offence, Law: law, Prison: statuteText(pen), Fine: fineText(pen),
				Source: pen.Source, Locator: pen.Locator, Note: pen.Note})
		}
		todaySet := ""
		if ch.Today.InputSet != nil {
			todaySet = ch.Today.InputSet.Slug
		}
		for _, cc := range ch.OwnSets {
			if cc.InputSet != nil && cc.InputSet.Slug == todaySet {
				cc = ch.Today // the same set, with why today's answer chose it
			}
			v.Columns = append(v.Columns, newRiskColumn(cc, cc.InputSet != nil && cc.InputSet.Slug == todaySet))
		}
		if !ch.Today.Own {
			v.Columns = append(v.Columns, newRiskColumn(ch.Today, true))
		}
		for _, r := range ch.Today.RegionalSets {
			v.Regional = append(v.Regional, msg("country.regional.set", r.Slug, r.Geography, r.Period))
		}
		for _, fb := range ch.Today.Fallbacks {
			v.Fallbacks = append(v.Fallbacks, fmt.Sprintf("%s (%s): %s", fb.Symbol, fb.Parameter, fb.Reason))
		}
		d.Chains = append(d.Chains, v)
	}
	return d
}

func newRiskColumn(cc inforce.CountryChain, today bool) riskColumn {
	col := riskColumn{Choice: cc.Choice, Economics: cc.Economics, Today: today, Own: cc.Own, Verdict: "unknown",
		VerdictText: msg("econ.status.unknown")}
	if cc.InputSet != nil {
		col.Set = msg("country.risk.set", cc.InputSet.Slug, cc.InputSet.Geography, cc.InputSet.Period)
	} else {
		col.Set = msg("country.risk.no-set")
	}
	if cc.Currency != "" && cc.PriceYear != nil {
		col.Money = msg("econ.summary.money", cc.Currency, *cc.PriceYear)
	}
	l := cc.Exploiter
	if l == nil {
		return col
	}
	col.Verdict, col.VerdictText = string(l.Verdict.Status), l.Verdict.Text
	col.Missing, col.Statutory = l.Verdict.Missing, l.Verdict.Statutory
	line := func(label string, b *inforce.Brief) {
		e := econLine{Label: msg(label), Value: msg("country.unknown")}
		if b != nil {
			e.Value, e.Bound = b.Display, b.Bound
		}
		col.Figures = append(col.Figures, e)
	}
	line("econ.profit", l.Profit)
	line("econ.cost", l.ExpectedPenalty)
	line("country.risk.d", l.Deterrence)
	line("econ.penalty-needed", l.PenaltyNeeded)
	if l.Lever != nil {
		col.Lever = l.Lever.Text
	}
	for _, in := range l.Inputs {
		var srcs []string
		for _, c := range in.Citations {
			s := c.Source
			if c.Locator != "" {
				s += " (" + c.Locator + ")"
			}
			srcs = append(srcs, s)
		}
		name := in.Parameter
		if in.InputSet != "" {
			name += ", " + in.InputSet
		}
		value := economics.Display(in.Value.Central, 3)
		if in.Value.Low != in.Value.High {
			value = economics.Display(in.Value.Low, 3) + "–" + economics.Display(in.Value.High, 3)
		}
		text := msg("country.risk.input", in.Symbol, value, in.Unit, name)
		if len(srcs) > 0 {
			text += "; " + strings.Join(srcs, "; ")
		}
		col.Inputs = append(col.Inputs, text)
	}
	return col
}
