package models

import "time"

// APIKey is an API key as the service shows it: never the key itself, which is shown once at
// creation, nor its hash.
type APIKey struct {
	ID         int64      `json:"id" example:"1"`
	Name       string     `json:"name" example:"Dashboard of the Freedom Network"`
	Role       string     `json:"role" enums:"reader,editor,admin" example:"reader"`
	Prefix     string     `json:"prefix" example:"ckb_3f9a2c1b"`
	CreatedAt  time.Time  `json:"created_at" example:"2026-11-25T12:00:00Z"`
	ExpiresAt  *time.Time `json:"expires_at" example:"2027-02-23T12:00:00Z"`
	LastUsedAt *time.Time `json:"last_used_at" example:"2026-11-25T12:30:00Z"`
	RevokedAt  *time.Time `json:"revoked_at" example:"2026-12-01T09:00:00Z"`
}

// NewAPIKey is an API key just created: the only time the key itself is returned.
type NewAPIKey struct {
	APIKey
	// Key is the secret to send as "Authorization: Bearer <key>". It is not stored and cannot be
	// shown again.
	Key string `json:"key" example:"ckb_3f9a2c1b5d7e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607182"`
}

// KeyInput is what an admin writes to create a key.
type KeyInput struct {
	Name      string     `json:"name" validate:"required,max=120" example:"Dashboard of the Freedom Network"`
	Role      string     `json:"role" validate:"required,oneof=reader editor admin" enums:"reader,editor,admin" example:"reader"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" example:"2027-02-23T12:00:00Z"`
}

// Validate checks every field and reports all that are bad.
func (in *KeyInput) Validate(now time.Time) error {
	err := check(in)
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		fields := []FieldError{{Field: "expires_at", Message: "must be in the future"}}
		if err != nil {
			fields = append(err.Fields, fields...)
		}
		return Invalid(fields...)
	}
	if err != nil {
		return err
	}
	return nil
}
