package inforce

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"chainkb/internal/economics"
	"chainkb/models"
)

// Chain is what a chain's answer is computed from: the chain, its stages in order, its
// parameters and the reference data.
type Chain struct {
	ID         int64
	Slug, Name string
	Stages     []models.Stage
	Parameters []models.Parameter
	Reference  []models.Parameter
}

// Answer is the risk-reward model of a chain.
//
//	@Description	The risk-reward model of a chain: which input set was used and why, what came from outside it, the money every amount is in, each link's figures and verdict (with a scenario: baseline, scenario and the change), the whole chain's figures, the other input sets available, and the method.
type Answer struct {
	// The chain.
	Chain ChainRef `json:"chain"`
	// What was asked.
	Request AnswerRequest `json:"request"`
	// The input set used; null when none fits the request (every figure is then unknown).
	InputSet *SetInfo `json:"input_set" extensions:"x-nullable"`
	// Why this set, in a sentence.
	Choice string `json:"choice" example:"ilo-2024-global: the latest input set for global"`
	// Inputs that came from outside the set, and why.
	Fallbacks []Fallback `json:"fallbacks"`
	// The area of the set used (compatibility: the same as input_set.geography).
	Geography string `json:"geography" example:"global"`
	// The currency every amount is in; empty when the set holds no money.
	Currency string `json:"currency" example:"USD"`
	// The price year every amount is in; null when the set holds no money.
	PriceYear *int `json:"price_year" extensions:"x-nullable" example:"2021"`
	// The scenario, or null for the baseline alone.
	Scenario *ScenarioReport `json:"scenario" extensions:"x-nullable"`
	// Each link of the chain, in order of position.
	Stages []StageAnswer `json:"stages"`
	// The figures of the whole chain.
	WholeChain WholeChain `json:"whole_chain"`
	// The chain's input sets that can be asked for with inputs=.
	AvailableInputs []SetInfo `json:"available_inputs"`
	// The model: formulas, symbols, how inputs are chosen and converted, caveats.
	Method economics.Method `json:"method"`
}

// ChainRef names the chain of an answer.
//
//	@Description	The chain an economics answer is about.
type ChainRef struct {
	// Id of the chain.
	ID int64 `json:"id" example:"1"`
	// Slug of the chain.
	Slug string `json:"slug" example:"sex-trafficking"`
	// Name of the chain.
	Name string `json:"name" example:"Sex trafficking"`
}

// AnswerRequest is the request as the answer read it.
//
//	@Description	The request as the answer read it.
type AnswerRequest struct {
	// The input set asked for by name, or null.
	Inputs *string `json:"inputs" extensions:"x-nullable" example:"kara-2009-india"`
	// The area asked for (global by default).
	Geo string `json:"geo" example:"global"`
	// The year asked for, or null for the latest.
	Year *int `json:"year" extensions:"x-nullable" example:"2009"`
	// The currency asked for, or null for the set's.
	Currency *string `json:"currency" extensions:"x-nullable" example:"USD"`
	// The price year asked for, or null for the set's.
	PriceYear *int `json:"price_year" extensions:"x-nullable" example:"2024"`
}

// StageRef names a link of an answer.
//
//	@Description	A link (stage) of the chain an economics answer is about.
type StageRef struct {
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
	// What the link does in the trade, which decides what the model computes for it.
	Role string `json:"role" enums:",victim,recruiter,creditor,exploiter,buyer,consumer" example:"exploiter"`
}

// StageAnswer is the model for one link.
//
//	@Description	The model for one link: its figures from the input set (baseline), and with a scenario its figures under it and the change.
type StageAnswer struct {
	// The link.
	Stage StageRef `json:"stage"`
	// Its figures from the input set.
	Baseline economics.LinkResult `json:"baseline"`
	// Its figures under the scenario; null without one.
	Scenario *economics.LinkResult `json:"scenario" extensions:"x-nullable"`
	// Scenario minus baseline; null without a scenario.
	Delta *economics.LinkDelta `json:"delta" extensions:"x-nullable"`
	// What the scenario did at this link that a reader could not guess.
	Notes []string `json:"notes"`
}

// WholeChain is the model for the whole chain.
//
//	@Description	The figures of the whole chain (break-even penalty per conviction Π_tot/N, conviction rate, profit per victim), with a scenario also under it and the change.
type WholeChain struct {
	// The figures from the input set.
	Baseline economics.ChainResult `json:"baseline"`
	// The figures under the scenario; null without one.
	Scenario *economics.ChainResult `json:"scenario" extensions:"x-nullable"`
	// Scenario minus baseline; null without a scenario.
	Delta *economics.ChainDelta `json:"delta" extensions:"x-nullable"`
}

// ScenarioReport is a what-if as the request gave it and what became of it.
//
//	@Description	A what-if: values that replace the stored ones at every link (set.<symbol>), then the effects of tactics at the links they act on (apply); and what became of each effect.
type ScenarioReport struct {
	// The values set, by symbol, in the answer's currency and price year.
	Set map[string]economics.Value `json:"set"`
	// The codes of the tactics applied, in order.
	Apply []string `json:"apply"`
	// Each effect of those tactics and what became of it.
	Effects []EffectReport `json:"effects"`
}

// EffectReport is what became of one tactic effect across the chain's links.
//
//	@Description	One effect of an applied tactic: applied (at the links listed), size-unknown (no cited source quantifies it, so nothing moves), not-applicable (its symbol has no value at the links it acts on, or they are not in this chain) or invalid.
type EffectReport struct {
	economics.Effect
	// What became of it.
	Status string `json:"status" enums:"applied,size-unknown,not-applicable,invalid" example:"size-unknown"`
	// The links where it moved a value.
	AppliedAt []string `json:"applied_at"`
	// What happened, in a sentence.
	Detail string `json:"detail" example:"tactic ST-R-R01 raises fine here, but no cited source says by how much: nothing moves"`
}

// Compute assembles the answer for req, with the scenario sc when it is not empty; set and apply
// are the scenario as the request gave it, for the report.
func Compute(c Chain, req Request, sc economics.Scenario, set map[string]economics.Value, apply []string) (*Answer, error) {
	sel, err := Select(c.Parameters, c.Reference, req)
	if err != nil {
		return nil, err
	}
	a := &Answer{
		Chain:           ChainRef{ID: c.ID, Slug: c.Slug, Name: c.Name},
		Request:         requestOf(req),
		InputSet:        sel.Set,
		Choice:          sel.Choice,
		Fallbacks:       sel.Fallbacks,
		Stages:          make([]StageAnswer, len(c.Stages)),
		AvailableInputs: sel.Available,
		Method:          economics.Describe(),
	}
	if sel.Set != nil {
		a.Geography = sel.Set.Geography
	}
	if sel.Money.Currency != "" {
		a.Currency = sel.Money.Currency
		py := sel.Money.PriceYear
		a.PriceYear = &py
	}
	withScenario := !sc.Empty() || len(set) > 0 || len(apply) > 0
	inputs := func(id int64) economics.Inputs {
		if in, ok := sel.Stage[id]; ok {
			return in
		}
		return sel.Chain.Clone()
	}
	var exploiter economics.Inputs
	for _, st := range c.Stages {
		if st.Role == string(economics.RoleExploiter) {
			exploiter = inputs(st.ID)
			break
		}
	}
	outcomes := map[int][]economics.EffectOutcome{}
	for i, st := range c.Stages {
		l := economics.LinkInput{Stage: st.Slug, Role: economics.Role(st.Role), In: inputs(st.ID), Exploiter: exploiter}
		sa := StageAnswer{Stage: StageRef{ID: st.ID, Slug: st.Slug, Name: st.Name, Side: st.Side, Position: st.Position, Role: st.Role}, Notes: []string{}}
		if withScenario {
			cmp := economics.CompareLink(l, sc)
			sa.Baseline, sa.Scenario, sa.Delta = cmp.Baseline, &cmp.Scenario, &cmp.Delta
			sa.Notes = append(sa.Notes, cmp.Applied.Notes...)
			for _, o := range cmp.Applied.Outcomes {
				idx := slices.IndexFunc(sc.Effects, func(e economics.Effect) bool {
					return e.Tactic == o.Effect.Tactic && e.Symbol == o.Effect.Symbol && slices.Equal(e.Links, o.Effect.Links)
				})
				outcomes[idx] = append(outcomes[idx], o)
				if o.Status != economics.EffectSizeUnknown {
					sa.Notes = append(sa.Notes, o.Detail)
				}
			}
			decorate(sa.Scenario, sel, st.ID, sc.Overrides)
		} else {
			sa.Baseline = economics.Link(l)
		}
		decorate(&sa.Baseline, sel, st.ID, nil)
		a.Stages[i] = sa
	}
	if withScenario {
		b, s, d := economics.CompareChain(sel.Chain, sc)
		a.WholeChain = WholeChain{Baseline: b, Scenario: &s, Delta: &d}
		decorateChain(a.WholeChain.Scenario, sel, sc.Overrides)
		a.Scenario = &ScenarioReport{Set: set, Apply: apply, Effects: report(sc.Effects, outcomes, c.Stages)}
		if a.Scenario.Set == nil {
			a.Scenario.Set = map[string]economics.Value{}
		}
		if a.Scenario.Apply == nil {
			a.Scenario.Apply = []string{}
		}
	} else {
		a.WholeChain = WholeChain{Baseline: economics.Chain(sel.Chain)}
	}
	decorateChain(&a.WholeChain.Baseline, sel, nil)
	return a, nil
}

func requestOf(req Request) AnswerRequest {
	r := AnswerRequest{Geo: req.Geo}
	if r.Geo == "" {
		r.Geo = models.Global
	}
	if req.Inputs != "" {
		r.Inputs = &req.Inputs
	}
	if req.Year != 0 {
		r.Year = &req.Year
	}
	if req.Currency != "" {
		r.Currency = &req.Currency
	}
	if req.PriceYear != 0 {
		r.PriceYear = &req.PriceYear
	}
	return r
}

// decorate puts how the inputs were chosen before the model's own assumptions, and the amounts
// that could not be converted among the rejected inputs. Notes on a symbol the scenario replaces
// are left out: they describe a value the scenario does not use.
func decorate(r *economics.LinkResult, sel *Selection, stage int64, overrides map[economics.Symbol]economics.Value) {
	notes := notesOf(overrides, sel.Notes[stage], sel.Notes[0])
	r.Assumptions = append(notes, r.Assumptions...)
	r.Rejected = append(append(append([]economics.Rejection{}, sel.Dropped[stage]...), sel.Dropped[0]...), r.Rejected...)
	if len(r.Rejected) == 0 {
		r.Rejected = nil
	}
}

func decorateChain(r *economics.ChainResult, sel *Selection, overrides map[economics.Symbol]economics.Value) {
	r.Assumptions = append(notesOf(overrides, sel.Notes[0]), r.Assumptions...)
	r.Rejected = append(append([]economics.Rejection{}, sel.Dropped[0]...), r.Rejected...)
	if len(r.Rejected) == 0 {
		r.Rejected = nil
	}
}

func notesOf(overrides map[economics.Symbol]economics.Value, lists ...[]Note) []string {
	out := []string{}
	for _, l := range lists {
		for _, n := range l {
			if _, replaced := overrides[n.Symbol]; !replaced {
				out = append(out, n.Text)
			}
		}
	}
	return out
}

// report says, effect by effect, what became of it across the links.
func report(effects []economics.Effect, outcomes map[int][]economics.EffectOutcome, stages []models.Stage) []EffectReport {
	out := make([]EffectReport, 0, len(effects))
	for i, e := range effects {
		r := EffectReport{Effect: e, AppliedAt: []string{}}
		if r.Links == nil {
			r.Links = []string{}
		}
		if r.Citations == nil {
			r.Citations = []economics.Citation{}
		}
		os := outcomes[i]
		sort.SliceStable(os, func(a, b int) bool { return os[a].Link < os[b].Link })
		for _, o := range os {
			if o.Status == economics.EffectApplied {
				r.AppliedAt = append(r.AppliedAt, o.Link)
			}
		}
		switch {
		case len(r.AppliedAt) > 0:
			r.Status, r.Detail = string(economics.EffectApplied), os[0].Detail
		case len(os) > 0:
			r.Status, r.Detail = string(os[0].Status), os[0].Detail
		case len(e.Links) == 0:
			r.Status = string(economics.EffectNotHere)
			r.Detail = fmt.Sprintf("tactic %s belongs to another chain: its effects act on that chain's links", e.Tactic)
		default:
			r.Status = string(economics.EffectNotHere)
			r.Detail = fmt.Sprintf("tactic %s acts on %s, which are not links of this chain", e.Tactic, strings.Join(e.Links, ", "))
		}
		out = append(out, r)
	}
	return out
}
