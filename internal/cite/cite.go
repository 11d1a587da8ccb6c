// Package cite writes citations in the three formats that reference managers read: CSL-JSON (the
// Citation Style Language's input, read by Zotero, Mendeley, pandoc), BibTeX and RIS. One
// citation is a CSL item (Item); BibTeX and RIS are written from it, so the three say the same.
package cite

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"chainkb/models"
)

// The media types of the three formats.
const (
	MediaCSL    = "application/vnd.citationstyles.csl+json"
	MediaBibTeX = "application/x-bibtex"
	MediaRIS    = "application/x-research-info-systems"
)

// Formats are the names ?format= takes, and their media types.
var Formats = map[string]string{"csl-json": MediaCSL, "bibtex": MediaBibTeX, "ris": MediaRIS}

// Title is what a release of the knowledge base is called in a citation.
const Title = "chainkb: a knowledge base of interventions against sex trafficking and forced labour"

// Editors is the author of a release: the editors as a body, never a person it would invent.
const Editors = "chainkb editors"

// Item is one citation in CSL-JSON, the variables of the CSL 1.0.2 schema (csl-data.json) that
// chainkb fills.
//
//	@Description	A citation in CSL-JSON (CSL 1.0.2's csl-data.json): what reference managers import.
type Item struct {
	// The citation's key.
	ID string `json:"id" example:"chainkb-2026.12.0"`
	// The CSL type: dataset, article-journal, article-newspaper, report, legislation or document.
	Type string `json:"type" example:"dataset"`
	// The title.
	Title string `json:"title" example:"chainkb: a knowledge base of interventions against sex trafficking and forced labour"`
	// The authors: a person as family and given names, a body as a literal name.
	Author []Name `json:"author,omitempty"`
	// When it was issued.
	Issued *DateParts `json:"issued,omitempty"`
	// When it was accessed.
	Accessed *DateParts `json:"accessed,omitempty"`
	// The journal, newspaper, publisher's series or institution it appeared in.
	ContainerTitle string `json:"container-title,omitempty" example:"International Labour Office"`
	// The publisher.
	Publisher string `json:"publisher,omitempty" example:"chainkb"`
	// The version (a release's).
	Version string `json:"version,omitempty" example:"2026.12.0"`
	// The DOI, without https://doi.org/.
	DOI string `json:"DOI,omitempty" example:"10.1234/example"`
	// The URL.
	URL string `json:"URL,omitempty" example:"https://kb.example.org/api/v1/releases/2026.12.0/export"`
	// The language (BCP 47).
	Language string `json:"language,omitempty" example:"en"`
	// A note (a release's digest).
	Note string `json:"note,omitempty" example:"SHA-256 of the bundle: 9f86d08..."`
}

// Name is an author in CSL-JSON.
//
//	@Description	An author in CSL-JSON: family and given names for a person, literal for a body.
type Name struct {
	// Family name.
	Family string `json:"family,omitempty" example:"Kara"`
	// Given names.
	Given string `json:"given,omitempty" example:"Siddharth"`
	// A body's name, as it is.
	Literal string `json:"literal,omitempty" example:"chainkb editors"`
}

// DateParts is a date in CSL-JSON: date-parts, one [year, month, day] (month and day optional).
//
//	@Description	A date in CSL-JSON: date-parts holds one [year, month, day], month and day optional.
type DateParts struct {
	// [[year, month, day]].
	DateParts [][]int `json:"date-parts"`
}

func ymd(t time.Time) *DateParts {
	return &DateParts{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
}

// Release is a release's citation; base is the service's URL (https://host), for the release's
// address.
func Release(rel models.Release, base string) Item {
	return Item{ID: "chainkb-" + rel.Version, Type: "dataset", Title: Title,
		Author: []Name{{Literal: Editors}}, Issued: ymd(rel.CreatedAt.UTC()), Publisher: "chainkb",
		Version: rel.Version, URL: base + "/api/v1/releases/" + rel.Version + "/export",
		Note: "Release " + rel.Version + "; SHA-256 of its bundle: " + strings.TrimPrefix(rel.Digest, "sha256:")}
}

// sourceTypes maps a source's type to CSL's.
var sourceTypes = map[string]string{
	"peer-reviewed": "article-journal", "news": "article-newspaper", "grey": "report",
	"primary-official": "report", "primary-author": "document", "secondary": "document",
	"legal-instrument": "legislation",
}

// Source is a source's citation.
func Source(s *models.SourceInput) Item {
	it := Item{ID: s.Slug, Type: sourceTypes[s.Type], Title: s.Title, ContainerTitle: s.Container,
		DOI: s.DOI, URL: s.URL, Language: s.Language}
	if it.Type == "" {
		it.Type = "document"
	}
	for _, a := range s.Authors {
		it.Author = append(it.Author, name(a))
	}
	if s.Year != nil {
		it.Issued = &DateParts{DateParts: [][]int{{*s.Year}}}
	}
	if s.AccessedOn != nil {
		it.Accessed = ymd(s.AccessedOn.Time)
	}
	return it
}

// name reads an author as the knowledge base writes them: "Family, Given" for a person (one
// comma, a few words on each side), anything else a body's name, kept whole.
func name(a string) Name {
	family, given, ok := strings.Cut(a, ", ")
	if ok && personal(family) && personal(given) && !strings.Contains(given, ",") {
		return Name{Family: family, Given: given}
	}
	return Name{Literal: a}
}

// personal reports whether s may be a person's family or given names: one to three words, each
// a capitalised name or an initial, with no "and" and no brackets.
func personal(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 3 {
		return false
	}
	for _, w := range words {
		r := []rune(w)
		if strings.ContainsAny(w, "()[]&0123456789") || !unicode.IsUpper(r[0]) {
			return false
		}
	}
	return true
}

// BibTeX writes items as BibTeX entries.
func BibTeX(items []Item) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString("\n")
		}
		typ, fields := "misc", [][2]string{}
		add := func(k, v string) {
			if v != "" {
				fields = append(fields, [2]string{k, v})
			}
		}
		switch {
		case it.Type == "article-journal" || it.Type == "article-newspaper":
			if it.ContainerTitle != "" {
				typ = "article"
				add("journal", bibEscape(it.ContainerTitle))
			}
		case it.Type == "report" && it.ContainerTitle != "":
			typ = "techreport"
			add("institution", bibEscape(it.ContainerTitle))
		}
		var names []string
		for _, n := range it.Author {
			if n.Literal != "" {
				names = append(names, "{"+bibEscape(n.Literal)+"}")
			} else {
				// Braced, so that nothing in them reads as " and " between two names.
				names = append(names, "{"+bibEscape(n.Family)+"}, {"+bibEscape(n.Given)+"}")
			}
		}
		add("author", strings.Join(names, " and "))
		add("title", "{"+bibEscape(it.Title)+"}")
		if typ == "misc" {
			add("howpublished", bibEscape(it.ContainerTitle))
		}
		add("publisher", bibEscape(it.Publisher))
		if it.Issued != nil && len(it.Issued.DateParts) == 1 {
			p := it.Issued.DateParts[0]
			add("year", strconv.Itoa(p[0]))
			if len(p) > 1 {
				add("month", strconv.Itoa(p[1]))
			}
		}
		add("version", bibEscape(it.Version))
		add("doi", bibVerbatim(it.DOI))
		add("url", bibVerbatim(it.URL))
		if it.Accessed != nil {
			p := it.Accessed.DateParts[0]
			add("urldate", fmt.Sprintf("%04d-%02d-%02d", p[0], p[1], p[2]))
		}
		add("language", bibEscape(it.Language))
		add("note", bibEscape(it.Note))
		fmt.Fprintf(&b, "@%s{%s,\n", typ, bibKey(it.ID))
		for j, f := range fields {
			fmt.Fprintf(&b, "  %s = {%s}", f[0], f[1])
			if j < len(fields)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// bibKey is a citation key: letters, digits and - _ . : only.
func bibKey(id string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)) {
			return r
		}
		return '_'
	}, id)
}

// bibEscape escapes the characters that TeX reads as commands, so that a field says what the
// text says: \ { } & % $ # _ ^ ~.
func bibEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '{', '}', '&', '%', '$', '#', '_':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '^':
			b.WriteString(`\^{}`)
		case '~':
			b.WriteString(`\~{}`)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// bibVerbatim is a URL or DOI as BibTeX's url field takes it (verbatim): only braces, which
// would end the field, are percent-encoded.
func bibVerbatim(s string) string {
	return strings.NewReplacer("{", "%7B", "}", "%7D", "\n", "", "\r", "").Replace(s)
}

// risTypes maps CSL types to RIS's.
var risTypes = map[string]string{"dataset": "DATA", "article-journal": "JOUR", "article-newspaper": "NEWS",
	"report": "RPRT", "legislation": "STAT", "document": "GEN"}

// RIS writes items as RIS records: each line a two-character tag, two spaces, a hyphen and a
// space, then the value; each record from TY to ER; lines end with CRLF.
func RIS(items []Item) string {
	var b strings.Builder
	line := func(tag, v string) {
		v = strings.Join(strings.Fields(v), " ")
		if v != "" || tag == "ER" {
			b.WriteString(tag + "  - " + v + "\r\n")
		}
	}
	for _, it := range items {
		typ := risTypes[it.Type]
		if typ == "" {
			typ = "GEN"
		}
		line("TY", typ)
		line("ID", it.ID)
		for _, n := range it.Author {
			if n.Literal != "" {
				line("AU", n.Literal)
			} else {
				line("AU", n.Family+", "+n.Given)
			}
		}
		line("TI", it.Title)
		line("T2", it.ContainerTitle)
		line("PB", it.Publisher)
		if it.Issued != nil {
			p := it.Issued.DateParts[0]
			line("PY", strconv.Itoa(p[0]))
			if len(p) == 3 {
				line("DA", fmt.Sprintf("%04d/%02d/%02d/", p[0], p[1], p[2]))
			}
		}
		line("ET", it.Version)
		line("DO", it.DOI)
		line("UR", it.URL)
		if it.Accessed != nil {
			p := it.Accessed.DateParts[0]
			line("Y2", fmt.Sprintf("%04d/%02d/%02d/", p[0], p[1], p[2]))
		}
		line("LA", it.Language)
		line("N1", it.Note)
		line("ER", "")
	}
	return b.String()
}
