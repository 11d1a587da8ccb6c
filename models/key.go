package models

import "time"

// APIKey is an API key as the service shows it: never the key itself, which is shown once at
// creation, nor its hash.
//
//	@Description	An API key as the service shows it: never the key itself, which is shown once at creation.
type APIKey struct {
	// Id of the key.
	ID int64 `json:"id" example:"1"`
	// Who holds the key; revisions name the key's holder by it.
	Name string `json:"name" example:"Dashboard of the Freedom Network"`
	// What the key may do: reader (also the change feed), editor (also writes, drafts, history),
	// admin (also keys).
	Role string `json:"role" enums:"reader,editor,admin" example:"reader"`
	// The start of the key, to recognise it by.
	Prefix string `json:"prefix" example:"ckb_examplek"`
	// When the key was made (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When the key stops working, or null for never.
	ExpiresAt *time.Time `json:"expires_at" format:"date-time" extensions:"x-nullable" example:"2030-01-01T00:00:00Z"`
	// When the key was last used, or null.
	LastUsedAt *time.Time `json:"last_used_at" format:"date-time" extensions:"x-nullable" example:"2026-11-25T12:30:00Z"`
	// When the key was revoked, or null while it is not.
	RevokedAt *time.Time `json:"revoked_at" format:"date-time" extensions:"x-nullable" example:"2026-12-01T09:00:00Z"`
}

// NewAPIKey is an API key just created: the only time the key itself is returned.
//
//	@Description	An API key just created: the only time the key itself is returned.
type NewAPIKey struct {
	APIKey
	// Key is the secret to send as "Authorization: Bearer <key>". It is not stored and cannot be
	// shown again.
	Key string `json:"key" example:"ckb_examplekey2345examplekey2345examplekey2345examplekey"`
}

// KeyInput is what an admin writes to create a key.
//
//	@Description	A key to make: who holds it, its role and when it expires.
type KeyInput struct {
	// Who holds the key; revisions name the key's holder by it.
	Name string `json:"name" validate:"required,max=120,notblank,nocontrol" example:"Dashboard of the Freedom Network"`
	// What the key may do.
	Role string `json:"role" validate:"required,oneof=reader editor admin" enums:"reader,editor,admin" example:"reader"`
	// When the key stops working (RFC 3339, in the future); never when left out.
	ExpiresAt *time.Time `json:"expires_at,omitempty" format:"date-time" extensions:"x-nullable" example:"2030-01-01T00:00:00Z"`
}

// Validate checks every field and reports all that are bad.
func (in *KeyInput) Validate(now time.Time) error {
	fields := checkFields(in)
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		fields = append(fields, FieldError{Field: "expires_at", Message: "must be in the future"})
	}
	if len(fields) == 0 {
		return nil
	}
	return Invalid(fields...)
}
