package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/economics"
	"chainkb/internal/inforce"
	"chainkb/internal/rendercache"
	"chainkb/internal/store"
	"chainkb/models"
)

// Economics serves the risk-reward model of a chain (issue 23).
type Economics struct {
	store *store.Store
	// results keeps baseline answers (no scenario) as rendered JSON, like the chain table: good
	// while the knowledge base's generation has not moved, on any instance.
	results *rendercache.Cache[economicsKey]
}

// economicsKey is what makes one baseline answer differ from another: the chain as asked and the
// inputs, area, year and money asked for.
type economicsKey struct {
	chain string
	req   inforce.Request
}

// NewEconomics returns the economics handler.
func NewEconomics(st *store.Store) *Economics {
	return &Economics{store: st, results: rendercache.New[economicsKey]("e", maxTables, maxTableBytes)}
}

// ChainEconomicsDoc describes GET /chains/{id}/economics.
var ChainEconomicsDoc = apidoc.Op{
	ID: "getChainEconomics", Tag: "chains", Summary: "The risk-reward model of a chain",
	Description: "For each link of the chain, from one named input set (inputs=, or the best match for geo and year, each fallback listed): at a link where victims are held, profit π, the conviction rate p = N/V (per victim-year, not an offender's probability), the recorded penalty per conviction K = F + R + φ·k·π + v·S (v = k·π), the expected penalty E[C] = p·K + ψ·π (ψ, the share of all proceeds confiscated, is never multiplied by p), the deterrence ratio D = E[C]/π and a verdict in words, the penalty, fine and certainty needed for D = 1, the lifetime figures, the share of each penalty component, what each lever alone would take, a one-at-a-time sensitivity and a seeded simulation; at the victim link what exploitation takes from each victim (deterrence does not apply to victims); at the recruiter link its revenue and margin per victim; at the consumer link the buyer's effective price and the demand effect. A penalty component with no data is never counted as zero: E[C] is then a lower bound and the verdict unknown unless even the lower bound is above 1. For the whole chain, the break-even penalty per conviction Π_tot/N. Every figure is a range (low, central, high), rounded for display to the significant digits its inputs support, with its inputs' provenance (parameter, input set, area, period, unit, currency, price year, sources with locators, conversion). Money is converted to one currency and price year (currency=, price_year=; by default the set's) with the stored exchange rates and price indices.\n\nScenarios: `set.<symbol>=value` (or `low,central,high`, in the answer's currency and price year) replaces a value at every link; `apply=CODE,CODE` applies the sized `acts_on` effects of published tactics at the links each acts on (an effect no source sizes moves nothing and is reported as size-unknown). The answer then holds baseline, scenario and delta for each link and the whole chain, and what became of each effect. Nothing is written; anyone may call it. Answers without a scenario are cached until the knowledge base changes.",
	Params: append([]apidoc.Param{
		{In: apidoc.InPath, Name: "id", Description: "Chain id or slug", Example: "sex-trafficking"},
		{In: apidoc.InQuery, Name: "inputs", Description: "An input set of the chain, by name (see available_inputs); geo and year, if given too, must fit it", MaxLength: 64, Example: "kara-2009-india"},
		{In: apidoc.InQuery, Name: "geo", Description: "The area: global (the default), an ISO 3166-1 alpha-2 country code, EU or M49:<code>; the best input set for it is used, and a country without one gets the global set, said so", Example: "IN"},
		{In: apidoc.InQuery, Name: "year", Type: "integer", Description: "Use the latest input set whose period starts by this year", Min: apidoc.Num(1000), Max: apidoc.Num(9999), Example: 2009},
		{In: apidoc.InQuery, Name: "currency", Description: "ISO 4217 currency every amount is converted to; by default the set's profit's", Example: "USD"},
		{In: apidoc.InQuery, Name: "price_year", Type: "integer", Description: "Price year every amount is converted to; by default the set's profit's", Min: apidoc.Num(1800), Max: apidoc.Num(2200), Example: 2021},
		{In: apidoc.InQuery, Name: "apply", Description: "Scenario: comma-separated codes of published tactics whose acts_on effects to apply, in order", Example: "ST-W-C03"},
		apidoc.IfNoneMatch,
	}, scenarioParams()...),
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The model of the chain", Body: inforce.Answer{}, Headers: map[string]string{"ETag": "Hash of the answer's content"}},
		apidoc.NotModified,
		{Status: http.StatusBadRequest, Description: "Malformed id, or a bad query parameter, named in errors (code bad_query): an unknown parameter, an unknown input set or one that does not fit geo or year, a bad geo, year, currency or price year, set.<symbol> with an unknown symbol, a value that is not a plain finite number, a probability outside [0, 1] or a negative amount, or apply with a code that names no published tactic"},
		{Status: http.StatusNotFound, Description: "No such chain"},
	},
}

// scenarioParams declares set.<symbol> for every symbol of the model, so that typed clients know
// them all: one per symbol of a link or of the whole chain (not the reference data).
func scenarioParams() []apidoc.Param {
	var out []apidoc.Param
	for _, s := range economics.Symbols() {
		if s.Scope == economics.ScopeReference {
			continue
		}
		example := "2"
		if s.Kind == economics.Probability {
			example = "0.01"
		}
		out = append(out, apidoc.Param{In: apidoc.InQuery, Name: "set." + string(s.Symbol), Example: example,
			Description: fmt.Sprintf("Scenario: replace %s (%s, %s) at every link with a plain decimal number, or low,central,high; %s",
				s.Notation, s.Meaning, s.Unit, map[economics.Kind]string{economics.Probability: "between 0 and 1 (1% is 0.01)", economics.Amount: "0 or more"}[s.Kind])})
	}
	return out
}

// Chain handles GET /api/v1/chains/{id}/economics.
func (h *Economics) Chain(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	req, err := h.request(c)
	if err != nil {
		c.Error(err)
		return
	}
	ctx := c.Request.Context()
	var out *rendercache.Entry
	if len(req.set) == 0 && len(req.apply) == 0 {
		out, err = h.baseline(ctx, key, req)
	} else {
		out, err = h.render(ctx, key, req)
	}
	if err != nil {
		c.Error(err)
		return
	}
	writeTagged(c, out.ETag, "application/json; charset=utf-8", "", out.Body)
}

// economicsRequest is a parsed economics query.
type economicsRequest struct {
	req      inforce.Request
	scenario economics.Scenario
	set      map[string]economics.Value
	apply    []string
	// tactics are the tactics apply names, read once the query is valid.
	tactics []*models.Tactic
}

// request reads the query: inputs, geo, year, currency, price_year, set.<symbol> and apply. Every
// bad parameter is named in one 400.
func (h *Economics) request(c *gin.Context) (*economicsRequest, error) {
	allowed := []string{"inputs", "geo", "year", "currency", "price_year", "apply"}
	var sets []string
	for name := range c.Request.URL.Query() {
		if strings.HasPrefix(name, "set.") {
			sets = append(sets, name)
		}
	}
	slices.Sort(sets)
	q := parseQuery(c, append(allowed, sets...)...)
	r := &economicsRequest{}
	r.req.Inputs = q.slug("inputs")
	if geo := q.str("geo"); geo != "" {
		if models.IsArea(geo) {
			r.req.Geo = geo
		} else {
			q.fail("geo", models.AreaRule)
		}
	}
	r.req.Year = yearParam(q, "year", 1000, 9999)
	if cur := q.str("currency"); cur != "" {
		if models.IsCurrency(cur) {
			r.req.Currency = cur
		} else {
			q.fail("currency", "must be an ISO 4217 currency code such as USD")
		}
	}
	r.req.PriceYear = yearParam(q, "price_year", 1800, 2200)
	for _, name := range sets {
		symbol := strings.TrimPrefix(name, "set.")
		v, err := economics.ParseOverride(symbol, q.str(name))
		if err != nil {
			var oe *economics.OverrideError
			if errors.As(err, &oe) {
				q.fail(oe.Param, oe.Detail)
			} else {
				q.fail(name, err.Error())
			}
			continue
		}
		if r.scenario.Overrides == nil {
			r.scenario.Overrides = map[economics.Symbol]economics.Value{}
			r.set = map[string]economics.Value{}
		}
		r.scenario.Overrides[economics.Symbol(symbol)] = v
		r.set[symbol] = v
	}
	if s := q.str("apply"); s != "" || q.values.Has("apply") {
		codes, msg := applyCodes(s)
		if msg != "" {
			q.fail("apply", msg)
		}
		r.apply = codes
	}
	slices.SortFunc(q.bad, func(a, b models.FieldError) int { return strings.Compare(a.Field, b.Field) })
	if err := q.err(); err != nil {
		return nil, err
	}
	// Only now read the tactics: a database error is a 500, logged, and an unknown code a 400.
	for _, code := range r.apply {
		t, _, err := h.store.PublishedTactic(c.Request.Context(), code)
		if models.IsKind(err, models.KindNotFound) {
			q.fail("apply", fmt.Sprintf("no published tactic has the code %s", code))
			continue
		}
		if err != nil {
			return nil, err
		}
		r.tactics = append(r.tactics, t)
	}
	return r, q.err()
}

// yearParam reads a four-digit year in [lo, hi], or 0 when absent.
func yearParam(q *query, name string, lo, hi int) int {
	s := q.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi || len(s) != 4 {
		q.fail(name, fmt.Sprintf("must be a year of four digits between %d and %d, such as 2024", lo, hi))
		return 0
	}
	return n
}

// applyCodes reads apply's comma-separated tactic codes, each once, in order.
func applyCodes(list string) ([]string, string) {
	var codes []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, "give one or more tactic codes separated by commas, such as ST-R-R01,ST-R-R03"
		}
		if !models.IsCode(s) {
			return nil, fmt.Sprintf("%q is not a tactic code: %s", s, models.CodeRule)
		}
		if !slices.Contains(codes, s) {
			codes = append(codes, s)
		}
	}
	if len(codes) > 20 {
		return nil, "name at most 20 tactics"
	}
	return codes, ""
}

// effects turns the applied tactics' acts_on into the model's effects, each at the links it acts
// on: those it names, or the tactic's own stage. A tactic of another chain acts on no link here.
func effects(m *store.ChainModel, tactics []*models.Tactic) []economics.Effect {
	slugOf := map[int64]string{}
	for _, st := range m.Stages {
		slugOf[st.ID] = st.Slug
	}
	var out []economics.Effect
	for _, t := range tactics {
		for _, a := range t.ActsOn {
			e := economics.Effect{Tactic: t.Code, Symbol: economics.Symbol(a.Symbol), Direction: economics.Direction(a.Direction),
				Links: []string{}, Citations: []economics.Citation{}}
			if t.ChainID == m.Chain.ID {
				e.Links = append(e.Links, a.Links...)
				if len(e.Links) == 0 {
					e.Links = []string{slugOf[t.StageID]}
				}
			}
			if a.Size != nil {
				e.Size = &economics.EffectSize{Kind: economics.SizeKind(a.Size.Kind), Value: a.Size.Value()}
				e.Citations = append(e.Citations, economics.Citation{Source: a.Size.Citation.Source, Locator: a.Size.Citation.Locator})
				e.EvidenceLevel = a.Size.EvidenceLevel
			}
			out = append(out, e)
		}
	}
	return out
}

// baseline returns the answer without a scenario, from the cache while nothing has changed.
func (h *Economics) baseline(ctx context.Context, key string, r *economicsRequest) (*rendercache.Entry, error) {
	gen, err := h.store.Generation(ctx)
	if err != nil {
		return nil, err
	}
	return h.results.Get(economicsKey{chain: key, req: r.req}, gen, func() ([]byte, error) {
		// Others may be waiting for this render: it must not stop if this client goes away.
		rt, err := h.render(context.WithoutCancel(ctx), key, r)
		if err != nil {
			return nil, err
		}
		return rt.Body, nil
	})
}

// render computes the answer.
func (h *Economics) render(ctx context.Context, key string, r *economicsRequest) (*rendercache.Entry, error) {
	m, err := h.store.ChainModel(ctx, key)
	if err != nil {
		return nil, err
	}
	sc := r.scenario
	sc.Effects = effects(m, r.tactics)
	a, err := inforce.Compute(ChainData(m), r.req, sc, r.set, r.apply)
	var bad *inforce.BadRequest
	if errors.As(err, &bad) {
		e := models.BadRequestf("bad_query", "1 query parameter(s) are invalid")
		e.Fields = []models.FieldError{{Field: bad.Field, Message: bad.Detail}}
		return nil, e
	}
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	return h.results.Entry(body), nil
}

// ChainData is what inforce computes a chain's answer from, read from the store's model.
func ChainData(m *store.ChainModel) inforce.Chain {
	return inforce.Chain{ID: m.Chain.ID, Slug: m.Chain.Slug, Name: m.Chain.Name, Stages: m.Stages,
		Parameters: m.Parameters, Reference: m.Reference}
}
