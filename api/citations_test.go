package api_test

// Citations (issue 28): a release's citation and the bibliography in CSL-JSON, BibTeX and RIS,
// each read back by a parser of its format. No Go BibTeX or RIS parser is served to this build
// (github.com/nickng/bibtex is not on the module proxy here, and Python's bibtexparser and rispy
// are not installable), so the two readers below are written from the formats' grammars: BibTeX's
// entries (@type{key, field = {braced} | "quoted" | number, ...} with balanced braces, as
// btparse reads them) and RIS's tagged lines ("XX  - value", a record from TY to ER). CSL-JSON is
// decoded strictly against the variables and types of CSL 1.0.2's csl-data.json.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"chainkb/internal/cite"
	"chainkb/models"
)

func init() {
	openapi3filter.RegisterBodyDecoder(cite.MediaCSL, openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder(cite.MediaBibTeX, openapi3filter.RegisteredBodyDecoder("text/plain"))
	openapi3filter.RegisterBodyDecoder(cite.MediaRIS, openapi3filter.RegisteredBodyDecoder("text/plain"))
}

// bibEntry is one BibTeX entry as read back.
type bibEntry struct {
	typ, key string
	fields   map[string]string
}

// parseBibTeX reads BibTeX: entries @type{key, name = value, ...}, a value {braced} (braces
// balanced, escapes \x kept as written), "quoted" or a number. It fails on anything else.
func parseBibTeX(src string) ([]bibEntry, error) {
	var out []bibEntry
	i := 0
	skip := func() {
		for i < len(src) && strings.ContainsRune(" \t\r\n", rune(src[i])) {
			i++
		}
	}
	ident := func() string {
		j := i
		for i < len(src) && (src[i] >= 'a' && src[i] <= 'z' || src[i] >= 'A' && src[i] <= 'Z' || src[i] >= '0' && src[i] <= '9' || strings.ContainsRune("-_.:", rune(src[i]))) {
			i++
		}
		return src[j:i]
	}
	for {
		skip()
		if i == len(src) {
			return out, nil
		}
		if src[i] != '@' {
			return nil, fmt.Errorf("at %d: %q, want @", i, src[i])
		}
		i++
		e := bibEntry{typ: strings.ToLower(ident()), fields: map[string]string{}}
		skip()
		if i >= len(src) || src[i] != '{' || e.typ == "" {
			return nil, fmt.Errorf("at %d: want {", i)
		}
		i++
		skip()
		if e.key = ident(); e.key == "" {
			return nil, fmt.Errorf("at %d: no key", i)
		}
		skip()
		for i < len(src) && src[i] == ',' {
			i++
			skip()
			if i < len(src) && src[i] == '}' {
				break
			}
			name := strings.ToLower(ident())
			skip()
			if name == "" || i >= len(src) || src[i] != '=' {
				return nil, fmt.Errorf("entry %s at %d: want name =", e.key, i)
			}
			i++
			skip()
			var val string
			switch {
			case i < len(src) && src[i] == '{':
				depth, j := 0, i
				for ; i < len(src); i++ {
					if src[i] == '\\' {
						i++
						continue
					}
					if src[i] == '{' {
						depth++
					} else if src[i] == '}' {
						if depth--; depth == 0 {
							break
						}
					}
				}
				if i >= len(src) {
					return nil, fmt.Errorf("entry %s: unbalanced braces in %s", e.key, name)
				}
				val = src[j+1 : i]
				i++
			case i < len(src) && src[i] == '"':
				j := strings.IndexByte(src[i+1:], '"')
				if j < 0 {
					return nil, fmt.Errorf("entry %s: unterminated quote", e.key)
				}
				val, i = src[i+1:i+1+j], i+2+j
			default:
				val = ident()
				if _, err := strconv.Atoi(val); err != nil {
					return nil, fmt.Errorf("entry %s: %s = %q is no value", e.key, name, val)
				}
			}
			if _, dup := e.fields[name]; dup {
				return nil, fmt.Errorf("entry %s: %s twice", e.key, name)
			}
			e.fields[name] = val
			skip()
		}
		if i >= len(src) || src[i] != '}' {
			return nil, fmt.Errorf("entry %s at %d: want }", e.key, i)
		}
		i++
		out = append(out, e)
	}
}

// unTeX reads back a field written with TeX's escapes, and the braces that protect a title or a
// body's name.
func unTeX(s string) string {
	s = strings.NewReplacer(`\textbackslash{}`, `\`, `\^{}`, `^`, `\~{}`, `~`, `\{`, "\x00", `\}`, "\x01",
		`\&`, `&`, `\%`, `%`, `\$`, `$`, `\#`, `#`, `\_`, `_`).Replace(s)
	s = strings.NewReplacer("{", "", "}", "").Replace(s)
	return strings.NewReplacer("\x00", "{", "\x01", "}").Replace(s)
}

// bibNames splits a BibTeX name list as BibTeX does: at " and " outside braces.
func bibNames(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			depth--
		case ' ':
			if depth == 0 && strings.HasPrefix(s[i:], " and ") {
				out = append(out, s[start:i])
				start = i + len(" and ")
				i += len(" and ") - 1
			}
		}
	}
	return append(out, s[start:])
}

var risLine = regexp.MustCompile(`^([A-Z][A-Z0-9])  - (.*)$`)

// parseRIS reads RIS: CRLF lines "XX  - value", records from TY to ER; tags repeat (AU).
func parseRIS(src string) ([]map[string][]string, error) {
	var out []map[string][]string
	var rec map[string][]string
	if !strings.HasSuffix(src, "\r\n") {
		return nil, fmt.Errorf("RIS does not end with CRLF")
	}
	for n, line := range strings.Split(strings.TrimSuffix(src, "\r\n"), "\r\n") {
		m := risLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("line %d %q is not a RIS tag line", n+1, line)
		}
		switch {
		case m[1] == "TY":
			if rec != nil {
				return nil, fmt.Errorf("line %d: TY inside a record", n+1)
			}
			rec = map[string][]string{"TY": {m[2]}}
		case rec == nil:
			return nil, fmt.Errorf("line %d: %s outside a record", n+1, m[1])
		case m[1] == "ER":
			out = append(out, rec)
			rec = nil
		default:
			rec[m[1]] = append(rec[m[1]], m[2])
		}
	}
	if rec != nil {
		return nil, fmt.Errorf("a record without ER")
	}
	return out, nil
}

// cslItem is a CSL-JSON item with the variables of csl-data.json that chainkb may write; decoding
// with unknown fields refused catches a variable the schema does not have.
type cslItem struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	Title          string    `json:"title"`
	Author         []cslName `json:"author"`
	Issued         *cslDate  `json:"issued"`
	Accessed       *cslDate  `json:"accessed"`
	ContainerTitle string    `json:"container-title"`
	Publisher      string    `json:"publisher"`
	Version        string    `json:"version"`
	DOI            string    `json:"DOI"`
	URL            string    `json:"URL"`
	Language       string    `json:"language"`
	Note           string    `json:"note"`
}
type cslName struct {
	Family  string `json:"family"`
	Given   string `json:"given"`
	Literal string `json:"literal"`
}
type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

// The item types of csl-data.json.
var cslTypes = strings.Fields(`article article-journal article-magazine article-newspaper bill book broadcast chapter classic collection dataset document entry entry-dictionary entry-encyclopedia figure graphic hearing interview legal_case legislation manuscript map motion_picture musical_score pamphlet paper-conference patent performance periodical personal_communication post post-weblog regulation report review review-book software song speech standard thesis treaty webpage`)

func parseCSL(body []byte) ([]cslItem, error) {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	var items []cslItem
	if err := dec.Decode(&items); err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.ID == "" || !slices.Contains(cslTypes, it.Type) {
			return nil, fmt.Errorf("item %+v: id and a CSL type are required", it)
		}
		for _, d := range []*cslDate{it.Issued, it.Accessed} {
			if d != nil && (len(d.DateParts) < 1 || len(d.DateParts) > 2 || len(d.DateParts[0]) < 1 || len(d.DateParts[0]) > 3) {
				return nil, fmt.Errorf("item %s: date-parts %v", it.ID, d.DateParts)
			}
		}
		for _, n := range it.Author {
			if (n.Literal == "") == (n.Family == "") {
				return nil, fmt.Errorf("item %s: a name is a literal or a family name: %+v", it.ID, n)
			}
		}
	}
	return items, nil
}

func TestReleaseCitation(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	anon := authAs(s, "anonymous")
	var rel models.Release
	s.do(t, "POST", "/api/v1/releases", obj{"version": "2026.12.0"}).mustStatus(t, http.StatusCreated).decode(t, &rel)
	base := "/api/v1/releases/2026.12.0/citation"

	csl := s.do(t, "GET", base, nil, anon...).mustStatus(t, 200)
	if !strings.HasPrefix(csl.Header.Get("Content-Type"), cite.MediaCSL) {
		t.Errorf("default Content-Type %q", csl.Header.Get("Content-Type"))
	}
	items, err := parseCSL(csl.Body)
	if err != nil || len(items) != 1 {
		t.Fatalf("CSL-JSON %s: %v", csl.Body, err)
	}
	it := items[0]
	if it.Type != "dataset" || it.Version != "2026.12.0" || len(it.Author) != 1 || it.Author[0].Literal != "chainkb editors" ||
		!strings.HasSuffix(it.URL, "/api/v1/releases/2026.12.0/export") || !strings.Contains(it.Note, strings.TrimPrefix(rel.Digest, "sha256:")) ||
		it.Issued.DateParts[0][0] != rel.CreatedAt.Year() {
		t.Errorf("CSL item %+v", it)
	}

	for _, how := range [][]string{{"?format=bibtex"}, {"", "Accept", "application/x-bibtex"}} {
		res := s.do(t, "GET", base+how[0], nil, append(anon, how[1:]...)...).mustStatus(t, 200)
		entries, err := parseBibTeX(string(res.Body))
		if err != nil || len(entries) != 1 {
			t.Fatalf("BibTeX %s: %v", res.Body, err)
		}
		e := entries[0]
		if e.typ != "misc" || e.key != "chainkb-2026.12.0" || unTeX(e.fields["author"]) != "chainkb editors" || unTeX(e.fields["title"]) != it.Title ||
			e.fields["version"] != "2026.12.0" || e.fields["year"] != strconv.Itoa(rel.CreatedAt.Year()) || e.fields["url"] != it.URL {
			t.Errorf("BibTeX entry %+v", e)
		}
	}
	for _, how := range [][]string{{"?format=ris"}, {"", "Accept", "application/x-research-info-systems"}} {
		res := s.do(t, "GET", base+how[0], nil, append(anon, how[1:]...)...).mustStatus(t, 200)
		recs, err := parseRIS(string(res.Body))
		if err != nil || len(recs) != 1 {
			t.Fatalf("RIS %q: %v", res.Body, err)
		}
		r := recs[0]
		if r["TY"][0] != "DATA" || !slices.Equal(r["AU"], []string{"chainkb editors"}) || r["TI"][0] != it.Title || r["ET"][0] != "2026.12.0" || r["UR"][0] != it.URL {
			t.Errorf("RIS record %v", r)
		}
	}
	// Accept application/json is CSL-JSON; one it cannot meet is 406; a bad format 400; an
	// unknown release 404.
	s.do(t, "GET", base, nil, append(anon, "Accept", "application/json")...).mustStatus(t, 200)
	if p := s.do(t, "GET", base, nil, append(anon, "Accept", "text/html")...).problem(t, http.StatusNotAcceptable); p.Code != "not_acceptable" {
		t.Errorf("406 code %q", p.Code)
	}
	s.do(t, "GET", base+"?format=endnote", nil, anon...).problem(t, http.StatusBadRequest)
	s.do(t, "GET", "/api/v1/releases/2099.1.1/citation", nil, anon...).problem(t, http.StatusNotFound)
}

// The bibliography in the three formats holds every source, each read back as it is.
func TestBibliography(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	anon := authAs(s, "anonymous")
	// A source whose title has every character TeX reads as a command, and a body with a comma.
	nasty := "Profits & losses: 100% of {braces}, $x_1^2$ ~ #1 \\ back"
	s.do(t, "POST", "/api/v1/sources", obj{"slug": "escape-test", "title": nasty, "type": "peer-reviewed", "container": "Journal of A & B",
		"authors": []string{"Doe, Jane", "Bundesministerium für Familie, Senioren, Frauen und Jugend"}, "year": 2021, "doi": "10.1234/ab_c%d"}).mustStatus(t, http.StatusCreated)

	var bundle struct {
		Sources []models.SourceInput `json:"sources"`
	}
	s.do(t, "GET", "/api/v1/export", nil, anon...).mustStatus(t, 200).decode(t, &bundle)
	want := map[string]models.SourceInput{}
	for _, src := range bundle.Sources {
		want[src.Slug] = src
	}
	if len(want) < 10 {
		t.Fatalf("%d sources", len(want))
	}
	yearOf := func(src models.SourceInput) string {
		if src.Year == nil {
			return ""
		}
		return strconv.Itoa(*src.Year)
	}

	// CSL-JSON.
	items, err := parseCSL(s.do(t, "GET", "/api/v1/sources?format=csl-json", nil, anon...).mustStatus(t, 200).Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(want) {
		t.Errorf("CSL-JSON has %d items, there are %d sources", len(items), len(want))
	}
	for _, it := range items {
		src := want[it.ID]
		if it.Title != src.Title || len(it.Author) != len(src.Authors) || it.DOI != src.DOI || it.URL != src.URL {
			t.Errorf("CSL item %+v is not source %+v", it, src)
		}
		if y := yearOf(src); (y == "") != (it.Issued == nil) || (y != "" && strconv.Itoa(it.Issued.DateParts[0][0]) != y) {
			t.Errorf("CSL item %s issued %v, year %s", it.ID, it.Issued, y)
		}
	}

	// BibTeX, by Accept.
	bib := s.do(t, "GET", "/api/v1/sources", nil, append(anon, "Accept", cite.MediaBibTeX)...).mustStatus(t, 200)
	entries, err := parseBibTeX(string(bib.Body))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("BibTeX has %d entries, there are %d sources", len(entries), len(want))
	}
	for _, e := range entries {
		src, ok := want[e.key]
		if !ok || unTeX(e.fields["title"]) != src.Title || e.fields["year"] != yearOf(src) || e.fields["doi"] != src.DOI {
			t.Errorf("BibTeX entry %s %v is not source %+v", e.key, e.fields, src)
			continue
		}
		if n := len(src.Authors); n > 0 && len(bibNames(e.fields["author"])) != n {
			t.Errorf("BibTeX entry %s authors %q, the source has %d", e.key, e.fields["author"], n)
		}
		if e.key == "escape-test" {
			if e.typ != "article" || unTeX(e.fields["journal"]) != "Journal of A & B" ||
				!slices.Equal(bibNames(e.fields["author"]), []string{"{Doe}, {Jane}", "{Bundesministerium für Familie, Senioren, Frauen und Jugend}"}) {
				t.Errorf("escape-test entry %s %v", e.typ, e.fields)
			}
		}
	}

	// RIS.
	recs, err := parseRIS(string(s.do(t, "GET", "/api/v1/sources?format=ris", nil, anon...).mustStatus(t, 200).Body))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(want) {
		t.Errorf("RIS has %d records, there are %d sources", len(recs), len(want))
	}
	for _, r := range recs {
		src := want[r["ID"][0]]
		if strings.Join(r["TI"], "") != strings.Join(strings.Fields(src.Title), " ") || len(r["AU"]) != len(src.Authors) || strings.Join(r["PY"], "") != yearOf(src) {
			t.Errorf("RIS record %v is not source %+v", r, src)
		}
	}

	// Only format goes with the bibliography; at a release it is the release's sources.
	s.do(t, "GET", "/api/v1/sources?format=bibtex&type=grey", nil, anon...).problem(t, http.StatusBadRequest)
	s.do(t, "POST", "/api/v1/releases", obj{"version": "1.0.0"}).mustStatus(t, http.StatusCreated)
	s.do(t, "DELETE", "/api/v1/sources/escape-test", nil, "If-Match", "*").mustStatus(t, http.StatusNoContent)
	atRel, err := parseBibTeX(string(s.do(t, "GET", "/api/v1/sources?release=1.0.0&format=bibtex", nil, anon...).mustStatus(t, 200).Body))
	if err != nil {
		t.Fatal(err)
	}
	now, err := parseBibTeX(string(s.do(t, "GET", "/api/v1/sources?format=bibtex", nil, anon...).mustStatus(t, 200).Body))
	if err != nil {
		t.Fatal(err)
	}
	if len(atRel) != len(want) || len(now) != len(want)-1 {
		t.Errorf("the release's bibliography has %d entries, today's %d; want %d and %d", len(atRel), len(now), len(want), len(want)-1)
	}
}
