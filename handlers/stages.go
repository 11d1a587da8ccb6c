package handlers

import (
	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// Stages serves /api/v1/stages.
type Stages struct {
	store *store.Store
	crud  *crud[models.Stage, models.StageInput]
}

// NewStages returns the stage handlers.
func NewStages(st *store.Store) *Stages {
	return &Stages{store: st, crud: newCrud(st.StageObjects(), idKey)}
}

// StageList is a page of stages.
//
//	@Description	A page of stages.
type StageList struct {
	// The page's items.
	Data []models.Stage `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6MSwiaSI6MX0"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// List handles GET /api/v1/stages.
//
//	@Summary	List stages
//	@Description	Stages in pages of `limit`, ordered by `sort` (default `position`). Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`. A filter value that names nothing (a chain that does not exist) gives an empty list.
//	@ID	listStages
//	@Tags	stages
//	@Produce	json
//	@Param	chain	query	string	false	"Chain id or slug"	example(sex-trafficking)
//	@Param	side	query	string	false	"Side of the market"	Enums(supply,demand)	example(supply)
//	@Param	q	query	string	false	"Text to find in name, actor or description"	maxlength(200)	example(trafficker)
//	@Param	sort	query	string	false	"Sort field, - in front for descending; ties are broken by id"	Enums(id,-id,slug,-slug,name,-name,position,-position,created_at,-created_at,updated_at,-updated_at)	default(position)	example(position)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all matches (costs a scan)"	example(true)
//	@Success	200	{object}	StageList	"A page of stages"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Bad query parameter (code bad_query; errors names each), or a cursor that is not ours or was made with other filters or sort (bad_cursor, cursor_mismatch)"
//	@Router	/stages [get]
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
//	@Summary	Get a stage
//	@Description	A stage by id, with its ETag. With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@ID	getStage
//	@Tags	stages
//	@Produce	json
//	@Param	id	path	int	true	"Stage id"	example(2)
//	@Param	If-None-Match	header	string	false	"ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"
//	@Success	200	{object}	models.Stage	"The stage"
//	@Header	200	{string}	ETag	"Version of the stage, for If-Match and If-None-Match"
//	@Success	304	"Not modified: the ETag in If-None-Match is current"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such stage (code not_found)"
//	@Router	/stages/{id} [get]
func (h *Stages) Get(c *gin.Context) { h.crud.handleGet(c) }

// Create handles POST /api/v1/stages.
//
//	@Summary	Create a stage
//	@Description	Creates a stage in a chain. Its slug must be unique in the chain; its chain cannot change afterwards. The answer carries the new stage, its `Location` and its `ETag`.
//	@ID	createStage
//	@Tags	stages
//	@Accept	json
//	@Produce	json
//	@Param	stage	body	models.StageInput	true	"The new stage"
//	@Success	201	{object}	models.Stage	"The stage as created"
//	@Header	201	{string}	Location	"Path of the new stage"
//	@Header	201	{string}	ETag	"Version of the new stage"
//	@Failure	400	{object}	Problem	"Malformed JSON, an unknown field or a wrong type (codes invalid_json, unknown_field, wrong_type)"
//	@Failure	409	{object}	Problem	"Slug already taken in this chain (code duplicate_slug)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Router	/stages [post]
func (h *Stages) Create(c *gin.Context) { h.crud.handleCreate(c) }

// Replace handles PUT /api/v1/stages/{id}.
//
//	@Summary	Replace a stage
//	@Description	Replaces the whole stage: what a GET returned, edited, can be sent back as it is (read-only fields are ignored). Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412 and changes nothing; none is 428. A stage cannot move to another chain (422).
//	@ID	replaceStage
//	@Tags	stages
//	@Accept	json
//	@Produce	json
//	@Param	id	path	int	true	"Stage id"	example(2)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	stage	body	models.StageInput	true	"The stage as it should be"
//	@Success	200	{object}	models.Stage	"The stage as it now is"
//	@Header	200	{string}	ETag	"New version of the stage"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such stage"
//	@Failure	409	{object}	Problem	"Slug already taken in this chain (code duplicate_slug)"
//	@Failure	412	{object}	Problem	"The stage changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/stages/{id} [put]
func (h *Stages) Replace(c *gin.Context) { h.crud.handleReplace(c) }

// Patch handles PATCH /api/v1/stages/{id}.
//
//	@Summary	Update fields of a stage
//	@Description	A JSON Merge Patch (RFC 7396): send only the fields to change; `null` clears one; a list (such as `tags`) is replaced whole. Needs a precondition like PUT: `If-Match`, or `version` in the patch. A stage cannot move to another chain (422).
//	@ID	patchStage
//	@Tags	stages
//	@Accept	application/merge-patch+json,json
//	@Produce	json
//	@Param	id	path	int	true	"Stage id"	example(2)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	patch	body	models.StageInput	true	"The fields to change, and the version you read unless If-Match is sent"
//	@Success	200	{object}	models.Stage	"The stage as it now is"
//	@Header	200	{string}	ETag	"New version of the stage"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such stage"
//	@Failure	409	{object}	Problem	"Slug already taken in this chain (code duplicate_slug)"
//	@Failure	412	{object}	Problem	"The stage changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/merge-patch+json or application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/stages/{id} [patch]
func (h *Stages) Patch(c *gin.Context) { h.crud.handlePatch(c) }

// Delete handles DELETE /api/v1/stages/{id}.
//
//	@Summary	Delete a stage
//	@Description	Deletes a stage that has no tactics (409 otherwise). Its history stays, and it can be restored. `If-Match` is honoured when sent.
//	@ID	deleteStage
//	@Tags	stages
//	@Produce	json
//	@Param	id	path	int	true	"Stage id"	example(2)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	204	"Deleted"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such stage"
//	@Failure	409	{object}	Problem	"The stage still has tactics (code in_use; the count is in detail)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Router	/stages/{id} [delete]
func (h *Stages) Delete(c *gin.Context) { h.crud.handleDelete(c) }

// Revisions handles GET /api/v1/stages/{id}/revisions.
//
//	@Summary	History of a stage
//	@Description	Every change of the stage, newest first: who, when, the request, and the stage as it stood after the change (before it, for a delete). A deleted stage keeps its history.
//	@ID	listStageRevisions
//	@Tags	stages
//	@Produce	json
//	@Param	id	path	int	true	"Stage id"	example(2)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all revisions (costs a scan)"	example(true)
//	@Success	200	{object}	RevisionList	"A page of the stage's revisions"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Malformed id or query parameter, or a bad cursor"
//	@Failure	404	{object}	Problem	"No stage with this id has a history"
//	@Router	/stages/{id}/revisions [get]
func (h *Stages) Revisions(c *gin.Context) { h.crud.handleRevisions(c) }

// Restore handles POST /api/v1/stages/{id}/revisions/{revision}/restore.
//
//	@Summary	Restore a stage to a revision
//	@Description	Brings the stage back to the state a revision recorded, as a new revision; a deleted stage comes back under its old id. `If-Match` is honoured when sent.
//	@ID	restoreStage
//	@Tags	stages
//	@Produce	json
//	@Param	id	path	int	true	"Stage id"	example(2)
//	@Param	revision	path	int	true	"Revision id, from the stage's history"	example(42)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	200	{object}	models.Stage	"The stage as restored"
//	@Header	200	{string}	ETag	"New version of the stage"
//	@Failure	400	{object}	Problem	"Malformed id or revision (code bad_path)"
//	@Failure	404	{object}	Problem	"No such revision of this stage"
//	@Failure	409	{object}	Problem	"Slug taken in the chain, or the chain is gone (code not_restorable or duplicate_slug)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Failure	422	{object}	Problem	"The revision's state is no longer valid (code validation_failed)"
//	@Router	/stages/{id}/revisions/{revision}/restore [post]
func (h *Stages) Restore(c *gin.Context) { h.crud.handleRestore(c) }
