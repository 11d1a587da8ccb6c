package handlers

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/rendercache"
	"chainkb/internal/store"
	"chainkb/models"
)

// Chains serves /api/v1/chains.
type Chains struct {
	store *store.Store
	*crud[models.Chain, models.ChainInput]
	tables *rendercache.Cache[tableKey]
	// published keeps the published knowledge base for the evidence map, until the next write.
	published published
}

// The rendered tables kept (see rendercache): their keys come from requests (any horizon slug is
// well formed, any per_cell up to its maximum). A table larger than maxTableBytes is served but
// not kept.
const (
	maxTables     = 256
	maxTableBytes = 32 << 20
)

// tableKey is what makes one rendered table differ from another.
type tableKey struct {
	chain   string // id or slug, as asked
	horizon string
	perCell int  // the most tactics in a cell
	hidden  bool // rendered for an editor, drafts included
	csv     bool // as CSV rather than JSON
}

// NewChains returns the chain handlers.
func NewChains(st *store.Store) *Chains {
	return &Chains{store: st, tables: rendercache.New[tableKey]("t", maxTables, maxTableBytes), crud: newCrud(st.ChainObjects(), pathKey)}
}

// ChainDocs describes the chain operations for the OpenAPI document.
var ChainDocs = apidoc.Resource{
	Tag: "chains", Name: "chain",
	Object: models.Chain{}, Input: models.ChainInput{}, Page: ChainList{}, RevisionPage: RevisionList{},
	ID:       apidoc.Param{Description: "Chain id or slug", Example: "sex-trafficking"},
	ListText: "Chains in pages of `limit`, ordered by `sort` (default `slug`).",
	Filters: []apidoc.Param{
		{In: apidoc.InQuery, Name: "q", Description: "Text to find in name or description (case-insensitive for ASCII; % and _ match themselves)", MaxLength: 200, Example: "traffick"},
	},
	Sort: []string{"id", "slug", "name", "created_at", "updated_at"}, SortDefault: "slug", SortExample: "name",
	CreateText: "Creates a chain. Its slug must be unique.",
	GetText:    "A chain by id or slug, with its ETag.",
	DeleteText: "Deletes a chain that has no stages (409 otherwise). Its history stays, and it can be restored.",
	PatchList:  "tags", HistoryNote: "A deleted chain keeps its history, by id or by its last slug.",
	Conflict:        "Slug already taken (code duplicate_slug)",
	DeleteConflict:  "The chain still has stages (code in_use; the count is in detail)",
	RestoreConflict: "Slug taken by another chain (code duplicate_slug) (code not_restorable or duplicate_slug)",
}

// ChainList is a page of chains.
//
//	@Description	A page of chains.
type ChainList struct {
	// The page's items.
	Data []models.Chain `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6InNleC10cmFmZmlja2luZyIsImkiOjF9"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// List handles GET /api/v1/chains.
func (h *Chains) List(c *gin.Context) {
	q := listQuery(c, "q")
	f := models.ChainFilter{Q: q.text("q"), Page: q.page()}
	answerList(c, q, f, h.store.Chains)
}

// ChainTableDoc describes GET /chains/{id}/table.
var ChainTableDoc = apidoc.Op{
	ID: "getChainTable", Tag: "chains", Summary: "Get a chain as a table",
	Description: "The chain as Kara's table: its stages in order, each with the efforts deployed today (`current`), what should be done (`recommended`) and the conditions that explain why current efforts fall short (`conditions`), with their tags. `horizon` keeps only recommended tactics with that horizon tag (current efforts carry none). Each of these lists (a cell) holds at most `per_cell` tactics (default 25, at most 200), its first in order of position, so that the table stays small whatever the size of the chain: `cells` says, for each, how many tactics it has in all, whether it was cut, and `href`, the complete list in pages (`GET /tactics` by stage and kind, and horizon). The ETag is a hash of the content: it changes with any write to the chain. The answer is JSON; the table as CSV is `table.csv` (this path gives the same CSV to `Accept: text/csv`).",
	Params: []apidoc.Param{
		{In: apidoc.InPath, Name: "id", Description: "Chain id or slug", Example: "sex-trafficking"},
		{In: apidoc.InQuery, Name: "horizon", Description: "Horizon tag slug: short-term or long-term", Example: "short-term"},
		{In: apidoc.InQuery, Name: "per_cell", Type: "integer", Description: "The most tactics in each cell (a stage's current, recommended or conditions list); the rest are counted in cells and listed at its href", Default: 25, Min: apidoc.Num(1), Max: apidoc.Num(200), Example: 50},
		apidoc.IfNoneMatch,
	},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The chain as a table", Body: models.ChainTable{}, Headers: map[string]string{"ETag": "Hash of the table's content"}},
		apidoc.NotModified,
		{Status: http.StatusBadRequest, Description: "Malformed id (code bad_path) or query parameter, such as per_cell out of 1-200 (code bad_query; errors names each)"},
		{Status: http.StatusNotFound, Description: "No such chain"},
	},
}

// Table handles GET /api/v1/chains/{id}/table.
func (h *Chains) Table(c *gin.Context) {
	// Accept: text/csv asks for the table as table.csv gives it.
	if c.NegotiateFormat(gin.MIMEJSON, mediaCSV) == mediaCSV {
		h.TableCSV(c)
		return
	}
	h.serveTable(c, false)
}

// ChainTableCSVDoc describes GET /chains/{id}/table.csv.
var ChainTableCSVDoc = apidoc.Op{
	ID: "getChainTableCSV", Tag: "chains", Summary: "Get a chain's table as CSV",
	Description: "The chain's table for spreadsheets and R: RFC 4180 CSV, UTF-8 with a byte-order mark, one row per tactic (stage by stage: current efforts, recommended tactics, conditions; like the JSON table, at most `per_cell` of each stage's current efforts, recommended tactics and conditions, the first in order of position, default 25, at most 200: the JSON table's `cells` say which lists were cut and link to them whole) with the columns chain, stage, kind, horizon, lever, function (4P), evidence_level, code, title, summary and sources (`slug (locator)`, separated by `; `); tags are named by slug. A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so that no spreadsheet runs it as a formula. `GET /chains/{id}/table` with `Accept: text/csv` answers the same. Below editor only published tactics show. The ETag is a hash of the content.",
	Params: []apidoc.Param{
		{In: apidoc.InPath, Name: "id", Description: "Chain id or slug", Example: "sex-trafficking"},
		{In: apidoc.InQuery, Name: "horizon", Description: "Horizon tag slug: short-term or long-term", Example: "short-term"},
		{In: apidoc.InQuery, Name: "per_cell", Type: "integer", Description: "The most rows of each stage's current efforts, recommended tactics and conditions", Default: 25, Min: apidoc.Num(1), Max: apidoc.Num(200), Example: 50},
		apidoc.IfNoneMatch,
	},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The table as CSV", Media: "text/csv", Headers: map[string]string{"ETag": "Hash of the CSV"}},
		apidoc.NotModified,
		{Status: http.StatusBadRequest, Description: "Malformed id (code bad_path) or query parameter, such as per_cell out of 1-200 (code bad_query; errors names each)"},
		{Status: http.StatusNotFound, Description: "No such chain"},
	},
}

// TableCSV handles GET /api/v1/chains/{id}/table.csv.
func (h *Chains) TableCSV(c *gin.Context) { h.serveTable(c, true) }

// mediaCSV is the media type of a table as CSV.
const mediaCSV = "text/csv"

// serveTable answers a chain's table, as JSON or as CSV.
func (h *Chains) serveTable(c *gin.Context, asCSV bool) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	q := parseQuery(c, "horizon", "per_cell")
	horizon := q.slug("horizon")
	perCell := q.intIn("per_cell", 1, models.MaxPerCell, models.DefaultPerCell)
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	t, err := h.table(c.Request.Context(), key, horizon, perCell, asCSV)
	if err != nil {
		c.Error(err)
		return
	}
	c.Writer.Header().Add("Vary", "Accept") // the table answers JSON or CSV by Accept
	// The table's ETag is a hash of its content: it changes when anything in the chain does.
	if asCSV {
		writeTagged(c, t.ETag, "text/csv; charset=utf-8; header=present", key+"-table.csv", t.Body)
		return
	}
	writeTagged(c, t.ETag, "application/json; charset=utf-8", "", t.Body)
}

// table returns the rendered table, from the cache while nothing has changed since it was made.
func (h *Chains) table(ctx context.Context, key, horizon string, perCell int, asCSV bool) (*rendercache.Entry, error) {
	gen, err := h.store.Generation(ctx)
	if err != nil {
		return nil, err
	}
	k := tableKey{chain: key, horizon: horizon, perCell: perCell, hidden: models.PrincipalFrom(ctx).CanSeeHidden(), csv: asCSV}
	return h.tables.Get(k, gen, func() ([]byte, error) {
		// Others may be waiting for this render: it must not stop if this client goes away.
		table, err := h.store.ChainTable(context.WithoutCancel(ctx), key, horizon, perCell)
		if err != nil {
			return nil, err
		}
		if asCSV {
			return tableCSV(table)
		}
		return json.Marshal(table)
	})
}
