package handlers

import (
	"github.com/gin-gonic/gin"

	"chainkb/internal/economics"
	"chainkb/internal/store"
	"chainkb/models"
)

// Parameters serves /api/v1/parameters.
type Parameters struct {
	store *store.Store
	crud  *crud[models.Parameter, models.ParameterInput]
}

// NewParameters returns the parameter handlers.
func NewParameters(st *store.Store) *Parameters {
	return &Parameters{store: st, crud: newCrud(st.ParameterObjects(), pathKey)}
}

// ParameterList is a page of parameters.
//
//	@Description	A page of parameters.
type ParameterList struct {
	// The page's items.
	Data []models.Parameter `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6InNob3J0LXRlcm0iLCJpIjoxfQ"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// List handles GET /api/v1/parameters.
//
//	@Summary	List parameters
//	@Description	Parameters of the risk-reward model in pages of `limit`, ordered by `sort` (default `slug`). Follow `next_cursor` (or the `Link` header) for the next page; `total` is counted only with `include_total=true`.
//	@ID	listParameters
//	@Tags	parameters
//	@Produce	json
//	@Param	chain	query	string	false	"Chain id or slug"	example(sex-trafficking)
//	@Param	stage	query	string	false	"Stage slug"	example(retailer)
//	@Param	symbol	query	string	false	"The model's symbol"	Enums(profit,acquisition_cost,p_conviction,p_detect,p_prosecute,p_convict,fine,restitution,confiscation_rate,prison_years,prison_year_cost,duration_years,buyer_price,price_elasticity,total_profits,victims,convictions)	example(profit)
//	@Param	geography	query	string	false	"ISO 3166-1 alpha-2 country code, or global"	example(IN)
//	@Param	estimate	query	string	false	"How the value was obtained"	Enums(reported,derived,assumption)	example(reported)
//	@Param	q	query	string	false	"Text to find in slug, unit or note"	maxlength(200)	example(victim-year)
//	@Param	sort	query	string	false	"Sort field, - in front for descending; ties are broken by id"	Enums(id,-id,slug,-slug,symbol,-symbol,geography,-geography,period,-period,created_at,-created_at,updated_at,-updated_at)	default(slug)	example(symbol)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all matches (costs a scan)"	example(true)
//	@Success	200	{object}	ParameterList	"A page of parameters"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Bad query parameter (code bad_query; errors names each), or a cursor that is not ours or was made with other filters or sort (bad_cursor, cursor_mismatch)"
//	@Router	/parameters [get]
func (h *Parameters) List(c *gin.Context) {
	q := listQuery(c, "chain", "stage", "symbol", "geography", "estimate", "q")
	f := models.ParameterFilter{Chain: q.key("chain"), Stage: q.slug("stage"), Symbol: q.enum("symbol", symbolNames()...),
		Geography: q.str("geography"), Estimate: q.enum("estimate", models.EstimateReported, models.EstimateDerived, models.EstimateAssumption),
		Q: q.text("q"), Page: q.page()}
	if f.Geography != "" && !models.IsJurisdiction(f.Geography) {
		q.fail("geography", "must be an ISO 3166-1 alpha-2 country code (e.g. IN) or global")
	}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	page, err := h.store.Parameters(c.Request.Context(), f)
	if err != nil {
		c.Error(err)
		return
	}
	writeList(c, page)
}

// Get handles GET /api/v1/parameters/{id}.
//
//	@Summary	Get a parameter
//	@Description	A parameter by id or slug, with its ETag. With `If-None-Match` naming the current ETag, the answer is 304 without a body.
//	@ID	getParameter
//	@Tags	parameters
//	@Produce	json
//	@Param	id	path	string	true	"Parameter id or slug"	example(st-profit-in-2009)
//	@Param	If-None-Match	header	string	false	"ETag from an earlier GET, as it came, with its quotes: the answer is 304 without a body while it is current"
//	@Success	200	{object}	models.Parameter	"The parameter"
//	@Header	200	{string}	ETag	"Version of the parameter, for If-Match and If-None-Match"
//	@Success	304	"Not modified: the ETag in If-None-Match is current"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such parameter (code not_found)"
//	@Router	/parameters/{id} [get]
func (h *Parameters) Get(c *gin.Context) { h.crud.handleGet(c) }

// Create handles POST /api/v1/parameters.
//
//	@Summary	Create a parameter
//	@Description	Creates a parameter of the risk-reward model for a chain (and a stage, or null for the whole chain). Its slug must be unique; its chain, stage and cited sources must exist; at least one of low, central and high; low ≤ central ≤ high; a probability is in [0, 1] and an amount is 0 or more (a price elasticity is stored as its magnitude). The answer carries the new parameter, its `Location` and its `ETag`.
//	@ID	createParameter
//	@Tags	parameters
//	@Accept	json
//	@Produce	json
//	@Param	parameter	body	models.ParameterInput	true	"The new parameter"
//	@Success	201	{object}	models.Parameter	"The parameter as created"
//	@Header	201	{string}	Location	"Path of the new parameter"
//	@Header	201	{string}	ETag	"Version of the new parameter"
//	@Failure	400	{object}	Problem	"Malformed JSON, an unknown field or a wrong type (codes invalid_json, unknown_field, wrong_type)"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values, or a chain, stage or cited source that does not exist; errors names each field, e.g. citations/0/source (code validation_failed)"
//	@Router	/parameters [post]
func (h *Parameters) Create(c *gin.Context) { h.crud.handleCreate(c) }

// Replace handles PUT /api/v1/parameters/{id}.
//
//	@Summary	Replace a parameter
//	@Description	Replaces the whole parameter: what a GET returned, edited, can be sent back as it is (read-only fields are ignored). Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read in the body. A stale one is 412 and changes nothing; none is 428.
//	@ID	replaceParameter
//	@Tags	parameters
//	@Accept	json
//	@Produce	json
//	@Param	id	path	string	true	"Parameter id or slug"	example(st-profit-in-2009)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	parameter	body	models.ParameterInput	true	"The parameter as it should be"
//	@Success	200	{object}	models.Parameter	"The parameter as it now is"
//	@Header	200	{string}	ETag	"New version of the parameter"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such parameter"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug)"
//	@Failure	412	{object}	Problem	"The parameter changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values, or a chain, stage or cited source that does not exist; errors names each field, e.g. citations/0/source (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/parameters/{id} [put]
func (h *Parameters) Replace(c *gin.Context) { h.crud.handleReplace(c) }

// Patch handles PATCH /api/v1/parameters/{id}.
//
//	@Summary	Update fields of a parameter
//	@Description	A JSON Merge Patch (RFC 7396): send only the fields to change; `null` clears one; a list (such as `citations`) is replaced whole. Needs a precondition like PUT: `If-Match`, or `version` in the patch.
//	@ID	patchParameter
//	@Tags	parameters
//	@Accept	application/merge-patch+json,json
//	@Produce	json
//	@Param	id	path	string	true	"Parameter id or slug"	example(st-profit-in-2009)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); or send the version you read in the body instead"
//	@Param	patch	body	models.ParameterInput	true	"The fields to change, and the version you read unless If-Match is sent"
//	@Success	200	{object}	models.Parameter	"The parameter as it now is"
//	@Header	200	{string}	ETag	"New version of the parameter"
//	@Failure	400	{object}	Problem	"Malformed id, malformed JSON, an unknown field or a wrong type"
//	@Failure	404	{object}	Problem	"No such parameter"
//	@Failure	409	{object}	Problem	"Slug already taken (code duplicate_slug)"
//	@Failure	412	{object}	Problem	"The parameter changed since you read it: GET it again and reapply your change (code precondition_failed)"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/merge-patch+json or application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values, or a chain, stage or cited source that does not exist; errors names each field, e.g. citations/0/source (code validation_failed)"
//	@Failure	428	{object}	Problem	"No precondition: send If-Match or the version (code precondition_required)"
//	@Router	/parameters/{id} [patch]
func (h *Parameters) Patch(c *gin.Context) { h.crud.handlePatch(c) }

// Delete handles DELETE /api/v1/parameters/{id}.
//
//	@Summary	Delete a parameter
//	@Description	Deletes a parameter. Its history stays, and it can be restored. `If-Match` is honoured when sent.
//	@ID	deleteParameter
//	@Tags	parameters
//	@Produce	json
//	@Param	id	path	string	true	"Parameter id or slug"	example(st-profit-in-2009)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	204	"Deleted"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such parameter"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Router	/parameters/{id} [delete]
func (h *Parameters) Delete(c *gin.Context) { h.crud.handleDelete(c) }

// Revisions handles GET /api/v1/parameters/{id}/revisions.
//
//	@Summary	History of a parameter
//	@Description	Every change of the parameter, newest first: who, when, the request, and the parameter as it stood after the change (before it, for a delete). A deleted parameter keeps its history, by id or by its last slug.
//	@ID	listParameterRevisions
//	@Tags	parameters
//	@Produce	json
//	@Param	id	path	string	true	"Parameter id or slug"	example(st-profit-in-2009)
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all revisions (costs a scan)"	example(true)
//	@Success	200	{object}	RevisionList	"A page of the parameter's revisions"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Malformed id or query parameter, or a bad cursor"
//	@Failure	404	{object}	Problem	"No parameter with this id has a history"
//	@Router	/parameters/{id}/revisions [get]
func (h *Parameters) Revisions(c *gin.Context) { h.crud.handleRevisions(c) }

// Restore handles POST /api/v1/parameters/{id}/revisions/{revision}/restore.
//
//	@Summary	Restore a parameter to a revision
//	@Description	Brings the parameter back to the state a revision recorded, as a new revision; a deleted parameter comes back under its old id. `If-Match` is honoured when sent.
//	@ID	restoreParameter
//	@Tags	parameters
//	@Produce	json
//	@Param	id	path	string	true	"Parameter id or slug"	example(st-profit-in-2009)
//	@Param	revision	path	int	true	"Revision id, from the parameter's history"	example(42)
//	@Param	If-Match	header	string	false	"ETag from your GET, as it came, with its quotes (or * for any version); honoured when sent"
//	@Success	200	{object}	models.Parameter	"The parameter as restored"
//	@Header	200	{string}	ETag	"New version of the parameter"
//	@Failure	400	{object}	Problem	"Malformed id or revision (code bad_path)"
//	@Failure	404	{object}	Problem	"No such revision of this parameter"
//	@Failure	409	{object}	Problem	"Slug taken by another parameter (duplicate_slug), or its chain or stage has been deleted since (not_restorable)"
//	@Failure	412	{object}	Problem	"If-Match does not name the current version (code precondition_failed)"
//	@Failure	422	{object}	Problem	"The revision's state is no longer valid (code validation_failed)"
//	@Router	/parameters/{id}/revisions/{revision}/restore [post]
func (h *Parameters) Restore(c *gin.Context) { h.crud.handleRestore(c) }

// symbolNames lists the model's symbols, for a query parameter's check.
func symbolNames() []string {
	syms := economics.Symbols()
	out := make([]string, len(syms))
	for i, s := range syms {
		out[i] = string(s.Symbol)
	}
	return out
}
