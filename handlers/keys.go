package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/models"
)

// Keys serves /api/v1/keys: API key management, for admins.
type Keys struct{ store *store.Store }

// NewKeys returns the key handlers.
func NewKeys(st *store.Store) *Keys { return &Keys{store: st} }

// KeyList is a page of API keys, newest first.
//
//	@Description	A page of API keys, newest first.
type KeyList struct {
	// The page's items.
	Data []models.APIKey `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6MywiaSI6M30"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"3"`
}

// KeyListDoc describes GET /keys.
var KeyListDoc = apidoc.Op{
	ID: "listKeys", Tag: "keys", Summary: "List API keys",
	Description: "Every key, newest first, with its name, role, prefix, expiry, last use and revocation; never the key itself.",
	Params:      apidoc.Page(nil, "", "", "Count all keys (costs a scan)"),
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "A page of keys", Body: KeyList{}, Headers: apidoc.LinkHeader},
		{Status: http.StatusBadRequest, Description: "Bad query parameter or cursor"},
	},
}

// List handles GET /api/v1/keys.
func (h *Keys) List(c *gin.Context) {
	q := parseQuery(c, "limit", "cursor", "include_total")
	answerList(c, q, q.page(), h.store.Keys)
}

// KeyCreateDoc describes POST /keys.
var KeyCreateDoc = apidoc.Op{
	ID: "createKey", Tag: "keys", Summary: "Create an API key",
	Description: "Makes a key and returns it in `key`, this once: only its hash is kept, and the answer must not be cached (`Cache-Control: no-store`). Give it to its holder over a safe channel. With an `Idempotency-Key`, a retry does not create a second key, nor show the secret again (it is kept nowhere): it is 409 `key_already_created`, with `Location` naming the key created; if the first answer was lost, revoke that key and create another.",
	Body:        &apidoc.Body{Description: "Who holds the key, its role and optional expiry", Schema: models.KeyInput{}},
	Responses: []apidoc.Response{
		{Status: http.StatusCreated, Description: "The key, with the secret in key", Body: models.NewAPIKey{}, Headers: map[string]string{"Cache-Control": "no-store: the answer holds a secret", "Location": "Path of the new key"}},
		{Status: http.StatusBadRequest, Description: "Malformed JSON, an unknown field or a wrong type"},
		{Status: http.StatusConflict, Description: "A retry with the Idempotency-Key of a key creation that succeeded (code key_already_created): the secret is never kept, so it is not shown again; Location names the key that was created", Headers: map[string]string{"Location": "Path of the key the first request created"}},
		{Status: http.StatusRequestEntityTooLarge, Description: "Body over the limit (code body_too_large)"},
		{Status: http.StatusUnsupportedMediaType, Description: "Not application/json (code unsupported_media_type)"},
		{Status: http.StatusUnprocessableEntity, Description: "Invalid values, e.g. an unknown role or an expiry in the past (code validation_failed)"},
	},
}

// Create handles POST /api/v1/keys.
func (h *Keys) Create(c *gin.Context) {
	var in models.KeyInput
	if err := decodeCreate(c, &in); err != nil {
		c.Error(err)
		return
	}
	k, err := h.store.CreateKey(c.Request.Context(), &in)
	if err != nil {
		c.Error(err)
		return
	}
	// The key is a secret: no cache, proxy or browser may keep this response.
	c.Header("Cache-Control", "no-store")
	c.Header("Location", "/api/v1/keys/"+strconv.FormatInt(k.ID, 10))
	c.JSON(http.StatusCreated, k)
}

// KeyDoc describes GET /keys/{id}.
var KeyDoc = apidoc.Op{
	ID: "getKey", Tag: "keys", Summary: "Get an API key",
	Description: "A key's name, role, prefix, expiry, last use and revocation; never the key itself.",
	Params: []apidoc.Param{
		{In: apidoc.InPath, Name: "id", Description: "Key id", Pattern: apidoc.IDPattern, Example: "1"},
	},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The key", Body: models.APIKey{}},
		{Status: http.StatusBadRequest, Description: "Malformed id (code bad_path)"},
		{Status: http.StatusNotFound, Description: "No such key"},
	},
}

// Get handles GET /api/v1/keys/{id}.
func (h *Keys) Get(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	k, err := h.store.Key(c.Request.Context(), id)
	if err != nil {
		c.Error(err)
		return
	}
	c.JSON(http.StatusOK, k)
}

// KeyRevokeDoc describes DELETE /keys/{id}.
var KeyRevokeDoc = apidoc.Op{
	ID: "revokeKey", Tag: "keys", Summary: "Revoke an API key",
	Description: "The key is refused from the next request on, with 401. It stays listed, with `revoked_at`, so that the history's actors keep their names.",
	Params: []apidoc.Param{
		{In: apidoc.InPath, Name: "id", Description: "Key id", Pattern: apidoc.IDPattern, Example: "1"},
	},
	Responses: []apidoc.Response{
		{Status: http.StatusNoContent, Description: "Revoked"},
		{Status: http.StatusBadRequest, Description: "Malformed id (code bad_path)"},
		{Status: http.StatusNotFound, Description: "No such key"},
	},
}

// Revoke handles DELETE /api/v1/keys/{id}.
func (h *Keys) Revoke(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	if err := h.store.RevokeKey(c.Request.Context(), id); err != nil {
		c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}
