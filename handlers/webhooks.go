package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/internal/webhooks"
	"chainkb/models"
)

// Webhooks serves /api/v1/webhooks: webhook subscriptions, which readers and editors manage for
// their own key and admins for every key, and their delivery logs.
type Webhooks struct {
	store   *store.Store
	targets *webhooks.Targets
}

// NewWebhooks returns the webhook handlers; targets is the network policy a subscription's URL
// must meet.
func NewWebhooks(st *store.Store, targets *webhooks.Targets) *Webhooks {
	return &Webhooks{store: st, targets: targets}
}

// webhookID is the {id} of a subscription.
var webhookID = apidoc.Param{In: apidoc.InPath, Name: "id", Description: "Subscription id", Pattern: apidoc.IDPattern, Example: "1"}

// webhookNotFound is the 404 of a subscription: another key's does not exist for this one.
var webhookNotFound = apidoc.Fail(http.StatusNotFound, "No such subscription that the key manages")

// WebhookList is a page of webhook subscriptions, newest first.
//
//	@Description	A page of webhook subscriptions, newest first.
type WebhookList struct {
	// The page's items.
	Data []models.Webhook `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6MywiaSI6M30"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"3"`
}

// WebhookDeliveryList is a page of a subscription's delivery log, newest first.
//
//	@Description	A page of a webhook subscription's delivery log, newest first.
type WebhookDeliveryList struct {
	// The page's items.
	Data []models.WebhookDelivery `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6MywiaSI6M30"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"3"`
}

// WebhookListDoc describes GET /webhooks.
var WebhookListDoc = apidoc.Op{
	ID: "listWebhooks", Tag: "webhooks", Summary: "List webhook subscriptions",
	Description: "The subscriptions the key manages, newest first: its own, or every one for an admin key. Never their secrets.",
	Params: []apidoc.Param{
		{In: apidoc.InQuery, Name: "limit", Type: "integer", Description: "Page size", Default: 50, Min: apidoc.Num(1), Max: apidoc.Num(200), Example: 20},
		{In: apidoc.InQuery, Name: "cursor", Description: "next_cursor of the previous page (opaque); none for the first page"},
		{In: apidoc.InQuery, Name: "include_total", Type: "boolean", Description: "Count all subscriptions (costs a scan)", Example: true},
	},
	Responses: []apidoc.Response{
		apidoc.OK("A page of subscriptions", WebhookList{}, apidoc.LinkHeader),
		apidoc.Fail(http.StatusBadRequest, "Bad query parameter or cursor"),
	},
}

// List handles GET /api/v1/webhooks.
func (h *Webhooks) List(c *gin.Context) {
	q := parseQuery(c, "limit", "cursor", "include_total")
	answerList(c, q, q.page(), h.store.Webhooks)
}

// checkTarget refuses, as a 422 on url, a URL whose host the network policy refuses.
func (h *Webhooks) checkTarget(c *gin.Context, in *models.WebhookInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	if err := h.targets.CheckURL(c.Request.Context(), in.URL); err != nil {
		msg := "cannot be called: " + err.Error()
		if !errors.Is(err, webhooks.ErrRefused) {
			msg = "cannot be read as a URL"
		}
		return models.Invalid(models.FieldError{Field: "url", Message: msg})
	}
	return nil
}

// WebhookCreateDoc describes POST /webhooks.
var WebhookCreateDoc = apidoc.Op{
	ID: "createWebhook", Tag: "webhooks", Summary: "Create a webhook subscription",
	Description: "From now on, each change of the change feed that the subscription asks for (`entities`, `chains`) is POSTed to `url`, signed after the Standard Webhooks specification: headers `webhook-id` (the same on every attempt: deduplicate by it), `webhook-timestamp` and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the secret's key). The body is `{\"type\": \"<entity>.<action>\", \"timestamp\": ..., \"data\": <the change feed's entry>}`, as the key sees the feed: below editor, drafts are never sent and a tactic that stops being published comes as a delete. Delivery is at least once: a 2xx answer is a delivery; anything else (a redirect included) is retried with exponential backoff and jitter for up to 72 hours, and then the subscription is disabled with the reason; 410 Gone disables it at once. The answer holds the signing `secret`, this once (`Cache-Control: no-store`). The URL must reach a public address unless the operator allows others; private, loopback and link-local targets are refused (422), and checked again at every connection.",
	Body:        &apidoc.Body{Description: "Where to send, and which changes", Schema: models.WebhookInput{}},
	Responses: []apidoc.Response{
		{Status: http.StatusCreated, Description: "The subscription, with its secret in secret", Body: models.NewWebhook{}, Headers: map[string]string{
			"Location": "Path of the new subscription", "ETag": "Version of the new subscription", "Cache-Control": "no-store: the answer holds a secret"}},
		apidoc.BadJSON,
		{Status: http.StatusConflict, Description: "A retry with the Idempotency-Key of a creation that succeeded (code key_already_created): the secret is not shown again; Location names the subscription",
			Headers: map[string]string{"Location": "Path of the subscription the first request created"}},
		apidoc.TooLarge,
		apidoc.NotJSON,
		apidoc.Fail(http.StatusUnprocessableEntity, "Invalid values: a URL that is not http(s), a target that is not public, an unknown entity or chain, drafts asked for by a reader key (code validation_failed)"),
	},
	Callbacks: []apidoc.Callback{{
		Name: "delivery", URL: "{$request.body#/url}",
		Summary:     "A change, delivered to the subscription's URL",
		Description: "One change of the change feed that the subscription asks for, signed after the Standard Webhooks specification (the signature is the authentication: verify it before trusting the body). Deduplicate by `webhook-id`: delivery is at least once. Any 2xx answer is a delivery; 410 Gone disables the subscription at once; any other answer (a redirect included), or none, is retried with exponential backoff and jitter for up to 72 hours.",
		Params: []apidoc.Param{
			{In: apidoc.InHeader, Name: webhooks.HeaderID, Required: true, Description: "The delivery's id, the same on every attempt", Example: "msg_42_3"},
			{In: apidoc.InHeader, Name: webhooks.HeaderTimestamp, Required: true, Description: "Seconds since the Unix epoch when this attempt was signed; refuse one far from your clock", Example: "1795608000"},
			{In: apidoc.InHeader, Name: webhooks.HeaderSignature, Required: true, Description: "v1, and the base64 HMAC-SHA256 of id.timestamp.body under the secret's key", Example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="},
		},
		Body:      models.WebhookEvent{},
		Responses: []apidoc.Response{{Status: http.StatusOK, Description: "Delivered: any 2xx answer is a delivery (the description says what other answers do)"}},
	}},
}

// Create handles POST /api/v1/webhooks.
func (h *Webhooks) Create(c *gin.Context) {
	var in models.WebhookInput
	if err := decodeCreate(c, &in); err != nil {
		c.Error(err)
		return
	}
	if err := h.checkTarget(c, &in); err != nil {
		c.Error(err)
		return
	}
	secret, err := webhooks.NewSecret()
	if err != nil {
		c.Error(err)
		return
	}
	w, err := h.store.CreateWebhook(c.Request.Context(), &in, secret)
	if err != nil {
		c.Error(err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Location", "/api/v1/webhooks/"+strconv.FormatInt(w.ID, 10))
	writeObject(c, http.StatusCreated, w.ID, w.Version, w)
}

// WebhookDoc describes GET /webhooks/{id}.
var WebhookDoc = apidoc.Op{
	ID: "getWebhook", Tag: "webhooks", Summary: "Get a webhook subscription",
	Description: "A subscription the key manages, with its ETag; never its secret. Another key's subscription does not exist (404) unless the key is an admin's.",
	Params:      []apidoc.Param{webhookID, apidoc.IfNoneMatch},
	Responses: []apidoc.Response{
		apidoc.OK("The subscription", models.Webhook{}, map[string]string{"ETag": "Version of the subscription, for If-Match and If-None-Match"}),
		apidoc.NotModified,
		apidoc.Fail(http.StatusBadRequest, "Malformed id (code bad_path)"),
		webhookNotFound,
	},
}

// Get handles GET /api/v1/webhooks/{id}.
func (h *Webhooks) Get(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	w, err := h.store.Webhook(c.Request.Context(), id)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, w.ID, w.Version, w)
}

// WebhookPatchDoc describes PATCH /webhooks/{id}.
var WebhookPatchDoc = apidoc.Op{
	ID: "patchWebhook", Tag: "webhooks", Summary: "Update a webhook subscription",
	Description: "A JSON Merge Patch (RFC 7396) of the URL, description, filters or `enabled`: `{\"enabled\": true}` enables a subscription that was disabled and clears `disabled_reason`; deliveries owed while it was disabled are not sent (read them from the change feed, after the last id you received). Needs a precondition: `If-Match` with the ETag of your GET, or the `version` you read.",
	Params:      []apidoc.Param{webhookID, apidoc.IfMatch},
	Body:        &apidoc.Body{Description: "The fields to change, and the version you read unless If-Match is sent", Schema: models.WebhookInput{}},
	Responses: []apidoc.Response{
		apidoc.OK("The subscription as it now is", models.Webhook{}, map[string]string{"ETag": "New version of the subscription"}),
		apidoc.Fail(http.StatusBadRequest, "Malformed id, malformed JSON, an unknown field or a wrong type"),
		webhookNotFound,
		apidoc.Fail(http.StatusPreconditionFailed, "The subscription changed since you read it (code precondition_failed)"),
		apidoc.TooLarge,
		apidoc.Fail(http.StatusUnsupportedMediaType, "Not application/merge-patch+json or application/json (code unsupported_media_type)"),
		apidoc.Invalid,
		apidoc.Fail(http.StatusPreconditionRequired, "No precondition: send If-Match or the version (code precondition_required)"),
	},
}

// Patch handles PATCH /api/v1/webhooks/{id}.
func (h *Webhooks) Patch(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	ctx := c.Request.Context()
	cur, err := h.store.Webhook(ctx, id)
	if err != nil {
		c.Error(err)
		return
	}
	var in models.WebhookInput
	pre, err := decodeMergePatch(c, cur, cur.ID, cur.Version, &in)
	if err != nil {
		c.Error(err)
		return
	}
	if in.URL != cur.URL {
		if err := h.checkTarget(c, &in); err != nil {
			c.Error(err)
			return
		}
	}
	w, err := h.store.UpdateWebhook(ctx, id, &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	writeObject(c, http.StatusOK, w.ID, w.Version, w)
}

// WebhookDeleteDoc describes DELETE /webhooks/{id}.
var WebhookDeleteDoc = apidoc.Op{
	ID: "deleteWebhook", Tag: "webhooks", Summary: "Delete a webhook subscription",
	Description: "Deletes the subscription and its delivery log; nothing more is sent to it. `If-Match` is honoured when sent.",
	Params:      []apidoc.Param{webhookID, apidoc.IfMatchHonoured},
	Responses: []apidoc.Response{
		{Status: http.StatusNoContent, Description: "Deleted"},
		apidoc.Fail(http.StatusBadRequest, "Malformed id (code bad_path)"),
		webhookNotFound,
		apidoc.Fail(http.StatusPreconditionFailed, "If-Match does not name the current version (code precondition_failed)"),
	},
}

// Delete handles DELETE /api/v1/webhooks/{id}.
func (h *Webhooks) Delete(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	if err := h.store.DeleteWebhook(c.Request.Context(), id, ifMatch(c)); err != nil {
		c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}

// WebhookDeliveriesDoc describes GET /webhooks/{id}/deliveries.
var WebhookDeliveriesDoc = apidoc.Op{
	ID: "listWebhookDeliveries", Tag: "webhooks", Summary: "Delivery log of a webhook subscription",
	Description: "The changes owed to the subscription, newest first, each with its state (`pending`, `delivered`, `failed`), attempts, next attempt, and the last attempt's HTTP status and error. Finished deliveries are kept for 30 days.",
	Params: []apidoc.Param{webhookID,
		{In: apidoc.InQuery, Name: "state", Description: "Only deliveries in this state", Enum: []string{models.DeliveryPending, models.DeliveryDelivered, models.DeliveryFailed}, Example: models.DeliveryPending},
		{In: apidoc.InQuery, Name: "limit", Type: "integer", Description: "Page size", Default: 50, Min: apidoc.Num(1), Max: apidoc.Num(200), Example: 20},
		{In: apidoc.InQuery, Name: "cursor", Description: "next_cursor of the previous page (opaque), with the same state; none for the first page"},
		{In: apidoc.InQuery, Name: "include_total", Type: "boolean", Description: "Count all matching deliveries (costs a scan)", Example: true},
	},
	Responses: []apidoc.Response{
		apidoc.OK("A page of the delivery log", WebhookDeliveryList{}, apidoc.LinkHeader),
		apidoc.Fail(http.StatusBadRequest, "Malformed id, bad query parameter or cursor"),
		webhookNotFound,
	},
}

// Deliveries handles GET /api/v1/webhooks/{id}/deliveries.
func (h *Webhooks) Deliveries(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	q := parseQuery(c, "state", "limit", "cursor", "include_total")
	state := q.enum("state", models.DeliveryPending, models.DeliveryDelivered, models.DeliveryFailed)
	answerList(c, q, q.page(), func(ctx context.Context, page models.Page) (models.List[models.WebhookDelivery], error) {
		return h.store.WebhookDeliveries(ctx, id, state, page)
	})
}

// RedeliverDoc describes POST /webhooks/{id}/deliveries/{delivery}/redeliver.
var RedeliverDoc = apidoc.Op{
	ID: "redeliverWebhookDelivery", Tag: "webhooks", Summary: "Send a delivery again",
	Description: "Sends a delivered or failed delivery again as soon as possible, with the same `webhook-id` and a fresh retry window: to recover from an outage of the endpoint, for instance. A pending delivery is already being tried (409), and a disabled subscription must be enabled first (409).",
	Params: []apidoc.Param{webhookID,
		{In: apidoc.InPath, Name: "delivery", Description: "Delivery id, from the delivery log", Pattern: apidoc.IDPattern, Example: "1"}},
	Responses: []apidoc.Response{
		{Status: http.StatusAccepted, Description: "The delivery, pending again", Body: models.WebhookDelivery{}},
		apidoc.Fail(http.StatusBadRequest, "Malformed id (code bad_path)"),
		apidoc.Fail(http.StatusNotFound, "No such subscription that the key manages, or no such delivery of it"),
		apidoc.Fail(http.StatusConflict, "The subscription is disabled (code webhook_disabled), or the delivery is still pending (code delivery_pending)"),
	},
}

// Redeliver handles POST /api/v1/webhooks/{id}/deliveries/{delivery}/redeliver.
func (h *Webhooks) Redeliver(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		c.Error(err)
		return
	}
	delivery, err := strconv.ParseInt(c.Param("delivery"), 10, 64)
	if err != nil || delivery < 1 {
		e := models.BadRequestf("bad_path", "%q in the path is not a delivery id; it must be a positive whole number", c.Param("delivery"))
		e.Fields = []models.FieldError{{Field: "delivery", Message: "must be a positive whole number"}}
		c.Error(e)
		return
	}
	d, err := h.store.Redeliver(c.Request.Context(), id, delivery)
	if err != nil {
		c.Error(err)
		return
	}
	c.JSON(http.StatusAccepted, d)
}
