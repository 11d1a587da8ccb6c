package handlers

import (
	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// Tags serves /api/v1/tags.
type Tags struct {
	store *store.Store
	crud  *crud[models.Tag, models.TagInput]
}

// NewTags returns the tag handlers.
func NewTags(st *store.Store) *Tags {
	return &Tags{store: st, crud: newCrud(st.TagObjects(), pathKey)}
}

// TagList is a page of tags.
//
//	@Description	A page of tags.
type TagList struct {
	// The page's items.
	Data []models.Tag `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6InNob3J0LXRlcm0iLCJpIjoxfQ"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// List handles GET /api/v1/tags.
//
//	@Summary	List tags
//	@Description	Tags in pages of `limit`, ordered by `sort` (default `slug`), each with how many tactics carry it. Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`.
//	@ID	listTags
//	@Tags	tags
//	@Produce	json
//	@Param	group	query	string	false	"Tag group (a slug), e.g. horizon, lever, function"	example(horizon)
//	@Param	q	query	string	false	"Text to find in name or description"	maxlength(200)	example(term)
//	@Param	sort	query	string	false	"Sort field, - in front for descending; ties are broken by id"	Enums(id,-id,slug,-slug,name,-name,group,-group,created_at,-created_at,updated_at,-updated_at)	default(slug)	example(group)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all matches (costs a scan)"	example(true)
//	@Success	200	{object}	TagList	"A page of tags"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Bad query parameter (code bad_query; errors names each), or a cursor that is not ours or was made with other filters or sort (bad_cursor, cursor_mismatch)"
//	@Router	/tags [get]
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
//	@Summary	Get a tag
//	@Description	A tag by id or slug, with its ETag and how many tactics carry it. With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@ID	getTag
//	@Tags	tags
//	@Produce	json
//	@Param	id	path	string	true	"Tag id or slug"	example(short-term)
//	@Param	If-None-Match	header	string	false	"ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"
//	@Success	200	{object}	models.Tag	"The tag"
//	@Header	200	{string}	ETag	"Version of the tag, for If-Match and If-None-Match"
//	@Success	304	"Not modified: the ETag in If-None-Match is current"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such tag (code not_found)"
//	@Router	/tags/{id} [get]
func (h *Tags) Get(c *gin.Context) { h.crud.handleGet(c) }

// Create handles POST /api/v1/tags.
//
//	@Summary	Create a tag
//	@Description	Creates a tag in a group. Its slug must be unique. The answer carries the new tag, its `Location` and its `ETag`.
//	@ID	createTag
//	@Tags	tags
//	@Accept	json
//	@Produce	json
//	@Param	tag	body	models.TagInput	true	"The new tag"
//	@Success	201	{object}	models.Tag	"The tag as created"
//	@Header	201	{string}	Location	"Path of the new tag"
//	@Header	201	{string}	ETag	"Version of the new tag"
//	@Failure	400	{object}	Problem	"Malformed JSON, an unknown field or a wrong type (codes invalid_json, unknown_field, wrong_type)"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Router	/tags [post]
func (h *Tags) Create(c *gin.Context) { h.crud.handleCreate(c) }

// Replace handles PUT /api/v1/tags/{id}.
//
//	@Summary	Replace a tag
//	@Description	Replaces the whole tag: what a GET returned, edited, can be sent back as it is (read-only fields are ignored). Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412 and changes nothing; none is 428.
//	@ID	replaceTag
//	@Tags	tags
//	@Accept	json
//	@Produce	json
//	@Param	id	path	string	true	"Tag id or slug"	example(short-term)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	tag	body	models.TagInput	true	"The tag as it should be"
//	@Success	200	{object}	models.Tag	"The tag as it now is"
//	@Header	200	{string}	ETag	"New version of the tag"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such tag"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug), or the tag would move into the horizon group while a tactic carrying it already has a horizon tag (code horizon_clash)"
//	@Failure	412	{object}	Problem	"The tag changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/tags/{id} [put]
func (h *Tags) Replace(c *gin.Context) { h.crud.handleReplace(c) }

// Patch handles PATCH /api/v1/tags/{id}.
//
//	@Summary	Update fields of a tag
//	@Description	A JSON Merge Patch (RFC 7396): send only the fields to change; `null` clears one; a list (such as `tags`) is replaced whole. Needs a precondition like PUT: `If-Match`, or `version` in the patch.
//	@ID	patchTag
//	@Tags	tags
//	@Accept	application/merge-patch+json,json
//	@Produce	json
//	@Param	id	path	string	true	"Tag id or slug"	example(short-term)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	patch	body	models.TagInput	true	"The fields to change, and the version you read unless If-Match is sent"
//	@Success	200	{object}	models.Tag	"The tag as it now is"
//	@Header	200	{string}	ETag	"New version of the tag"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such tag"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug), or the tag would move into the horizon group while a tactic carrying it already has a horizon tag (code horizon_clash)"
//	@Failure	412	{object}	Problem	"The tag changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/merge-patch+json or application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/tags/{id} [patch]
func (h *Tags) Patch(c *gin.Context) { h.crud.handlePatch(c) }

// Delete handles DELETE /api/v1/tags/{id}.
//
//	@Summary	Delete a tag
//	@Description	Deletes a tag that no tactic carries (409 otherwise). Its history stays, and it can be restored. `If-Match` is honoured when sent.
//	@ID	deleteTag
//	@Tags	tags
//	@Produce	json
//	@Param	id	path	string	true	"Tag id or slug"	example(short-term)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	204	"Deleted"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such tag"
//	@Failure	409	{object}	Problem	"Tactics still carry the tag (code in_use; the count is in detail)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Router	/tags/{id} [delete]
func (h *Tags) Delete(c *gin.Context) { h.crud.handleDelete(c) }

// Revisions handles GET /api/v1/tags/{id}/revisions.
//
//	@Summary	History of a tag
//	@Description	Every change of the tag, newest first: who, when, the request, and the tag as it stood after the change (before it, for a delete). A deleted tag keeps its history, by id or by its last slug.
//	@ID	listTagRevisions
//	@Tags	tags
//	@Produce	json
//	@Param	id	path	string	true	"Tag id or slug"	example(short-term)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all revisions (costs a scan)"	example(true)
//	@Success	200	{object}	RevisionList	"A page of the tag's revisions"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Malformed id or query parameter, or a bad cursor"
//	@Failure	404	{object}	Problem	"No tag with this id has a history"
//	@Router	/tags/{id}/revisions [get]
func (h *Tags) Revisions(c *gin.Context) { h.crud.handleRevisions(c) }

// Restore handles POST /api/v1/tags/{id}/revisions/{revision}/restore.
//
//	@Summary	Restore a tag to a revision
//	@Description	Brings the tag back to the state a revision recorded, as a new revision; a deleted tag comes back under its old id. `If-Match` is honoured when sent.
//	@ID	restoreTag
//	@Tags	tags
//	@Produce	json
//	@Param	id	path	string	true	"Tag id or slug"	example(short-term)
//	@Param	revision	path	int	true	"Revision id, from the tag's history"	example(42)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	200	{object}	models.Tag	"The tag as restored"
//	@Header	200	{string}	ETag	"New version of the tag"
//	@Failure	400	{object}	Problem	"Malformed id or revision (code bad_path)"
//	@Failure	404	{object}	Problem	"No such revision of this tag"
//	@Failure	409	{object}	Problem	"Slug taken by another tag, or the restore would give a tactic two horizon tags (code not_restorable or duplicate_slug)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Failure	422	{object}	Problem	"The revision's state is no longer valid (code validation_failed)"
//	@Router	/tags/{id}/revisions/{revision}/restore [post]
func (h *Tags) Restore(c *gin.Context) { h.crud.handleRestore(c) }
