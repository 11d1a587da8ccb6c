package handlers

import (
	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/models"
)

// Stages serves /api/v1/stages.
type Stages struct {
	store *store.Store
	*crud[models.Stage, models.StageInput]
}

// NewStages returns the stage handlers.
func NewStages(st *store.Store) *Stages {
	return &Stages{store: st, crud: newCrud(st.StageObjects(), idKey)}
}

// StageDocs describes the stage operations for the OpenAPI document.
var StageDocs = apidoc.Resource{
	Tag: "stages", Name: "stage",
	Object: models.Stage{}, Input: models.StageInput{}, Page: StageList{}, RevisionPage: RevisionList{},
	ID:       apidoc.Param{Description: "Stage id", Example: "2", Pattern: apidoc.IDPattern},
	ListText: "Stages in pages of `limit`, ordered by `sort` (default `position`).",
	ListNote: "A filter value that names nothing (a chain that does not exist) gives an empty list.",
	Filters: []apidoc.Param{
		{In: apidoc.InQuery, Name: "chain", Description: "Chain id or slug", Example: "sex-trafficking"},
		{In: apidoc.InQuery, Name: "side", Description: "Side of the market", Enum: []string{"supply", "demand"}, Example: "supply"},
		{In: apidoc.InQuery, Name: "q", Description: "Text to find in name, actor or description", MaxLength: 200, Example: "trafficker"},
	},
	Sort: []string{"id", "slug", "name", "position", "created_at", "updated_at"}, SortDefault: "position", SortExample: "position",
	CreateText: "Creates a stage in a chain. Its slug must be unique in the chain; its chain cannot change afterwards.",
	GetText:    "A stage by id, with its ETag.",
	DeleteText: "Deletes a stage that has no tactics (409 otherwise). Its history stays, and it can be restored.",
	PatchList:  "tags", ReplaceNote: "A stage cannot move to another chain (422).",
	Conflict:        "Slug already taken in this chain (code duplicate_slug)",
	DeleteConflict:  "The stage still has tactics (code in_use; the count is in detail)",
	RestoreConflict: "Slug taken in the chain, or the chain is gone (code not_restorable or duplicate_slug)",
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
func (h *Stages) List(c *gin.Context) {
	q := listQuery(c, "chain", "side", "q")
	f := models.StageFilter{Chain: q.key("chain"), Side: q.enum("side", models.SideSupply, models.SideDemand), Q: q.text("q"), Page: q.page()}
	answerList(c, q, f, h.store.Stages)
}
