package handlers

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/models"
)

// Sources serves /api/v1/sources.
type Sources struct {
	store *store.Store
	*crud[models.Source, models.SourceInput]
	// published keeps the published sources for the bibliography, until the next write.
	published published
}

// NewSources returns the source handlers.
func NewSources(st *store.Store) *Sources {
	return &Sources{store: st, crud: newCrud(st.SourceObjects(), pathKey)}
}

// SourceDocs describes the source operations for the OpenAPI document.
var SourceDocs = apidoc.Resource{
	Tag: "sources", Name: "source",
	Object: models.Source{}, Input: models.SourceInput{}, Page: SourceList{}, RevisionPage: RevisionList{},
	ID:       apidoc.Param{Description: "Source id or slug", Example: "kara-2009-sex-trafficking"},
	ListText: "The bibliography in pages of `limit`, ordered by `sort` (default `slug`; with `q` and no `sort`, by relevance), filtered by type, year range, text and how the source was checked (`reading`, `verified`).",
	ListNote: "A source without a year is left out when a year bound is given.",
	Filters: []apidoc.Param{
		{In: apidoc.InQuery, Name: "type", Description: "Type of source", Enum: []string{"primary-official", "primary-author", "peer-reviewed", "grey", "news", "secondary", "legal-instrument"}, Example: "primary-author"},
		{In: apidoc.InQuery, Name: "year_from", Type: "integer", Description: "Published in this year or later", Min: apidoc.Num(1000), Max: apidoc.Num(2100), Example: 2000},
		{In: apidoc.InQuery, Name: "year_to", Type: "integer", Description: "Published in this year or earlier", Min: apidoc.Num(1000), Max: apidoc.Num(2100), Example: 2020},
		{In: apidoc.InQuery, Name: "reading", Description: "Keep the sources whose check found this reading; several, comma-separated, keep any of them", Example: "full-text,excerpt"},
		{In: apidoc.InQuery, Name: "verified", Type: "boolean", Description: "true keeps the verified sources (read in full or the cited passage), false the others", Example: true},
		{In: apidoc.InQuery, Name: "q", Description: "Words to find in title, authors, container or note, in the search query language (see GET /search); without sort, the best matches come first", MaxLength: 200, Example: "trafficking"},
	},
	Sort: []string{"id", "slug", "title", "created_at", "updated_at"}, SortDefault: "slug", SortExample: "title",
	CreateText: "Adds a work to the bibliography. Its slug must be unique: citations name it.",
	GetText:    "A source by id or slug, with its ETag and `cited_by`: the chains, stages, tags and tactics that cite it (below editor, published tactics only; absent when nothing cites it).",
	GetOK:      "The source, with where it is cited",
	DeleteText: "Deletes a source that nothing cites (409 otherwise, with the count; drafts count too). Its history stays, and it can be restored.",
	PatchList:  "authors", ReplaceText: "`cited_by` is ignored too. A cited source keeps its slug.", HistoryNote: "A deleted source keeps its history, by id or by its last slug.",
	Conflict:        "Slug already taken (code duplicate_slug)",
	UpdateConflict:  "Slug already taken (code duplicate_slug), or a new slug for a source that is cited (code in_use)",
	DeleteConflict:  "Objects still cite the source (code in_use; the count is in detail)",
	RestoreConflict: "The revision records a delete (code not_restorable), its slug is taken by another source (code duplicate_slug), or it has another slug while the source is cited (code in_use)",
}

// SourceList is a page of sources.
//
//	@Description	A page of sources.
type SourceList struct {
	// The page's items.
	Data []models.Source `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6ImthcmEtMjAwOSIsImkiOjF9"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// List handles GET /api/v1/sources.
func (h *Sources) List(c *gin.Context) {
	if bibliographyAsked(c) {
		b, err := h.published.get(c.Request.Context(), h.store)
		if err != nil {
			c.Error(err)
			return
		}
		writeBibliography(c, "chainkb-sources", b.Sources)
		return
	}
	q := listQuery(c, "type", "year_from", "year_to", "q", "reading", "verified")
	text, parsed := q.search("q")
	f := models.SourceFilter{Type: q.enum("type", models.SourceTypes...), YearFrom: year(q, "year_from"),
		YearTo: year(q, "year_to"), Q: text, Parsed: parsed, Readings: q.enumList("reading", models.Readings...),
		Verified: q.boolean("verified"), Page: q.page()}
	if f.YearFrom != 0 && f.YearTo != 0 && f.YearFrom > f.YearTo {
		q.fail("year_to", "must not be before year_from")
	}
	answerList(c, q, f, h.store.Sources)
}

// year reads a year parameter, 1000 to 2100 (0 when absent).
func year(q *query, name string) int {
	s := q.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1000 || n > 2100 {
		q.fail(name, "must be a year from 1000 to 2100")
		return 0
	}
	return n
}
