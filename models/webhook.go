package models

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The states of a webhook delivery.
const (
	DeliveryPending   = "pending"   // owed: due at next_attempt_at, or being attempted
	DeliveryDelivered = "delivered" // the endpoint answered 2xx
	DeliveryFailed    = "failed"    // given up: retried for the whole retry window, or the endpoint said 410 Gone
)

// Webhook is a webhook subscription as the API shows it: never its secret, which is shown once,
// when the subscription is made.
//
//	@Description	A webhook subscription: where chainkb sends the change feed's entries, signed after the Standard Webhooks specification. Its secret is shown once, at creation.
type Webhook struct {
	// Id of the subscription.
	ID int64 `json:"id" example:"1"`
	// Where deliveries are POSTed (http or https).
	URL string `json:"url" example:"https://partner.example.org/chainkb/hooks"`
	// What the subscription is for, for people.
	Description string `json:"description" example:"Mirror of the case tool"`
	// The kinds of object whose changes are sent; empty for all.
	Entities []string `json:"entities" example:"tactic,stage"`
	// The chains (slugs) whose objects' changes are sent; empty for all. Tags, sources, relations,
	// exchange rates and price indices belong to no single chain and are sent whatever this says.
	Chains []string `json:"chains" example:"sex-trafficking"`
	// Whether changes to draft and archived tactics are sent (only to editor and admin keys'
	// subscriptions); without it, a tactic that stops being published comes as a delete, as in
	// the change feed.
	IncludeDrafts bool `json:"include_drafts" example:"false"`
	// Whether deliveries are made. chainkb disables a subscription whose deliveries keep failing
	// for the whole retry window, or whose endpoint answers 410 Gone, and says why in
	// disabled_reason.
	Enabled bool `json:"enabled" example:"true"`
	// Why the subscription was disabled, or null while it is enabled.
	DisabledReason *string `json:"disabled_reason" extensions:"x-nullable" example:"delivery msg_42_1 failed 14 times over 72h0m0s; last: HTTP 500"`
	// When it was disabled, or null.
	DisabledAt *time.Time `json:"disabled_at" format:"date-time" extensions:"x-nullable" example:"2026-12-01T09:00:00Z"`
	// The key that made the subscription and manages it (admins manage every subscription).
	OwnerKeyID int64 `json:"owner_key_id" example:"3"`
	// The start of the signing secret, to recognise it by.
	SecretPrefix string `json:"secret_prefix" example:"whsec_MfKQ"`
	// When the subscription was made (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When it last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// Version: 1 when made, +1 on every change.
	Version int64 `json:"version" example:"1"`
}

// NewWebhook is a webhook subscription just made: the only time its secret is shown.
//
//	@Description	A webhook subscription just made: the only time its signing secret is shown.
type NewWebhook struct {
	Webhook
	// The signing secret (Standard Webhooks: whsec_ and the key in base64). Verify each delivery's
	// webhook-signature with it; it is not shown again.
	Secret string `json:"secret" example:"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"`
}

// WebhookInput is what a client writes to make or change a webhook subscription.
//
//	@Description	A webhook subscription as a client writes it.
type WebhookInput struct {
	// Where to POST deliveries: an http or https URL without user name or password. Its host must
	// resolve to public addresses, unless the operator allows others (-webhook-allow-cidrs).
	URL string `json:"url" validate:"required,max=2000" example:"https://partner.example.org/chainkb/hooks"`
	// What the subscription is for, for people.
	Description string `json:"description,omitempty" validate:"max=200,nocontrol" example:"Mirror of the case tool"`
	// The kinds of object whose changes to send; empty or left out for all.
	Entities []string `json:"entities,omitempty" validate:"max=9,dive,oneof=chain stage tactic tag source relation parameter country release" example:"tactic,stage"`
	// The chains (slug or id) whose objects' changes to send; empty or left out for all.
	Chains []string `json:"chains,omitempty" validate:"max=50,dive,min=1,max=64" example:"sex-trafficking"`
	// Send changes to draft and archived tactics too; only an editor's or admin's subscription may.
	IncludeDrafts bool `json:"include_drafts,omitempty" example:"false"`
	// Whether deliveries are made; true when left out. Setting it to true again clears
	// disabled_reason.
	Enabled *bool `json:"enabled,omitempty" example:"true"`
	// Version is the version the client read: the precondition of a PATCH without If-Match.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	ReadOnly
	// Server-owned fields of a Webhook, accepted and ignored so that what a client GETs it can
	// send back.
	DisabledReason json.RawMessage `json:"disabled_reason,omitempty" swaggerignore:"true"`
	DisabledAt     json.RawMessage `json:"disabled_at,omitempty" swaggerignore:"true"`
	OwnerKeyID     json.RawMessage `json:"owner_key_id,omitempty" swaggerignore:"true"`
	SecretPrefix   json.RawMessage `json:"secret_prefix,omitempty" swaggerignore:"true"`
}

// Validate checks every field and reports all that are bad. Whether the URL's host is a target
// chainkb may call is checked by the caller, which knows the operator's network policy.
func (in *WebhookInput) Validate() error {
	fields := checkFields(in)
	if in.URL != "" && !slices.ContainsFunc(fields, func(f FieldError) bool { return f.Field == "url" }) {
		if msg := webhookURLProblem(in.URL); msg != "" {
			fields = append(fields, FieldError{Field: "url", Message: msg})
		}
	}
	seen := map[string]bool{}
	for i, e := range in.Entities {
		if seen[e] {
			fields = append(fields, FieldError{Field: fmt.Sprintf("entities/%d", i), Message: "is listed twice"})
		}
		seen[e] = true
	}
	if len(fields) == 0 {
		return nil
	}
	return Invalid(fields...)
}

// webhookURLProblem says what is wrong with a webhook URL's form, or "".
func webhookURLProblem(raw string) string {
	if HasControl(raw) || strings.ContainsAny(raw, " \t\r\n") {
		return "must not contain spaces or control characters"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "must be an absolute http or https URL, such as https://partner.example.org/hooks"
	case u.Scheme != "http" && u.Scheme != "https":
		return "must start with https:// (or http://)"
	case u.Host == "" || u.Hostname() == "":
		return "must name a host, such as https://partner.example.org/hooks"
	case u.User != nil:
		return "must not carry a user name or password: deliveries are authenticated by their signature"
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "must not have a fragment (#...)"
	}
	if p := u.Port(); p != "" {
		var n int
		if _, err := fmt.Sscan(p, &n); err != nil || n < 1 || n > 65535 {
			return "must have a port between 1 and 65535"
		}
	}
	return ""
}

// WebhookDelivery is one change owed to a subscription, and what became of it: the subscription's
// delivery log.
//
//	@Description	One change owed to a webhook subscription, and what became of it.
type WebhookDelivery struct {
	// Id of the delivery.
	ID int64 `json:"id" example:"7"`
	// The subscription it is owed to.
	WebhookID int64 `json:"webhook_id" example:"1"`
	// The change feed entry it carries (its id in /api/v1/changes).
	ChangeID int64 `json:"change_id" example:"42"`
	// The webhook-id header it is sent with, the same on every attempt: deduplicate by it.
	MessageID string `json:"message_id" example:"msg_42_1"`
	// pending (owed, and being tried), delivered (answered 2xx) or failed (given up).
	State string `json:"state" enums:"pending,delivered,failed" example:"delivered"`
	// How many attempts have been made.
	Attempts int `json:"attempts" example:"1"`
	// When a pending delivery is next tried, or null.
	NextAttemptAt *time.Time `json:"next_attempt_at" format:"date-time" extensions:"x-nullable" example:"2026-11-25T12:00:05Z"`
	// When it was last tried, or null.
	LastAttemptAt *time.Time `json:"last_attempt_at" format:"date-time" extensions:"x-nullable" example:"2026-11-25T12:00:00Z"`
	// The HTTP status of the last attempt, or null when it got none (refused, timeout, network).
	LastStatus *int `json:"last_status" extensions:"x-nullable" example:"200"`
	// What went wrong on the last attempt, or null.
	LastError *string `json:"last_error" extensions:"x-nullable" example:"HTTP 500: upstream unavailable"`
	// When the change was owed (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When it was delivered or given up, or null.
	FinishedAt *time.Time `json:"finished_at" format:"date-time" extensions:"x-nullable" example:"2026-11-25T12:00:00Z"`
}

// WebhookMessageID is the webhook-id of the delivery of a change to a subscription: the same on
// every attempt, so that a receiver deduplicates by it, and without a full stop, which the
// signature scheme uses to separate its parts.
func WebhookMessageID(changeID, webhookID int64) string {
	return fmt.Sprintf("msg_%d_%d", changeID, webhookID)
}

// WebhookEvent is the body of a delivery, in the Standard Webhooks payload structure: the change
// feed's entry in data.
//
//	@Description	The body of a webhook delivery: the change feed's entry, in the Standard Webhooks payload structure.
type WebhookEvent struct {
	// <entity>.<action>, e.g. tactic.update.
	Type string `json:"type" example:"tactic.update"`
	// When the change was made (RFC 3339, UTC).
	Timestamp time.Time `json:"timestamp" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// The change feed's entry, exactly as GET /api/v1/changes shows it to the subscription's key.
	Data Revision `json:"data"`
}
