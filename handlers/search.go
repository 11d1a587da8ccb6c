package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/rendercache"
	"chainkb/internal/search"
	"chainkb/internal/store"
	"chainkb/models"
)

// Search serves /api/v1/search.
type Search struct {
	store *store.Store
	// pages keeps answered pages until the next write, like the chain tables: ranking every
	// match of a query is the costly part of a search (store.Search), and the same searches
	// come back, from partner dashboards, saved searches and the next pages of a result.
	pages *rendercache.Cache[string]
}

// The search pages kept: at most 512, and 8 MiB (a page of 50 results is about 20 KB). Searches
// asked once each fill it and empty it again; what it holds, the garbage collector doubles in
// the process's memory.
const (
	maxSearchPages     = 512
	maxSearchPageBytes = 8 << 20
)

// NewSearch returns the search handler.
func NewSearch(st *store.Store) *Search {
	return &Search{store: st, pages: rendercache.New[string]("s", maxSearchPages, maxSearchPageBytes)}
}

// SearchList is a page of search results.
//
//	@Description	A page of search results, best first.
type SearchList struct {
	// The page's results, best first.
	Data []models.SearchHit `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6MjAsImkiOjF9"`
}

// SearchDoc describes GET /search.
var SearchDoc = apidoc.Op{
	ID: "search", Tag: "search", Summary: "Search the knowledge base",
	Description: "Full-text search over tactics (title, summary, description), sources (title, authors, container, note), stages (name, actor, description), chains (name, description) and countries (English name, summary, and the instrument and offence of each statutory penalty; the key is the ISO code), best first: BM25 on SQLite, ts_rank_cd on PostgreSQL, a title weighing more than the rest. The query language: words all must match (`debt bondage`); `\"exact phrase\"`; `confiscat*` for a prefix; `-brothel` excludes; `raid OR inspection`; case and diacritics are folded and English words stemmed (`prosecute` finds \"prosecution\"). A malformed query (`\"unclosed`, a lone `-` or `*`, nothing to find) is 400 saying what is wrong. Each result's `snippet` is plain text (not HTML) with each matched word between « and » and elided text shown as …. Filters that only tactics have (`kind`, `horizon`, `tag`, `evidence_level`) leave only tactics; `chain` leaves the chain's tactics and stages and the chain; `stage` leaves the stage's tactics and the stage; sources and countries belong to no chain, and any of these filters leaves them out. Below the editor role only published tactics and countries are found.",
	Params: []apidoc.Param{
		{In: apidoc.InQuery, Name: "q", Required: true, Description: "The query", MaxLength: 200, Example: "proactive investigation"},
		{In: apidoc.InQuery, Name: "type", Type: "array", Description: "Only these types; repeat for several", Enum: models.SearchTypes, Example: "tactic"},
		{In: apidoc.InQuery, Name: "chain", Description: "Chain id or slug", Example: "sex-trafficking"},
		{In: apidoc.InQuery, Name: "stage", Type: "integer", Description: "Stage id", Min: apidoc.Num(1), Example: 3},
		{In: apidoc.InQuery, Name: "kind", Description: "Tactic kind", Enum: []string{"current", "recommended", "condition"}, Example: "recommended"},
		{In: apidoc.InQuery, Name: "horizon", Description: "Horizon tag slug: short-term or long-term", Example: "short-term"},
		{In: apidoc.InQuery, Name: "tag", Type: "array", Description: "Tag slug; repeat for several (all must match), at most 10", Example: "raise-exploiter-risk"},
		{In: apidoc.InQuery, Name: "evidence_level", Description: "The weakest evidence level to include: this level or a stronger one", Enum: []string{"none", "descriptive", "pre-post", "quasi-experimental", "rct", "systematic-review"}, Example: "none"},
		{In: apidoc.InQuery, Name: "limit", Type: "integer", Description: "Page size", Default: 50, Min: apidoc.Num(1), Max: apidoc.Num(200), Example: 20},
		{In: apidoc.InQuery, Name: "cursor", Description: "next_cursor of the previous page (opaque), with the same query and filters; none for the first page"},
	},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "A page of results, best first", Body: SearchList{}, Headers: apidoc.LinkHeader},
		{Status: http.StatusBadRequest, Description: "No q, a malformed query or another bad parameter (code bad_query; errors names each), or a cursor that is not ours or was made with another query (bad_cursor, cursor_mismatch)"},
	},
}

// List handles GET /api/v1/search.
func (h *Search) List(c *gin.Context) {
	q := parseQuery(c, "q", "type", "chain", "stage", "kind", "horizon", "tag", "evidence_level", "limit", "cursor")
	text, parsed := q.search("q")
	f := models.SearchFilter{Q: text, Parsed: parsed, Types: q.enums("type", models.SearchTypes...), Chain: q.key("chain"), StageID: q.id("stage"),
		Kind: q.enum("kind", models.KindCurrent, models.KindRecommended, models.KindCondition), Horizon: q.slug("horizon"),
		Tags: q.slugs("tag"), EvidenceLevel: q.enum("evidence_level", models.EvidenceLevels...), Page: q.page()}
	if _, given := q.values["q"]; !given {
		q.fail("q", "is required: the words to find")
	} else if f.Q == "" {
		_, err := search.Parse("")
		q.fail("q", err.Error())
	}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	ctx := c.Request.Context()
	gen, ok := listGeneration(c)
	if !ok {
		var err error
		if gen, err = h.store.Generation(ctx); err != nil {
			c.Error(err)
			return
		}
	}
	page, err := h.pages.GetMeta(searchKey(f, models.PrincipalFrom(ctx).CanSeeHidden()), gen, func() ([]byte, string, error) {
		// Others may be waiting for this search: it must not stop if this client goes away.
		page, err := h.store.Search(context.WithoutCancel(ctx), f)
		if err != nil {
			return nil, "", err
		}
		body := listBody[models.SearchHit]{Data: page.Items}
		if body.Data == nil {
			body.Data = []models.SearchHit{}
		}
		if page.NextCursor != "" {
			body.NextCursor = &page.NextCursor
		}
		b, err := json.Marshal(body)
		return b, page.NextCursor, err
	})
	if err != nil {
		c.Error(err)
		return
	}
	if page.Meta != "" {
		linkNext(c, "cursor", page.Meta)
	}
	sendListETag(c)
	c.Data(http.StatusOK, "application/json; charset=utf-8", page.Body)
}

// searchKey is what makes one page of search results differ from another: the filter, its
// repeatable parameters in a fixed order, and whether drafts are found.
func searchKey(f models.SearchFilter, hidden bool) string {
	f.Parsed = nil // the same as Q, which the key holds
	f.Types, f.Tags = slices.Sorted(slices.Values(f.Types)), slices.Sorted(slices.Values(f.Tags))
	f.Types, f.Tags = slices.Compact(f.Types), slices.Compact(f.Tags)
	return fmt.Sprintf("%t %#v", hidden, f)
}

// search returns a parameter in the search query language (internal/search) and its parsed form,
// which the store runs as it is (the query is parsed once): a malformed query fails with what is
// wrong with it.
func (q *query) search(name string) (string, *search.Query) {
	n := len(q.bad)
	s := q.text(name)
	if s == "" || len(q.bad) > n {
		return s, nil
	}
	parsed, err := search.Parse(s)
	if err != nil {
		var e *search.Error
		if errors.As(err, &e) {
			q.fail(name, e.Message)
		}
	}
	return s, parsed
}

// enums returns a repeatable parameter whose every value must be one of values.
func (q *query) enums(name string, values ...string) []string {
	v := q.values[name]
	for _, s := range v {
		if !slices.Contains(values, s) {
			q.fail(name, "must be one of: "+strings.Join(values, ", "))
			break
		}
	}
	return v
}
