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

// tableCSV renders a chain's table as RFC 4180 CSV (encoding/csv, CRLF line ends), UTF-8 with a
// byte-order mark: one row per tactic, stage by stage, each stage's current efforts, then its
// recommended tactics, then its conditions. horizon, lever and function are the slugs of the
// tactic's tags in those groups; sources are its citations, "slug (locator)", separated by "; ".
func tableCSV(t *models.ChainTable) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(csvHeader); err != nil {
		return nil, err
	}
	for _, row := range t.Stages {
		for _, list := range [][]models.Tactic{row.Current, row.Recommended, row.Conditions} {
			for i := range list {
				tc := &list[i]
				rec := []string{t.Chain.Slug, row.Stage.Slug, tc.Kind, tagsIn(tc, models.HorizonGroup),
					tagsIn(tc, "lever"), tagsIn(tc, "function"), tc.Evidence.Level, tc.Code, tc.Title,
					tc.Summary, citedSources(tc.Citations)}
				for j := range rec {
					rec[j] = neutralise(rec[j])
				}
				if err := w.Write(rec); err != nil {
					return nil, err
				}
			}
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
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
