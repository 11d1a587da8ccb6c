package economics

import (
	"fmt"
	"math"
	"strings"
)

// Role is what a link of a chain does in the trade, which decides what the
// model computes for it.
//
//	@Description	What a link does in the trade, which decides what the model computes for it: victim (what exploitation takes; deterrence does not apply), recruiter (revenue and margin per victim), creditor, exploiter (the deterrence condition), buyer (lead firms), consumer (the buyer's expected penalty and the demand response).
type Role string

const (
	RoleVictim    Role = "victim"
	RoleRecruiter Role = "recruiter"
	RoleCreditor  Role = "creditor"
	RoleExploiter Role = "exploiter"
	RoleBuyer     Role = "buyer"
	RoleConsumer  Role = "consumer"
)

// Roles lists the roles, for validation.
var Roles = []Role{RoleVictim, RoleRecruiter, RoleCreditor, RoleExploiter, RoleBuyer, RoleConsumer}

// LinkInput is what one link is computed from.
type LinkInput struct {
	// Stage is the link's stage slug, which tactic effects name.
	Stage string
	Role  Role
	// In are the link's inputs: its own parameters and the chain-wide ones of the input set.
	In Inputs
	// Exploiter are the inputs of the chain's exploiter link: the victim link reads its profit,
	// the recruiter link its acquisition cost (the recruiter's revenue per victim).
	Exploiter Inputs
	// PScale multiplies the certainty p (tactic effects on p or its factors).
	PScale *Value
	// Draws is the number of Monte Carlo draws (0: DefaultDraws).
	Draws int
}

// VerdictStatus is what the model can say about a link.
//
//	@Description	What the model can say about a link: pays (D below 1 over its whole range, every penalty recorded), does-not-pay (D above 1 over its whole range), uncertain (the range of D straddles 1), unknown (an input or a penalty component is not recorded), not-applicable (deterrence does not apply to this link).
type VerdictStatus string

const (
	VerdictPays          VerdictStatus = "pays"
	VerdictDoesNotPay    VerdictStatus = "does-not-pay"
	VerdictUncertain     VerdictStatus = "uncertain"
	VerdictUnknown       VerdictStatus = "unknown"
	VerdictNotApplicable VerdictStatus = "not-applicable"
)

// Verdict is the model's finding for a link, in words, with what it rests on.
//
//	@Description	The model's finding for a link, in a sentence a journalist can print, with the penalty components it lacks and those taken from statutes.
type Verdict struct {
	Status VerdictStatus `json:"status" enums:"pays,does-not-pay,uncertain,unknown,not-applicable" example:"unknown"`
	// The finding in words.
	Text string `json:"text" example:"Unknown: no penalty is recorded for this link."`
	// Penalty components not recorded in the input set (unknown, never counted as zero).
	Missing []string `json:"missing"`
	// Penalty components whose values are what the statute allows, not what courts impose.
	Statutory []string `json:"statutory"`
}

// Inversion judges a deterrence ratio D against 1, for a verdict that rests on
// every penalty component.
//
//	@Description	Whether a link is inverted: D > 1 at the central value, and how the range of D lies against 1 (all of it above, across, none of it above). Null when the verdict is unknown or not applicable.
type Inversion struct {
	// D > 1 at the central value: exploitation does not pay.
	Inverted bool `json:"inverted" example:"false"`
	// How the range of D lies against 1.
	Range string `json:"range" enums:"all,part,none" example:"none"`
}

func judge(d *Figure) *Inversion {
	if d == nil {
		return nil
	}
	inv := &Inversion{Inverted: d.Central > 1, Range: "part"}
	switch {
	case d.Low > 1:
		inv.Range = "all"
	case d.High <= 1:
		inv.Range = "none"
	}
	return inv
}

// Component is one part of the penalty a conviction brings.
//
//	@Description	One part of the penalty a conviction brings (fine, restitution, confiscation, prison), per conviction, with whether it is recorded, taken from a statute, rests on an assumption, or is not recorded; and its share of the expected penalty.
type Component struct {
	// fine, restitution, confiscation or prison.
	Component string `json:"component" enums:"fine,restitution,confiscation,prison" example:"prison"`
	// The symbols it is computed from.
	Symbols []Symbol `json:"symbols"`
	// recorded (as imposed or served), statutory (what the law allows), assumed (rests on an assumption), missing (not recorded: unknown, not zero).
	Status string `json:"status" enums:"recorded,statutory,assumed,missing" example:"statutory"`
	// Its value per conviction (for the unconditional confiscated share ψ: per victim-year); null when missing.
	Value *Figure `json:"value" extensions:"x-nullable"`
	// Its share of the expected penalty E[C], at the central values; null when missing or when E[C] is unknown.
	Share *float64 `json:"share" extensions:"x-nullable" example:"0.0017"`
	// How it is computed.
	Note string `json:"note" example:"v·S with v = k·π, the income forgone in prison"`
}

// LinkResult is the model for one link of a chain. A nil figure is either not
// computed for this link's role, or cannot be computed, and then Unavailable
// says why.
//
//	@Description	The model for one link. Figures not computed for the link's role are null and absent from unavailable; a figure the role calls for but the inputs cannot give is null and unavailable says why.
type LinkResult struct {
	// What the link does in the trade.
	Role Role `json:"role" enums:"victim,recruiter,creditor,exploiter,buyer,consumer" example:"exploiter"`
	// The model's finding for the link.
	Verdict Verdict `json:"verdict"`
	// π: profit per victim-year.
	Profit *Figure `json:"profit" extensions:"x-nullable"`
	// p: convictions per victim-year (N/V unless given).
	Certainty *Figure `json:"certainty" extensions:"x-nullable"`
	// K = F + R + φ·k·π + v·S: the recorded penalty per conviction.
	PenaltyPerConviction *Figure `json:"penalty_per_conviction" extensions:"x-nullable"`
	// E[C] = p·K + ψ·π: expected penalty per victim-year.
	ExpectedCost *Figure `json:"expected_cost" extensions:"x-nullable"`
	// D = E[C] / π.
	Deterrence *Figure `json:"deterrence_ratio" extensions:"x-nullable"`
	// K* = π·(1 − ψ)/p: the penalty each conviction would have to carry for D = 1.
	PenaltyNeeded *Figure `json:"penalty_needed" extensions:"x-nullable"`
	// F* = K* − (K − F): the fine that makes D = 1 with the other recorded penalties, at today's certainty (0 if they suffice).
	FineNeeded *Figure `json:"fine_needed" extensions:"x-nullable"`
	// p* = π·(1 − ψ)/K: the certainty that makes D = 1 at the recorded penalties; above 1 certainty alone cannot.
	CertaintyNeeded *Figure `json:"certainty_needed" extensions:"x-nullable"`
	// π·T − A: profit from one victim over the exploitation, net of the acquisition cost.
	LifetimeProfit *Figure `json:"lifetime_profit" extensions:"x-nullable"`
	// p·T·(F + R + v·S) + p·φ·k·π·T(T+1)/2 + ψ·π·T: expected penalty over the exploitation.
	LifetimeExpectedCost *Figure `json:"lifetime_expected_cost" extensions:"x-nullable"`
	// The lifetime expected penalty over the lifetime profit.
	LifetimeDeterrence *Figure `json:"lifetime_deterrence_ratio" extensions:"x-nullable"`
	// T: years a victim is exploited (victim link).
	YearsExploited *Figure `json:"years_exploited" extensions:"x-nullable"`
	// π·T: what exploitation takes from one victim over T years (victim link).
	ValueExtracted *Figure `json:"value_extracted" extensions:"x-nullable"`
	// The price exploiters pay per victim, which is the recruiter's revenue (recruiter link).
	RevenuePerVictim *Figure `json:"revenue_per_victim" extensions:"x-nullable"`
	// Revenue per victim minus the recruiter's own acquisition cost (recruiter link).
	Margin *Figure `json:"margin" extensions:"x-nullable"`
	// P: the price of a purchase (consumer link).
	BuyerPrice *Figure `json:"buyer_price" extensions:"x-nullable"`
	// p_b·F_b: the penalty a buyer expects per purchase (consumer link).
	BuyerExpectedPenalty *Figure `json:"buyer_expected_penalty" extensions:"x-nullable"`
	// P + p_b·F_b: the buyer's effective price (consumer link).
	EffectivePrice *Figure `json:"effective_price" extensions:"x-nullable"`
	// (1 + p_b·F_b/P)^(−ε) − 1: how much the expected penalty cuts demand against no penalty, as a share (consumer link).
	DemandEffect *Figure `json:"demand_effect" extensions:"x-nullable"`

	// The penalty a conviction brings, part by part.
	Components []Component `json:"components"`
	// D against 1 when every penalty component is recorded; null otherwise.
	Inverted *Inversion `json:"inverted" extensions:"x-nullable"`
	// The lifetime ratio against 1, likewise.
	LifetimeInverted *Inversion `json:"lifetime_inverted" extensions:"x-nullable"`
	// For each lever, what it would take alone to reach D = 1.
	Levers []Lever `json:"levers"`
	// D at each end of every input's range, the others at their central values, largest swing first.
	Sensitivity []Sensitivity `json:"sensitivity"`
	// D over random draws from every input's range; null when D cannot be computed.
	Simulation *Simulation `json:"simulation" extensions:"x-nullable"`

	// Why each null figure that the role calls for is null, keyed by the figure's name.
	Unavailable map[string]Unavailable `json:"unavailable"`
	// The choices the computation made that the inputs did not dictate.
	Assumptions []string `json:"assumptions"`
	// Inputs ignored because they are invalid or could not be converted.
	Rejected []Rejection `json:"rejected,omitempty" extensions:"x-omitempty"`
}

// The keys of LinkResult.Unavailable are the JSON names of the figures.
const (
	keyProfit               = "profit"
	keyCertainty            = "certainty"
	keyPenalty              = "penalty_per_conviction"
	keyExpectedCost         = "expected_cost"
	keyDeterrence           = "deterrence_ratio"
	keyPenaltyNeeded        = "penalty_needed"
	keyFineNeeded           = "fine_needed"
	keyCertaintyNeeded      = "certainty_needed"
	keyLifetimeProfit       = "lifetime_profit"
	keyLifetimeExpectedCost = "lifetime_expected_cost"
	keyLifetimeDeterrence   = "lifetime_deterrence_ratio"
	keyYears                = "years_exploited"
	keyValueExtracted       = "value_extracted"
	keyRevenue              = "revenue_per_victim"
	keyMargin               = "margin"
	keyBuyerPrice           = "buyer_price"
	keyBuyerPenalty         = "buyer_expected_penalty"
	keyEffectivePrice       = "effective_price"
	keyDemandEffect         = "demand_effect"
)

type calc struct {
	l           LinkInput
	in          Inputs
	assumptions []string
	unavailable map[string]Unavailable
	kAssumed    bool
}

func (c *calc) has(s Symbol) bool { _, ok := c.in[s]; return ok }

func (c *calc) get(s Symbol) term {
	if x, ok := c.in[s]; ok {
		return fromInput(x)
	}
	return missingTerm(s)
}

func (c *calc) assume(a string) { c.assumptions = appendUnique(c.assumptions, a) }

func (c *calc) finish(key string, t term) *Figure {
	f, u := t.figure()
	if u != nil {
		c.unavailable[key] = *u
	}
	return f
}

// certainty is p: given, or N/V, or the product of its factors; scaled by
// tactic effects and capped at 1.
func (c *calc) certainty() term {
	var t term
	switch {
	case c.has(PConviction):
		t = c.get(PConviction)
	case c.has(Convictions) && c.has(Victims):
		t = div(c.get(Convictions), c.get(Victims),
			"there are no victims (V = 0): the conviction rate is undefined",
			"the low end of victims is 0: the conviction rate is unbounded there").
			note("p = N/V: convictions in a year over victims at a point in time (a flow over a stock), a rate per victim-year, not an offender's probability of conviction")
	default:
		var absent []Symbol
		t = constant(1)
		for _, s := range factors {
			if !c.has(s) {
				absent = append(absent, s)
				continue
			}
			t = mul(t, c.get(s))
		}
		switch {
		case len(absent) == len(factors):
			return gapTerm("the conviction rate is not recorded (neither p_conviction nor convictions and victims)", missingTerm(PConviction))
		case len(absent) > 0:
			return gapTerm("p is not given, and p_detect·p_prosecute·p_convict lacks a factor", missingTerm(absent...))
		}
		t = t.note("p = p_detect · p_prosecute · p_convict")
	}
	if c.l.PScale != nil && t.ok() {
		t = mul(t, term{v: *c.l.PScale}).note("p scaled by the tactic effects applied")
	}
	if t.ok() {
		if v, capped := t.v.ClampMax(1); capped {
			t.v = v
			t = t.note("p capped at 1: a conviction rate per victim-year above 1 is not meaningful")
		}
	}
	return t
}

// k is victims per offender; 1 when not given, which is said.
func (c *calc) k() term {
	if c.has(VictimsPerOffender) {
		return c.get(VictimsPerOffender)
	}
	c.kAssumed = true
	c.assume("victims_per_offender (k) not given: 1 is used, which understates the proceeds confiscated, the income forgone in prison and per-victim penalties of offenders who hold several victims")
	return constant(1)
}

// comp is a penalty component under construction.
type comp struct {
	name    string
	symbols []Symbol
	t       term
	present bool
	note    string
}

func (c *calc) status(cp comp) string {
	if !cp.present {
		return "missing"
	}
	statutory, assumed := false, false
	for _, x := range cp.t.inputs {
		if x.Basis.Statutory() {
			statutory = true
		}
		if x.Estimate == Assumption {
			assumed = true
		}
	}
	if cp.name == "prison" && !c.has(PrisonYearCost) && c.kAssumed {
		assumed = true
	}
	switch {
	case statutory:
		return "statutory"
	case assumed:
		return "assumed"
	}
	return "recorded"
}

// penaltyComp is a fine or restitution, times k when the law sets it per victim.
func (c *calc) penaltyComp(name string, s Symbol, k term) comp {
	cp := comp{name: name, symbols: []Symbol{s}}
	x, ok := c.in[s]
	if !ok {
		return cp
	}
	cp.present, cp.t = true, fromInput(x)
	cp.note = string(s) + " per conviction"
	if x.PerVictim {
		cp.t = mul(cp.t, k)
		cp.symbols = append(cp.symbols, VictimsPerOffender)
		cp.note = string(s) + " per victim × k victims per offender"
	}
	if x.Basis.Statutory() {
		cp.note += " (" + string(x.Basis) + ": what the statute allows, not what courts impose)"
	}
	return cp
}

// Link computes the model for one link from its inputs. Inputs that fail
// [CheckValue] are ignored and listed in Rejected. It never panics, and no
// member of any figure is Inf or NaN.
func Link(l LinkInput) LinkResult {
	in, rej := clean(l.In)
	c := &calc{l: l, in: in, unavailable: map[string]Unavailable{}}
	r := LinkResult{Role: l.Role, Components: []Component{}, Levers: []Lever{}, Sensitivity: []Sensitivity{}}
	switch {
	case l.Role == RoleVictim:
		c.victim(&r)
	case l.Role == RoleRecruiter && !c.has(Profit):
		c.recruiter(&r)
	case l.Role == RoleConsumer && !c.has(Profit):
		c.consumer(&r)
	case c.has(Profit) || l.Role == RoleExploiter:
		c.exploiter(&r)
	default:
		r.Verdict = Verdict{Status: VerdictUnknown, Text: noFiguresReason(l.Role), Missing: []string{}, Statutory: []string{}}
	}
	r.Unavailable = c.unavailable
	r.Assumptions = c.assumptions
	if r.Assumptions == nil {
		r.Assumptions = []string{}
	}
	r.Rejected = rej
	return r
}

func noFiguresReason(role Role) string {
	switch role {
	case RoleCreditor:
		return "No figures are recorded for creditors: neither what they extract (interest, labour against advances) nor convictions of creditors, so this link's deterrence cannot be computed."
	case RoleBuyer:
		return "No figures are recorded for lead firms: neither what they gain from forced labour in their supply chains nor the expected cost of sanctions (import bans, fines, exclusion from contracts), so this link's deterrence cannot be computed."
	}
	return "No profit is recorded for this link, so its deterrence cannot be computed."
}

// exploiter computes the deterrence condition of a link that holds victims.
func (c *calc) exploiter(r *LinkResult) {
	pi := c.get(Profit)
	p := c.certainty()
	k := c.k()

	fine := c.penaltyComp("fine", Fine, k)
	rest := c.penaltyComp("restitution", Restitution, k)
	conf := comp{name: "confiscation", symbols: []Symbol{ConfiscationRate}}
	var psi term
	hasPsi := false
	switch {
	case c.has(ConfiscationRate):
		conf.present = true
		conf.t = mul(mul(c.get(ConfiscationRate), k), pi)
		conf.symbols = []Symbol{ConfiscationRate, VictimsPerOffender, Profit}
		conf.note = "φ·k·π: the confiscated share of one year's proceeds of the convicted offender (proceeds of earlier years are not counted, so this understates it)"
		if c.has(ConfiscatedShare) {
			c.assume("confiscated_share (ψ) is not used: the confiscation rate given conviction (φ) is")
		}
	case c.has(ConfiscatedShare):
		hasPsi = true
		psi = c.get(ConfiscatedShare)
		conf.present = true
		conf.t = mul(psi, pi)
		conf.symbols = []Symbol{ConfiscatedShare, Profit}
		conf.note = "ψ·π: the share of all proceeds confiscated, already unconditional, so not multiplied by p; per victim-year, not per conviction"
	}
	prison := comp{name: "prison", symbols: []Symbol{PrisonYears}}
	if c.has(PrisonYears) {
		prison.present = true
		var v term
		if c.has(PrisonYearCost) {
			v = c.get(PrisonYearCost)
			prison.symbols = append(prison.symbols, PrisonYearCost)
			prison.note = "v·S with v as given"
		} else {
			v = mul(k, pi).note("v = k·π: a year in prison costs the offender the income forgone from k victims")
			prison.symbols = append(prison.symbols, VictimsPerOffender, Profit)
			prison.note = "v·S with v = k·π, the income the offender forgoes in a year of prison (loss of liberty is not valued)"
		}
		prison.t = mul(v, c.get(PrisonYears))
		if x := c.in[PrisonYears]; x.Basis.Statutory() {
			prison.note += "; S is " + string(x.Basis) + ": what the statute allows, not what is served"
		}
	}

	conditional := []comp{fine, rest, prison}
	if !hasPsi {
		conditional = []comp{fine, rest, conf, prison}
	}
	var present []term
	var missing, statutory []string
	for _, cp := range []comp{fine, rest, conf, prison} {
		switch c.status(cp) {
		case "missing":
			missing = append(missing, cp.name)
		case "statutory":
			statutory = append(statutory, cp.name)
		}
	}
	for _, cp := range conditional {
		if cp.present {
			present = append(present, cp.t)
		}
	}
	penalty := sum(present...)
	if len(present) == 0 {
		penalty = gapTerm("no penalty per conviction is recorded for this link (fine, restitution, confiscation given conviction, prison): it is unknown, not zero")
	}
	var cost term
	switch {
	case len(present) == 0 && !hasPsi:
		cost = gapTerm("no penalty is recorded for this link (fine, restitution, confiscation, prison): the expected penalty is unknown, not zero")
	case len(present) == 0:
		cost = conf.t // ψ·π alone
	case hasPsi:
		cost = add(mul(p, penalty), conf.t)
	default:
		cost = mul(p, penalty)
	}
	oneMinusPsi := constant(1)
	if hasPsi {
		oneMinusPsi = sub(constant(1), psi)
	}
	d := div(cost, pi,
		"profit is 0: the deterrence ratio is undefined",
		"the low end of profit is 0: the deterrence ratio is unbounded there")
	needed := div(mul(pi, oneMinusPsi), p,
		"p is 0: no one is convicted, so no penalty per conviction can deter",
		"the low end of p is 0: at that certainty no penalty can deter, so the penalty needed is unbounded")
	var others []term
	for _, cp := range conditional {
		if cp.present && cp.name != "fine" {
			others = append(others, cp.t)
		}
	}
	fineNeeded := sub(needed, sum(others...))
	if fineNeeded.ok() {
		if v, clamped := fineNeeded.v.ClampMin(0); clamped {
			fineNeeded.v = v
			fineNeeded = fineNeeded.note("where the other recorded penalties already exceed the penalty needed, the fine needed is 0")
		}
	}
	pstar := div(mul(pi, oneMinusPsi), penalty,
		"the recorded penalty per conviction is 0: no certainty of conviction can deter",
		"the low end of the recorded penalty per conviction is 0: the certainty needed is unbounded there")
	if pstar.ok() {
		switch {
		case pstar.v.Low > 1:
			pstar = pstar.note("p* > 1 over the whole range: certainty alone cannot invert this link at the recorded penalties")
		case pstar.v.Central > 1:
			pstar = pstar.note("p* > 1 at the central value: certainty alone cannot invert this link at the recorded penalties")
		case pstar.v.High > 1:
			pstar = pstar.note("p* > 1 at the high end: there, certainty alone cannot invert this link")
		}
	}

	r.Profit = c.finish(keyProfit, pi)
	r.Certainty = c.finish(keyCertainty, p)
	r.PenaltyPerConviction = c.finish(keyPenalty, penalty)
	r.ExpectedCost = c.finish(keyExpectedCost, cost)
	r.Deterrence = c.finish(keyDeterrence, d)
	r.PenaltyNeeded = c.finish(keyPenaltyNeeded, needed)
	r.FineNeeded = c.finish(keyFineNeeded, fineNeeded)
	r.CertaintyNeeded = c.finish(keyCertaintyNeeded, pstar)
	if len(missing) > 0 {
		setBound(r.PenaltyPerConviction, "lower")
		setBound(r.ExpectedCost, "lower")
		setBound(r.Deterrence, "lower")
		setBound(r.FineNeeded, "upper")
		setBound(r.CertaintyNeeded, "upper")
	}

	// Components, with their shares of E[C] at the central values.
	for _, cp := range []comp{fine, rest, conf, prison} {
		out := Component{Component: cp.name, Symbols: cp.symbols, Status: c.status(cp), Note: cp.note}
		if cp.present {
			out.Value, _ = cp.t.figure()
			if out.Value != nil && r.ExpectedCost != nil && r.ExpectedCost.Central > 0 && r.Certainty != nil {
				share := out.Value.Central * r.Certainty.Central / r.ExpectedCost.Central
				if cp.name == "confiscation" && hasPsi {
					share = out.Value.Central / r.ExpectedCost.Central
				}
				if isFinite(share) {
					out.Share = &share
				}
			}
		} else {
			out.Note = "not recorded in this input set: unknown, not zero"
		}
		r.Components = append(r.Components, out)
	}

	c.lifetime(r, pi, p, k, conditional, conf, hasPsi, missing)
	r.Verdict = verdict(r, missing, statutory, c.unavailable)
	if len(missing) == 0 {
		r.Inverted = judge(r.Deterrence)
		r.LifetimeInverted = judge(r.LifetimeDeterrence)
	}

	m := newPointModel(c, hasPsi)
	if r.Deterrence != nil {
		r.Levers = m.levers(c, r)
		r.Sensitivity = m.sensitivity(c.in)
		r.Simulation = m.simulate(c.in, c.l.Draws, len(missing) > 0)
	}
	c.assume("risk-neutral offender; penalties per conviction, p per victim-year; the per-year ratio counts one year's proceeds and is independent of T")
}

func setBound(f *Figure, b string) {
	if f != nil {
		f.Bound = b
	}
}

// lifetime computes the figures over the whole exploitation of one victim.
func (c *calc) lifetime(r *LinkResult, pi, p, k term, conditional []comp, conf comp, hasPsi bool, missing []string) {
	years := c.get(DurationYears)
	profit := mul(pi, years)
	if c.has(AcquisitionCost) {
		profit = sub(profit, c.get(AcquisitionCost))
	} else if profit.ok() {
		profit = profit.note("the acquisition cost is not recorded in this input set: it is not deducted, so the lifetime profit is overstated")
	}
	// Σ over t = 1..T of the yearly penalty, where a conviction in year t confiscates t years of proceeds.
	var nonConf []term
	for _, cp := range conditional {
		if cp.present && cp.name != "confiscation" {
			nonConf = append(nonConf, cp.t)
		}
	}
	var parts []term
	if len(nonConf) > 0 {
		parts = append(parts, mul(p, mul(years, sum(nonConf...))))
	}
	if conf.present && !hasPsi {
		tri := mul(years, add(years, constant(1))).note("a conviction in year t confiscates t years of proceeds: Σ t = T(T+1)/2")
		parts = append(parts, mul(p, mul(mul(mul(c.get(ConfiscationRate), k), pi), mul(tri, constant(0.5)))))
	}
	if conf.present && hasPsi {
		parts = append(parts, mul(conf.t, years))
	}
	var cost term
	if len(parts) == 0 {
		cost = merge(gapTerm("no penalty is recorded for this link: the lifetime expected penalty is unknown, not zero"), years)
	} else {
		cost = sum(parts...).note("ignores that a conviction ends the exploitation early, and discounts nothing")
	}
	var d term
	switch {
	case !cost.ok() || !profit.ok():
		d = merge(cost, profit)
	case profit.v.High <= 0:
		d = gapTerm("lifetime profit π·T − A is not positive: acquisition costs at least what the victim earns the exploiter, before any penalty", cost, profit)
	case profit.v.Low <= 0:
		d = gapTerm("lifetime profit π·T − A reaches 0 or below at its low end: the lifetime ratio is unbounded there", cost, profit)
	default:
		d = div(cost, profit, "", "")
	}
	r.LifetimeProfit = c.finish(keyLifetimeProfit, profit)
	r.LifetimeExpectedCost = c.finish(keyLifetimeExpectedCost, cost)
	r.LifetimeDeterrence = c.finish(keyLifetimeDeterrence, d)
	if !c.has(AcquisitionCost) {
		setBound(r.LifetimeProfit, "upper")
	}
	if len(missing) > 0 {
		setBound(r.LifetimeExpectedCost, "lower")
		setBound(r.LifetimeDeterrence, "lower")
	}
}

// verdict states the finding for an exploiter link.
func verdict(r *LinkResult, missing, statutory []string, unavailable map[string]Unavailable) Verdict {
	v := Verdict{Missing: orEmpty(missing), Statutory: orEmpty(statutory)}
	d := r.Deterrence
	var b strings.Builder
	switch {
	case d == nil:
		v.Status = VerdictUnknown
		b.WriteString("Unknown: ")
		b.WriteString(unavailable[keyDeterrence].Reason)
		b.WriteString(".")
		switch {
		case r.PenaltyNeeded != nil:
			fmt.Fprintf(&b, " For exploitation to stop paying, each conviction would have to carry a penalty of about %s.", withCurrency(r.PenaltyNeeded))
		case r.CertaintyNeeded != nil:
			fmt.Fprintf(&b, " At the recorded penalties, a conviction rate of about %s per victim-year would invert this link", r.CertaintyNeeded.Display)
			if len(missing) > 0 {
				b.WriteString(" (less, if the penalties not recorded exist)")
			}
			b.WriteString(".")
		}
	case len(missing) > 0 && d.Low > 1:
		v.Status = VerdictDoesNotPay
		fmt.Fprintf(&b, "Exploitation does not pay here even counting only the recorded penalties: the expected penalty is at least %s of the profit (D ≥ %s).", percent(d.Low, d.Digits), Display(d.Low, d.Digits))
	case len(missing) > 0:
		v.Status = VerdictUnknown
		fmt.Fprintf(&b, "Unknown: counting only the recorded penalties, the expected penalty is at least %s of the profit (D ≥ %s)", percent(d.Central, d.Digits), d.Display)
		if d.Central > 0 && d.Central < 1 {
			fmt.Fprintf(&b, ", about 1/%s", Display(1/d.Central, d.Digits))
		}
		fmt.Fprintf(&b, "; not recorded: %s.", strings.Join(missing, ", "))
	case d.Low > 1:
		v.Status = VerdictDoesNotPay
		fmt.Fprintf(&b, "Exploitation does not pay here: the expected penalty exceeds the profit over the whole range (D = %s).", displayWithRange(d))
	case d.High < 1:
		v.Status = VerdictPays
		fmt.Fprintf(&b, "Exploitation pays here: the expected penalty is %s of the profit (D = %s)", percent(d.Central, d.Digits), displayWithRange(d))
		if d.Central > 0 {
			fmt.Fprintf(&b, ", about 1/%s", Display(1/d.Central, d.Digits))
		}
		b.WriteString(".")
	default:
		v.Status = VerdictUncertain
		fmt.Fprintf(&b, "Uncertain: the range of D straddles 1 (D = %s).", displayWithRange(d))
	}
	if len(statutory) > 0 {
		fmt.Fprintf(&b, " Taken from the statute, not from sentences imposed: %s.", strings.Join(statutory, ", "))
	}
	v.Text = b.String()
	return v
}

func displayWithRange(f *Figure) string {
	if f.DisplayRange == "" {
		return f.Display
	}
	return f.Display + ", range " + f.DisplayRange
}

// percent writes a ratio as a percentage with the given significant digits.
func percent(x float64, digits int) string {
	return Display(x*100, digits) + "%"
}

func orEmpty(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// victim computes what exploitation takes from one victim: deterrence does not
// apply to victims.
func (c *calc) victim(r *LinkResult) {
	years := c.get(DurationYears)
	pi := c.get(Profit)
	if !c.has(Profit) {
		if x, ok := c.l.Exploiter[Profit]; ok {
			x.Fallback = "the exploiter link's profit per victim-year: what this victim's exploitation yields"
			pi = fromInput(x)
		}
	}
	r.Profit = c.finish(keyProfit, pi)
	r.YearsExploited = c.finish(keyYears, years)
	r.ValueExtracted = c.finish(keyValueExtracted, mul(pi, years).note("π·T: profit per victim-year over the years of exploitation, before the acquisition cost"))
	text := "Not applicable: deterrence does not apply to victims, and no penalty should fall on them. This link shows what exploitation takes from each victim; tactics here are judged by the victim-years they prevent or shorten."
	if r.ValueExtracted != nil {
		text += fmt.Sprintf(" Here: about %s per victim over %s years.", withCurrency(r.ValueExtracted), r.YearsExploited.Display)
	}
	r.Verdict = Verdict{Status: VerdictNotApplicable, Text: text, Missing: []string{}, Statutory: []string{}}
}

// recruiter computes the recruiter's revenue and margin per victim.
func (c *calc) recruiter(r *LinkResult) {
	revenue := missingTerm(AcquisitionCost)
	revenue = gapTerm("the exploiter link's acquisition cost, which is the recruiter's revenue per victim, is not recorded", revenue)
	if x, ok := c.l.Exploiter[AcquisitionCost]; ok {
		x.Fallback = "the exploiter link's acquisition cost: what exploiters pay per victim is the recruiter's revenue"
		revenue = fromInput(x)
	}
	r.RevenuePerVictim = c.finish(keyRevenue, revenue)
	own := gapTerm("the recruiter's own cost per victim (payments to families or sub-agents, transport, documents, bribes) is not recorded", missingTerm(AcquisitionCost))
	if c.has(AcquisitionCost) {
		own = c.get(AcquisitionCost)
	}
	r.Margin = c.finish(keyMargin, sub(revenue, own))
	text := "Unknown: convictions are not reported by role, so no conviction rate for recruiters per victim moved is recorded and this link's deterrence cannot be computed."
	if r.RevenuePerVictim != nil {
		text += fmt.Sprintf(" Exploiters pay recruiters about %s per victim.", withCurrency(r.RevenuePerVictim))
	}
	r.Verdict = Verdict{Status: VerdictUnknown, Text: text, Missing: []string{}, Statutory: []string{}}
}

// demandEffect is (P_eff/P)^(−ε) − 1 with constant elasticity: the share by
// which the expected penalty cuts demand, against a purchase without it.
func demandEffect(c *calc, r *LinkResult) term {
	eps := c.get(PriceElasticity)
	if r.EffectivePrice == nil || r.BuyerPrice == nil || !eps.ok() {
		return merge(eps, c.get(BuyerPrice), c.get(PBuyerPenalty), c.get(BuyerFine))
	}
	if !(r.BuyerPrice.Low > 0) {
		return gapTerm("the price of a purchase reaches 0 at its low end: the demand response is undefined there", eps)
	}
	// The ratio's range: its smallest is the smallest penalty over the largest price.
	lo := r.EffectivePrice.Low / r.BuyerPrice.High
	if lo < 1 {
		lo = 1
	}
	mid := r.EffectivePrice.Central / r.BuyerPrice.Central
	hi := r.EffectivePrice.High / r.BuyerPrice.Low
	at := func(ratio, e float64) float64 { return pow(ratio, -e) - 1 }
	v := eps.v
	// The effect is most negative at the largest ratio and elasticity, least at the smallest.
	t := term{v: Value{at(hi, v.High), at(mid, v.Central), at(lo, v.Low)}, inputs: append(append([]Input{}, r.EffectivePrice.Inputs...), eps.inputs...)}
	return t.note("constant elasticity: demand falls by (P_eff/P)^(−ε) − 1 against a purchase without the expected penalty")
}

// consumer computes the buyer's expected penalty against the price.
func (c *calc) consumer(r *LinkResult) {
	price := c.get(BuyerPrice)
	if !c.has(BuyerPrice) {
		price = gapTerm("the price of a purchase in money is not recorded", price)
	}
	penalty := mul(c.get(PBuyerPenalty), c.get(BuyerFine))
	r.BuyerPrice = c.finish(keyBuyerPrice, price)
	r.BuyerExpectedPenalty = c.finish(keyBuyerPenalty, penalty)
	r.EffectivePrice = c.finish(keyEffectivePrice, add(price, penalty).note("P + p_b·F_b: the price plus the penalty a buyer expects per purchase"))
	r.DemandEffect = c.finish(keyDemandEffect, demandEffect(c, r))
	text := "Not applicable: the model does not judge whether buying pays; it adds the penalty a buyer expects to the price, and under a scenario shows how demand responds through the price elasticity."
	if r.EffectivePrice != nil && r.BuyerPrice != nil && r.BuyerPrice.Central > 0 {
		text += fmt.Sprintf(" Here the expected penalty adds %s to the price.", percent(r.BuyerExpectedPenalty.Central/r.BuyerPrice.Central, r.EffectivePrice.Digits))
	} else {
		var lack []string
		if !c.has(BuyerPrice) {
			lack = append(lack, "the price of a purchase in money (buyer_price)")
		}
		if !c.has(PBuyerPenalty) || !c.has(BuyerFine) {
			lack = append(lack, "the buyer's chance of a penalty and its size (p_buyer_penalty, buyer_fine)")
		}
		text += " Not computable here: " + strings.Join(lack, " and ") + " are not recorded; set them in a scenario to see the demand response."
	}
	r.Verdict = Verdict{Status: VerdictNotApplicable, Text: text, Missing: []string{}, Statutory: []string{}}
}

func pow(x, y float64) float64 { return math.Pow(x, y) }

// withCurrency writes a figure for people with the currency of its money
// inputs, when it has one.
func withCurrency(f *Figure) string {
	for _, x := range f.Inputs {
		if x.Symbol.Money() && x.Currency != "" {
			return f.Display + " " + x.Currency
		}
	}
	return f.Display
}
