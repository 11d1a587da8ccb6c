package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/models"
)

// Relations serves /api/v1/relations and /api/v1/tactics/{id}/relations.
type Relations struct {
	store *store.Store
	*crud[models.Relation, models.RelationInput]
}

// NewRelations returns the relation handlers.
func NewRelations(st *store.Store) *Relations {
	return &Relations{store: st, crud: newCrud(st.RelationObjects(), idKey)}
}

// RelationDocs describes the relation operations for the OpenAPI document.
var RelationDocs = apidoc.Resource{
	Tag: "relations", Name: "relation",
	Object: models.Relation{}, Input: models.RelationInput{}, Page: RelationList{}, RevisionPage: RevisionList{},
	ID:       apidoc.Param{Description: "Relation id", Example: "1", Pattern: apidoc.IDPattern},
	ListText: "Relations between tactics in pages of `limit`, ordered by `sort` (default `id`).",
	ListNote: "Below the editor role a relation exists only while both its tactics are published, here and in the change feed (entity `relation`), where its changes show as they leave or enter that state. A `tactic` that names no tactic gives an empty list.",
	Filters: append([]apidoc.Param{
		{In: apidoc.InQuery, Name: "tactic", Description: "Tactic code or id: relations from or to it", Example: "ST-R-R01"},
	}, relationFilters...),
	Sort: relationSorts, SortDefault: "id", SortExample: "-created_at",
	CreateText:  "Relates one tactic to another; `from` and `to` name tactics by code or id, and the answer names them by code. A tactic cannot relate to itself, the same `from`, `to` and `type` cannot be there twice (409), and `prerequisite-of` cannot close a loop (422 on `to`, naming the loop). `addresses` runs from a current or recommended tactic to a condition (422 on the end of the wrong kind). The tactics may be in different chains: the same measure at a link of each is `duplicates` or `complements`.",
	GetText:     "A relation by id, with its ETag. Below the editor role a relation whose either tactic is a draft or archived does not exist (404).",
	DeleteText:  "Deletes the relation. Its history stays, and it can be restored under its old id.",
	HistoryNote: "A relation deleted with one of its tactics keeps its history, and comes back when that tactic is restored.", RestoreNote: "Both its tactics must exist.",
	Conflict:        "The same relation exists already (code duplicate_relation)",
	CreateInvalid:   "Invalid values: an unknown type, a tactic that does not exist, a relation to itself, a loop of prerequisites; errors names each field (code validation_failed)",
	RestoreConflict: "A tactic it links is gone, or it would close a loop of prerequisites (code not_restorable), or the same relation exists again (code duplicate_relation)",
	RestoreInvalid:  "The revision's state is no longer valid, such as a loop of prerequisites (code validation_failed)",
}

// relationFilters are the filters of both lists of relations, and relationSorts their sort fields.
var (
	relationFilters = []apidoc.Param{
		{In: apidoc.InQuery, Name: "type", Description: "Relation type", Enum: relationTypes, Example: "prerequisite-of"},
		{In: apidoc.InQuery, Name: "q", Description: "Text to find in the note (case-insensitive for ASCII; % and _ match themselves)", MaxLength: 200, Example: "lever"},
	}
	relationSorts = []string{"id", "type", "created_at", "updated_at"}
)

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
	models.RelationDuplicates, models.RelationSupersedes, models.RelationAddresses}

// List handles GET /api/v1/relations.
func (h *Relations) List(c *gin.Context) {
	q := listQuery(c, "tactic", "type", "q")
	f := h.filter(q)
	f.Tactic = q.tactic("tactic")
	answerList(c, q, f, h.store.Relations)
}

// TacticRelationsDoc describes GET /tactics/{id}/relations.
var TacticRelationsDoc = apidoc.Op{
	ID: "listTacticRelations", Tag: "relations", Summary: "Relations of a tactic",
	Description: "The relations of a tactic in both directions, in pages like `GET /relations`: each is a relation with `direction` (`outgoing`: the tactic is its `from`; `incoming`: the tactic is its `to`) and `other`, the code of the tactic at the other end. The tactic is named by id or code. Below the editor role a draft or archived tactic does not exist (404), and a relation to one is left out.",
	Params: append(append([]apidoc.Param{{In: apidoc.InPath, Name: "id", Description: "Tactic id or code", Example: "ST-R-R01"}},
		relationFilters...), apidoc.Page(relationSorts, "id", "-created_at", "Count all matches (costs a scan)")...),
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "A page of the tactic's relations", Body: TacticRelationList{}, Headers: apidoc.LinkHeader},
		{Status: http.StatusBadRequest, Description: "Malformed id or code (code bad_path), bad query parameter (code bad_query), or a bad cursor"},
		{Status: http.StatusNotFound, Description: "No such tactic (code not_found)"},
	},
}

// OfTactic handles GET /api/v1/tactics/{id}/relations.
func (h *Relations) OfTactic(c *gin.Context) {
	key := c.Param("id")
	if !validTacticKey(key) {
		c.Error(pathError(key, "a tactic id (a positive whole number) or code (such as ST-R-R01)"))
		return
	}
	q := listQuery(c, "type", "q")
	f := h.filter(q)
	answerList(c, q, f, func(ctx context.Context, f models.RelationFilter) (models.List[models.TacticRelation], error) {
		return h.store.TacticRelations(ctx, key, f)
	})
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
