package handlers

import (
	"bytes"
	"encoding/csv"
	"strings"

	"chainkb/models"
)

// csvHeader names the columns of a chain's table as CSV: one row per tactic.
var csvHeader = []string{"chain", "stage", "kind", "horizon", "lever", "function", "evidence_level",
	"code", "title", "summary", "sources"}

// utf8BOM starts the CSV, so that spreadsheets read it as UTF-8 rather than the locale's code page.
const utf8BOM = "\ufeff"

// csvDoc is a CSV answer as spreadsheets read it: RFC 4180 (encoding/csv) with CRLF line ends,
// UTF-8 with a byte-order mark, every cell neutralised against formula injection.
type csvDoc struct {
	buf bytes.Buffer
	w   *csv.Writer
}

// newCSV starts a CSV answer with its header row.
func newCSV(header []string) (*csvDoc, error) {
	d := &csvDoc{}
	d.buf.WriteString(utf8BOM)
	d.w = csv.NewWriter(&d.buf)
	d.w.UseCRLF = true
	return d, d.w.Write(header)
}

// row writes one record, its cells neutralised (rec is changed).
func (d *csvDoc) row(rec []string) error {
	for j := range rec {
		rec[j] = neutralise(rec[j])
	}
	return d.w.Write(rec)
}

// bytes ends the answer and returns it.
func (d *csvDoc) bytes() ([]byte, error) {
	d.w.Flush()
	return d.buf.Bytes(), d.w.Error()
}

// tableCSV renders a chain's table as RFC 4180 CSV (encoding/csv, CRLF line ends), UTF-8 with a
// byte-order mark: one row per tactic, stage by stage, each stage's current efforts, then its
// recommended tactics, then its conditions. horizon, lever and function are the slugs of the
// tactic's tags in those groups; sources are its citations, "slug (locator)", separated by "; ".
func tableCSV(t *models.ChainTable) ([]byte, error) {
	w, err := newCSV(csvHeader)
	if err != nil {
		return nil, err
	}
	for _, row := range t.Stages {
		for _, list := range [][]models.Tactic{row.Current, row.Recommended, row.Conditions} {
			for i := range list {
				tc := &list[i]
				rec := []string{t.Chain.Slug, row.Stage.Slug, tc.Kind, tagsIn(tc, models.HorizonGroup),
					tagsIn(tc, "lever"), tagsIn(tc, "function"), tc.Evidence.Level, tc.Code, tc.Title,
					tc.Summary, citedSources(tc.Citations)}
				if err := w.row(rec); err != nil {
					return nil, err
				}
			}
		}
	}
	return w.bytes()
}

// tagsIn lists the slugs of a tactic's tags in a group, separated by "; ".
func tagsIn(t *models.Tactic, group string) string {
	var out []string
	for _, tg := range t.Tags {
		if tg.Group == group {
			out = append(out, tg.Slug)
		}
	}
	return strings.Join(out, "; ")
}

// citedSources lists citations as "slug (locator)", or the slug alone without a locator.
func citedSources(cs []models.Citation) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Source
		if c.Locator != "" {
			out[i] += " (" + c.Locator + ")"
		}
	}
	return strings.Join(out, "; ")
}

// neutralise keeps a spreadsheet from reading a cell as a formula (CSV injection, OWASP): a cell
// that begins with =, +, -, @, a tab or a carriage return gets a leading apostrophe, which
// spreadsheets show as text.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
