package handlers

import (
	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/economics"
	"chainkb/internal/store"
	"chainkb/models"
)

// Parameters serves /api/v1/parameters.
type Parameters struct {
	store *store.Store
	*crud[models.Parameter, models.ParameterInput]
}

// NewParameters returns the parameter handlers.
func NewParameters(st *store.Store) *Parameters {
	return &Parameters{store: st, crud: newCrud(st.ParameterObjects(), pathKey)}
}

// ParameterDocs describes the parameter operations for the OpenAPI document.
var ParameterDocs = apidoc.Resource{
	Tag: "parameters", Name: "parameter",
	Object: models.Parameter{}, Input: models.ParameterInput{}, Page: ParameterList{}, RevisionPage: RevisionList{},
	ID:       apidoc.Param{Description: "Parameter id or slug", Example: "st-profit-in-2009"},
	ListText: "Parameters of the risk-reward model in pages of `limit`, ordered by `sort` (default `slug`).",
	Filters: []apidoc.Param{
		{In: apidoc.InQuery, Name: "chain", Description: "Chain id or slug", Example: "sex-trafficking"},
		{In: apidoc.InQuery, Name: "stage", Description: "Stage slug", Example: "retailer"},
		{In: apidoc.InQuery, Name: "symbol", Description: "The model's symbol", Enum: []string{"profit", "acquisition_cost", "p_conviction", "p_detect", "p_prosecute", "p_convict", "fine", "restitution", "confiscation_rate", "prison_years", "prison_year_cost", "duration_years", "buyer_price", "price_elasticity", "total_profits", "victims", "convictions"}, Example: "profit"},
		{In: apidoc.InQuery, Name: "geography", Description: "ISO 3166-1 alpha-2 country code, or global", Example: "IN"},
		{In: apidoc.InQuery, Name: "estimate", Description: "How the value was obtained", Enum: []string{"reported", "derived", "assumption"}, Example: "reported"},
		{In: apidoc.InQuery, Name: "q", Description: "Text to find in slug, unit or note", MaxLength: 200, Example: "victim-year"},
	},
	Sort: []string{"id", "slug", "symbol", "geography", "period", "created_at", "updated_at"}, SortDefault: "slug", SortExample: "symbol",
	CreateText: "Creates a parameter of the risk-reward model for a chain (and a stage, or null for the whole chain). Its slug must be unique; its chain, stage and cited sources must exist; at least one of low, central and high; low ≤ central ≤ high; a probability is in [0, 1] and an amount is 0 or more (a price elasticity is stored as its magnitude).",
	GetText:    "A parameter by id or slug, with its ETag.",
	DeleteText: "Deletes a parameter. Its history stays, and it can be restored.",
	PatchList:  "citations", HistoryNote: "A deleted parameter keeps its history, by id or by its last slug.",
	Conflict:        "Slug already taken (code duplicate_slug)",
	Invalid:         "Invalid values, or a chain, stage or cited source that does not exist; errors names each field, e.g. citations/0/source (code validation_failed)",
	RestoreConflict: "Slug taken by another parameter (duplicate_slug), or its chain or stage has been deleted since (not_restorable)",
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
func (h *Parameters) List(c *gin.Context) {
	q := listQuery(c, "chain", "stage", "symbol", "geography", "estimate", "q")
	f := models.ParameterFilter{Chain: q.key("chain"), Stage: q.slug("stage"), Symbol: q.enum("symbol", symbolNames()...),
		Geography: q.str("geography"), Estimate: q.enum("estimate", models.EstimateReported, models.EstimateDerived, models.EstimateAssumption),
		Q: q.text("q"), Page: q.page()}
	if f.Geography != "" && !models.IsJurisdiction(f.Geography) {
		q.fail("geography", "must be an ISO 3166-1 alpha-2 country code (e.g. IN) or global")
	}
	answerList(c, q, f, h.store.Parameters)
}

// symbolNames lists the model's symbols, for a query parameter's check.
func symbolNames() []string {
	syms := economics.Symbols()
	out := make([]string, len(syms))
	for i, s := range syms {
		out[i] = string(s.Symbol)
	}
	return out
}
