package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// Tactics serves /api/v1/tactics.
type Tactics struct {
	store *store.Store
	crud  *crud[models.Tactic, models.TacticInput]
}

// NewTactics returns the tactic handlers.
func NewTactics(st *store.Store) *Tactics {
	return &Tactics{store: st, crud: newCrud(st.TacticObjects(), tacticKey(st))}
}

// tacticKey reads the {id} path parameter of a tactic as the store's key, its id: an id, or its
// code (e.g. ST-R-R01), which is looked up (404 if no tactic the caller may see has it; a deleted
// tactic is restored by id).
func tacticKey(st *store.Store) func(*gin.Context) (string, error) {
	return func(c *gin.Context) (string, error) {
		id, err := tacticID(c, st)
		return strconv.FormatInt(id, 10), err
	}
}

// tacticID reads the {id} path parameter of a tactic: an id, or a code looked up to its id.
func tacticID(c *gin.Context, st *store.Store) (int64, error) {
	s := c.Param("id")
	if models.IsCode(s) {
		return st.TacticID(c.Request.Context(), s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, pathError(s, "a positive whole number or a tactic code such as ST-R-R01")
	}
	return n, nil
}

// TacticList is a page of tactics.
//
//	@Description	A page of tactics.
type TacticList struct {
	// The page's items.
	Data []models.Tactic `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6MSwiaSI6MX0"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// List handles GET /api/v1/tactics.
//
//	@Summary	List tactics
//	@Description	Tactics in pages of `limit`, ordered by `sort` (default `id`; with `q` and no `sort`, by relevance). Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`. Below the editor role only published tactics exist; editors list drafts with `status=draft`, which is 401 without a key and 403 with a key below editor. A filter value that names nothing (a chain or tag that does not exist) gives an empty list; a malformed one is 400.
//	@ID	listTactics
//	@Tags	tactics
//	@Produce	json
//	@Param	chain	query	string	false	"Chain id or slug"	example(sex-trafficking)
//	@Param	stage	query	int	false	"Stage id"	minimum(1)	example(3)
//	@Param	kind	query	string	false	"Current efforts, what should be done, or conditions that explain why current efforts fall short"	Enums(current,recommended,condition)	example(recommended)
//	@Param	tag	query	[]string	false	"Tag slug; repeat for several (all must match), at most 10"	collectionFormat(multi)	example(raise-exploiter-risk)
//	@Param	horizon	query	string	false	"Horizon tag slug: short-term or long-term"	example(short-term)
//	@Param	status	query	string	false	"Publication status; draft and archived need an editor key (401 without a key, 403 below editor)"	Enums(draft,published,archived)	example(published)
//	@Param	q	query	string	false	"Words to find in title, summary or description, in the search query language (see GET /search); without sort, the best matches come first"	maxlength(200)	example(penalty)
//	@Param	attribution	query	string	false	"Who makes the claim"	Enums(kara,kara-reading,other-source,editorial)	example(kara)
//	@Param	evidence_level	query	string	false	"The weakest evidence level to include: this level or a stronger one"	Enums(none,descriptive,pre-post,quasi-experimental,rct,systematic-review)	example(none)
//	@Param	review_due_before	query	string	false	"Only tactics whose next review is due before this date (YYYY-MM-DD)"	format(date)	example(2028-01-01)
//	@Param	sort	query	string	false	"Sort field, - in front for descending; ties are broken by id"	Enums(id,-id,title,-title,position,-position,created_at,-created_at,updated_at,-updated_at)	default(id)	example(-created_at)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all matches (costs a scan)"	example(true)
//	@Success	200	{object}	TacticList	"A page of tactics"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Bad query parameter (code bad_query; errors names each), or a cursor that is not ours or was made with other filters or sort (bad_cursor, cursor_mismatch)"
//	@Failure	403	{object}	Problem	"status=draft or status=archived with a key below the editor role (code forbidden)"
//	@Router	/tactics [get]
func (h *Tactics) List(c *gin.Context) {
	q := listQuery(c, "chain", "stage", "kind", "tag", "horizon", "status", "q", "attribution", "evidence_level", "review_due_before")
	text, parsed := q.search("q")
	f := models.TacticFilter{Chain: q.key("chain"), StageID: q.id("stage"), Kind: q.enum("kind", models.KindCurrent, models.KindRecommended, models.KindCondition), Tags: q.slugs("tag"), Horizon: q.slug("horizon"),
		Status: q.enum("status", models.StatusDraft, models.StatusPublished, models.StatusArchived), Q: text, Parsed: parsed,
		Attribution:   q.enum("attribution", models.AttributionKara, models.AttributionKaraReading, models.AttributionOther, models.AttributionEditorial),
		EvidenceLevel: q.enum("evidence_level", models.EvidenceLevels...), ReviewDueBefore: q.date("review_due_before"), Page: q.page()}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	if f.Status != "" && f.Status != models.StatusPublished {
		if err := needsEditor(c, "status="+f.Status, "lists draft or archived tactics"); err != nil {
			c.Error(err)
			return
		}
	}
	page, err := h.store.TacticDocs(c.Request.Context(), f)
	if err != nil {
		c.Error(err)
		return
	}
	writeDocList(c, page)
}

// Get handles GET /api/v1/tactics/{id}.
//
//	@Summary	Get a tactic
//	@Description	A tactic by id, with its ETag. Draft and archived tactics exist only for editors: 404 below that role. With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@ID	getTactic
//	@Tags	tactics
//	@Produce	json
//	@Param	id	path	string	true	"Tactic id, or its code (a deleted tactic: its id)"	example(ST-R-R01)
//	@Param	If-None-Match	header	string	false	"ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"
//	@Success	200	{object}	models.Tactic	"The tactic"
//	@Header	200	{string}	ETag	"Version of the tactic, for If-Match and If-None-Match"
//	@Success	304	"Not modified: the ETag in If-None-Match is current"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such tactic (code not_found)"
//	@Router	/tactics/{id} [get]
//
// It sends the tactic's stored representation (store.TacticDoc) rather than encoding it.
func (h *Tactics) Get(c *gin.Context) {
	id, err := tacticID(c, h.store)
	if err != nil {
		c.Error(err)
		return
	}
	doc, err := h.store.TacticDoc(c.Request.Context(), id)
	if err != nil {
		c.Error(err)
		return
	}
	writeBody(c, http.StatusOK, doc.ID, doc.Version, doc.JSON)
}

// Create handles POST /api/v1/tactics.
//
//	@Summary	Create a tactic
//	@Description	Creates a tactic at a stage, with tags by slug. It is a `draft`, seen only by editors, unless it says `"status": "published"`. The answer carries the new tactic, its `Location` and its `ETag`.
//	@ID	createTactic
//	@Tags	tactics
//	@Accept	json
//	@Produce	json
//	@Param	tactic	body	models.TacticInput	true	"The new tactic"
//	@Success	201	{object}	models.Tactic	"The tactic as created"
//	@Header	201	{string}	Location	"Path of the new tactic"
//	@Header	201	{string}	ETag	"Version of the new tactic"
//	@Failure	400	{object}	Problem	"Malformed JSON, an unknown field or a wrong type (codes invalid_json, unknown_field, wrong_type)"
//	@Failure	409	{object}	Problem	"The stage or a tag it names was deleted at the same moment (code in_use); retry"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Router	/tactics [post]
func (h *Tactics) Create(c *gin.Context) { h.crud.handleCreate(c) }

// Replace handles PUT /api/v1/tactics/{id}.
//
//	@Summary	Replace a tactic
//	@Description	Replaces the whole tactic: what a GET returned, edited, can be sent back as it is (read-only fields are ignored). Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412 and changes nothing; none is 428.
//	@ID	replaceTactic
//	@Tags	tactics
//	@Accept	json
//	@Produce	json
//	@Param	id	path	string	true	"Tactic id, or its code (a deleted tactic: its id)"	example(ST-R-R01)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	tactic	body	models.TacticInput	true	"The tactic as it should be"
//	@Success	200	{object}	models.Tactic	"The tactic as it now is"
//	@Header	200	{string}	ETag	"New version of the tactic"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such tactic"
//	@Failure	409	{object}	Problem	"The stage or a tag it names was deleted at the same moment (code in_use); retry"
//	@Failure	412	{object}	Problem	"The tactic changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/tactics/{id} [put]
func (h *Tactics) Replace(c *gin.Context) { h.crud.handleReplace(c) }

// Patch handles PATCH /api/v1/tactics/{id}.
//
//	@Summary	Update fields of a tactic
//	@Description	A JSON Merge Patch (RFC 7396): send only the fields to change; `null` clears one; a list (such as `tags`) is replaced whole. Needs a precondition like PUT: `If-Match`, or `version` in the patch.
//	@ID	patchTactic
//	@Tags	tactics
//	@Accept	application/merge-patch+json,json
//	@Produce	json
//	@Param	id	path	string	true	"Tactic id, or its code (a deleted tactic: its id)"	example(ST-R-R01)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	patch	body	models.TacticInput	true	"The fields to change, and the version you read unless If-Match is sent"
//	@Success	200	{object}	models.Tactic	"The tactic as it now is"
//	@Header	200	{string}	ETag	"New version of the tactic"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such tactic"
//	@Failure	409	{object}	Problem	"The stage or a tag it names was deleted at the same moment (code in_use); retry"
//	@Failure	412	{object}	Problem	"The tactic changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/merge-patch+json or application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values; errors names each field (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/tactics/{id} [patch]
func (h *Tactics) Patch(c *gin.Context) { h.crud.handlePatch(c) }

// Delete handles DELETE /api/v1/tactics/{id}.
//
//	@Summary	Delete a tactic
//	@Description	Deletes the tactic and its tag links. Its history stays, and it can be restored under its old id. `If-Match` is honoured when sent.
//	@ID	deleteTactic
//	@Tags	tactics
//	@Produce	json
//	@Param	id	path	string	true	"Tactic id, or its code (a deleted tactic: its id)"	example(ST-R-R01)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	204	"Deleted"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such tactic"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Router	/tactics/{id} [delete]
func (h *Tactics) Delete(c *gin.Context) { h.crud.handleDelete(c) }

// Revisions handles GET /api/v1/tactics/{id}/revisions.
//
//	@Summary	History of a tactic
//	@Description	Every change of the tactic, newest first: who, when, the request, and the tactic as it stood after the change (before it, for a delete). A deleted tactic keeps its history.
//	@ID	listTacticRevisions
//	@Tags	tactics
//	@Produce	json
//	@Param	id	path	string	true	"Tactic id, or its code (a deleted tactic: its id)"	example(ST-R-R01)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all revisions (costs a scan)"	example(true)
//	@Success	200	{object}	RevisionList	"A page of the tactic's revisions"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Malformed id or query parameter, or a bad cursor"
//	@Failure	404	{object}	Problem	"No tactic with this id has a history"
//	@Router	/tactics/{id}/revisions [get]
func (h *Tactics) Revisions(c *gin.Context) { h.crud.handleRevisions(c) }

// Restore handles POST /api/v1/tactics/{id}/revisions/{revision}/restore.
//
//	@Summary	Restore a tactic to a revision
//	@Description	Brings the tactic back to the state a revision recorded, as a new revision; a deleted tactic comes back under its old id. `If-Match` is honoured when sent.
//	@ID	restoreTactic
//	@Tags	tactics
//	@Produce	json
//	@Param	id	path	string	true	"Tactic id, or its code (a deleted tactic: its id)"	example(ST-R-R01)
//	@Param	revision	path	int	true	"Revision id, from the tactic's history"	example(42)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	200	{object}	models.Tactic	"The tactic as restored"
//	@Header	200	{string}	ETag	"New version of the tactic"
//	@Failure	400	{object}	Problem	"Malformed id or revision (code bad_path)"
//	@Failure	404	{object}	Problem	"No such revision of this tactic"
//	@Failure	409	{object}	Problem	"What the tactic needs (its stage, its tags) is gone (code not_restorable or duplicate_slug)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Failure	422	{object}	Problem	"The revision's state is no longer valid (code validation_failed)"
//	@Router	/tactics/{id}/revisions/{revision}/restore [post]
func (h *Tactics) Restore(c *gin.Context) { h.crud.handleRestore(c) }
