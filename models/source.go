package models

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"chainkb/internal/search"
)

// The types of source, from the most to the least direct.
const (
	SourcePrimaryOfficial = "primary-official" // governments, UN bodies, courts: their own reports and data
	SourcePrimaryAuthor   = "primary-author"   // Kara's own books, articles and interviews
	SourcePeerReviewed    = "peer-reviewed"
	SourceGrey            = "grey" // NGO and think-tank reports
	SourceNews            = "news"
	SourceSecondary       = "secondary" // blogs, reviews, encyclopaedias
	SourceLegal           = "legal-instrument"
)

// SourceTypes lists the types of source in the order above.
var SourceTypes = []string{SourcePrimaryOfficial, SourcePrimaryAuthor, SourcePeerReviewed, SourceGrey, SourceNews, SourceSecondary, SourceLegal}

// Source is one work in the bibliography: a book, article, report, web page or legal instrument.
// Citations name it by slug, so each work is described once.
//
//	@Description	One work in the bibliography (a book, article, report, page or legal instrument), cited by slug from chains, stages, tags, tactics and parameters.
type Source struct {
	// Id of the source; it never changes.
	ID int64 `json:"id" example:"3"`
	// Slug that citations use.
	Slug string `json:"slug" example:"kara-2009-sex-trafficking"`
	// Authors: people as "Family, Given", organisations by name.
	Authors []string `json:"authors" example:"Kara, Siddharth"`
	// Year of publication, or null when unknown.
	Year *int `json:"year" extensions:"x-nullable" example:"2009"`
	// Title of the work.
	Title string `json:"title" example:"Sex Trafficking: Inside the Business of Modern Slavery"`
	// Where it appeared: journal, publisher or site.
	Container string `json:"container" example:"Columbia University Press"`
	// DOI without the resolver prefix, or empty.
	DOI string `json:"doi" example:""`
	// Where it can be read: an http(s) URL, or empty.
	URL string `json:"url" example:"https://cup.columbia.edu/book/sex-trafficking/9780231139601"`
	// An archived copy: an http(s) URL, or empty.
	ArchivedURL string `json:"archived_url" example:""`
	// When the URL was last read (YYYY-MM-DD), or null.
	AccessedOn *Date `json:"accessed_on" swaggertype:"string" format:"date" extensions:"x-nullable" example:"2026-11-29"`
	// What kind of source it is.
	Type string `json:"type" enums:"primary-official,primary-author,peer-reviewed,grey,news,secondary,legal-instrument" example:"primary-author"`
	// Language of the work (BCP 47, e.g. en).
	Language string `json:"language" example:"en"`
	// What an editor read of the work, when and who: the record that makes a source verified.
	Check SourceCheck `json:"check"`
	// Read-only, derived from check: check.on when the reading is full-text or excerpt, else null
	// (not verified).
	Verified *Date `json:"verified" swaggertype:"string" format:"date" extensions:"x-nullable" example:"2026-12-07"`
	// Notes for editors: what was checked, and how.
	Note string `json:"note" example:"Cells of the p. 202 table not transcribed."`
	// Where the source is cited; only on a GET of one source.
	CitedBy []SourceUse `json:"cited_by,omitempty" extensions:"x-omitempty"`
	// When the source was created (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When the source last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// Version: 1 when created, +1 on every change.
	Version int64 `json:"version" example:"1"`
}

// SourceUse is one object that cites a source.
//
//	@Description	One object that cites a source.
type SourceUse struct {
	// What kind of object cites the source.
	Entity Entity `json:"entity" example:"tactic"`
	// Its id.
	ID int64 `json:"id" example:"7"`
	// Its slug or code, as it is addressed.
	Key string `json:"key" example:"ST-R-R01"`
	// Its name or title.
	Title string `json:"title" example:"Confiscate exploiters' assets"`
}

// SourceInput is what a client writes to create or replace a source.
//
//	@Description	A source as a client writes it.
type SourceInput struct {
	// Slug that citations use.
	Slug string `json:"slug" validate:"required,slug" example:"ilo-2024-profits"`
	// Authors: people as "Family, Given", organisations by name; at most 30.
	Authors []string `json:"authors" validate:"max=30,dive,max=200,notblank" example:"International Labour Organization"`
	// Year of publication, or null when unknown.
	Year *int `json:"year" validate:"omitempty,gte=1000,lte=2100" extensions:"x-nullable" example:"2024"`
	// Title of the work.
	Title string `json:"title" validate:"required,max=500,notblank" example:"Profits and poverty: the economics of forced labour"`
	// Where it appeared: journal, publisher or site.
	Container string `json:"container" validate:"max=300" example:"International Labour Office"`
	// DOI without the resolver prefix, or empty.
	DOI string `json:"doi" validate:"omitempty,max=200,doi" example:""`
	// Where it can be read: an absolute http(s) URL, or empty.
	URL string `json:"url" validate:"omitempty,max=2000,http_url" example:"https://www.ilo.org/publications/major-publications/profits-and-poverty-economics-forced-labour"`
	// An archived copy: an absolute http(s) URL, or empty.
	ArchivedURL string `json:"archived_url" validate:"omitempty,max=2000,http_url" example:""`
	// When the URL was last read (YYYY-MM-DD), or null.
	AccessedOn *Date `json:"accessed_on" swaggertype:"string" format:"date" extensions:"x-nullable" example:"2026-11-29"`
	// What kind of source it is.
	Type string `json:"type" validate:"required,oneof=primary-official primary-author peer-reviewed grey news secondary legal-instrument" enums:"primary-official,primary-author,peer-reviewed,grey,news,secondary,legal-instrument" example:"primary-official"`
	// Language of the work (BCP 47, e.g. en); en when left out.
	Language string `json:"language" validate:"omitempty,max=35,bcp47_language_tag" example:"en"`
	// What an editor read of the work, when and who; null or left out: not read.
	Check *SourceCheck `json:"check" extensions:"x-nullable"`
	// Read-only, derived from check; accepted from older clients and bundles. Ignored when check
	// is given. Alone, a date is recorded as a claim whose reading is unknown: check becomes
	// not-read with the date in its passage, and the source does not count as verified.
	Verified *Date `json:"verified" swaggertype:"string" format:"date" extensions:"x-nullable" example:"2026-12-07"`
	// Notes for editors.
	Note string `json:"note" validate:"max=2000" example:""`
	// Version is the version the client read: the precondition of a PUT or PATCH without If-Match.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	// Server-owned on read; ignored on write.
	CitedBy any `json:"cited_by,omitempty" swaggerignore:"true"`
	ReadOnly
}

// Validate checks every field and reports all that are bad, as of now.
func (in *SourceInput) Validate() error { return in.ValidateAt(time.Now()) }

// ValidateAt checks every field and reports all that are bad; now is the clock that a check's
// date must not be after.
func (in *SourceInput) ValidateAt(now time.Time) error {
	fields := checkFields(in)
	if in.Check != nil {
		fields = append(fields, in.Check.fields("check/", now)...)
	}
	if len(fields) == 0 {
		return nil
	}
	return Invalid(fields...)
}

// CheckOf is the check that a source input records: its check when it has one; else, for a
// legacy verified date (a client or bundle from before check records), a not-read check whose
// passage keeps the date, because nothing says what was read; else not read.
func (in *SourceInput) CheckOf() SourceCheck {
	switch {
	case in.Check != nil:
		return *in.Check
	case in.Verified != nil:
		return SourceCheck{Reading: ReadingNotRead, Passage: fmt.Sprintf(LegacyVerifiedPassage, in.Verified.String())}
	}
	return SourceCheck{Reading: ReadingNotRead}
}

// LegacyVerifiedPassage is the passage of the check made from a bare verified date (%s).
const LegacyVerifiedPassage = "A verified date (%s) was given without a check record, so what was read, and by whom, is unknown; the source does not count as verified until an editor records a check."

// The readings of a source, from the most to the least direct. Only full-text and excerpt make a
// source verified: an abstract or somebody else's summary is not the source.
const (
	ReadingFullText       = "full-text"        // the whole work
	ReadingExcerpt        = "excerpt"          // the passage the citations rely on
	ReadingAbstract       = "abstract"         // the work's abstract, summary, opening or press release only
	ReadingSummaryByOther = "summary-by-other" // a third party's reproduction or summary, not the work
	ReadingNotRead        = "not-read"
)

// Readings lists the readings in the order above.
var Readings = []string{ReadingFullText, ReadingExcerpt, ReadingAbstract, ReadingSummaryByOther, ReadingNotRead}

// Verifies reports whether a reading makes a source verified.
func Verifies(reading string) bool { return reading == ReadingFullText || reading == ReadingExcerpt }

// SourceCheck records what an editor read of a source, when and who. A source is verified only
// when the whole work or the cited passage was read: its verified date is then the check's date.
//
//	@Description	What an editor read of a source, when and who. full-text or excerpt (the cited passage) make the source verified; abstract, summary-by-other (a third party's reproduction or summary) and not-read do not.
type SourceCheck struct {
	// What was read: full-text, excerpt (the passage the citations rely on), abstract (or summary, opening, press release), summary-by-other (a third party's reproduction or summary) or not-read.
	Reading string `json:"reading" validate:"required,oneof=full-text excerpt abstract summary-by-other not-read" enums:"full-text,excerpt,abstract,summary-by-other,not-read" example:"excerpt"`
	// When it was read (YYYY-MM-DD, not in the future); required unless not-read.
	On *Date `json:"on" swaggertype:"string" format:"date" extensions:"x-nullable" example:"2026-12-07"`
	// Who read it: an editor's name; required unless not-read.
	By string `json:"by" validate:"max=200,nocontrol" example:"chainkb editors (2026-12-07 session)"`
	// What exactly was read: the URL of the copy read, and the pages or section.
	Passage string `json:"passage" validate:"max=2000" example:"https://www.marketplace.org/2009/01/05/laws-do-little-curtail-sex-slavery/ (whole transcript)"`
}

// Verified is the date the check makes the source verified on: its date for a full-text or
// excerpt reading, else nil.
func (c SourceCheck) Verified() *Date {
	if !Verifies(c.Reading) || c.On == nil {
		return nil
	}
	d := *c.On
	return &d
}

// fields reports the rules of a check that its tags cannot say: a date not in the future (a day
// of slack, for the editors whose day starts before UTC's), and a date and a reader unless not
// read. prefix is the check's JSON pointer in the input.
func (c SourceCheck) fields(prefix string, now time.Time) []FieldError {
	var out []FieldError
	latest := now.UTC().Add(14 * time.Hour).Format(DateLayout) // UTC+14 is the earliest day on Earth
	if c.On != nil && c.On.String() > latest {
		out = append(out, FieldError{Field: prefix + "on", Message: "must not be in the future"})
	}
	if c.Reading != ReadingNotRead && slices.Contains(Readings, c.Reading) { // an unknown reading is its own fault
		if c.On == nil {
			out = append(out, FieldError{Field: prefix + "on", Message: "is required: when was it read?"})
		}
		if strings.TrimSpace(c.By) == "" {
			out = append(out, FieldError{Field: prefix + "by", Message: "is required: who read it?"})
		}
	}
	return out
}

// SourceFilter selects sources in a list.
type SourceFilter struct {
	Page
	Type     string   // "", or one source type
	YearFrom int      // 0: no lower bound
	YearTo   int      // 0: no upper bound
	Q        string   // text in title, authors or container, in the search query language
	Readings []string // none, or the check readings to keep
	Verified *bool    // nil, or whether the source is verified (read in full or the cited passage)
	// Parsed is Q parsed, by the caller that checked it (the handler), so that it is parsed once;
	// nil: the store parses Q.
	Parsed *search.Query
}
