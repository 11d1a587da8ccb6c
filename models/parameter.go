package models

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"

	"chainkb/internal/economics"
)

// How a parameter's value was obtained.
const (
	EstimateReported   = string(economics.Reported)
	EstimateDerived    = string(economics.Derived)
	EstimateAssumption = string(economics.Assumption)
)

// Parameter is one figure of the risk-reward model (issue 13): a value or range of one of the
// model's symbols, for one chain (and stage, or the whole chain), one geography and one period,
// with where it comes from.
//
//	@Description	One figure of the risk-reward model: a value or range of a symbol (profit, fine, p_conviction, ...) for a chain and stage, a geography and a period, with its sources. Amounts are never negative: a price elasticity is stored as its magnitude.
type Parameter struct {
	// Id of the parameter; it never changes.
	ID int64 `json:"id" example:"1"`
	// Slug: lowercase letters, digits and hyphens, 1-64 characters, not all digits; unique.
	Slug string `json:"slug" example:"st-profit-in-2009"`
	// The model's symbol this is a value of.
	Symbol string `json:"symbol" enums:"profit,acquisition_cost,p_conviction,p_detect,p_prosecute,p_convict,fine,restitution,confiscation_rate,prison_years,prison_year_cost,duration_years,buyer_price,price_elasticity,total_profits,victims,convictions" example:"profit"`
	// Low end of the range, or null when the source gives none.
	Low *float64 `json:"low" extensions:"x-nullable" format:"double" example:"12900"`
	// Central value, or null when the source gives only a range (the model then uses the midpoint).
	Central *float64 `json:"central" extensions:"x-nullable" format:"double" example:"12900"`
	// High end of the range, or null when the source gives none.
	High *float64 `json:"high" extensions:"x-nullable" format:"double" example:"13000"`
	// Unit, in words.
	Unit string `json:"unit" example:"USD per victim-year"`
	// ISO 4217 currency code of an amount of money; empty for probabilities, years and counts.
	Currency string `json:"currency" example:"USD"`
	// Year whose prices the amount is in, or null when the source does not say.
	PriceYear *int `json:"price_year" extensions:"x-nullable" example:"2009"`
	// Where the figure holds: an ISO 3166-1 alpha-2 country code, or global.
	Geography string `json:"geography" example:"IN"`
	// The year or years the figure describes: YYYY or YYYY-YYYY.
	Period string `json:"period" example:"2009"`
	// Id of the chain the figure belongs to.
	ChainID int64 `json:"chain_id" example:"1"`
	// Slug of the chain the figure belongs to.
	Chain string `json:"chain" example:"sex-trafficking"`
	// Id of the stage the figure belongs to, or null for the whole chain.
	StageID *int64 `json:"stage_id" extensions:"x-nullable" example:"3"`
	// Slug of the stage the figure belongs to, or null for the whole chain.
	Stage *string `json:"stage" extensions:"x-nullable" example:"retailer"`
	// reported (the source states it), derived (computed from reported figures) or assumption
	// (no source gives it).
	Estimate string `json:"estimate" enums:"reported,derived,assumption" example:"reported"`
	// Sources for the figure.
	Citations []Citation `json:"citations"`
	// How the figure was read or derived, and its limits.
	Note string `json:"note" example:"Kara's figure for profit per victim-year to a brothel owner in India."`
	// When the parameter was created (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When the parameter last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// Version: 1 when created, +1 on every change. Send it back (or the ETag as If-Match) to update.
	Version int64 `json:"version" example:"1"`
}

// ParameterInput is what a client writes to create or replace a parameter. Server-owned fields
// that a client echoes back from a GET are accepted and ignored.
//
//	@Description	A parameter as a client writes it. At least one of low, central and high; low ≤ central ≤ high; probabilities in [0, 1], amounts ≥ 0 (store a price elasticity as its magnitude). Read-only fields echoed back from a GET (id, chain_id, stage_id, created_at, updated_at) are accepted and ignored.
type ParameterInput struct {
	// Slug: lowercase letters, digits and hyphens, 1-64 characters, not all digits; unique.
	Slug string `json:"slug" validate:"required,slug" example:"st-fine-in-2009"`
	// The model's symbol.
	Symbol string `json:"symbol" validate:"required" enums:"profit,acquisition_cost,p_conviction,p_detect,p_prosecute,p_convict,fine,restitution,confiscation_rate,prison_years,prison_year_cost,duration_years,buyer_price,price_elasticity,total_profits,victims,convictions" example:"fine"`
	// Low end of the range, or null.
	Low *float64 `json:"low" extensions:"x-nullable" format:"double" example:"44"`
	// Central value, or null.
	Central *float64 `json:"central" extensions:"x-nullable" format:"double" example:"44"`
	// High end of the range, or null.
	High *float64 `json:"high" extensions:"x-nullable" format:"double" example:"44"`
	// Unit, in words.
	Unit string `json:"unit" validate:"max=200" example:"USD per conviction"`
	// ISO 4217 currency code, or empty when the value is not money.
	Currency string `json:"currency" validate:"omitempty,iso4217" example:"USD"`
	// Year whose prices the amount is in, or null.
	PriceYear *int `json:"price_year" validate:"omitempty,gte=1800,lte=2200" extensions:"x-nullable" example:"2009"`
	// ISO 3166-1 alpha-2 country code, or global.
	Geography string `json:"geography" validate:"required,jurisdiction" example:"IN"`
	// YYYY or YYYY-YYYY.
	Period string `json:"period" validate:"required" example:"2009"`
	// Slug of the chain; it must exist.
	Chain string `json:"chain" validate:"required,slug" example:"sex-trafficking"`
	// Slug of a stage of that chain, or null for the whole chain.
	Stage *string `json:"stage" validate:"omitempty,slug" extensions:"x-nullable" example:"retailer"`
	// reported, derived or assumption.
	Estimate string `json:"estimate" validate:"required,oneof=reported derived assumption" enums:"reported,derived,assumption" example:"reported"`
	// Sources, at most 30; each names an existing source by slug.
	Citations []Citation `json:"citations" validate:"max=30,dive"`
	// How the figure was read or derived.
	Note string `json:"note" validate:"max=4000" example:""`
	// Version is the version the client read; it is the precondition of a PUT or PATCH when no
	// If-Match header is sent. Ignored on create.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	// Read-only fields of a GET, accepted and ignored.
	ChainID json.RawMessage `json:"chain_id,omitempty" swaggerignore:"true"`
	StageID json.RawMessage `json:"stage_id,omitempty" swaggerignore:"true"`
	ReadOnly
}

var periodPattern = regexp.MustCompile(`^([0-9]{4})(?:-([0-9]{4}))?$`)

// ParsePeriod reads a period, YYYY or YYYY-YYYY, into its first and last years.
func ParsePeriod(s string) (first, last int, ok bool) {
	m := periodPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	first, _ = strconv.Atoi(m[1])
	last = first
	if m[2] != "" {
		last, _ = strconv.Atoi(m[2])
	}
	return first, last, first <= last
}

// Validate checks every field and reports all that are bad: the symbol, the period, and that the
// values given are finite, ordered, and in range for the symbol (a probability in [0, 1], an
// amount at least 0).
func (in *ParameterInput) Validate() error {
	err := check(in)
	var fields []FieldError
	sym := economics.Symbol(in.Symbol)
	if in.Symbol != "" && !sym.Known() {
		names := ""
		for i, s := range economics.Symbols() {
			if i > 0 {
				names += ", "
			}
			names += string(s.Symbol)
		}
		fields = append(fields, FieldError{Field: "symbol", Message: "must be one of: " + names})
	}
	if in.Period != "" {
		if _, _, ok := ParsePeriod(in.Period); !ok {
			fields = append(fields, FieldError{Field: "period", Message: "must be a year (2009) or a span of years, first to last (2010-2014)"})
		}
	}
	if in.Low == nil && in.Central == nil && in.High == nil {
		fields = append(fields, FieldError{Field: "central", Message: "give at least one of low, central and high"})
	}
	vals := []struct {
		name string
		v    *float64
	}{{"low", in.Low}, {"central", in.Central}, {"high", in.High}}
	finite := true
	for _, x := range vals {
		if x.v == nil {
			continue
		}
		if math.IsNaN(*x.v) || math.IsInf(*x.v, 0) {
			finite = false
			fields = append(fields, FieldError{Field: x.name, Message: "must be a finite number"})
			continue
		}
		switch sym.Kind() {
		case economics.Probability:
			if *x.v < 0 || *x.v > 1 {
				fields = append(fields, FieldError{Field: x.name, Message: fmt.Sprintf("%s is a probability: must be between 0 and 1 (for 1%% write 0.01)", in.Symbol)})
			}
		case economics.Amount:
			if *x.v < 0 {
				msg := fmt.Sprintf("%s is an amount: must be 0 or more", in.Symbol)
				if sym == economics.PriceElasticity {
					msg = "price_elasticity is stored as a magnitude: write the elasticity without its minus sign (-1.5 to -0.5 is low 0.5, high 1.5)"
				}
				fields = append(fields, FieldError{Field: x.name, Message: msg})
			}
		}
	}
	if finite {
		for i := 0; i < len(vals); i++ {
			for j := i + 1; j < len(vals); j++ {
				a, b := vals[i], vals[j]
				if a.v != nil && b.v != nil && *a.v > *b.v {
					fields = append(fields, FieldError{Field: b.name, Message: fmt.Sprintf("must be at least %s (low ≤ central ≤ high)", a.name)})
				}
			}
		}
	}
	if len(fields) > 0 {
		return appendField(err, fields...)
	}
	return err
}

// CitationRefs lists every citation of the input with its JSON pointer.
func (in *ParameterInput) CitationRefs() []CitationRef { return CitationRefs("", in.Citations) }

// ParameterFilter selects parameters in a list.
type ParameterFilter struct {
	Page
	Chain     string // chain id or slug
	Stage     string // stage slug
	Symbol    string
	Geography string
	Estimate  string
	Q         string // text in slug, unit or note
}
