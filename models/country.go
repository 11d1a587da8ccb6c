package models

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Countries (issue 27): each country's statutory penalties, enforcement figures by year and
// ratifications of the main instruments, every figure with the source and place it is read from.
// A figure no source gives is null (unknown), never 0. A country is named by its ISO 3166-1
// alpha-2 code; its English name and its UN M49 region come from golang.org/x/text's CLDR tables,
// never from the client.

// CountryRule says what a country code may be, for messages.
const CountryRule = "must be an ISO 3166-1 alpha-2 country code in capitals, such as IN or NP"

// IsCountry reports whether s is an ISO 3166-1 alpha-2 country code (not global, not a region).
func IsCountry(s string) bool { return s != Global && IsJurisdiction(s) }

// The instruments whose ratification a country records.
const (
	InstrumentPalermo = "palermo-protocol"
	InstrumentC029    = "ilo-c029"
	InstrumentP029    = "ilo-p029"
	InstrumentC105    = "ilo-c105"
	InstrumentC181    = "ilo-c181"
	InstrumentC189    = "ilo-c189"
)

// Instruments lists the instruments, in the order a country's page shows them, with their names.
var Instruments = []struct{ Code, Name string }{
	{InstrumentPalermo, "UN Trafficking in Persons Protocol (Palermo, 2000)"},
	{InstrumentC029, "ILO Forced Labour Convention, 1930 (No. 29)"},
	{InstrumentP029, "Protocol of 2014 to the Forced Labour Convention"},
	{InstrumentC105, "ILO Abolition of Forced Labour Convention, 1957 (No. 105)"},
	{InstrumentC181, "ILO Private Employment Agencies Convention, 1997 (No. 181)"},
	{InstrumentC189, "ILO Domestic Workers Convention, 2011 (No. 189)"},
}

// Region is a UN M49 area.
//
//	@Description	A UN M49 area: its three-digit code and English name.
type Region struct {
	// The M49 code, three digits.
	Code string `json:"code" example:"034"`
	// Its English name (CLDR).
	Name string `json:"name" example:"Southern Asia"`
}

// Area is the region as an area of the risk-reward model's parameters (M49:<code>).
func (r Region) Area() string { return "M49:" + r.Code }

// m49Continents and m49Subregions are the UN M49 regions a country is placed in: its continent
// and its sub-region (the geographic groupings of the M49 standard).
var (
	m49Continents = []string{"002", "019", "142", "150", "009"}
	m49Subregions = []string{"015", "011", "014", "017", "018", "029", "013", "005", "021", "143", "030", "034",
		"035", "145", "151", "154", "039", "155", "053", "054", "057", "061"}
)

// CountryName is the English name of an ISO 3166-1 alpha-2 code, from CLDR; "" for a code that
// is not a country.
func CountryName(iso string) string {
	if !IsCountry(iso) {
		return ""
	}
	r, _ := language.ParseRegion(iso)
	return display.English.Regions().Name(r)
}

// CountryRegions returns the M49 continent and sub-region that contain a country (zero Regions
// where CLDR places it in none).
func CountryRegions(iso string) (continent, subregion Region) {
	c, err := language.ParseRegion(iso)
	if err != nil || !IsCountry(iso) {
		return
	}
	find := func(codes []string) Region {
		for _, code := range codes {
			r, _ := language.ParseRegion(code)
			if r.Contains(c) {
				return Region{Code: code, Name: display.English.Regions().Name(r)}
			}
		}
		return Region{}
	}
	return find(m49Continents), find(m49Subregions)
}

// Penalty is what a statute sets for one offence.
//
//	@Description	A statutory penalty for one offence: prison and fine, minimum and maximum (null where the source gives none: unknown, not zero), whether the maximum is life or death, whether the fine is per victim, the instrument and section, and the source and place it is read from. What the law allows, not what courts impose.
type Penalty struct {
	// The chain the offence belongs to (sex-trafficking, forced-labour); it must exist.
	Chain string `json:"chain" validate:"required,slug" example:"sex-trafficking"`
	// The offence, in our words.
	Offence string `json:"offence" validate:"required,notblank,max=300" example:"human trafficking, adult victim"`
	// The statute.
	Instrument string `json:"instrument" validate:"required,notblank,max=300" example:"Human Trafficking and Transportation (Control) Act, 2007"`
	// The section, or empty when the source gives none.
	Section string `json:"section" validate:"max=200" example:"s. 15(1)(a)"`
	// Minimum prison term in years; null when the source gives none.
	PrisonMinYears *float64 `json:"prison_min_years" validate:"omitempty,gte=0,lte=100" extensions:"x-nullable" format:"double" example:"10"`
	// Maximum prison term in years; null when the source gives none or the maximum is life or death.
	PrisonMaxYears *float64 `json:"prison_max_years" validate:"omitempty,gte=0,lte=100" extensions:"x-nullable" format:"double" example:"20"`
	// Minimum fine; null when the source gives none.
	FineMin *float64 `json:"fine_min" validate:"omitempty,gte=0" extensions:"x-nullable" format:"double" example:"50000"`
	// Maximum fine; null when the source gives none.
	FineMax *float64 `json:"fine_max" validate:"omitempty,gte=0" extensions:"x-nullable" format:"double" example:"100000"`
	// ISO 4217 code of the fine; empty when the source names no fine (it may be given for a fine of unstated amount).
	Currency string `json:"currency" validate:"omitempty,iso4217" example:"NPR"`
	// The maximum is life imprisonment or death.
	LifeOrDeath bool `json:"life_or_death" example:"false"`
	// The law sets the fine per victim.
	PerVictim bool `json:"per_victim" example:"false"`
	// Slug of the source it is read from; it must exist.
	Source string `json:"source" validate:"required,slug" example:"us-dos-2024-tip-nepal"`
	// Where in the source.
	Locator string `json:"locator" validate:"max=300" example:"Nepal narrative, PROSECUTION, para 1"`
	// Anything a reader should know (scope, aggravated forms), in our words.
	Note string `json:"note" validate:"max=2000" example:""`
}

// Enforcement is one year's enforcement figures from one source.
//
//	@Description	One reporting year's enforcement figures from one source: investigations, prosecutions, convictions and victims identified, each null where the source gives none (unknown, not zero), what they count and their scope, and the place in the source.
type Enforcement struct {
	// The reporting period as the source defines it: a year (2023) or dates (2022-07-16/2023-07-15).
	Period string `json:"period" validate:"required,notblank,max=300" example:"2023"`
	// The calendar year the period ends in; null when the source does not date the period.
	Year *int `json:"year" validate:"omitempty,gte=1990,lte=2100" extensions:"x-nullable" example:"2023"`
	// Investigations; null when the source gives none.
	Investigations *int64 `json:"investigations" validate:"omitempty,gte=0" extensions:"x-nullable" example:"131"`
	// Prosecutions; null when the source gives none.
	Prosecutions *int64 `json:"prosecutions" validate:"omitempty,gte=0" extensions:"x-nullable" example:"45"`
	// Convictions; null when the source gives none.
	Convictions *int64 `json:"convictions" validate:"omitempty,gte=0" extensions:"x-nullable" example:"176"`
	// Victims identified; null when the source gives none.
	VictimsIdentified *int64 `json:"victims_identified" validate:"omitempty,gte=0" extensions:"x-nullable" example:"240"`
	// What investigations and prosecutions count: cases, persons or mixed; empty when the source does not say.
	Unit string `json:"unit" validate:"omitempty,oneof=cases persons mixed" enums:",cases,persons,mixed" example:"cases"`
	// What the figures cover (all forms of trafficking, sex trafficking only, ...).
	Scope string `json:"scope" validate:"max=300" example:"all forms of trafficking"`
	// Slug of the source; it must exist.
	Source string `json:"source" validate:"required,slug" example:"us-dos-2024-tip-nepal"`
	// Where in the source.
	Locator string `json:"locator" validate:"max=300" example:"Nepal narrative, PROSECUTION, para 2"`
	// Anything a reader should know, in our words.
	Note string `json:"note" validate:"max=2000" example:"investigations involved 321 suspects"`
}

// Ratification is a country's standing with one instrument.
//
//	@Description	A country's standing with one instrument (accession counts as ratification, said in the note), with the date where the source gives it, and the place in the source.
type Ratification struct {
	// palermo-protocol, ilo-c029, ilo-p029, ilo-c105, ilo-c181 or ilo-c189.
	Instrument string `json:"instrument" validate:"required,oneof=palermo-protocol ilo-c029 ilo-p029 ilo-c105 ilo-c181 ilo-c189" enums:"palermo-protocol,ilo-c029,ilo-p029,ilo-c105,ilo-c181,ilo-c189" example:"ilo-c029"`
	// ratified or not-ratified.
	Status string `json:"status" validate:"required,oneof=ratified not-ratified" enums:"ratified,not-ratified" example:"ratified"`
	// Date of ratification or accession (YYYY-MM-DD); null when the source gives none.
	Date *string `json:"date" validate:"omitempty,datetime=2006-01-02" extensions:"x-nullable" example:"2002-03-03"`
	// Slug of the source; it must exist.
	Source string `json:"source" validate:"required,slug" example:"ilo-normlex-nepal"`
	// Where in the source.
	Locator string `json:"locator" validate:"max=300" example:"Ratifications for Nepal, Fundamental Conventions"`
	// Anything a reader should know (accession, a declaration), in our words.
	Note string `json:"note" validate:"max=2000" example:""`
}

// Country is a country's law, enforcement and ratifications, as content.
//
//	@Description	A country, by its ISO 3166-1 alpha-2 code: its name and UN M49 region (from CLDR), its publication status (drafts are seen by editors only), a summary of its law, its statutory penalties for trafficking for sexual exploitation and for forced labour, its enforcement figures by year and its ratifications of the main instruments; every figure cites a source and place, and a figure no source gives is null (unknown), never 0.
type Country struct {
	// Id of the country; it never changes.
	ID int64 `json:"id" example:"1"`
	// ISO 3166-1 alpha-2 code, in capitals; unique. The country's path key.
	ISO string `json:"iso" example:"NP"`
	// English name (CLDR, read-only).
	Name string `json:"name" example:"Nepal"`
	// UN M49 continent (read-only).
	Region Region `json:"region"`
	// UN M49 sub-region (read-only).
	Subregion Region `json:"subregion"`
	// Publication status: only published countries exist below the editor role.
	Status string `json:"status" enums:"draft,published,archived" example:"published"`
	// The main trafficking law(s) and their known gaps, in our words.
	Summary string `json:"summary" example:"The Human Trafficking and Transportation (Control) Act 2007 criminalises sex and labour trafficking."`
	// Statutory penalties, one per offence and instrument.
	Penalties []Penalty `json:"penalties"`
	// Enforcement figures, one per reporting year and source, oldest first.
	Enforcement []Enforcement `json:"enforcement"`
	// Ratifications of the main instruments.
	Ratifications []Ratification `json:"ratifications"`
	// When the country was created (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-12-07T12:00:00Z"`
	// When it last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at" format:"date-time" example:"2026-12-07T12:00:00Z"`
	// Version: 1 when created, +1 on every change. Send it back (or the ETag as If-Match) to update.
	Version int64 `json:"version" example:"1"`
}

// CountryInput is what a client writes to create or replace a country. name, region and subregion
// are derived from the code: echoed back from a GET they are accepted and ignored.
//
//	@Description	A country as a client writes it: its ISO 3166-1 alpha-2 code, its status (draft by default on create, kept on a replacement without it), a summary, and its penalties, enforcement figures and ratifications, each citing an existing source by slug with a locator. Unknown figures are null, never 0. Read-only fields echoed back from a GET (id, name, region, subregion, created_at, updated_at) are accepted and ignored.
type CountryInput struct {
	// ISO 3166-1 alpha-2 code in capitals; an unknown code is 422.
	ISO string `json:"iso" validate:"required,country" example:"NP"`
	// Status defaults to draft for a country created through the API (published for one in a
	// bundle that does not say, as bundles before statuses held only published countries); a
	// replacement without it keeps the current one.
	Status string `json:"status,omitempty" validate:"omitempty,oneof=draft published archived" enums:"draft,published,archived" example:"published"`
	// The main trafficking law(s) and their known gaps, in our words.
	Summary string `json:"summary" validate:"max=4000" example:"The Human Trafficking and Transportation (Control) Act 2007 criminalises sex and labour trafficking."`
	// Statutory penalties, at most 50.
	Penalties []Penalty `json:"penalties" validate:"max=50,dive"`
	// Enforcement figures, at most 60.
	Enforcement []Enforcement `json:"enforcement" validate:"max=60,dive"`
	// Ratifications, at most 30.
	Ratifications []Ratification `json:"ratifications" validate:"max=30,dive"`
	// Version is the version the client read; it is the precondition of a PUT or PATCH when no
	// If-Match header is sent. Ignored on create.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	// Read-only fields of a GET, accepted and ignored.
	Name      *string `json:"name,omitempty" swaggerignore:"true"`
	Region    *Region `json:"region,omitempty" swaggerignore:"true"`
	Subregion *Region `json:"subregion,omitempty" swaggerignore:"true"`
	ReadOnly
}

// Validate checks every field and reports all that are bad: the tags' rules, and what they cannot
// say: a minimum above its maximum, a maximum with life or death, a fine without its currency, an
// instrument's standing recorded twice, a dated period whose year is not the year given.
func (in *CountryInput) Validate() error {
	err := check(in)
	var fields []FieldError
	bad := func(field, msg string) { fields = append(fields, FieldError{Field: field, Message: msg}) }
	for i, p := range in.Penalties {
		at := fmt.Sprintf("penalties/%d/", i)
		if p.PrisonMinYears != nil && p.PrisonMaxYears != nil && *p.PrisonMinYears > *p.PrisonMaxYears {
			bad(at+"prison_max_years", "must be at least prison_min_years")
		}
		if p.FineMin != nil && p.FineMax != nil && *p.FineMin > *p.FineMax {
			bad(at+"fine_max", "must be at least fine_min")
		}
		if p.LifeOrDeath && p.PrisonMaxYears != nil {
			bad(at+"prison_max_years", "a maximum of life or death has no term in years: leave prison_max_years null")
		}
		if (p.FineMin != nil || p.FineMax != nil) && p.Currency == "" {
			bad(at+"currency", "a fine needs its ISO 4217 currency code")
		}
		if p.PerVictim && p.FineMin == nil && p.FineMax == nil {
			bad(at+"per_victim", "only a fine can be set per victim: give the fine, or leave per_victim false")
		}
	}
	for i, e := range in.Enforcement {
		if e.Year != nil && strings.Trim(e.Period, "0123456789-/") == "" && !strings.Contains(e.Period, fmt.Sprint(*e.Year)) {
			bad(fmt.Sprintf("enforcement/%d/year", i), "must be the calendar year the period ends in, which the period names")
		}
	}
	seen := map[string]int{}
	for i, r := range in.Ratifications {
		if j, ok := seen[r.Instrument]; ok && r.Instrument != "" {
			bad(fmt.Sprintf("ratifications/%d/instrument", i), fmt.Sprintf("%s is also ratifications/%d: record each instrument once", r.Instrument, j))
			continue
		}
		seen[r.Instrument] = i
		if r.Status == "not-ratified" && r.Date != nil {
			bad(fmt.Sprintf("ratifications/%d/date", i), "an instrument not ratified has no date of ratification: leave date null")
		}
	}
	if len(fields) > 0 {
		return appendField(err, fields...)
	}
	return err
}

// CitationRefs lists every source the input names, with its JSON pointer.
func (in *CountryInput) CitationRefs() []CitationRef {
	var out []CitationRef
	for i, p := range in.Penalties {
		out = append(out, CitationRef{Pointer: fmt.Sprintf("penalties/%d/source", i), Source: p.Source})
	}
	for i, e := range in.Enforcement {
		out = append(out, CitationRef{Pointer: fmt.Sprintf("enforcement/%d/source", i), Source: e.Source})
	}
	for i, r := range in.Ratifications {
		out = append(out, CitationRef{Pointer: fmt.Sprintf("ratifications/%d/source", i), Source: r.Source})
	}
	return out
}

// Chains lists the chains the input's penalties name, once each.
func (in *CountryInput) Chains() []string {
	var out []string
	for _, p := range in.Penalties {
		if !slices.Contains(out, p.Chain) {
			out = append(out, p.Chain)
		}
	}
	return out
}

// CountryFilter selects countries in a list.
type CountryFilter struct {
	Page
	Region string // M49 code of the continent or sub-region
	Status string // "", or one status; below editor only published countries ever match
	Q      string // text in the code or summary
}
