package models

import (
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
	// The date its text was checked against the claims that cite it, or null: not verified.
	Verified *Date `json:"verified" swaggertype:"string" format:"date" extensions:"x-nullable" example:"2026-11-29"`
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
	// The date its text was checked against the claims that cite it, or null: not verified.
	Verified *Date `json:"verified" swaggertype:"string" format:"date" extensions:"x-nullable" example:"2026-11-29"`
	// Notes for editors.
	Note string `json:"note" validate:"max=2000" example:""`
	// Version is the version the client read: the precondition of a PUT or PATCH without If-Match.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	// Server-owned on read; ignored on write.
	CitedBy any `json:"cited_by,omitempty" swaggerignore:"true"`
	ReadOnly
}

// Validate checks every field and reports all that are bad.
func (in *SourceInput) Validate() error { return check(in) }

// SourceFilter selects sources in a list.
type SourceFilter struct {
	Page
	Type     string // "", or one source type
	YearFrom int    // 0: no lower bound
	YearTo   int    // 0: no upper bound
	Q        string // text in title, authors or container, in the search query language
	// Parsed is Q parsed, by the caller that checked it (the handler), so that it is parsed once;
	// nil: the store parses Q.
	Parsed *search.Query
}
