package models

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
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

// Parameter is one figure of the risk-reward model: a value or range of one of the model's
// symbols, for one chain (and stage, or the whole chain), one area and one period, in one input
// set, with where it comes from. Exchange rates and price indices (reference symbols) belong to
// no chain and no input set.
//
//	@Description	One figure of the risk-reward model: a value or range of a symbol (profit, fine, convictions, ...) for a chain and stage, an area and a period, in a named input set, with its sources. Its unit is derived from the symbol and currency. Amounts are never negative: a price elasticity is stored as its magnitude. Exchange rates and price indices (reference data for converting money) belong to no chain and no input set.
type Parameter struct {
	// Id of the parameter; it never changes.
	ID int64 `json:"id" example:"1"`
	// Slug: lowercase letters, digits and hyphens, 1-64 characters, not all digits; unique.
	Slug string `json:"slug" example:"st-profit-in-2009"`
	// The model's symbol this is a value of.
	Symbol string `json:"symbol" example:"profit"`
	// The input set this figure belongs to: figures computed together come from one set (one source family, place and period). Empty for exchange rates and price indices.
	InputSet string `json:"input_set" example:"kara-2009-india"`
	// Low end of the range, or null when the source gives none.
	Low *float64 `json:"low" extensions:"x-nullable" format:"double" example:"12900"`
	// Central value, or null when the source gives only a range (the model then uses the midpoint).
	Central *float64 `json:"central" extensions:"x-nullable" format:"double" example:"12900"`
	// High end of the range, or null when the source gives none.
	High *float64 `json:"high" extensions:"x-nullable" format:"double" example:"13000"`
	// Unit, derived from the symbol and currency: the only unit the model reads.
	Unit string `json:"unit" example:"USD per victim-year"`
	// ISO 4217 currency code of an amount of money (and of an exchange rate or price index); empty otherwise.
	Currency string `json:"currency" example:"USD"`
	// Year whose prices the amount is in; required for money, null otherwise.
	PriceYear *int `json:"price_year" extensions:"x-nullable" example:"2009"`
	// For a penalty (fine, restitution, prison_years, buyer_fine): what the value stands for, as imposed or served, or what the statute allows; empty otherwise.
	Basis string `json:"basis" enums:",imposed,served,statutory-range,statutory-maximum,statutory-minimum" example:""`
	// For a fine or restitution: the law sets it per victim, so the model multiplies it by the victims an offender holds.
	PerVictim bool `json:"per_victim" example:"false"`
	// Where the figure holds: global, an ISO 3166-1 alpha-2 country code, EU, or a UN M49 region written M49:<code>.
	Geography string `json:"geography" example:"IN"`
	// The year or years the figure describes: YYYY or YYYY-YYYY.
	Period string `json:"period" example:"2009"`
	// Id of the chain the figure belongs to; null for exchange rates and price indices.
	ChainID *int64 `json:"chain_id" extensions:"x-nullable" example:"1"`
	// Slug of the chain the figure belongs to; null for exchange rates and price indices.
	Chain *string `json:"chain" extensions:"x-nullable" example:"sex-trafficking"`
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
// that a client echoes back from a GET are accepted and ignored; unit is accepted only when it is
// the unit the symbol and currency give.
//
//	@Description	A parameter as a client writes it. At least one of low, central and high; low ≤ central ≤ high; probabilities in [0, 1], amounts ≥ 0 (store a price elasticity as its magnitude). Money needs a currency and a price year; a penalty needs its basis; every symbol but exchange_rate and price_index needs a chain and an input set. unit may be left out; if given it must be the symbol's unit. Read-only fields echoed back from a GET (id, chain_id, stage_id, created_at, updated_at) are accepted and ignored.
type ParameterInput struct {
	// Slug: lowercase letters, digits and hyphens, 1-64 characters, not all digits; unique.
	Slug string `json:"slug" validate:"required,slug" example:"st-fine-in-2009"`
	// The model's symbol.
	Symbol string `json:"symbol" validate:"required" example:"fine"`
	// The input set (a slug); required except for exchange_rate and price_index, which take none.
	InputSet string `json:"input_set" example:"kara-2009-india"`
	// Low end of the range, or null.
	Low *float64 `json:"low" extensions:"x-nullable" format:"double" example:"44"`
	// Central value, or null.
	Central *float64 `json:"central" extensions:"x-nullable" format:"double" example:"44"`
	// High end of the range, or null.
	High *float64 `json:"high" extensions:"x-nullable" format:"double" example:"44"`
	// Unit: optional; if given, the symbol's unit for the currency (the GET's unit).
	Unit string `json:"unit" validate:"max=200" example:"USD per conviction"`
	// ISO 4217 currency code: of an amount of money, of the currency an exchange rate is per US dollar, or of the economy a price index measures; empty otherwise.
	Currency string `json:"currency" validate:"omitempty,iso4217" example:"USD"`
	// Year whose prices the amount is in; required for money.
	PriceYear *int `json:"price_year" validate:"omitempty,gte=1800,lte=2200" extensions:"x-nullable" example:"2009"`
	// For a penalty: imposed, served, statutory-range, statutory-maximum or statutory-minimum.
	Basis string `json:"basis" enums:",imposed,served,statutory-range,statutory-maximum,statutory-minimum" example:"statutory-maximum"`
	// For a fine or restitution set per victim.
	PerVictim bool `json:"per_victim" example:"false"`
	// global, an ISO 3166-1 alpha-2 country code, EU, or M49:<code>.
	Geography string `json:"geography" validate:"required" example:"IN"`
	// YYYY or YYYY-YYYY (a single year for exchange rates and price indices).
	Period string `json:"period" validate:"required" example:"2009"`
	// Slug of the chain; it must exist. Null for exchange rates and price indices.
	Chain *string `json:"chain" validate:"omitempty,slug" extensions:"x-nullable" example:"sex-trafficking"`
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

// Validate checks every field and reports all that are bad: the symbol, the period, the area,
// that the values given are finite, ordered, and in range for the symbol (a probability in
// [0, 1], an amount at least 0), and that the fields a symbol needs are there and those it cannot
// take are not (currency and price year for money, basis for penalties, chain and input set for
// everything but reference data).
func (in *ParameterInput) Validate() error {
	err := check(in)
	var fields []FieldError
	bad := func(field, msg string) { fields = append(fields, FieldError{Field: field, Message: msg}) }
	sym := economics.Symbol(in.Symbol)
	info, known := sym.Info()
	if in.Symbol != "" && !known {
		bad("symbol", "must be one of: "+economics.Names())
	}
	if in.Period != "" {
		first, last, ok := ParsePeriod(in.Period)
		switch {
		case !ok:
			bad("period", "must be a year (2009) or a span of years, first to last (2010-2014)")
		case known && info.Scope == economics.ScopeReference && first != last:
			bad("period", "an exchange rate or price index is for a single year (2009)")
		}
	}
	if in.Geography != "" && !IsArea(in.Geography) {
		bad("geography", AreaRule)
	}
	if known {
		reference := info.Scope == economics.ScopeReference
		if reference {
			if in.Chain != nil {
				bad("chain", "an exchange rate or price index belongs to no chain: leave chain null")
			}
			if in.Stage != nil {
				bad("stage", "an exchange rate or price index belongs to no stage: leave stage out")
			}
			if in.InputSet != "" {
				bad("input_set", "an exchange rate or price index belongs to no input set: leave input_set out")
			}
		} else {
			if in.Chain == nil {
				bad("chain", "is required")
			}
			if in.InputSet != "" && !IsSlug(in.InputSet) {
				bad("input_set", SlugRule)
			}
			if in.InputSet == "" {
				bad("input_set", "is required: name the input set (a slug such as ilo-2024-global) that this figure is computed with")
			}
		}
		switch {
		case info.Money && in.Currency == "":
			bad("currency", in.Symbol+" is an amount of money: give its ISO 4217 currency code")
		case reference && in.Currency == "":
			bad("currency", "give the currency the rate is per US dollar, or whose economy the index measures")
		case !info.Money && !reference && in.Currency != "":
			bad("currency", in.Symbol+" is not money: leave currency empty")
		}
		switch {
		case info.Money && in.PriceYear == nil:
			bad("price_year", in.Symbol+" is an amount of money: give the year whose prices it is in (the data year, if the source says no other)")
		case !info.Money && in.PriceYear != nil:
			bad("price_year", in.Symbol+" is not money: leave price_year null")
		}
		switch {
		case sym.Penalty() && in.Basis == "":
			bad("basis", "a penalty needs its basis: imposed, served, statutory-range, statutory-maximum or statutory-minimum")
		case sym.Penalty() && !slices.Contains(economics.Bases, economics.Basis(in.Basis)):
			bad("basis", "must be one of: imposed, served, statutory-range, statutory-maximum, statutory-minimum")
		case !sym.Penalty() && in.Basis != "":
			bad("basis", in.Symbol+" is not a penalty: leave basis empty")
		}
		if in.PerVictim && !sym.PerVictimAllowed() {
			bad("per_victim", "only a fine or restitution can be set per victim")
		}
		if want := sym.Unit(in.Currency, in.PerVictim); in.Unit != "" && in.Unit != want {
			bad("unit", fmt.Sprintf("the model reads %s only in %q; leave unit out, or convert the value (a figure in another unit goes in the note)", in.Symbol, want))
		}
	}
	if in.Low == nil && in.Central == nil && in.High == nil {
		bad("central", "give at least one of low, central and high")
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
			bad(x.name, "must be a finite number")
			continue
		}
		switch sym.Kind() {
		case economics.Probability:
			if *x.v < 0 || *x.v > 1 {
				bad(x.name, fmt.Sprintf("%s is a probability: must be between 0 and 1 (for 1%% write 0.01)", in.Symbol))
			}
		case economics.Amount:
			if *x.v < 0 {
				msg := fmt.Sprintf("%s is an amount: must be 0 or more", in.Symbol)
				if sym == economics.PriceElasticity {
					msg = "price_elasticity is stored as a magnitude: write the elasticity without its minus sign (-1.5 to -0.5 is low 0.5, high 1.5)"
				}
				bad(x.name, msg)
			}
		}
	}
	if finite {
		for i := 0; i < len(vals); i++ {
			for j := i + 1; j < len(vals); j++ {
				a, b := vals[i], vals[j]
				if a.v != nil && b.v != nil && *a.v > *b.v {
					bad(b.name, fmt.Sprintf("must be at least %s (low ≤ central ≤ high)", a.name))
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
	InputSet  string
	Q         string // text in slug, input set or note
}
