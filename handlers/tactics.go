package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// Tactics serves /api/v1/tactics.
type Tactics struct{ store *store.Store }

// NewTactics returns the tactic handlers.
func NewTactics(st *store.Store) *Tactics { return &Tactics{store: st} }

// TacticList is a page of tactics.
type TacticList struct {
	Data       []models.Tactic `json:"data"`
	NextCursor *string         `json:"next_cursor" example:"eyJmIjoiYWJjIiwidiI6MSwiaSI6MX0"`
	Total      *int64          `json:"total,omitempty" example:"1"`
}

// List handles GET /api/v1/tactics.
//
//	@Summary		List tactics
//	@Description	Tactics in pages of `limit`, ordered by `sort` (default `id`). Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`. Without an editor key, only published tactics exist.
//	@Tags			tactics
//	@Produce		json
//	@Param			chain			query		string		false	"Chain id or slug"								example(sex-trafficking)
//	@Param			stage			query		int			false	"Stage id"										minimum(1)
//	@Param			kind			query		string		false	"Current effort or what should be done"			Enums(current,recommended)
//	@Param			tag				query		[]string	false	"Tag slug; repeat for several (all must match)"	collectionFormat(multi)
//	@Param			horizon			query		string		false	"Horizon tag slug"								Enums(short-term,long-term)
//	@Param			status			query		string		false	"Publication status; below editor only published tactics exist"	Enums(draft,published,archived)
//	@Param			q				query		string		false	"Text to find in title, summary or description"	maxlength(200)
//	@Param			sort			query		string		false	"Sort field, '-' in front for descending"		Enums(id,-id,title,-title,position,-position,created_at,-created_at,updated_at,-updated_at)
//	@Param			limit			query		int			false	"Page size"										minimum(1)	maximum(200)	default(50)
//	@Param			cursor			query		string		false	"next_cursor of the previous page"
//	@Param			include_total	query		bool		false	"Count all matches"
//	@Success		200				{object}	TacticList
//	@Header			200				{string}	Link	"<next page URL>; rel=\"next\""
//	@Failure		400				{object}	Problem	"Bad query parameter or cursor"
//	@Router			/tactics [get]
func (h *Tactics) List(c *gin.Context) {
	q := listQuery(c, "chain", "stage", "kind", "tag", "horizon", "status", "q")
	f := models.TacticFilter{Chain: q.key("chain"), StageID: q.id("stage"), Kind: q.enum("kind", models.KindCurrent, models.KindRecommended), Tags: q.slugs("tag"), Horizon: q.slug("horizon"),
		Status: q.enum("status", models.StatusDraft, models.StatusPublished, models.StatusArchived), Q: q.text("q"), Page: q.page()}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	page, err := h.store.Tactics(c.Request.Context(), f)
	if err != nil {
		c.Error(err)
		return
	}
	writeList(c, page)
}

// Get handles GET /api/v1/tactics/{id}.
//
//	@Summary		Get a tactic
//	@Description	A tactic by id, with its ETag. Draft and archived tactics exist only for editors. With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@Tags			tactics
//	@Produce		json
//	@Param			id				path		int		true	"Tactic id"	example(1)
//	@Param			If-None-Match	header		string	false	"ETag from an earlier GET"
//	@Success		200				{object}	models.Tactic
//	@Header			200				{string}	ETag	"Version of the tactic"
//	@Success		304				"Not modified"
//	@Failure		400				{object}	Problem	"Malformed id"
//	@Failure		404				{object}	Problem	"No such tactic"
//	@Router			/tactics/{id} [get]
func (h *Tactics) Get(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.Tactic(c.Request.Context(), id)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, t.ID, t.Version, t)
}

// Create handles POST /api/v1/tactics.
//
//	@Summary	Create a tactic
//	@Description	Role: editor.
//	@Tags		tactics
//	@Security		BearerKey
//	@Accept		json
//	@Produce	json
//	@Param		tactic	body		models.TacticInput	true	"The new tactic"
//	@Success	201		{object}	models.Tactic
//	@Header		201		{string}	Location	"URL of the new tactic"
//	@Header		201		{string}	ETag		"Version of the new tactic"
//	@Failure	400		{object}	Problem		"Malformed JSON, unknown field or wrong type"
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure	413		{object}	Problem		"Body too large"
//	@Failure	415		{object}	Problem		"Not application/json"
//	@Failure	422		{object}	Problem		"Invalid values"
//	@Router		/tactics [post]
func (h *Tactics) Create(c *gin.Context) {
	var in models.TacticInput
	if err := decodeCreate(c, &in); err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.CreateTactic(c.Request.Context(), &in)
	if err != nil {
		c.Error(err)
		return
	}
	c.Header("Location", "/api/v1/tactics/"+strconv.FormatInt(t.ID, 10))
	writeObject(c, http.StatusCreated, t.ID, t.Version, t)
}

// Replace handles PUT /api/v1/tactics/{id}.
//
//	@Summary		Replace a tactic
//	@Description	Full replacement. Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412, none is 428. Role: editor.
//	@Tags			tactics
//	@Security		BearerKey
//	@Accept			json
//	@Produce		json
//	@Param			id			path		int					true	"Tactic id"
//	@Param			If-Match	header		string				false	"ETag from your GET"
//	@Param			tactic		body		models.TacticInput	true	"The tactic as it should be"
//	@Success		200			{object}	models.Tactic
//	@Header			200			{string}	ETag	"New version of the tactic"
//	@Failure		400			{object}	Problem
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Stale ETag or version"
//	@Failure		413			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Failure		428			{object}	Problem	"No precondition"
//	@Router			/tactics/{id} [put]
func (h *Tactics) Replace(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	var in models.TacticInput
	pre, err := decodeReplace(c, &in, &in.Version)
	if err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.ReplaceTactic(c.Request.Context(), id, &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, t.ID, t.Version, t)
}

// Patch handles PATCH /api/v1/tactics/{id}.
//
//	@Summary		Update fields of a tactic
//	@Description	JSON Merge Patch (RFC 7396): send only the fields to change. Needs a precondition like PUT. Role: editor.
//	@Tags			tactics
//	@Security		BearerKey
//	@Accept			application/merge-patch+json,json
//	@Produce		json
//	@Param			id			path		int		true	"Tactic id"
//	@Param			If-Match	header		string	false	"ETag from your GET"
//	@Param			patch		body		object	true	"Fields to change, e.g. {\"name\":\"...\",\"version\":1}"
//	@Success		200			{object}	models.Tactic
//	@Header			200			{string}	ETag	"New version of the tactic"
//	@Failure		400			{object}	Problem
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		413			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Router			/tactics/{id} [patch]
func (h *Tactics) Patch(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	cur, err := h.store.Tactic(c.Request.Context(), id)
	if err != nil {
		c.Error(err)
		return
	}
	var in models.TacticInput
	pre, err := decodeMergePatch(c, cur, cur.ID, cur.Version, &in)
	if err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.ReplaceTactic(c.Request.Context(), cur.ID, &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, t.ID, t.Version, t)
}

// Delete handles DELETE /api/v1/tactics/{id}.
//
//	@Summary		Delete a tactic
//	@Description	Deletes the tactic and its tag links. `If-Match` is honoured when sent. Role: editor.
//	@Tags			tactics
//	@Security		BearerKey
//	@Param			id			path	int		true	"Tactic id"
//	@Param			If-Match	header	string	false	"ETag from your GET"
//	@Success		204			"Deleted"
//	@Failure		400			{object}	Problem
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Router			/tactics/{id} [delete]
func (h *Tactics) Delete(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	pre, _ := precondition(c, nil, false)
	if err := h.store.DeleteTactic(c.Request.Context(), id, pre); err != nil {
		c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}

// Revisions handles GET /api/v1/tactics/{id}/revisions.
//
//	@Summary		History of a tactic
//	@Description	Every change of the tactic, newest first: who, when, the request, and the tactic as it stood after the change (before it, for a delete). Deleted tactics keep their history. Role: editor.
//	@Tags			tactics
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		int	true	"Tactic id"
//	@Param			limit			query		int		false	"Page size"	minimum(1)	maximum(200)	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			include_total	query		bool	false	"Count all revisions"
//	@Success		200				{object}	RevisionList
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem	"No history"
//	@Router			/tactics/{id}/revisions [get]
func (h *Tactics) Revisions(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	writeRevisions(c, h.store, "tactic", strconv.FormatInt(id, 10))
}

// Restore handles POST /api/v1/tactics/{id}/revisions/{revision}/restore.
//
//	@Summary		Restore a tactic to a revision
//	@Description	Brings the tactic back to the state a revision recorded, as a new revision; a deleted tactic comes back under its old id. `If-Match` is honoured when sent. Role: editor.
//	@Tags			tactics
//	@Produce		json
//	@Security		BearerKey
//	@Param			id			path		int	true	"Tactic id"
//	@Param			revision	path		int		true	"Revision id"
//	@Param			If-Match	header		string	false	"ETag from your GET"
//	@Success		200			{object}	models.Tactic
//	@Header			200			{string}	ETag	"New version of the tactic"
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem	"No such revision"
//	@Failure		409			{object}	Problem	"Slug taken, or what the tactic needs is gone"
//	@Failure		412			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/tactics/{id}/revisions/{revision}/restore [post]
func (h *Tactics) Restore(c *gin.Context) {
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
	obj, err := h.store.RestoreTactic(c.Request.Context(), id, rev, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, obj.ID, obj.Version, obj)
}
