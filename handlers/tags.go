package handlers

import (
	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/models"
)

// Tags serves /api/v1/tags.
type Tags struct {
	store *store.Store
	*crud[models.Tag, models.TagInput]
}

// NewTags returns the tag handlers.
func NewTags(st *store.Store) *Tags {
	return &Tags{store: st, crud: newCrud(st.TagObjects(), pathKey)}
}

// TagDocs describes the tag operations for the OpenAPI document.
var TagDocs = apidoc.Resource{
	Tag: "tags", Name: "tag",
	Object: models.Tag{}, Input: models.TagInput{}, Page: TagList{}, RevisionPage: RevisionList{},
	ID:       apidoc.Param{Description: "Tag id or slug", Example: "short-term"},
	ListText: "Tags in pages of `limit`, ordered by `sort` (default `slug`), each with how many tactics carry it.",
	Filters: []apidoc.Param{
		{In: apidoc.InQuery, Name: "group", Description: "Tag group (a slug), e.g. horizon, lever, function", Example: "horizon"},
		{In: apidoc.InQuery, Name: "q", Description: "Text to find in name or description", MaxLength: 200, Example: "term"},
	},
	Sort: []string{"id", "slug", "name", "group", "created_at", "updated_at"}, SortDefault: "slug", SortExample: "group",
	CreateText: "Creates a tag in a group. Its slug must be unique.",
	GetText:    "A tag by id or slug, with its ETag and how many tactics carry it.",
	DeleteText: "Deletes a tag that no tactic carries (409 otherwise). Its history stays, and it can be restored.",
	PatchList:  "tags", HistoryNote: "A deleted tag keeps its history, by id or by its last slug.",
	Conflict:        "Slug already taken (code duplicate_slug)",
	UpdateConflict:  "Slug already taken (code duplicate_slug), or the tag would move into the horizon group while a tactic carrying it already has a horizon tag (code horizon_clash)",
	DeleteConflict:  "Tactics still carry the tag (code in_use; the count is in detail)",
	RestoreConflict: "Slug taken by another tag, or the restore would give a tactic two horizon tags (code not_restorable or duplicate_slug)",
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
func (h *Tags) List(c *gin.Context) {
	q := listQuery(c, "group", "q")
	f := models.TagFilter{Group: q.slug("group"), Q: q.text("q"), Page: q.page()}
	answerList(c, q, f, h.store.Tags)
}
