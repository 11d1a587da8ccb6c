package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// Stages serves /api/v1/stages.
type Stages struct{ store *store.Store }

// NewStages returns the stage handlers.
func NewStages(st *store.Store) *Stages { return &Stages{store: st} }

// StageList is a page of stages.
type StageList struct {
	Data       []models.Stage `json:"data"`
	NextCursor *string        `json:"next_cursor" example:"eyJmIjoiYWJjIiwidiI6MSwiaSI6MX0"`
	Total      *int64         `json:"total,omitempty" example:"1"`
}

// List handles GET /api/v1/stages.
//
//	@Summary		List stages
//	@Description	Stages in pages of `limit`, ordered by `sort` (default `position`). Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`.
//	@Tags			stages
//	@Produce		json
//	@Param			chain			query		string	false	"Chain id or slug"								example(sex-trafficking)
//	@Param			side			query		string	false	"Side of the market"							Enums(supply,demand)
//	@Param			q				query		string	false	"Text to find in name, actor or description"	maxlength(200)
//	@Param			sort			query		string	false	"Sort field, '-' in front for descending"		Enums(id,-id,slug,-slug,name,-name,position,-position,created_at,-created_at,updated_at,-updated_at)
//	@Param			limit			query		int		false	"Page size"										minimum(1)	maximum(200)	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			include_total	query		bool	false	"Count all matches"
//	@Success		200				{object}	StageList
//	@Header			200				{string}	Link	"<next page URL>; rel=\"next\""
//	@Failure		400				{object}	Problem	"Bad query parameter or cursor"
//	@Router			/stages [get]
func (h *Stages) List(c *gin.Context) {
	q := listQuery(c, "chain", "side", "q")
	f := models.StageFilter{Chain: q.key("chain"), Side: q.enum("side", models.SideSupply, models.SideDemand), Q: q.text("q"), Page: q.page()}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	page, err := h.store.Stages(c.Request.Context(), f)
	if err != nil {
		c.Error(err)
		return
	}
	writeList(c, page)
}

// Get handles GET /api/v1/stages/{id}.
//
//	@Summary		Get a stage
//	@Description	A stage by id, with its ETag. With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@Tags			stages
//	@Produce		json
//	@Param			id				path		int		true	"Stage id"	example(1)
//	@Param			If-None-Match	header		string	false	"ETag from an earlier GET"
//	@Success		200				{object}	models.Stage
//	@Header			200				{string}	ETag	"Version of the stage"
//	@Success		304				"Not modified"
//	@Failure		400				{object}	Problem	"Malformed id"
//	@Failure		404				{object}	Problem	"No such stage"
//	@Router			/stages/{id} [get]
func (h *Stages) Get(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.Stage(c.Request.Context(), id)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, t.ID, t.Version, t)
}

// Create handles POST /api/v1/stages.
//
//	@Summary	Create a stage
//	@Description	Role: editor.
//	@Tags		stages
//	@Security		BearerKey
//	@Accept		json
//	@Produce	json
//	@Param		stage	body		models.StageInput	true	"The new stage"
//	@Success	201		{object}	models.Stage
//	@Header		201		{string}	Location	"URL of the new stage"
//	@Header		201		{string}	ETag		"Version of the new stage"
//	@Failure	400		{object}	Problem		"Malformed JSON, unknown field or wrong type"
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure	409		{object}	Problem		"Slug already taken in this chain"
//	@Failure	413		{object}	Problem		"Body too large"
//	@Failure	415		{object}	Problem		"Not application/json"
//	@Failure	422		{object}	Problem		"Invalid values"
//	@Router		/stages [post]
func (h *Stages) Create(c *gin.Context) {
	var in models.StageInput
	if err := decodeCreate(c, &in); err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.CreateStage(c.Request.Context(), &in)
	if err != nil {
		c.Error(err)
		return
	}
	c.Header("Location", "/api/v1/stages/"+strconv.FormatInt(t.ID, 10))
	writeObject(c, http.StatusCreated, t.ID, t.Version, t)
}

// Replace handles PUT /api/v1/stages/{id}.
//
//	@Summary		Replace a stage
//	@Description	Full replacement. Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412, none is 428. Role: editor.
//	@Tags			stages
//	@Security		BearerKey
//	@Accept			json
//	@Produce		json
//	@Param			id			path		int					true	"Stage id"
//	@Param			If-Match	header		string				false	"ETag from your GET"
//	@Param			stage		body		models.StageInput	true	"The stage as it should be"
//	@Success		200			{object}	models.Stage
//	@Header			200			{string}	ETag	"New version of the stage"
//	@Failure		400			{object}	Problem
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Slug already taken in this chain"
//	@Failure		412			{object}	Problem	"Stale ETag or version"
//	@Failure		413			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Failure		428			{object}	Problem	"No precondition"
//	@Router			/stages/{id} [put]
func (h *Stages) Replace(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	var in models.StageInput
	pre, err := decodeReplace(c, &in, &in.Version)
	if err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.ReplaceStage(c.Request.Context(), id, &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, t.ID, t.Version, t)
}

// Patch handles PATCH /api/v1/stages/{id}.
//
//	@Summary		Update fields of a stage
//	@Description	JSON Merge Patch (RFC 7396): send only the fields to change. Needs a precondition like PUT. Role: editor.
//	@Tags			stages
//	@Security		BearerKey
//	@Accept			application/merge-patch+json,json
//	@Produce		json
//	@Param			id			path		int		true	"Stage id"
//	@Param			If-Match	header		string	false	"ETag from your GET"
//	@Param			patch		body		object	true	"Fields to change, e.g. {\"name\":\"...\",\"version\":1}"
//	@Success		200			{object}	models.Stage
//	@Header			200			{string}	ETag	"New version of the stage"
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
//	@Router			/stages/{id} [patch]
func (h *Stages) Patch(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	cur, err := h.store.Stage(c.Request.Context(), id)
	if err != nil {
		c.Error(err)
		return
	}
	var in models.StageInput
	pre, err := decodeMergePatch(c, cur, cur.ID, cur.Version, &in)
	if err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.ReplaceStage(c.Request.Context(), cur.ID, &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, t.ID, t.Version, t)
}

// Delete handles DELETE /api/v1/stages/{id}.
//
//	@Summary		Delete a stage
//	@Description	Only a stage without tactics can be deleted (409 otherwise). `If-Match` is honoured when sent. Role: editor.
//	@Tags			stages
//	@Security		BearerKey
//	@Param			id			path	int		true	"Stage id"
//	@Param			If-Match	header	string	false	"ETag from your GET"
//	@Success		204			"Deleted"
//	@Failure		400			{object}	Problem
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"The stage still has tactics"
//	@Failure		412			{object}	Problem
//	@Router			/stages/{id} [delete]
func (h *Stages) Delete(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	pre, _ := precondition(c, nil, false)
	if err := h.store.DeleteStage(c.Request.Context(), id, pre); err != nil {
		c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}

// Revisions handles GET /api/v1/stages/{id}/revisions.
//
//	@Summary		History of a stage
//	@Description	Every change of the stage, newest first: who, when, the request, and the stage as it stood after the change (before it, for a delete). Deleted stages keep their history. Role: editor.
//	@Tags			stages
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		int	true	"Stage id"
//	@Param			limit			query		int		false	"Page size"	minimum(1)	maximum(200)	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			include_total	query		bool	false	"Count all revisions"
//	@Success		200				{object}	RevisionList
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem	"No history"
//	@Router			/stages/{id}/revisions [get]
func (h *Stages) Revisions(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	writeRevisions(c, h.store, "stage", strconv.FormatInt(id, 10))
}

// Restore handles POST /api/v1/stages/{id}/revisions/{revision}/restore.
//
//	@Summary		Restore a stage to a revision
//	@Description	Brings the stage back to the state a revision recorded, as a new revision; a deleted stage comes back under its old id. `If-Match` is honoured when sent. Role: editor.
//	@Tags			stages
//	@Produce		json
//	@Security		BearerKey
//	@Param			id			path		int	true	"Stage id"
//	@Param			revision	path		int		true	"Revision id"
//	@Param			If-Match	header		string	false	"ETag from your GET"
//	@Success		200			{object}	models.Stage
//	@Header			200			{string}	ETag	"New version of the stage"
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem	"No such revision"
//	@Failure		409			{object}	Problem	"Slug taken, or what the stage needs is gone"
//	@Failure		412			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/stages/{id}/revisions/{revision}/restore [post]
func (h *Stages) Restore(c *gin.Context) {
	id, err := pathID(c)
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
	obj, err := h.store.RestoreStage(c.Request.Context(), id, rev, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, obj.ID, obj.Version, obj)
}
