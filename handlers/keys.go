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
type KeyList struct {
	Data       []models.APIKey `json:"data"`
	NextCursor *string         `json:"next_cursor" example:"eyJmIjoiYWJjIiwidiI6MywiaSI6M30"`
	Total      *int64          `json:"total,omitempty" example:"3"`
}

// List handles GET /api/v1/keys.
//
//	@Summary		List API keys
//	@Description	Every key with its name, role, prefix, expiry, last use and revocation; never the key itself. Role: admin.
//	@Tags			keys
//	@Produce		json
//	@Security		BearerKey
//	@Param			limit			query		int		false	"Page size"	minimum(1)	maximum(200)	default(50)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			include_total	query		bool	false	"Count all keys"
//	@Success		200				{object}	KeyList
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem	"Not an admin key"
//	@Router			/keys [get]
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
//	@Summary		Create an API key
//	@Description	Makes a key and returns it in `key`, this once: only its hash is kept. Give it to its holder over a safe channel. Role: admin.
//	@Tags			keys
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			key	body		models.KeyInput	true	"Who holds the key, its role and optional expiry"
//	@Success		201	{object}	models.NewAPIKey
//	@Header			201	{string}	Location	"URL of the new key"
//	@Failure		400	{object}	Problem
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		415	{object}	Problem
//	@Failure		422	{object}	Problem
//	@Router			/keys [post]
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
//	@Summary		Get an API key
//	@Description	A key's name, role, prefix, expiry, last use and revocation; never the key itself. Role: admin.
//	@Tags			keys
//	@Produce		json
//	@Security		BearerKey
//	@Param			id	path		int	true	"Key id"
//	@Success		200	{object}	models.APIKey
//	@Failure		400	{object}	Problem
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/keys/{id} [get]
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
//	@Summary		Revoke an API key
//	@Description	The key is refused from the next request on. It stays listed, with `revoked_at`, so that the history's actors keep their names. Role: admin.
//	@Tags			keys
//	@Security		BearerKey
//	@Param			id	path	int	true	"Key id"
//	@Success		204	"Revoked"
//	@Failure		400	{object}	Problem
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/keys/{id} [delete]
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
