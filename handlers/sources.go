package handlers

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// Sources serves /api/v1/sources.
type Sources struct {
	store *store.Store
	crud  *crud[models.Source, models.SourceInput]
}

// NewSources returns the source handlers.
func NewSources(st *store.Store) *Sources {
	return &Sources{store: st, crud: newCrud(st.SourceObjects(), pathKey)}
}

// SourceList is a page of sources.
//
//	@Description	A page of sources.
type SourceList struct {
	// The page's items.
	Data []models.Source `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6ImthcmEtMjAwOSIsImkiOjF9"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// List handles GET /api/v1/sources.
//
//	@Summary	List sources
//	@Description	The bibliography in pages of `limit`, ordered by `sort` (default `slug`; with `q` and no `sort`, by relevance), filtered by type, year range and text. Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`. A source without a year is left out when a year bound is given.
//	@ID	listSources
//	@Tags	sources
//	@Produce	json
//	@Param	type	query	string	false	"Type of source"	Enums(primary-official,primary-author,peer-reviewed,grey,news,secondary,legal-instrument)	example(primary-author)
//	@Param	year_from	query	int	false	"Published in this year or later"	minimum(1000)	maximum(2100)	example(2000)
//	@Param	year_to	query	int	false	"Published in this year or earlier"	minimum(1000)	maximum(2100)	example(2020)
//	@Param	q	query	string	false	"Words to find in title, authors, container or note, in the search query language (see GET /search); without sort, the best matches come first"	maxlength(200)	example(trafficking)
//	@Param	sort	query	string	false	"Sort field, - in front for descending; ties are broken by id"	Enums(id,-id,slug,-slug,title,-title,created_at,-created_at,updated_at,-updated_at)	default(slug)	example(title)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all matches (costs a scan)"	example(true)
//	@Success	200	{object}	SourceList	"A page of sources"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Bad query parameter (code bad_query; errors names each), or a cursor that is not ours or was made with other filters or sort (bad_cursor, cursor_mismatch)"
//	@Router	/sources [get]
func (h *Sources) List(c *gin.Context) {
	q := listQuery(c, "type", "year_from", "year_to", "q")
	text, parsed := q.search("q")
	f := models.SourceFilter{Type: q.enum("type", models.SourceTypes...), YearFrom: year(q, "year_from"),
		YearTo: year(q, "year_to"), Q: text, Parsed: parsed, Page: q.page()}
	if f.YearFrom != 0 && f.YearTo != 0 && f.YearFrom > f.YearTo {
		q.fail("year_to", "must not be before year_from")
	}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	page, err := h.store.Sources(c.Request.Context(), f)
	if err != nil {
		c.Error(err)
		return
	}
	writeList(c, page)
}

// year reads a year parameter, 1000 to 2100 (0 when absent).
func year(q *query, name string) int {
	s := q.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1000 || n > 2100 {
		q.fail(name, "must be a year from 1000 to 2100")
		return 0
	}
	return n
}

// Get handles GET /api/v1/sources/{id}.
//
//	@Summary	Get a source
//	@Description	A source by id or slug, with its ETag and `cited_by`: the chains, stages, tags and tactics that cite it (below editor, published tactics only; absent when nothing cites it). With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@ID	getSource
//	@Tags	sources
//	@Produce	json
//	@Param	id	path	string	true	"Source id or slug"	example(kara-2009-sex-trafficking)
//	@Param	If-None-Match	header	string	false	"ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"
//	@Success	200	{object}	models.Source	"The source, with where it is cited"
//	@Header	200	{string}	ETag	"Version of the source, for If-Match and If-None-Match"
//	@Success	304	"Not modified: the ETag in If-None-Match is current"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such source (code not_found)"
//	@Router	/sources/{id} [get]
func (h *Sources) Get(c *gin.Context) { h.crud.handleGet(c) }

// Create handles POST /api/v1/sources.
//
//	@Summary	Create a source
//	@Description	Adds a work to the bibliography. Its slug must be unique: citations name it. The answer carries the new source, its `Location` and its `ETag`.
//	@ID	createSource
//	@Tags	sources
//	@Accept	json
//	@Produce	json
//	@Param	source	body	models.SourceInput	true	"The new source"
//	@Success	201	{object}	models.Source	"The source as created"
//	@Header	201	{string}	Location	"Path of the new source"
//	@Header	201	{string}	ETag	"Version of the new source"
//	@Failure	400	{object}	Problem	"Malformed JSON, an unknown field or a wrong type (codes invalid_json, unknown_field, wrong_type)"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Router	/sources [post]
func (h *Sources) Create(c *gin.Context) { h.crud.handleCreate(c) }

// Replace handles PUT /api/v1/sources/{id}.
//
//	@Summary	Replace a source
//	@Description	Replaces the whole source: what a GET returned, edited, can be sent back as it is (read-only fields and `cited_by` are ignored). A cited source keeps its slug. Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412 and changes nothing; none is 428.
//	@ID	replaceSource
//	@Tags	sources
//	@Accept	json
//	@Produce	json
//	@Param	id	path	string	true	"Source id or slug"	example(kara-2009-sex-trafficking)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	source	body	models.SourceInput	true	"The source as it should be"
//	@Success	200	{object}	models.Source	"The source as it now is"
//	@Header	200	{string}	ETag	"New version of the source"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such source"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug), or a new slug for a source that is cited (code in_use)"
//	@Failure	412	{object}	Problem	"The source changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/sources/{id} [put]
func (h *Sources) Replace(c *gin.Context) { h.crud.handleReplace(c) }

// Patch handles PATCH /api/v1/sources/{id}.
//
//	@Summary	Update fields of a source
//	@Description	A JSON Merge Patch (RFC 7396): send only the fields to change; `null` clears one; a list (such as `authors`) is replaced whole. Needs a precondition like PUT: `If-Match`, or `version` in the patch.
//	@ID	patchSource
//	@Tags	sources
//	@Accept	application/merge-patch+json,json
//	@Produce	json
//	@Param	id	path	string	true	"Source id or slug"	example(kara-2009-sex-trafficking)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	patch	body	models.SourceInput	true	"The fields to change, and the version you read unless If-Match is sent"
//	@Success	200	{object}	models.Source	"The source as it now is"
//	@Header	200	{string}	ETag	"New version of the source"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such source"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug), or a new slug for a source that is cited (code in_use)"
//	@Failure	412	{object}	Problem	"The source changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/merge-patch+json or application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/sources/{id} [patch]
func (h *Sources) Patch(c *gin.Context) { h.crud.handlePatch(c) }

// Delete handles DELETE /api/v1/sources/{id}.
//
//	@Summary	Delete a source
//	@Description	Deletes a source that nothing cites (409 otherwise, with the count; drafts count too). Its history stays, and it can be restored. `If-Match` is honoured when sent.
//	@ID	deleteSource
//	@Tags	sources
//	@Produce	json
//	@Param	id	path	string	true	"Source id or slug"	example(kara-2009-sex-trafficking)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	204	"Deleted"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such source"
//	@Failure	409	{object}	Problem	"Objects still cite the source (code in_use; the count is in detail)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Router	/sources/{id} [delete]
func (h *Sources) Delete(c *gin.Context) { h.crud.handleDelete(c) }

// Revisions handles GET /api/v1/sources/{id}/revisions.
//
//	@Summary	History of a source
//	@Description	Every change of the source, newest first: who, when, the request, and the source as it stood after the change (before it, for a delete). A deleted source keeps its history, by id or by its last slug.
//	@ID	listSourceRevisions
//	@Tags	sources
//	@Produce	json
//	@Param	id	path	string	true	"Source id or slug"	example(kara-2009-sex-trafficking)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all revisions (costs a scan)"	example(true)
//	@Success	200	{object}	RevisionList	"A page of the source's revisions"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Malformed id or query parameter, or a bad cursor"
//	@Failure	404	{object}	Problem	"No source with this id has a history"
//	@Router	/sources/{id}/revisions [get]
func (h *Sources) Revisions(c *gin.Context) { h.crud.handleRevisions(c) }

// Restore handles POST /api/v1/sources/{id}/revisions/{revision}/restore.
//
//	@Summary	Restore a source to a revision
//	@Description	Brings the source back to the state a revision recorded, as a new revision; a deleted source comes back under its old id. `If-Match` is honoured when sent.
//	@ID	restoreSource
//	@Tags	sources
//	@Produce	json
//	@Param	id	path	string	true	"Source id or slug"	example(kara-2009-sex-trafficking)
//	@Param	revision	path	int	true	"Revision id, from the source's history"	example(42)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	200	{object}	models.Source	"The source as restored"
//	@Header	200	{string}	ETag	"New version of the source"
//	@Failure	400	{object}	Problem	"Malformed id or revision (code bad_path)"
//	@Failure	404	{object}	Problem	"No such revision of this source"
//	@Failure	409	{object}	Problem	"The revision records a delete (code not_restorable), its slug is taken by another source (code duplicate_slug), or it has another slug while the source is cited (code in_use)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Failure	422	{object}	Problem	"The revision's state is no longer valid (code validation_failed)"
//	@Router	/sources/{id}/revisions/{revision}/restore [post]
func (h *Sources) Restore(c *gin.Context) { h.crud.handleRestore(c) }
