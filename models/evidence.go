package models

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"chainkb/internal/economics"
)

// Who makes a tactic's claim: the reader of a knowledge base must be able to tell Kara's own
// argument from our reading of it and from our own proposals.
const (
	AttributionKara        = "kara"         // Kara states it
	AttributionKaraReading = "kara-reading" // our reading of his argument
	AttributionOther       = "other-source" // other sources, not Kara
	AttributionEditorial   = "editorial"    // chainkb's own inference or proposal
)

// EvidenceLevels are the designs of the strongest evaluation behind a tactic, weakest first; a
// filter "at least level X" compares positions in this list.
var EvidenceLevels = []string{"none", "descriptive", "pre-post", "quasi-experimental", "rct", "systematic-review"}

// EvidenceRank returns the position of a level in EvidenceLevels, or -1.
func EvidenceRank(level string) int {
	for i, l := range EvidenceLevels {
		if l == level {
			return i
		}
	}
	return -1
}

// Actors is the controlled vocabulary of who carries out a tactic.
var Actors = []string{"legislature", "police", "prosecutors", "courts", "financial-intelligence",
	"labour-inspectorate", "border-consular", "platforms", "ngos", "survivor-organisations", "business",
	"consumers", "international-bodies", "trade-unions", "employers-organisations", "local-administration"}

// Global is the jurisdiction of a tactic that applies everywhere.
const Global = "global"

// IsJurisdiction reports whether s is "global" or an ISO 3166-1 alpha-2 country code in its
// canonical upper-case form. The list of codes is golang.org/x/text's copy of the standard.
func IsJurisdiction(s string) bool {
	if s == Global {
		return true
	}
	if len(s) != 2 || strings.ToUpper(s) != s {
		return false
	}
	r, err := language.ParseRegion(s)
	return err == nil && r.IsCountry() && r.String() == s
}

// Evidence says how well a tactic is known to work, after the EMMIE pattern: effect, mechanism,
// moderators, implementation and economic cost, with the strength of the evidence behind them.
//
//	@Description	How well a tactic is known to work (after EMMIE): effect, mechanism, moderators, implementation, cost, the level of the best evidence and the stage of evaluation.
type Evidence struct {
	// The effect found, and on what outcome.
	Effect Effect `json:"effect"`
	// How the tactic is meant to work: which economic variable it moves and why.
	Mechanism string `json:"mechanism" validate:"max=2000" example:"Raises the expected cost of exploitation by taking its proceeds."`
	// Where or for whom it works better or worse.
	Moderators string `json:"moderators" validate:"max=2000" example:""`
	// What it takes to do well, and the known pitfalls.
	Implementation string `json:"implementation" validate:"max=2000" example:""`
	// What it costs: a level, or an amount with its currency and price year; null when unknown.
	Cost *Cost `json:"cost" extensions:"x-nullable"`
	// Design of the strongest evaluation: none, descriptive, pre-post, quasi-experimental, rct or systematic-review.
	Level string `json:"level" validate:"required,oneof=none descriptive pre-post quasi-experimental rct systematic-review" enums:"none,descriptive,pre-post,quasi-experimental,rct,systematic-review" example:"none"`
	// How far it has been evaluated: unevaluated, process, outcome or impact.
	Evaluation string `json:"evaluation" validate:"required,oneof=unevaluated process outcome impact" enums:"unevaluated,process,outcome,impact" example:"unevaluated"`
}

// Effect is the direction of a tactic's effect on an outcome.
//
//	@Description	The direction of a tactic's effect, and the outcome it is about.
type Effect struct {
	// positive, mixed, none, negative or unknown.
	Direction string `json:"direction" validate:"required,oneof=positive mixed none negative unknown" enums:"positive,mixed,none,negative,unknown" example:"unknown"`
	// The outcome the effect is about.
	Outcome string `json:"outcome" validate:"max=500" example:"convictions per year"`
}

// Cost is what a tactic costs: a level, or an amount with its currency and price year.
//
//	@Description	What a tactic costs: either a level (low, medium, high) or an amount with its currency and price year.
type Cost struct {
	// low, medium or high; empty when an amount is given.
	Level string `json:"level,omitempty" validate:"omitempty,oneof=low medium high" enums:"low,medium,high" example:"medium"`
	// An amount, with currency and year.
	Amount *float64 `json:"amount,omitempty" validate:"omitempty,gte=0" example:"1000000"`
	// ISO 4217 currency of the amount.
	Currency string `json:"currency,omitempty" validate:"omitempty,iso4217" example:"USD"`
	// Price year of the amount.
	Year int `json:"year,omitempty" validate:"omitempty,gte=1900,lte=2100" example:"2020"`
}

// The types of caveat.
const (
	CaveatHarm        = "harm"
	CaveatContested   = "contested"
	CaveatDataQuality = "data-quality"
	CaveatScope       = "scope"
)

// Caveat is what a reader must know before acting on a tactic: a documented harm, a dispute, a
// weakness of the data, or a limit of its scope.
//
//	@Description	What a reader must know before acting on a tactic: a documented harm, a dispute (then the tactic carries positions for and against), a weakness of the data, or a limit of scope.
type Caveat struct {
	// harm, contested, data-quality or scope.
	Type string `json:"type" validate:"required,oneof=harm contested data-quality scope" enums:"harm,contested,data-quality,scope" example:"harm"`
	// The caveat, in a sentence or two.
	Text string `json:"text" validate:"required,max=2000,notblank" example:"Raids have led to the arrest and deportation of the people they meant to help."`
	// Sources for the caveat.
	Citations []Citation `json:"citations" validate:"max=20,dive"`
}

// Position is one side of a contested tactic.
//
//	@Description	One side of a contested tactic, with its sources.
type Position struct {
	// for or against.
	Stance string `json:"stance" validate:"required,oneof=for against" enums:"for,against" example:"for"`
	// The position, in a sentence or two.
	Text string `json:"text" validate:"required,max=2000,notblank" example:"Supporters hold that it reduces demand."`
	// Sources for the position.
	Citations []Citation `json:"citations" validate:"max=20,dive"`
}

// Adoption says where and since when a current effort is deployed.
//
//	@Description	Where and since when a current effort is deployed.
type Adoption struct {
	// Jurisdictions (ISO 3166-1 alpha-2 or global).
	Where []string `json:"where" validate:"max=250,dive,jurisdiction" example:"SE,NO"`
	// The year it started, or 0 when unknown.
	Since int `json:"since,omitempty" validate:"omitempty,gte=1800,lte=2100" example:"1999"`
	// More detail.
	Note string `json:"note" validate:"max=1000" example:""`
}

// The review states of a tactic.
const (
	ReviewDraft            = "draft"
	ReviewExpertChecked    = "expert-checked"
	ReviewSurvivorReviewed = "survivor-reviewed"
)

// Review says who has checked a tactic's text and when it is next due.
//
//	@Description	Who has checked a tactic's text, when, and when it is next due.
type Review struct {
	// draft, expert-checked or survivor-reviewed.
	State string `json:"state" validate:"required,oneof=draft expert-checked survivor-reviewed" enums:"draft,expert-checked,survivor-reviewed" example:"draft"`
	// When it was last reviewed (YYYY-MM-DD), or null.
	LastReviewedOn *Date `json:"last_reviewed_on" swaggertype:"string" format:"date" extensions:"x-nullable" example:"2026-11-29"`
	// When it is next due (YYYY-MM-DD), or null.
	NextReviewDue *Date `json:"next_review_due" swaggertype:"string" format:"date" extensions:"x-nullable" example:"2027-11-29"`
}

// ActsOn says which symbol of the risk-reward model a tactic moves, which way, at which links,
// and by how much when a cited source quantifies it.
//
//	@Description	A symbol of the risk-reward model that a tactic moves: which way, at which links (stages of its chain; none listed: the tactic's own stage), why in a sentence, and by how much when a cited source quantifies it (size; null: size unknown, and a scenario moves nothing). The size is never read from the sentence.
type ActsOn struct {
	// The symbol (one used at a link: profit, acquisition_cost, p_conviction, p_detect, p_prosecute, p_convict, fine, restitution, confiscation_rate, confiscated_share, prison_years, prison_year_cost, victims_per_offender, duration_years, buyer_price, p_buyer_penalty, buyer_fine, price_elasticity).
	Symbol string `json:"symbol" validate:"required" example:"confiscation_rate"`
	// raises or lowers.
	Direction string `json:"direction" validate:"required,oneof=raises lowers" enums:"raises,lowers" example:"raises"`
	// Slugs of the stages of the tactic's chain it acts on; empty: the tactic's own stage.
	Links []string `json:"links" validate:"max=10,dive,slug" example:"retailer"`
	// How, in a sentence, for people; never read for a size.
	Effect string `json:"effect" validate:"max=1000" example:"More proceeds are confiscated."`
	// How far, as a cited source quantifies it; null when no source does (size unknown).
	Size *EffectSize `json:"size" extensions:"x-nullable"`
	// Sources for the direction.
	Citations []Citation `json:"citations" validate:"max=20,dive"`
}

// EffectSize is how far a tactic moves a symbol, as one cited source quantifies it.
//
//	@Description	How far a tactic moves a symbol, as one cited source quantifies it: a multiplier of the value, or a new value, as low ≤ central ≤ high, with the source and locator and the level of the evidence for it.
type EffectSize struct {
	// multiplier: the value is multiplied by the size; value: the value becomes the size.
	Kind string `json:"kind" validate:"required,oneof=multiplier value" enums:"multiplier,value" example:"value"`
	// Low end; null: the central value.
	Low *float64 `json:"low" extensions:"x-nullable" format:"double" example:"7"`
	// Central value.
	Central float64 `json:"central" format:"double" example:"8.5"`
	// High end; null: the central value.
	High *float64 `json:"high" extensions:"x-nullable" format:"double" example:"10"`
	// Where the size is stated.
	Citation Citation `json:"citation"`
	// The level of the best evidence for the size: none, descriptive, pre-post, quasi-experimental, rct or systematic-review.
	EvidenceLevel string `json:"evidence_level" validate:"required,oneof=none descriptive pre-post quasi-experimental rct systematic-review" enums:"none,descriptive,pre-post,quasi-experimental,rct,systematic-review" example:"descriptive"`
	// How the size was read, and its limits.
	Note string `json:"note" validate:"max=2000" example:"The statutory range of IPC s.370(2), not a measured effect."`
}

// Value is the size's range, the central value standing in for a missing end.
func (s *EffectSize) Value() economics.Value {
	v := economics.Point(s.Central)
	if s.Low != nil {
		v.Low = *s.Low
	}
	if s.High != nil {
		v.High = *s.High
	}
	return v
}

// Check reports what is wrong with an effect as the model would apply it: a symbol that is not a
// link's, or a size that does not fit the symbol or the direction. Field names are relative to the
// effect.
func (a *ActsOn) Check() []FieldError {
	sym := economics.Symbol(a.Symbol)
	if !sym.Known() || sym.Scope() != economics.ScopeLink {
		return []FieldError{{Field: "symbol", Message: "must be a symbol used at a link: " + economics.Names(economics.ScopeLink)}}
	}
	e := economics.Effect{Symbol: sym, Direction: economics.Direction(a.Direction)}
	if a.Size != nil {
		e.Size = &economics.EffectSize{Kind: economics.SizeKind(a.Size.Kind), Value: a.Size.Value()}
	}
	if err := e.Validate(); err != nil && a.Size != nil {
		msg := err.Error()
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		return []FieldError{{Field: "size", Message: msg}}
	}
	return nil
}

// Date is a calendar date, written YYYY-MM-DD.
type Date struct{ time.Time }

// DateLayout is how a Date is written.
const DateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, &Error{Kind: KindInvalid, Code: "validation_failed", Detail: "not a date: write YYYY-MM-DD"}
	}
	return Date{t}, nil
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string { return d.Format(DateLayout) }

// MarshalJSON writes the date as "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.String())), nil }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p, err := ParseDate(s)
	if err != nil {
		// A type error, so that the decoder says which field it is in (the handlers report it as
		// an invalid value of that field).
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[Date]()}
	}
	*d = p
	return nil
}
