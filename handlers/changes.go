package handlers

import (
	"net/http"

	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/models"
)

// Changes serves the change feed, and its stream.
type Changes struct {
	store *store.Store
	watch *feedWatch
}

// NewChanges returns the change feed's handlers; timing tunes its stream.
func NewChanges(st *store.Store, timing StreamTiming) *Changes {
	return &Changes{store: st, watch: newFeedWatch(st, timing)}
}

// ChangeList is a page of the change feed, oldest first.
//
//	@Description	A page of the change feed, oldest first.
type ChangeList struct {
	// The changes, oldest first.
	Data []models.Revision `json:"data"`
	// NextCursor is the "after" of the next page, or null when this page reaches the end of the
	// feed for now; then poll again with after set to the last id you have.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"42"`
}

// ChangesDoc describes GET /changes.
var ChangesDoc = apidoc.Op{
	ID: "listChanges", Tag: "changes", Summary: "Change feed",
	Description: "Every change to chains, stages, tactics and tags, in order, so that a partner app can keep an exact mirror: apply create, update and restore as \"the object is now `data`\", and delete as \"the object is gone\". Start with `after=0`; keep the id of the last change you applied and pass it as `after` next time (`next_cursor` is that `after` while more pages wait, null at the end). Below editor, draft and archived tactics are left out, and a tactic that stops being published shows as a delete with `data: {\"id\": ...}` Relations (entity `relation`) are left out below editor while either of their tactics is not published, judged when the relation changes.",
	Params: []apidoc.Param{
		{In: apidoc.InQuery, Name: "after", Description: "Id of the last change you have (next_cursor of the previous page); 0 for the start", Default: "0", Example: "0"},
		{In: apidoc.InQuery, Name: "limit", Type: "integer", Description: "Page size", Default: 50, Min: apidoc.Num(1), Max: apidoc.Num(200), Example: 100},
	},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The changes after `after`, oldest first", Body: ChangeList{}, Headers: map[string]string{"Link": "URL of the next page: <...>; rel=\"next\" (absent at the end of the feed)"}},
		{Status: http.StatusBadRequest, Description: "Bad query parameter (code bad_query)"},
	},
}

// List handles GET /api/v1/changes.
func (h *Changes) List(c *gin.Context) {
	q := parseQuery(c, "after", "limit")
	var after int64
	if s := q.str("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			q.fail("after", "must be a whole number, 0 or more")
		}
		after = n
	}
	page := q.page()
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	changes, err := h.store.Changes(c.Request.Context(), after, page.Limit)
	if err != nil {
		c.Error(err)
		return
	}
	// The feed pages by "after", which is also how a client polls it later.
	writePage(c, changes, "after")
}
