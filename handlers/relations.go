package handlers

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// Relations serves /api/v1/relations and /api/v1/tactics/{id}/relations.
type Relations struct {
	store *store.Store
	crud  *crud[models.Relation, models.RelationInput]
}

// NewRelations returns the relation handlers.
func NewRelations(st *store.Store) *Relations {
	return &Relations{store: st, crud: newCrud(st.RelationObjects(), idKey)}
}

// RelationList is a page of relations.
//
//	@Description	A page of relations.
type RelationList struct {
	// The page's items.
	Data []models.Relation `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6MSwiaSI6MX0"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// TacticRelationList is a page of the relations of one tactic, in both directions.
//
//	@Description	A page of the relations of one tactic, in both directions: each says which way it points from the tactic and names the tactic at the other end.
type TacticRelationList struct {
	// The page's items.
	Data []models.TacticRelation `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6MSwiaSI6MX0"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// relationTypes are the values of a relation's type.
var relationTypes = []string{models.RelationComplements, models.RelationPrerequisiteOf, models.RelationConflictsWith,
	models.RelationDuplicates, models.RelationSupersedes}

// List handles GET /api/v1/relations.
//
//	@Summary	List relations
//	@Description	Relations between tactics in pages of `limit`, ordered by `sort` (default `id`). Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`. Below the editor role a relation exists only while both its tactics are published, here and in the change feed (entity `relation`), where its changes show as they leave or enter that state. A `tactic` that names no tactic gives an empty list.
//	@ID	listRelations
//	@Tags	relations
//	@Produce	json
//	@Param	tactic	query	string	false	"Tactic code or id: relations from or to it"	example(ST-R-R01)
//	@Param	type	query	string	false	"Relation type"	Enums(complements,prerequisite-of,conflicts-with,duplicates,supersedes)	example(prerequisite-of)
//	@Param	q	query	string	false	"Text to find in the note (case-insensitive for ASCII; % and _ match themselves)"	maxlength(200)	example(lever)
//	@Param	sort	query	string	false	"Sort field, - in front for descending; ties are broken by id"	Enums(id,-id,type,-type,created_at,-created_at,updated_at,-updated_at)	default(id)	example(-created_at)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all matches (costs a scan)"	example(true)
//	@Success	200	{object}	RelationList	"A page of relations"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Bad query parameter (code bad_query; errors names each), or a cursor that is not ours or was made with other filters or sort (bad_cursor, cursor_mismatch)"
//	@Router	/relations [get]
func (h *Relations) List(c *gin.Context) {
	q := listQuery(c, "tactic", "type", "q")
	f := h.filter(q)
	f.Tactic = q.tactic("tactic")
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	page, err := h.store.Relations(c.Request.Context(), f)
	if err != nil {
		c.Error(err)
		return
	}
	writeList(c, page)
}

// OfTactic handles GET /api/v1/tactics/{id}/relations.
//
//	@Summary	Relations of a tactic
//	@Description	The relations of a tactic in both directions, in pages like `GET /relations`: each is a relation with `direction` (`outgoing`: the tactic is its `from`; `incoming`: the tactic is its `to`) and `other`, the code of the tactic at the other end. The tactic is named by id or code. Below the editor role a draft or archived tactic does not exist (404), and a relation to one is left out.
//	@ID	listTacticRelations
//	@Tags	relations
//	@Produce	json
//	@Param	id	path	string	true	"Tactic id or code"	example(ST-R-R01)
//	@Param	type	query	string	false	"Relation type"	Enums(complements,prerequisite-of,conflicts-with,duplicates,supersedes)	example(prerequisite-of)
//	@Param	q	query	string	false	"Text to find in the note (case-insensitive for ASCII; % and _ match themselves)"	maxlength(200)	example(lever)
//	@Param	sort	query	string	false	"Sort field, - in front for descending; ties are broken by id"	Enums(id,-id,type,-type,created_at,-created_at,updated_at,-updated_at)	default(id)	example(-created_at)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all matches (costs a scan)"	example(true)
//	@Success	200	{object}	TacticRelationList	"A page of the tactic's relations"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Malformed id or code (code bad_path), bad query parameter (code bad_query), or a bad cursor"
//	@Failure	404	{object}	Problem	"No such tactic (code not_found)"
//	@Router	/tactics/{id}/relations [get]
func (h *Relations) OfTactic(c *gin.Context) {
	key := c.Param("id")
	if !validTacticKey(key) {
		c.Error(pathError(key, "a tactic id (a positive whole number) or code (such as ST-R-R01)"))
		return
	}
	q := listQuery(c, "type", "q")
	f := h.filter(q)
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	page, err := h.store.TacticRelations(c.Request.Context(), key, f)
	if err != nil {
		c.Error(err)
		return
	}
	writeList(c, page)
}

// filter reads the filters that both lists take.
func (h *Relations) filter(q *query) models.RelationFilter {
	return models.RelationFilter{Type: q.enum("type", relationTypes...), Q: q.text("q"), Page: q.page()}
}

// tactic returns a parameter that names a tactic by id or code.
func (q *query) tactic(name string) string {
	s := q.str(name)
	if s != "" && !validTacticKey(s) {
		q.fail(name, "must be a tactic id (a positive whole number) or code (such as ST-R-R01)")
	}
	return s
}

// validTacticKey reports whether s can name a tactic: an id or a code.
func validTacticKey(s string) bool {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n > 0
	}
	return models.IsCode(s)
}

// Get handles GET /api/v1/relations/{id}.
//
//	@Summary	Get a relation
//	@Description	A relation by id, with its ETag. Below the editor role a relation whose either tactic is a draft or archived does not exist (404). With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@ID	getRelation
//	@Tags	relations
//	@Produce	json
//	@Param	id	path	int	true	"Relation id"	example(1)
//	@Param	If-None-Match	header	string	false	"ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"
//	@Success	200	{object}	models.Relation	"The relation"
//	@Header	200	{string}	ETag	"Version of the relation, for If-Match and If-None-Match"
//	@Success	304	"Not modified: the ETag in If-None-Match is current"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such relation (code not_found)"
//	@Router	/relations/{id} [get]
func (h *Relations) Get(c *gin.Context) { h.crud.handleGet(c) }

// Create handles POST /api/v1/relations.
//
//	@Summary	Create a relation
//	@Description	Relates one tactic to another; `from` and `to` name tactics by code or id, and the answer names them by code. A tactic cannot relate to itself, the same `from`, `to` and `type` cannot be there twice (409), and `prerequisite-of` cannot close a loop (422 on `to`, naming the loop). The answer carries the new relation, its `Location` and its `ETag`.
//	@ID	createRelation
//	@Tags	relations
//	@Accept	json
//	@Produce	json
//	@Param	relation	body	models.RelationInput	true	"The new relation"
//	@Success	201	{object}	models.Relation	"The relation as created"
//	@Header	201	{string}	Location	"Path of the new relation"
//	@Header	201	{string}	ETag	"Version of the new relation"
//	@Failure	400	{object}	Problem	"Malformed JSON, an unknown field or a wrong type (codes invalid_json, unknown_field, wrong_type)"
//	@Failure	409	{object}	Problem	"The same relation exists already (code duplicate_relation)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values: an unknown type, a tactic that does not exist, a relation to itself, a loop of prerequisites; errors names each field (code validation_failed)"
//	@Router	/relations [post]
func (h *Relations) Create(c *gin.Context) { h.crud.handleCreate(c) }

// Replace handles PUT /api/v1/relations/{id}.
//
//	@Summary	Replace a relation
//	@Description	Replaces the whole relation: what a GET returned, edited, can be sent back as it is (read-only fields are ignored). Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412 and changes nothing; none is 428.
//	@ID	replaceRelation
//	@Tags	relations
//	@Accept	json
//	@Produce	json
//	@Param	id	path	int	true	"Relation id"	example(1)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	relation	body	models.RelationInput	true	"The relation as it should be"
//	@Success	200	{object}	models.Relation	"The relation as it now is"
//	@Header	200	{string}	ETag	"New version of the relation"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such relation"
//	@Failure	409	{object}	Problem	"The same relation exists already (code duplicate_relation)"
//	@Failure	412	{object}	Problem	"The relation changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/relations/{id} [put]
func (h *Relations) Replace(c *gin.Context) { h.crud.handleReplace(c) }

// Patch handles PATCH /api/v1/relations/{id}.
//
//	@Summary	Update fields of a relation
//	@Description	A JSON Merge Patch (RFC 7396): send only the fields to change; `null` clears one. Needs a precondition like PUT: `If-Match`, or `version` in the patch.
//	@ID	patchRelation
//	@Tags	relations
//	@Accept	application/merge-patch+json,json
//	@Produce	json
//	@Param	id	path	int	true	"Relation id"	example(1)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	patch	body	models.RelationInput	true	"The fields to change, and the version you read unless If-Match is sent"
//	@Success	200	{object}	models.Relation	"The relation as it now is"
//	@Header	200	{string}	ETag	"New version of the relation"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such relation"
//	@Failure	409	{object}	Problem	"The same relation exists already (code duplicate_relation)"
//	@Failure	412	{object}	Problem	"The relation changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/merge-patch+json or application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/relations/{id} [patch]
func (h *Relations) Patch(c *gin.Context) { h.crud.handlePatch(c) }

// Delete handles DELETE /api/v1/relations/{id}.
//
//	@Summary	Delete a relation
//	@Description	Deletes the relation. Its history stays, and it can be restored under its old id. `If-Match` is honoured when sent.
//	@ID	deleteRelation
//	@Tags	relations
//	@Produce	json
//	@Param	id	path	int	true	"Relation id"	example(1)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	204	"Deleted"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such relation"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Router	/relations/{id} [delete]
func (h *Relations) Delete(c *gin.Context) { h.crud.handleDelete(c) }

// Revisions handles GET /api/v1/relations/{id}/revisions.
//
//	@Summary	History of a relation
//	@Description	Every change of the relation, newest first: who, when, the request, and the relation as it stood after the change (before it, for a delete). A relation deleted with one of its tactics keeps its history, and comes back when that tactic is restored.
//	@ID	listRelationRevisions
//	@Tags	relations
//	@Produce	json
//	@Param	id	path	int	true	"Relation id"	example(1)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all revisions (costs a scan)"	example(true)
//	@Success	200	{object}	RevisionList	"A page of the relation's revisions"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Malformed id or query parameter, or a bad cursor"
//	@Failure	404	{object}	Problem	"No relation with this id has a history"
//	@Router	/relations/{id}/revisions [get]
func (h *Relations) Revisions(c *gin.Context) { h.crud.handleRevisions(c) }

// Restore handles POST /api/v1/relations/{id}/revisions/{revision}/restore.
//
//	@Summary	Restore a relation to a revision
//	@Description	Brings the relation back to the state a revision recorded, as a new revision; a deleted relation comes back under its old id. Both its tactics must exist. `If-Match` is honoured when sent.
//	@ID	restoreRelation
//	@Tags	relations
//	@Produce	json
//	@Param	id	path	int	true	"Relation id"	example(1)
//	@Param	revision	path	int	true	"Revision id, from the relation's history"	example(42)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	200	{object}	models.Relation	"The relation as restored"
//	@Header	200	{string}	ETag	"New version of the relation"
//	@Failure	400	{object}	Problem	"Malformed id or revision (code bad_path)"
//	@Failure	404	{object}	Problem	"No such revision of this relation"
//	@Failure	409	{object}	Problem	"A tactic it links is gone, or it would close a loop of prerequisites (code not_restorable), or the same relation exists again (code duplicate_relation)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Failure	422	{object}	Problem	"The revision's state is no longer valid, such as a loop of prerequisites (code validation_failed)"
//	@Router	/relations/{id}/revisions/{revision}/restore [post]
func (h *Relations) Restore(c *gin.Context) { h.crud.handleRestore(c) }
