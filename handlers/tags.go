package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// Tags serves /api/v1/tags.
type Tags struct{ store *store.Store }

// NewTags returns the tag handlers.
func NewTags(st *store.Store) *Tags { return &Tags{store: st} }

// TagList is a page of tags.
type TagList struct {
	Data       []models.Tag `json:"data"`
	NextCursor *string      `json:"next_cursor" example:"eyJmIjoiYWJjIiwidiI6InNob3J0LXRlcm0iLCJpIjoxfQ"`
	Total      *int64       `json:"total,omitempty" example:"1"`
}

// List handles GET /api/v1/tags.
//
//	@Summary		List tags
//	@Description	Tags in pages of `limit`, ordered by `sort` (default `slug`). Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`.
//	@Tags			tags
//	@Produce		json
//	@Param			group			query		string	false	"Tag group, e.g. horizon, lever, function"
//	@Param			q				query		string	false	"Text to find in name or description"		maxlength(200)
//	@Param			sort			query		string	false	"Sort field, '-' in front for descending"	Enums(id,-id,slug,-slug,name,-name,group,-group,created_at,-created_at,updated_at,-updated_at)
//	@Param			limit			query		int		false	"Page size"									minimum(1)	maximum(200)	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			include_total	query		bool	false	"Count all matches"
//	@Success		200				{object}	TagList
//	@Header			200				{string}	Link	"<next page URL>; rel=\"next\""
//	@Failure		400				{object}	Problem	"Bad query parameter or cursor"
//	@Router			/tags [get]
func (h *Tags) List(c *gin.Context) {
	q := listQuery(c, "group", "q")
	f := models.TagFilter{Group: q.slug("group"), Q: q.text("q"), Page: q.page()}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	page, err := h.store.Tags(c.Request.Context(), f)
	if err != nil {
		c.Error(err)
		return
	}
	writeList(c, page)
}

// Get handles GET /api/v1/tags/{id}.
//
//	@Summary		Get a tag
//	@Description	A tag by id or slug, with its ETag. With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@Tags			tags
//	@Produce		json
//	@Param			id				path		string	true	"Tag id or slug"	example(short-term)
//	@Param			If-None-Match	header		string	false	"ETag from an earlier GET"
//	@Success		200				{object}	models.Tag
//	@Header			200				{string}	ETag	"Version of the tag"
//	@Success		304				"Not modified"
//	@Failure		400				{object}	Problem	"Malformed id"
//	@Failure		404				{object}	Problem	"No such tag"
//	@Router			/tags/{id} [get]
func (h *Tags) Get(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.Tag(c.Request.Context(), key)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, t.ID, t.Version, t)
}

// Create handles POST /api/v1/tags.
//
//	@Summary	Create a tag
//	@Description	Role: editor.
//	@Tags		tags
//	@Security		BearerKey
//	@Accept		json
//	@Produce	json
//	@Param		tag	body		models.TagInput	true	"The new tag"
//	@Success	201	{object}	models.Tag
//	@Header		201	{string}	Location	"URL of the new tag"
//	@Header		201	{string}	ETag		"Version of the new tag"
//	@Failure	400	{object}	Problem		"Malformed JSON, unknown field or wrong type"
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure	409	{object}	Problem		"Slug already taken"
//	@Failure	413	{object}	Problem		"Body too large"
//	@Failure	415	{object}	Problem		"Not application/json"
//	@Failure	422	{object}	Problem		"Invalid values"
//	@Router		/tags [post]
func (h *Tags) Create(c *gin.Context) {
	var in models.TagInput
	if err := decodeCreate(c, &in); err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.CreateTag(c.Request.Context(), &in)
	if err != nil {
		c.Error(err)
		return
	}
	c.Header("Location", "/api/v1/tags/"+strconv.FormatInt(t.ID, 10))
	writeObject(c, http.StatusCreated, t.ID, t.Version, t)
}

// Replace handles PUT /api/v1/tags/{id}.
//
//	@Summary		Replace a tag
//	@Description	Full replacement. Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412, none is 428. Role: editor.
//	@Tags			tags
//	@Security		BearerKey
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string			true	"Tag id or slug"
//	@Param			If-Match	header		string			false	"ETag from your GET"
//	@Param			tag			body		models.TagInput	true	"The tag as it should be"
//	@Success		200			{object}	models.Tag
//	@Header			200			{string}	ETag	"New version of the tag"
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
//	@Router			/tags/{id} [put]
func (h *Tags) Replace(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	var in models.TagInput
	pre, err := decodeReplace(c, &in, &in.Version)
	if err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.ReplaceTag(c.Request.Context(), key, &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, t.ID, t.Version, t)
}

// Patch handles PATCH /api/v1/tags/{id}.
//
//	@Summary		Update fields of a tag
//	@Description	JSON Merge Patch (RFC 7396): send only the fields to change. Needs a precondition like PUT. Role: editor.
//	@Tags			tags
//	@Security		BearerKey
//	@Accept			application/merge-patch+json,json
//	@Produce		json
//	@Param			id			path		string	true	"Tag id or slug"
//	@Param			If-Match	header		string	false	"ETag from your GET"
//	@Param			patch		body		object	true	"Fields to change, e.g. {\"name\":\"...\",\"version\":1}"
//	@Success		200			{object}	models.Tag
//	@Header			200			{string}	ETag	"New version of the tag"
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
//	@Router			/tags/{id} [patch]
func (h *Tags) Patch(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	cur, err := h.store.Tag(c.Request.Context(), key)
	if err != nil {
		c.Error(err)
		return
	}
	var in models.TagInput
	pre, err := decodeMergePatch(c, cur, cur.ID, cur.Version, &in)
	if err != nil {
		c.Error(err)
		return
	}
	t, err := h.store.ReplaceTag(c.Request.Context(), strconv.FormatInt(cur.ID, 10), &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, t.ID, t.Version, t)
}

// Delete handles DELETE /api/v1/tags/{id}.
//
//	@Summary		Delete a tag
//	@Description	Only a tag without stages can be deleted (409 otherwise). `If-Match` is honoured when sent. Role: editor.
//	@Tags			tags
//	@Security		BearerKey
//	@Param			id			path	string	true	"Tag id or slug"
//	@Param			If-Match	header	string	false	"ETag from your GET"
//	@Success		204			"Deleted"
//	@Failure		400			{object}	Problem
//	@Failure		401	{object}	Problem	"No key, or the key is not valid"
//	@Failure		403	{object}	Problem	"The key is not an editor\'s"
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Tactics still carry the tag"
//	@Failure		412			{object}	Problem
//	@Router			/tags/{id} [delete]
func (h *Tags) Delete(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	pre, _ := precondition(c, nil, false)
	if err := h.store.DeleteTag(c.Request.Context(), key, pre); err != nil {
		c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}

// Revisions handles GET /api/v1/tags/{id}/revisions.
//
//	@Summary		History of a tag
//	@Description	Every change of the tag, newest first: who, when, the request, and the tag as it stood after the change (before it, for a delete). Deleted tags keep their history, by id or by their last slug. Role: editor.
//	@Tags			tags
//	@Produce		json
//	@Security		BearerKey
//	@Param			id				path		string	true	"Tag id or slug"
//	@Param			limit			query		int		false	"Page size"	minimum(1)	maximum(200)	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			include_total	query		bool	false	"Count all revisions"
//	@Success		200				{object}	RevisionList
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem	"No history"
//	@Router			/tags/{id}/revisions [get]
func (h *Tags) Revisions(c *gin.Context) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	writeRevisions(c, h.store, "tag", key)
}

// Restore handles POST /api/v1/tags/{id}/revisions/{revision}/restore.
//
//	@Summary		Restore a tag to a revision
//	@Description	Brings the tag back to the state a revision recorded, as a new revision; a deleted tag comes back under its old id. `If-Match` is honoured when sent. Role: editor.
//	@Tags			tags
//	@Produce		json
//	@Security		BearerKey
//	@Param			id			path		string	true	"Tag id or slug"
//	@Param			revision	path		int		true	"Revision id"
//	@Param			If-Match	header		string	false	"ETag from your GET"
//	@Success		200			{object}	models.Tag
//	@Header			200			{string}	ETag	"New version of the tag"
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem	"No such revision"
//	@Failure		409			{object}	Problem	"Slug taken, or what the tag needs is gone"
//	@Failure		412			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/tags/{id}/revisions/{revision}/restore [post]
func (h *Tags) Restore(c *gin.Context) {
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
	obj, err := h.store.RestoreTag(c.Request.Context(), key, rev, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, obj.ID, obj.Version, obj)
}
