package models

import "time"

// Chain is the business chain of one form of exploitation, e.g. sex trafficking: the product
// (victim), wholesaler (trafficker), retailer (exploiter) and consumer.
type Chain struct {
	ID          int64     `json:"id" example:"1"`
	Slug        string    `json:"slug" example:"sex-trafficking"`
	Name        string    `json:"name" example:"Sex trafficking"`
	Description string    `json:"description" example:"The trade as a business chain: product, wholesaler, retailer, consumer."`
	CreatedAt   time.Time `json:"created_at" example:"2026-11-25T12:00:00Z"`
	UpdatedAt   time.Time `json:"updated_at" example:"2026-11-25T12:00:00Z"`
	Version     int64     `json:"version" example:"1"`
}

// ChainInput is what a client writes to create or replace a chain. Server-owned fields that a
// client echoes back from a GET are accepted and ignored (see ReadOnly).
type ChainInput struct {
	Slug        string `json:"slug" validate:"required,slug" example:"sex-trafficking"`
	Name        string `json:"name" validate:"required,max=120" example:"Sex trafficking"`
	Description string `json:"description" validate:"max=4000" example:"The trade as a business chain."`
	// Version is the version the client read; it is the precondition of a PUT or PATCH when no
	// If-Match header is sent.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	ReadOnly
}

// Validate checks every field and reports all that are bad.
func (in *ChainInput) Validate() error {
	if err := check(in); err != nil {
		return err
	}
	return nil
}

// ChainFilter selects chains in a list.
type ChainFilter struct {
	Page
	Q string
}
