package models

import (
	"strconv"
	"strings"
)

// What a citation says about the claim it is attached to.
const (
	SupportsSupports    = "supports"
	SupportsContradicts = "contradicts"
	SupportsContext     = "context"
)

// MaxQuoteWords is the length limit of a quotation: quotations stay short, and everything else
// is in our own words.
const MaxQuoteWords = 40

// Citation points from a claim to a source: which source, where in it, and whether it supports the
// claim. A quotation is marked as such by being in Quote; a paraphrase has none.
//
//	@Description	A pointer from a claim to a source: which source (by slug), where in it, an exact short quotation or none for a paraphrase, and whether it supports the claim.
type Citation struct {
	// Slug of the source; it must exist.
	Source string `json:"source" validate:"required,slug" example:"kara-2009-sex-trafficking"`
	// Where in the source: page, chapter, section or article; empty when none is known.
	Locator string `json:"locator" validate:"max=100" example:"p. 202"`
	// An exact quotation of at most 40 words, or absent for a paraphrase.
	Quote string `json:"quote,omitempty" validate:"max=400,words40" example:""`
	// What the source says about the claim.
	Supports string `json:"supports" validate:"required,oneof=supports contradicts context" enums:"supports,contradicts,context" example:"supports"`
}

// CountWords counts the words of s as a reader would: runs of non-space characters.
func CountWords(s string) int { return len(strings.Fields(s)) }

// CitedSources returns the source slugs that a list of citations names, in order, once each.
func CitedSources(cs ...[]Citation) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range cs {
		for _, c := range list {
			if !seen[c.Source] {
				seen[c.Source] = true
				out = append(out, c.Source)
			}
		}
	}
	return out
}

// CitationRef locates one citation inside an object, by JSON pointer, so that an unknown source
// can be reported at the field that names it.
type CitationRef struct {
	Pointer string // e.g. "citations/2/source" or "caveats/0/citations/1/source"
	Source  string
}

// CitationRefs lists every citation of a list under a JSON pointer prefix ("" or "caveats/0/").
func CitationRefs(prefix string, cs []Citation) []CitationRef {
	out := make([]CitationRef, 0, len(cs))
	for i, c := range cs {
		out = append(out, CitationRef{Pointer: prefix + "citations/" + strconv.Itoa(i) + "/source", Source: c.Source})
	}
	return out
}
