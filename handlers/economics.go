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

	"chainkb/internal/economics"
	"chainkb/internal/inforce"
	"chainkb/internal/rendercache"
	"chainkb/internal/store"
	"chainkb/models"
)

// Economics serves the risk-reward model of a chain (issue 13).
type Economics struct {
	store *store.Store
	// results keeps baseline answers (no scenario) as rendered JSON, like the chain table: good
	// while the knowledge base's generation has not moved, on any instance.
	results *rendercache.Cache[economicsKey]
}

// economicsKey is what makes one baseline answer differ from another: the chain as asked and
// where and when its parameters are in force.
type economicsKey struct {
	chain string
	scope inforce.Scope
}

// NewEconomics returns the economics handler.
func NewEconomics(st *store.Store) *Economics {
	return &Economics{store: st, results: rendercache.New[economicsKey]("e", maxTables, maxTableBytes)}
}

// ChainEconomics is the risk-reward model of a chain: for each stage the figures computed from
// the parameters in force, for the whole chain the break-even penalty per conviction, and how it
// was all computed.
//
//	@Description	The risk-reward model of a chain: for each stage, whether exploitation pays at today's enforcement and what would invert it; for the whole chain, the break-even penalty per conviction. Every figure carries the inputs it was computed from (parameter, value, sources). With a scenario (set.<symbol>, apply), each part also has the scenario's figures and the change against the baseline.
type ChainEconomics struct {
	// The chain.
	Chain EconomicsChainRef `json:"chain"`
	// The geography the parameters were chosen for: a country code, or global.
	Geography string `json:"geography" example:"IN"`
	// The year the parameters were chosen for (the latest period up to it), or null for the latest.
	Year *int `json:"year" extensions:"x-nullable" example:"2009"`
	// The scenario, or null for the baseline alone.
	Scenario *EconomicsScenario `json:"scenario" extensions:"x-nullable"`
	// Each stage of the chain, in order of position.
	Stages []StageEconomics `json:"stages"`
	// The figures of the whole chain.
	WholeChain WholeChainEconomics `json:"whole_chain"`
	// The model: formulas, symbols, how ranges propagate, caveats.
	Method economics.Method `json:"method"`
}

// EconomicsChainRef names the chain of an economics answer.
//
//	@Description	The chain an economics answer is about.
type EconomicsChainRef struct {
	// Id of the chain.
	ID int64 `json:"id" example:"1"`
	// Slug of the chain.
	Slug string `json:"slug" example:"sex-trafficking"`
	// Name of the chain.
	Name string `json:"name" example:"Sex trafficking"`
}

// EconomicsStageRef names a stage of an economics answer.
//
//	@Description	A stage of the chain an economics answer is about.
type EconomicsStageRef struct {
	// Id of the stage.
	ID int64 `json:"id" example:"3"`
	// Slug of the stage.
	Slug string `json:"slug" example:"retailer"`
	// Name of the stage.
	Name string `json:"name" example:"Retailer"`
	// Side of the market.
	Side string `json:"side" enums:"supply,demand" example:"demand"`
	// Order of the stage in its chain.
	Position int `json:"position" example:"3"`
}

// EconomicsScenario is a what-if as the request gave it.
//
//	@Description	A what-if: values that replace the stored ones (set.<symbol>), then the effects of tactics (apply), in that order.
type EconomicsScenario struct {
	// The values set, by symbol.
	Set map[string]economics.Value `json:"set"`
	// The codes of the tactics applied, in order.
	Apply []string `json:"apply"`
}

// StageEconomics is the model for one stage.
//
//	@Description	The model for one stage: its figures from the parameters in force (baseline), and with a scenario its figures under it and the change.
type StageEconomics struct {
	// The stage.
	Stage EconomicsStageRef `json:"stage"`
	// The figures from the stored parameters.
	Baseline economics.StageResult `json:"baseline"`
	// The figures under the scenario; null without one.
	Scenario *economics.StageResult `json:"scenario" extensions:"x-nullable"`
	// Scenario minus baseline; null without a scenario.
	Delta *economics.StageDelta `json:"delta" extensions:"x-nullable"`
	// What the scenario did that a reader could not guess (an effect without a size, a cap at 1).
	Notes []string `json:"notes"`
}

// WholeChainEconomics is the model for the whole chain.
//
//	@Description	The figures of the whole chain (break-even penalty per conviction Π_tot/N, conviction rate, profit per victim), with a scenario also under it and the change.
type WholeChainEconomics struct {
	// The figures from the stored parameters.
	Baseline economics.ChainResult `json:"baseline"`
	// The figures under the scenario; null without one.
	Scenario *economics.ChainResult `json:"scenario" extensions:"x-nullable"`
	// Scenario minus baseline; null without a scenario.
	Delta *economics.ChainDelta `json:"delta" extensions:"x-nullable"`
	// What the scenario did that a reader could not guess.
	Notes []string `json:"notes"`
}

// Chain handles GET /api/v1/chains/{id}/economics.
//
//	@Summary	The risk-reward model of a chain
//	@Description	For each stage of the chain, from the parameters in force (the requested country's before `global`; a stage's own before the whole chain's; the latest period, up to `year` if given): profit π, certainty p, the expected cost E[C] = p·(F + R + φ·Π + v·S), the deterrence ratio D = E[C]/π and whether the link is inverted (D > 1), the fine needed at today's certainty F* = π/p − (R + φ·Π + v·S), the certainty needed at today's penalties p* = π/(F + R + φ·Π + v·S), and the lifetime form with T and A; for the whole chain, the break-even penalty per conviction Π_tot/N. Every figure is a range (low, central, high) and lists its inputs with their parameter and sources; a figure that cannot be computed is null and `unavailable` says why (p = 0 gives D = 0 and F* null). A parameter without a central value counts at the midpoint of its range, as the assumptions say. Amounts in another currency than the stage's profit are not used.
//	@Description
//	@Description	Scenarios: `set.<symbol>=value` (or `low,central,high`) replaces a value, `apply=CODE,CODE` applies the `acts_on` effects of published tactics (the size is read from the effect sentence: ×2, 3×, +50%, -30%; an effect without a size moves nothing and is noted). The answer then holds baseline, scenario and delta for each stage and for the whole chain. Nothing is written; anyone may call it. Answers without a scenario are cached until the knowledge base changes.
//	@ID	getChainEconomics
//	@Tags	chains
//	@Produce	json
//	@Param	id	path	string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param	geo	query	string	false	"ISO 3166-1 alpha-2 country code, or global (the default); global figures fill in what the country lacks"	example(IN)
//	@Param	year	query	int	false	"Use the latest figures whose period starts by this year; the latest of all by default"	minimum(1000)	maximum(9999)	example(2009)
//	@Param	set.p_conviction	query	string	false	"Scenario: replace a symbol's value with a number, or low,central,high; any symbol of the model may be set this way (set.fine, set.confiscation_rate, ...). A probability is in [0, 1] (1% is 0.01), an amount is 0 or more"	example(0.01)
//	@Param	apply	query	string	false	"Scenario: comma-separated codes of published tactics whose acts_on effects to apply, in order"	example(ST-R-R01)
//	@Param	If-None-Match	header	string	false	"ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"
//	@Success	200	{object}	ChainEconomics	"The model of the chain"
//	@Header	200	{string}	ETag	"Hash of the answer's content"
//	@Success	304	"Not modified: the ETag in If-None-Match is current"
//	@Failure	400	{object}	Problem	"Malformed id, or a bad query parameter, named in errors (code bad_query): an unknown parameter, a bad geo or year, set.<symbol> with an unknown symbol, a value that is not a finite number, a probability outside [0, 1] or a negative amount, or apply with an unknown tactic code"
//	@Failure	404	{object}	Problem	"No such chain"
//	@Router	/chains/{id}/economics [get]
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
	if req.scenario.Empty() {
		out, err = h.baseline(ctx, key, req)
	} else {
		out, err = h.render(ctx, key, req)
	}
	if err != nil {
		c.Error(err)
		return
	}
	c.Header("ETag", out.ETag)
	if noneMatch(c, out.ETag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", out.Body)
}

// economicsRequest is a parsed economics query.
type economicsRequest struct {
	scope    inforce.Scope
	scenario economics.Scenario
	set      map[string]economics.Value
	apply    []string
}

// request reads the query: geo, year, set.<symbol> and apply. Every bad parameter is named in
// one 400.
func (h *Economics) request(c *gin.Context) (*economicsRequest, error) {
	allowed := []string{"geo", "year", "apply"}
	for name := range c.Request.URL.Query() {
		if strings.HasPrefix(name, "set.") {
			allowed = append(allowed, name)
		}
	}
	q := parseQuery(c, allowed...)
	req := &economicsRequest{scope: inforce.Default}
	if geo := q.str("geo"); geo != "" {
		if models.IsJurisdiction(geo) {
			req.scope.Geo = geo
		} else {
			q.fail("geo", "must be an ISO 3166-1 alpha-2 country code in capitals (e.g. IN) or global")
		}
	}
	if s := q.str("year"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1000 || n > 9999 {
			q.fail("year", "must be a year of four digits, such as 2009")
		} else {
			req.scope.Year = n
		}
	}
	for _, name := range allowed[3:] {
		raw := q.str(name)
		v, err := economics.ParseOverride(strings.TrimPrefix(name, "set."), raw)
		if err != nil {
			var oe *economics.OverrideError
			if errors.As(err, &oe) {
				q.fail(oe.Param, oe.Detail)
			} else {
				q.fail(name, err.Error())
			}
			continue
		}
		if req.scenario.Overrides == nil {
			req.scenario.Overrides = map[economics.Symbol]economics.Value{}
			req.set = map[string]economics.Value{}
		}
		req.scenario.Overrides[economics.Symbol(strings.TrimPrefix(name, "set."))] = v
		req.set[strings.TrimPrefix(name, "set.")] = v
	}
	if s := q.str("apply"); s != "" || q.values.Has("apply") {
		effects, codes, msg := h.effects(c.Request.Context(), s)
		if msg != "" {
			q.fail("apply", msg)
		}
		req.scenario.Effects, req.apply = effects, codes
	}
	slices.SortFunc(q.bad, func(a, b models.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return req, q.err()
}

// effects looks up the tactics that apply names (comma-separated codes) and returns their
// acts_on effects in order, or why it cannot.
func (h *Economics) effects(ctx context.Context, list string) ([]economics.Effect, []string, string) {
	var codes []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, nil, "give one or more tactic codes separated by commas, such as ST-R-R01,ST-R-R03"
		}
		if !models.IsCode(s) {
			return nil, nil, fmt.Sprintf("%q is not a tactic code: %s", s, models.CodeRule)
		}
		if !slices.Contains(codes, s) {
			codes = append(codes, s)
		}
	}
	if len(codes) > 20 {
		return nil, nil, "name at most 20 tactics"
	}
	var effects []economics.Effect
	for _, code := range codes {
		id, err := h.store.TacticID(ctx, code)
		if err == nil {
			var t *models.Tactic
			if t, err = h.store.Tactic(ctx, id); err == nil {
				for _, a := range t.ActsOn {
					effects = append(effects, economics.Effect{Tactic: t.Code, Symbol: economics.Symbol(a.Symbol),
						Direction: economics.Direction(a.Direction), Factor: effectFactor(a.Direction, a.Effect),
						Sources: models.CitedSources(a.Citations)})
				}
				continue
			}
		}
		if models.IsKind(err, models.KindNotFound) {
			return nil, nil, fmt.Sprintf("no published tactic has the code %s", code)
		}
		return nil, nil, fmt.Sprintf("tactic %s could not be read", code)
	}
	return effects, codes, ""
}

// baseline returns the answer without a scenario, from the cache while nothing has changed.
func (h *Economics) baseline(ctx context.Context, key string, req *economicsRequest) (*rendercache.Entry, error) {
	gen, err := h.store.Generation(ctx)
	if err != nil {
		return nil, err
	}
	k := economicsKey{chain: key, scope: req.scope}
	return h.results.Get(k, gen, func() ([]byte, error) {
		// Others may be waiting for this render: it must not stop if this client goes away.
		rt, err := h.render(context.WithoutCancel(ctx), key, req)
		if err != nil {
			return nil, err
		}
		return rt.Body, nil
	})
}

// render computes the answer.
func (h *Economics) render(ctx context.Context, key string, req *economicsRequest) (*rendercache.Entry, error) {
	m, err := h.store.ChainModel(ctx, key)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(compute(m, req))
	if err != nil {
		return nil, err
	}
	return h.results.Entry(body), nil
}

// restrict returns the part of sc that concerns symbols: the whole chain's figures take no fine,
// and a stage's no total profits, so neither should report them as not applied.
func restrict(sc economics.Scenario, symbols []economics.Symbol) economics.Scenario {
	var out economics.Scenario
	for s, v := range sc.Overrides {
		if slices.Contains(symbols, s) {
			if out.Overrides == nil {
				out.Overrides = map[economics.Symbol]economics.Value{}
			}
			out.Overrides[s] = v
		}
	}
	for _, e := range sc.Effects {
		if slices.Contains(symbols, e.Symbol) {
			out.Effects = append(out.Effects, e)
		}
	}
	return out
}

// compute runs the model for every stage and for the whole chain.
func compute(m *store.ChainModel, req *economicsRequest) *ChainEconomics {
	out := &ChainEconomics{
		Chain:     EconomicsChainRef{ID: m.Chain.ID, Slug: m.Chain.Slug, Name: m.Chain.Name},
		Geography: req.scope.Geo,
		Stages:    make([]StageEconomics, len(m.Stages)),
		Method:    economics.Describe(),
	}
	if req.scope.Year != 0 {
		y := req.scope.Year
		out.Year = &y
	}
	withScenario := !req.scenario.Empty()
	if withScenario {
		out.Scenario = &EconomicsScenario{Set: req.set, Apply: req.apply}
		if out.Scenario.Set == nil {
			out.Scenario.Set = map[string]economics.Value{}
		}
		if out.Scenario.Apply == nil {
			out.Scenario.Apply = []string{}
		}
	}
	stageSyms := inforce.StageSymbols()
	for i, st := range m.Stages {
		sel := inforce.Choose(m.Parameters, req.scope, st.ID, stageSyms)
		se := StageEconomics{Stage: EconomicsStageRef{ID: st.ID, Slug: st.Slug, Name: st.Name, Side: st.Side, Position: st.Position}, Notes: []string{}}
		if withScenario {
			cmp := economics.CompareStage(sel.Inputs, restrict(req.scenario, stageSyms))
			se.Baseline, se.Notes = cmp.Baseline, cmp.Notes
			se.Scenario, se.Delta = &cmp.Scenario, &cmp.Delta
			se.Scenario.Assumptions = inforce.WithNotes(sel.Notes, se.Scenario.Assumptions)
		} else {
			se.Baseline = economics.Stage(sel.Inputs)
		}
		se.Baseline.Assumptions = inforce.WithNotes(sel.Notes, se.Baseline.Assumptions)
		out.Stages[i] = se
	}
	sel := inforce.Choose(m.Parameters, req.scope, 0, inforce.ChainSymbols)
	wc := WholeChainEconomics{Notes: []string{}}
	if withScenario {
		cmp := economics.CompareChain(sel.Inputs, restrict(req.scenario, inforce.ChainSymbols))
		wc.Baseline, wc.Notes = cmp.Baseline, cmp.Notes
		wc.Scenario, wc.Delta = &cmp.Scenario, &cmp.Delta
		wc.Scenario.Assumptions = inforce.WithNotes(sel.Notes, wc.Scenario.Assumptions)
	} else {
		wc.Baseline = economics.Chain(sel.Inputs)
	}
	wc.Baseline.Assumptions = inforce.WithNotes(sel.Notes, wc.Baseline.Assumptions)
	out.WholeChain = wc
	return out
}
