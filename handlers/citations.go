package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/cite"
	"chainkb/internal/store"
	"chainkb/models"
)

// Citations: a release's citation, and the bibliography, in CSL-JSON, BibTeX and RIS.

// formatParam is ?format= of the citation outputs.
var formatParam = apidoc.Param{In: apidoc.InQuery, Name: "format", Description: "csl-json, bibtex or ris; wins over Accept", Enum: []string{"csl-json", "bibtex", "ris"}}

// citationAlts are the media types of a citation answer besides CSL-JSON.
var citationAlts = []apidoc.Alt{{Media: cite.MediaBibTeX}, {Media: cite.MediaRIS}}

// ReleaseCitationDoc describes GET /releases/{version}/citation.
var ReleaseCitationDoc = apidoc.Op{
	ID: "getReleaseCitation", Tag: "releases", Summary: "Cite a release",
	Description: "How to cite the release, in the format a reference manager reads: CSL-JSON (`application/vnd.citationstyles.csl+json`, an array of one item; the default), BibTeX (`application/x-bibtex`) or RIS (`application/x-research-info-systems`), chosen by `format` or by `Accept` (406 for an Accept that names none of them). The author is the body of editors (`chainkb editors`); the URL is the release's export and the note its digest.",
	Params:      []apidoc.Param{versionParam, formatParam},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The citation", Body: nil, Alt: append([]apidoc.Alt{{Media: cite.MediaCSL, Body: []cite.Item{}}}, citationAlts...)},
		apidoc.Fail(http.StatusBadRequest, "Bad format (code bad_query)"),
		noRelease,
		apidoc.Fail(http.StatusNotAcceptable, "Accept names none of CSL-JSON, BibTeX and RIS (code not_acceptable)"),
	},
}

// citationFormat is the media type a citation answer takes: ?format=, else Accept (application/json
// and */* are CSL-JSON). It is "" with an error for a bad format or an Accept it cannot meet.
func citationFormat(c *gin.Context, q *query) (string, error) {
	f := q.enum("format", "csl-json", "bibtex", "ris")
	if err := q.err(); err != nil {
		return "", err
	}
	if f != "" {
		return cite.Formats[f], nil
	}
	if c.GetHeader("Accept") == "" {
		return cite.MediaCSL, nil
	}
	switch m := c.NegotiateFormat(cite.MediaCSL, cite.MediaBibTeX, cite.MediaRIS, gin.MIMEJSON); m {
	case "":
		return "", &Problem{Status: http.StatusNotAcceptable, Code: "not_acceptable",
			Detail: "Accept names none of " + cite.MediaCSL + ", " + cite.MediaBibTeX + " and " + cite.MediaRIS + ": ask for one, or use ?format=csl-json|bibtex|ris"}
	case gin.MIMEJSON:
		return cite.MediaCSL, nil
	default:
		return m, nil
	}
}

// writeCitations answers items in the media type asked for.
func writeCitations(c *gin.Context, media, filename string, items []cite.Item) {
	c.Writer.Header().Add("Vary", "Accept")
	switch media {
	case cite.MediaBibTeX:
		c.Header("Content-Disposition", `inline; filename="`+filename+`.bib"`)
		c.Data(http.StatusOK, media+"; charset=utf-8", []byte(cite.BibTeX(items)))
	case cite.MediaRIS:
		c.Header("Content-Disposition", `inline; filename="`+filename+`.ris"`)
		c.Data(http.StatusOK, media+"; charset=utf-8", []byte(cite.RIS(items)))
	default:
		if items == nil {
			items = []cite.Item{}
		}
		b, err := json.Marshal(items)
		if err != nil {
			c.Error(err)
			return
		}
		c.Data(http.StatusOK, media+"; charset=utf-8", b)
	}
}

// BaseURL is the service's address as the request reached it: the scheme (X-Forwarded-Proto
// behind a proxy) and the host.
func BaseURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// Citation handles GET /api/v1/releases/{version}/citation.
func (h *Releases) Citation(c *gin.Context) {
	q := parseQuery(c, "format")
	media, err := citationFormat(c, q)
	if err != nil {
		c.Error(err)
		return
	}
	rel, err := h.store.GetRelease(c.Request.Context(), c.Param("version"))
	if err != nil {
		c.Error(err)
		return
	}
	writeCitations(c, media, "chainkb-"+rel.Version, []cite.Item{cite.Release(rel, BaseURL(c))})
}

// bibliographyAsked reports whether a list of sources is asked for as a bibliography: ?format=,
// or an Accept that names one of the three formats (not JSON, not */*).
func bibliographyAsked(c *gin.Context) bool {
	if c.Query("format") != "" {
		return true
	}
	accept := c.GetHeader("Accept")
	return strings.Contains(accept, cite.MediaCSL) || strings.Contains(accept, cite.MediaBibTeX) || strings.Contains(accept, cite.MediaRIS)
}

// writeBibliography answers sources as a bibliography. Only format may come with it: the
// bibliography is every source, unpaged and unfiltered.
func writeBibliography(c *gin.Context, filename string, sources []models.SourceInput) {
	q := parseQuery(c, "format")
	media, err := citationFormat(c, q)
	if err != nil {
		c.Error(err)
		return
	}
	items := make([]cite.Item, len(sources))
	for i := range sources {
		items[i] = cite.Source(&sources[i])
	}
	writeCitations(c, media, filename, items)
}

// published keeps the published knowledge base decoded (what GET /export sends without a key),
// for the bibliography and the evidence map, until the knowledge base's generation moves.
type published struct {
	mu     sync.Mutex
	gen    int64
	bundle *store.Bundle
}

// get returns the published knowledge base as a bundle; the caller must not change it.
func (p *published) get(ctx context.Context, st *store.Store) (*store.Bundle, error) {
	gen, err := st.Generation(ctx)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bundle != nil && p.gen == gen {
		return p.bundle, nil
	}
	var buf bytes.Buffer
	var at int64
	if err := st.Export(ctx, &buf, false, func(g int64) bool { at = g; return true }); err != nil {
		return nil, err
	}
	var b store.Bundle
	if err := json.Unmarshal(buf.Bytes(), &b); err != nil {
		return nil, err
	}
	if b.Sources == nil {
		b.Sources = []models.SourceInput{}
	}
	p.gen, p.bundle = at, &b
	return p.bundle, nil
}

// WithBibliography adds format and the three bibliography formats to a list of sources' doc.
func WithBibliography(op apidoc.Op) apidoc.Op {
	op.Params = append(append([]apidoc.Param{}, op.Params...), formatParam)
	op.Responses = append([]apidoc.Response{}, op.Responses...)
	for i, r := range op.Responses {
		if r.Status == http.StatusOK {
			r.Alt = append([]apidoc.Alt{{Media: cite.MediaCSL, Body: []cite.Item{}}}, citationAlts...)
			op.Responses[i] = r
		}
	}
	op.Responses = append(op.Responses, apidoc.Fail(http.StatusNotAcceptable, "Accept names none of the formats (code not_acceptable)"))
	op.Description += " **Bibliography:** with `format=csl-json|bibtex|ris`, or an `Accept` of `application/vnd.citationstyles.csl+json`, `application/x-bibtex` or `application/x-research-info-systems`, it answers every source at once in that format, for reference managers (no other parameter then)."
	return op
}
