package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

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

// List handles GET /api/v1/keys.
//
//	@Summary	List API keys
//	@Description	Every key, newest first, with its name, role, prefix, expiry, last use and revocation; never the key itself.
//	@ID	listKeys
//	@Tags	keys
//	@Produce	json
//	@Param	limit	query	int	false	"Page size"	minimum(1)	maximum(200)	default(50)	example(20)
//	@Param	cursor	query	string	false	"next_cursor of the previous page (opaque), with the same filters and sort; none for the first page"
//	@Param	include_total	query	bool	false	"Count all keys (costs a scan)"	example(true)
//	@Success	200	{object}	KeyList	"A page of keys"
//	@Header	200	{string}	Link	"URL of the next page: <...>; rel=\"next\" (absent on the last page)"
//	@Failure	400	{object}	Problem	"Bad query parameter or cursor"
//	@Router	/keys [get]
func (h *Keys) List(c *gin.Context) {
	q := parseQuery(c, "limit", "cursor", "include_total")
	page := q.page()
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	keys, err := h.store.Keys(c.Request.Context(), page)
	if err != nil {
		c.Error(err)
		return
	}
	writeList(c, keys)
}

// Create handles POST /api/v1/keys.
//
//	@Summary	Create an API key
//	@Description	Makes a key and returns it in `key`, this once: only its hash is kept, and the answer must not be cached (`Cache-Control: no-store`). Give it to its holder over a safe channel. With an `Idempotency-Key`, a retry does not create a second key, nor show the secret again (it is kept nowhere): it is 409 `key_already_created`, with `Location` naming the key created; if the first answer was lost, revoke that key and create another.
//	@ID	createKey
//	@Tags	keys
//	@Accept	json
//	@Produce	json
//	@Param	key	body	models.KeyInput	true	"Who holds the key, its role and optional expiry"
//	@Success	201	{object}	models.NewAPIKey	"The key, with the secret in key"
//	@Header	201	{string}	Location	"Path of the new key"
//	@Header	201	{string}	Cache-Control	"no-store: the answer holds a secret"
//	@Failure	400	{object}	Problem	"Malformed JSON, an unknown field or a wrong type"
//	@Failure	409	{object}	Problem	"A retry with the Idempotency-Key of a key creation that succeeded (code key_already_created): the secret is never kept, so it is not shown again; Location names the key that was created"
//	@Header	409	{string}	Location	"Path of the key the first request created"
//	@Failure	413	{object}	Problem	"Body over the limit (code body_too_large)"
//	@Failure	415	{object}	Problem	"Not application/json (code unsupported_media_type)"
//	@Failure	422	{object}	Problem	"Invalid values, e.g. an unknown role or an expiry in the past (code validation_failed)"
//	@Router	/keys [post]
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

// Get handles GET /api/v1/keys/{id}.
//
//	@Summary	Get an API key
//	@Description	A key's name, role, prefix, expiry, last use and revocation; never the key itself.
//	@ID	getKey
//	@Tags	keys
//	@Produce	json
//	@Param	id	path	int	true	"Key id"	example(1)
//	@Success	200	{object}	models.APIKey	"The key"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such key"
//	@Router	/keys/{id} [get]
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

// Revoke handles DELETE /api/v1/keys/{id}.
//
//	@Summary	Revoke an API key
//	@Description	The key is refused from the next request on, with 401. It stays listed, with `revoked_at`, so that the history's actors keep their names.
//	@ID	revokeKey
//	@Tags	keys
//	@Produce	json
//	@Param	id	path	int	true	"Key id"	example(1)
//	@Success	204	"Revoked"
//	@Failure	400	{object}	Problem	"Malformed id (code bad_path)"
//	@Failure	404	{object}	Problem	"No such key"
//	@Router	/keys/{id} [delete]
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
