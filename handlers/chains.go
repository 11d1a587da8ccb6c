package handlers

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"chainkb/internal/rendercache"
	"chainkb/internal/store"
	"chainkb/models"
)

// Chains serves /api/v1/chains.
type Chains struct {
	store  *store.Store
	crud   *crud[models.Chain, models.ChainInput]
	tables *rendercache.Cache[tableKey]
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
//
//	@Summary	List chains
//	@Description	Chains in pages of `limit`, ordered by `sort` (default `slug`). Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`.
//	@ID	listChains
//	@Tags	chains
//	@Produce	json
//	@Param	q	query	string	false	"Text to find in name or description (case-insensitive for ASCII; % and _ match themselves)"	maxlength(200)	example(traffick)
//	@Param	sort	query	string	false	"Sort field, - in front for descending; ties are broken by id"	Enums(id,-id,slug,-slug,name,-name,created_at,-created_at,updated_at,-updated_at)	default(slug)	example(name)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all matches (costs a scan)"	example(true)
//	@Success	200	{object}	ChainList	"A page of chains"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Bad query parameter (code bad_query; errors names each), or a cursor that is not ours or was made with other filters or sort (bad_cursor, cursor_mismatch)"
//	@Router	/chains [get]
func (h *Chains) List(c *gin.Context) {
	q := listQuery(c, "q")
	f := models.ChainFilter{Q: q.text("q"), Page: q.page()}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	page, err := h.store.Chains(c.Request.Context(), f)
	if err != nil {
		c.Error(err)
		return
	}
	writeList(c, page)
}

// Get handles GET /api/v1/chains/{id}.
//
//	@Summary	Get a chain
//	@Description	A chain by id or slug, with its ETag. With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@ID	getChain
//	@Tags	chains
//	@Produce	json
//	@Param	id	path	string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param	If-None-Match	header	string	false	"ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"
//	@Success	200	{object}	models.Chain	"The chain"
//	@Header	200	{string}	ETag	"Version of the chain, for If-Match and If-None-Match"
//	@Success	304	"Not modified: the ETag in If-None-Match is current"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such chain (code not_found)"
//	@Router	/chains/{id} [get]
func (h *Chains) Get(c *gin.Context) { h.crud.handleGet(c) }

// Create handles POST /api/v1/chains.
//
//	@Summary	Create a chain
//	@Description	Creates a chain. Its slug must be unique. The answer carries the new chain, its `Location` and its `ETag`.
//	@ID	createChain
//	@Tags	chains
//	@Accept	json
//	@Produce	json
//	@Param	chain	body	models.ChainInput	true	"The new chain"
//	@Success	201	{object}	models.Chain	"The chain as created"
//	@Header	201	{string}	Location	"Path of the new chain"
//	@Header	201	{string}	ETag	"Version of the new chain"
//	@Failure	400	{object}	Problem	"Malformed JSON, an unknown field or a wrong type (codes invalid_json, unknown_field, wrong_type)"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Router	/chains [post]
func (h *Chains) Create(c *gin.Context) { h.crud.handleCreate(c) }

// Replace handles PUT /api/v1/chains/{id}.
//
//	@Summary	Replace a chain
//	@Description	Replaces the whole chain: what a GET returned, edited, can be sent back as it is (read-only fields are ignored). Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412 and changes nothing; none is 428.
//	@ID	replaceChain
//	@Tags	chains
//	@Accept	json
//	@Produce	json
//	@Param	id	path	string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	chain	body	models.ChainInput	true	"The chain as it should be"
//	@Success	200	{object}	models.Chain	"The chain as it now is"
//	@Header	200	{string}	ETag	"New version of the chain"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such chain"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug)"
//	@Failure	412	{object}	Problem	"The chain changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/chains/{id} [put]
func (h *Chains) Replace(c *gin.Context) { h.crud.handleReplace(c) }

// Patch handles PATCH /api/v1/chains/{id}.
//
//	@Summary	Update fields of a chain
//	@Description	A JSON Merge Patch (RFC 7396): send only the fields to change; `null` clears one; a list (such as `tags`) is replaced whole. Needs a precondition like PUT: `If-Match`, or `version` in the patch.
//	@ID	patchChain
//	@Tags	chains
//	@Accept	application/merge-patch+json,json
//	@Produce	json
//	@Param	id	path	string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	patch	body	models.ChainInput	true	"The fields to change, and the version you read unless If-Match is sent"
//	@Success	200	{object}	models.Chain	"The chain as it now is"
//	@Header	200	{string}	ETag	"New version of the chain"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such chain"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug)"
//	@Failure	412	{object}	Problem	"The chain changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/merge-patch+json or application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/chains/{id} [patch]
func (h *Chains) Patch(c *gin.Context) { h.crud.handlePatch(c) }

// Delete handles DELETE /api/v1/chains/{id}.
//
//	@Summary	Delete a chain
//	@Description	Deletes a chain that has no stages (409 otherwise). Its history stays, and it can be restored. `If-Match` is honoured when sent.
//	@ID	deleteChain
//	@Tags	chains
//	@Produce	json
//	@Param	id	path	string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	204	"Deleted"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such chain"
//	@Failure	409	{object}	Problem	"The chain still has stages (code in_use; the count is in detail)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Router	/chains/{id} [delete]
func (h *Chains) Delete(c *gin.Context) { h.crud.handleDelete(c) }

// Table handles GET /api/v1/chains/{id}/table.
//
//	@Summary	Get a chain as a table
//	@Description	The chain as Kara's table: its stages in order, each with the efforts deployed today (`current`), what should be done (`recommended`) and the conditions that explain why current efforts fall short (`conditions`), with their tags. `horizon` keeps only recommended tactics with that horizon tag (current efforts carry none). Each of these lists (a cell) holds at most `per_cell` tactics (default 25, at most 200), its first in order of position, so that the table stays small whatever the size of the chain: `cells` says, for each, how many tactics it has in all, whether it was cut, and `href`, the complete list in pages (`GET /tactics` by stage and kind, and horizon). The ETag is a hash of the content: it changes with any write to the chain. With `Accept: text/csv` the answer is the table as CSV, as `table.csv` gives it.
//	@ID	getChainTable
//	@Tags	chains
//	@Produce	json
//	@Param	id	path	string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param	horizon	query	string	false	"Horizon tag slug: short-term or long-term"	example(short-term)
//	@Param	per_cell	query	int	false	"The most tactics in each cell (a stage's current, recommended or conditions list); the rest are counted in cells and listed at its href"	minimum(1)	maximum(200)	default(25)	example(50)
//	@Param	If-None-Match	header	string	false	"ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"
//	@Success	200	{object}	models.ChainTable	"The chain as a table"
//	@Header	200	{string}	ETag	"Hash of the table's content"
//	@Success	304	"Not modified: the ETag in If-None-Match is current"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path) or query parameter, such as per_cell out of 1-200 (code bad_query; errors names each)"
//	@Failure	404	{object}	Problem	"No such chain"
//	@Router	/chains/{id}/table [get]
func (h *Chains) Table(c *gin.Context) {
	// Accept: text/csv asks for the table as table.csv gives it.
	if c.NegotiateFormat(gin.MIMEJSON, mediaCSV) == mediaCSV {
		h.TableCSV(c)
		return
	}
	h.serveTable(c, false)
}

// TableCSV handles GET /api/v1/chains/{id}/table.csv.
//
//	@Summary	Get a chain's table as CSV
//	@Description	The chain's table for spreadsheets and R: RFC 4180 CSV, UTF-8 with a byte-order mark, one row per tactic (stage by stage: current efforts, recommended tactics, conditions; like the JSON table, at most `per_cell` of each stage's current efforts, recommended tactics and conditions, the first in order of position, default 25, at most 200: the JSON table's `cells` say which lists were cut and link to them whole) with the columns chain, stage, kind, horizon, lever, function (4P), evidence_level, code, title, summary and sources (`slug (locator)`, separated by `; `); tags are named by slug. A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so that no spreadsheet runs it as a formula. `GET /chains/{id}/table` with `Accept: text/csv` answers the same. Below editor only published tactics show. The ETag is a hash of the content.
//	@ID	getChainTableCSV
//	@Tags	chains
//	@Produce	text/csv
//	@Param	id	path	string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param	horizon	query	string	false	"Horizon tag slug: short-term or long-term"	example(short-term)
//	@Param	per_cell	query	int	false	"The most rows of each stage's current efforts, recommended tactics and conditions"	minimum(1)	maximum(200)	default(25)	example(50)
//	@Param	If-None-Match	header	string	false	"ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"
//	@Success	200	{string}	string	"The table as CSV"
//	@Header	200	{string}	ETag	"Hash of the CSV"
//	@Success	304	"Not modified: the ETag in If-None-Match is current"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path) or query parameter, such as per_cell out of 1-200 (code bad_query; errors names each)"
//	@Failure	404	{object}	Problem	"No such chain"
//	@Router	/chains/{id}/table.csv [get]
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
	// The table's ETag is a hash of its content: it changes when anything in the chain does.
	c.Header("ETag", t.ETag)
	c.Writer.Header().Add("Vary", "Accept") // the table answers JSON or CSV by Accept
	if noneMatch(c, t.ETag) {
		c.Status(http.StatusNotModified)
		return
	}
	if asCSV {
		c.Header("Content-Disposition", `attachment; filename="`+key+`-table.csv"`)
		c.Data(http.StatusOK, "text/csv; charset=utf-8; header=present", t.Body)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", t.Body)
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

// Revisions handles GET /api/v1/chains/{id}/revisions.
//
//	@Summary	History of a chain
//	@Description	Every change of the chain, newest first: who, when, the request, and the chain as it stood after the change (before it, for a delete). A deleted chain keeps its history, by id or by its last slug.
//	@ID	listChainRevisions
//	@Tags	chains
//	@Produce	json
//	@Param	id	path	string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all revisions (costs a scan)"	example(true)
//	@Success	200	{object}	RevisionList	"A page of the chain's revisions"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Malformed id or query parameter, or a bad cursor"
//	@Failure	404	{object}	Problem	"No chain with this id has a history"
//	@Router	/chains/{id}/revisions [get]
func (h *Chains) Revisions(c *gin.Context) { h.crud.handleRevisions(c) }

// Restore handles POST /api/v1/chains/{id}/revisions/{revision}/restore.
//
//	@Summary	Restore a chain to a revision
//	@Description	Brings the chain back to the state a revision recorded, as a new revision; a deleted chain comes back under its old id. `If-Match` is honoured when sent.
//	@ID	restoreChain
//	@Tags	chains
//	@Produce	json
//	@Param	id	path	string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param	revision	path	int	true	"Revision id, from the chain's history"	example(42)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	200	{object}	models.Chain	"The chain as restored"
//	@Header	200	{string}	ETag	"New version of the chain"
//	@Failure	400	{object}	Problem	"Malformed id or revision (code bad_path)"
//	@Failure	404	{object}	Problem	"No such revision of this chain"
//	@Failure	409	{object}	Problem	"Slug taken by another chain (code duplicate_slug) (code not_restorable or duplicate_slug)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Failure	422	{object}	Problem	"The revision's state is no longer valid (code validation_failed)"
//	@Router	/chains/{id}/revisions/{revision}/restore [post]
func (h *Chains) Restore(c *gin.Context) { h.crud.handleRestore(c) }
