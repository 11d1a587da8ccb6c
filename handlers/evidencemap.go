package handlers

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/models"
)

// The evidence gap map of a chain (issue 28), as JSON and CSV.

var evidenceMapParams = []apidoc.Param{
	{In: apidoc.InPath, Name: "id", Description: "Chain id or slug (at a release: slug)", Example: "sex-trafficking"},
	{In: apidoc.InQuery, Name: "release", Description: "A release's version, such as 2026.12.0: the map of the knowledge base as that release holds it"},
	{In: apidoc.InQuery, Name: "rows", Description: "What the rows are: the chain's links (stage, the default) or its levers (lever)", Enum: []string{"stage", "lever"}, Example: "lever"},
	{In: apidoc.InQuery, Name: "stage", Description: "Only the tactics at this stage (slug)", Example: "retailer"},
	{In: apidoc.InQuery, Name: "level", Description: "Only this column: a level of evidence, or unassessed", Enum: append(append([]string{}, models.EvidenceLevels...), models.EvidenceUnassessed), Example: "descriptive"},
}

var evidenceMapFails = []apidoc.Response{
	apidoc.Fail(http.StatusBadRequest, "Bad query parameter (code bad_query), or a chain id with release (code bad_path: a release names chains by slug)"),
	apidoc.Fail(http.StatusNotFound, "No such chain, or no such release (code not_found)"),
}

// EvidenceMapDoc describes GET /chains/{id}/evidence-map.
var EvidenceMapDoc = apidoc.Op{
	ID: "getEvidenceMap", Tag: "chains", Summary: "Get a chain's evidence gap map",
	Description: "The chain's evidence gap map, after the Campbell Collaboration's and 3ie's: its links (stages, in order; or its levers with `rows=lever`) against the level of the best evidence behind each published tactic (none, descriptive, pre-post, quasi-experimental, rct, systematic-review, then unassessed for a tactic without an evidence record). Each cell holds its tactics (code, title, kind, effect direction) and counts them by direction of effect; an empty cell is a gap. `stage` and `level` keep one row and one column; `release` shows the map of a release. As CSV at `evidence-map.csv`, or here with `Accept: text/csv`. The page for people is `/chains/{slug}/evidence`.",
	Params:      evidenceMapParams,
	Responses: append([]apidoc.Response{
		apidoc.OK("The evidence map", models.EvidenceMap{}, map[string]string{"ETag": "Hash of the map"}),
		apidoc.NotModified,
	}, evidenceMapFails...),
}

// EvidenceMapCSVDoc describes GET /chains/{id}/evidence-map.csv.
var EvidenceMapCSVDoc = apidoc.Op{
	ID: "getEvidenceMapCSV", Tag: "chains", Summary: "Get a chain's evidence gap map as CSV",
	Description: "The evidence map as RFC 4180 CSV, UTF-8 with a byte-order mark: one row per cell, empty cells (the gaps) included, with the columns chain, release, rows, row, row_name, level, count, positive, mixed, none, negative, unknown and tactics (codes separated by `; `). Cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'`. Parameters as for the map.",
	Params:      evidenceMapParams,
	Responses: append([]apidoc.Response{
		{Status: http.StatusOK, Description: "The map as CSV", Media: "text/csv", Headers: map[string]string{"ETag": "Hash of the CSV"}},
		apidoc.NotModified,
	}, evidenceMapFails...),
}

// EvidenceMap handles GET /api/v1/chains/{id}/evidence-map.
func (h *Chains) EvidenceMap(c *gin.Context) {
	if c.NegotiateFormat(gin.MIMEJSON, mediaCSV) == mediaCSV {
		h.EvidenceMapCSV(c)
		return
	}
	h.serveEvidenceMap(c, false)
}

// EvidenceMapCSV handles GET /api/v1/chains/{id}/evidence-map.csv.
func (h *Chains) EvidenceMapCSV(c *gin.Context) { h.serveEvidenceMap(c, true) }

func (h *Chains) serveEvidenceMap(c *gin.Context, asCSV bool) {
	m, err := h.EvidenceMapFor(c)
	if err != nil {
		c.Error(err)
		return
	}
	var body []byte
	media := "application/json; charset=utf-8"
	if asCSV {
		body, err = evidenceMapCSV(&m)
		media = "text/csv; charset=utf-8; header=present"
	} else {
		body, err = json.Marshal(m)
	}
	if err != nil {
		c.Error(err)
		return
	}
	c.Writer.Header().Add("Vary", "Accept")
	filename := ""
	if asCSV {
		filename = m.Chain + "-evidence-map.csv"
	}
	writeTagged(c, etagOf(body), media, filename, body)
}

// EvidenceMapFor reads the request's chain and parameters and makes its evidence map: from the
// published knowledge base, or from a release's bundle with ?release=. The pages use it too.
func (h *Chains) EvidenceMapFor(c *gin.Context) (models.EvidenceMap, error) {
	key, err := pathKey(c)
	if err != nil {
		return models.EvidenceMap{}, err
	}
	q := parseQuery(c, "release", "rows", "stage", "level")
	release := q.str("release")
	rows := q.enum("rows", "stage", "lever")
	stage := q.slug("stage")
	level := q.enum("level", append(append([]string{}, models.EvidenceLevels...), models.EvidenceUnassessed)...)
	if release != "" && !models.IsReleaseVersion(release) {
		q.fail("release", "must be a release version such as 2026.12.0")
	}
	if err := q.err(); err != nil {
		return models.EvidenceMap{}, err
	}
	if rows == "" {
		rows = "stage"
	}
	ctx := c.Request.Context()
	var b *store.Bundle
	slug := key
	if release != "" {
		if strings.Trim(key, "0123456789") == "" {
			return models.EvidenceMap{}, models.BadRequestf("bad_path", "a release names chains by slug, not by database id: ask for %s by its slug with ?release=", key)
		}
		v, err := h.store.ReleaseAt(ctx, release)
		if err != nil {
			return models.EvidenceMap{}, err
		}
		b = v.Bundle
	} else {
		if strings.Trim(key, "0123456789") == "" {
			ch, err := h.crud.objects.Get(ctx, key)
			if err != nil {
				return models.EvidenceMap{}, err
			}
			slug = ch.Slug
		}
		if b, err = h.published.get(ctx, h.store); err != nil {
			return models.EvidenceMap{}, err
		}
	}
	m, err := store.EvidenceMapOf(b, slug, rows, stage, level)
	if release != "" {
		m.Release = &release
	}
	return m, err
}

// evidenceMapCSV renders an evidence map as CSV: one row per cell, gaps included.
func evidenceMapCSV(m *models.EvidenceMap) ([]byte, error) {
	w, err := newCSV([]string{"chain", "release", "rows", "row", "row_name", "level", "count", "positive", "mixed", "none", "negative", "unknown", "tactics"})
	if err != nil {
		return nil, err
	}
	release := ""
	if m.Release != nil {
		release = *m.Release
	}
	for _, r := range m.Data {
		for _, cell := range r.Cells {
			codes := make([]string, len(cell.Tactics))
			for i, t := range cell.Tactics {
				codes[i] = t.Code
			}
			e := cell.Effects
			rec := []string{m.Chain, release, m.Rows, r.Key, r.Name, cell.Level, strconv.Itoa(cell.Count),
				strconv.Itoa(e.Positive), strconv.Itoa(e.Mixed), strconv.Itoa(e.None), strconv.Itoa(e.Negative), strconv.Itoa(e.Unknown),
				strings.Join(codes, "; ")}
			if err := w.row(rec); err != nil {
				return nil, err
			}
		}
	}
	return w.bytes()
}

// etagOf is a strong ETag made from a hash of the body.
func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return fmt.Sprintf(`"%x"`, sum[:16])
}
