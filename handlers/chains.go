package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// Chains serves /api/v1/chains.
type Chains struct{ store *store.Store }

// NewChains returns the chain handlers.
func NewChains(st *store.Store) *Chains { return &Chains{store: st} }

// ChainList is a page of chains.
type ChainList struct {
	Data       []models.Chain `json:"data"`
	NextCursor *string        `json:"next_cursor" example:"eyJmIjoiYWJjIiwidiI6InNleC10cmFmZmlja2luZyIsImkiOjF9"`
	Total      *int64         `json:"total,omitempty" example:"1"`
}

// List handles GET /api/v1/chains.
//
//	@Summary		List chains
//	@Description	Chains in pages of `limit`, ordered by `sort` (default `slug`). Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`.
//	@Tags			chains
//	@Produce		json
//	@Param			q				query		string	false	"Text to find in name or description"		maxlength(200)
//	@Param			sort			query		string	false	"Sort field, '-' in front for descending"	Enums(id,-id,slug,-slug,name,-name,created_at,-created_at,updated_at,-updated_at)
//	@Param			limit			query		int		false	"Page size"									minimum(1)	maximum(200)	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			include_total	query		bool	false	"Count all matches"
//	@Success		200				{object}	ChainList
//	@Header			200				{string}	Link	"<next page URL>; rel=\"next\""
//	@Failure		400				{object}	Problem	"Bad query parameter or cursor"
//	@Router			/chains [get]
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
//	@Summary		Get a chain
//	@Description	A chain by id or slug, with its ETag. With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@Tags			chains
//	@Produce		json
//	@Param			id				path		string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param			If-None-Match	header		string	false	"ETag from an earlier GET"
//	@Success		200				{object}	models.Chain
//	@Header			200				{string}	ETag	"Version of the chain"
//	@Success		304				"Not modified"
//	@Failure		400				{object}	Problem	"Malformed id"
//	@Failure		404				{object}	Problem	"No such chain"
//	@Router			/chains/{id} [get]
func (h *Chains) Get(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	ch, err := h.store.Chain(c.Request.Context(), key)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, ch.ID, ch.Version, ch)
}

// Create handles POST /api/v1/chains.
//
//	@Summary	Create a chain
//	@Description	Role: editor.
//	@Tags		chains
//	@Security		BearerKey
//	@Accept		json
//	@Produce	json
//	@Param		chain	body		models.ChainInput	true	"The new chain"
//	@Success	201		{object}	models.Chain
//	@Header		201		{string}	Location	"URL of the new chain"
//	@Header		201		{string}	ETag		"Version of the new chain"
//	@Failure	400		{object}	Problem		"Malformed JSON, unknown field or wrong type"
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure	409		{object}	Problem		"Slug already taken"
//	@Failure	413		{object}	Problem		"Body too large"
//	@Failure	415		{object}	Problem		"Not application/json"
//	@Failure	422		{object}	Problem		"Invalid values"
//	@Router		/chains [post]
func (h *Chains) Create(c *gin.Context) {
	var in models.ChainInput
	if err := decodeCreate(c, &in); err != nil {
		c.Error(err)
		return
	}
	ch, err := h.store.CreateChain(c.Request.Context(), &in)
	if err != nil {
		c.Error(err)
		return
	}
	c.Header("Location", "/api/v1/chains/"+strconv.FormatInt(ch.ID, 10))
	writeObject(c, http.StatusCreated, ch.ID, ch.Version, ch)
}

// Replace handles PUT /api/v1/chains/{id}.
//
//	@Summary		Replace a chain
//	@Description	Full replacement. Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412, none is 428. Role: editor.
//	@Tags			chains
//	@Security		BearerKey
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string				true	"Chain id or slug"
//	@Param			If-Match	header		string				false	"ETag from your GET"
//	@Param			chain		body		models.ChainInput	true	"The chain as it should be"
//	@Success		200			{object}	models.Chain
//	@Header			200			{string}	ETag	"New version of the chain"
//	@Failure		400			{object}	Problem
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Slug already taken"
//	@Failure		412			{object}	Problem	"Stale ETag or version"
//	@Failure		413			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Failure		428			{object}	Problem	"No precondition"
//	@Router			/chains/{id} [put]
func (h *Chains) Replace(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	var in models.ChainInput
	pre, err := decodeReplace(c, &in, &in.Version)
	if err != nil {
		c.Error(err)
		return
	}
	ch, err := h.store.ReplaceChain(c.Request.Context(), key, &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, ch.ID, ch.Version, ch)
}

// Patch handles PATCH /api/v1/chains/{id}.
//
//	@Summary		Update fields of a chain
//	@Description	JSON Merge Patch (RFC 7396): send only the fields to change. Needs a precondition like PUT. Role: editor.
//	@Tags			chains
//	@Security		BearerKey
//	@Accept			application/merge-patch+json,json
//	@Produce		json
//	@Param			id			path		string	true	"Chain id or slug"
//	@Param			If-Match	header		string	false	"ETag from your GET"
//	@Param			patch		body		object	true	"Fields to change, e.g. {\"name\":\"...\",\"version\":1}"
//	@Success		200			{object}	models.Chain
//	@Header			200			{string}	ETag	"New version of the chain"
//	@Failure		400			{object}	Problem
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		413			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Router			/chains/{id} [patch]
func (h *Chains) Patch(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	cur, err := h.store.Chain(c.Request.Context(), key)
	if err != nil {
		c.Error(err)
		return
	}
	var in models.ChainInput
	pre, err := decodeMergePatch(c, cur, cur.ID, cur.Version, &in)
	if err != nil {
		c.Error(err)
		return
	}
	ch, err := h.store.ReplaceChain(c.Request.Context(), strconv.FormatInt(cur.ID, 10), &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, ch.ID, ch.Version, ch)
}

// Delete handles DELETE /api/v1/chains/{id}.
//
//	@Summary		Delete a chain
//	@Description	Only a chain without stages can be deleted (409 otherwise). `If-Match` is honoured when sent. Role: editor.
//	@Tags			chains
//	@Security		BearerKey
//	@Param			id			path	string	true	"Chain id or slug"
//	@Param			If-Match	header	string	false	"ETag from your GET"
//	@Success		204			"Deleted"
//	@Failure		400			{object}	Problem
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"The chain still has stages"
//	@Failure		412			{object}	Problem
//	@Router			/chains/{id} [delete]
func (h *Chains) Delete(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	pre, _ := precondition(c, nil, false)
	if err := h.store.DeleteChain(c.Request.Context(), key, pre); err != nil {
		c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}

// Table handles GET /api/v1/chains/{id}/table.
//
//	@Summary		Get a chain as a table
//	@Description	The chain as Kara's table: its stages in order, each with the efforts deployed today (`current`) and what should be done (`recommended`), with their tags. `horizon` keeps only tactics with that horizon tag.
//	@Tags			chains
//	@Produce		json
//	@Param			id				path		string	true	"Chain id or slug"	example(sex-trafficking)
//	@Param			horizon			query		string	false	"Horizon tag slug"	Enums(short-term,long-term)
//	@Param			If-None-Match	header		string	false	"ETag from an earlier GET"
//	@Success		200				{object}	models.ChainTable
//	@Header			200				{string}	ETag	"Version of the table"
//	@Success		304				"Not modified"
//	@Failure		400				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Router			/chains/{id}/table [get]
func (h *Chains) Table(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	q := parseQuery(c, "horizon")
	horizon := q.slug("horizon")
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	table, err := h.store.ChainTable(c.Request.Context(), key, horizon)
	if err != nil {
		c.Error(err)
		return
	}
	body, err := json.Marshal(table)
	if err != nil {
		c.Error(err)
		return
	}
	// The table's ETag is a hash of its content: it changes when anything in the chain does.
	sum := sha256.Sum256(body)
	tag := `"t-` + hex.EncodeToString(sum[:12]) + `"`
	c.Header("ETag", tag)
	if noneMatch(c, tag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

// Revisions handles GET /api/v1/chains/{id}/revisions.
//
//	@Summary		History of a chain
//	@Description	Every change of the chain, newest first: who, when, the request, and the chain as it stood after the change (before it, for a delete). Deleted chains keep their history, by id or by their last slug. Role: editor.
//	@Tags			chains
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		string	true	"Chain id or slug"
//	@Param			limit			query		int		false	"Page size"	minimum(1)	maximum(200)	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			include_total	query		bool	false	"Count all revisions"
//	@Success		200				{object}	RevisionList
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem	"No history"
//	@Router			/chains/{id}/revisions [get]
func (h *Chains) Revisions(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	writeRevisions(c, h.store, "chain", key)
}

// Restore handles POST /api/v1/chains/{id}/revisions/{revision}/restore.
//
//	@Summary		Restore a chain to a revision
//	@Description	Brings the chain back to the state a revision recorded, as a new revision; a deleted chain comes back under its old id. `If-Match` is honoured when sent. Role: editor.
//	@Tags			chains
//	@Produce		json
//	@Security		BearerKey
//	@Param			id			path		string	true	"Chain id or slug"
//	@Param			revision	path		int		true	"Revision id"
//	@Param			If-Match	header		string	false	"ETag from your GET"
//	@Success		200			{object}	models.Chain
//	@Header			200			{string}	ETag	"New version of the chain"
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem	"No such revision"
//	@Failure		409			{object}	Problem	"Slug taken, or what the chain needs is gone"
//	@Failure		412			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/chains/{id}/revisions/{revision}/restore [post]
func (h *Chains) Restore(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	rev, err := pathRevision(c)
	if err != nil {
		c.Error(err)
		return
	}
	pre, _ := precondition(c, nil, false)
	obj, err := h.store.RestoreChain(c.Request.Context(), key, rev, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, obj.ID, obj.Version, obj)
}
