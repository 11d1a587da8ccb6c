package models

import "time"

// The sides of the chain's market: the supply side brings people into the trade (product and
// wholesaler), the demand side buys their exploitation (retailer and consumer).
const (
	SideSupply = "supply"
	SideDemand = "demand"
)

// Stage is one link of a chain: product (victim), wholesaler (trafficker), retailer (exploiter) or
// consumer. Position orders the links within the chain.
type Stage struct {
	ID          int64     `json:"id" example:"1"`
	ChainID     int64     `json:"chain_id" example:"1"`
	Slug        string    `json:"slug" example:"wholesaler"`
	Name        string    `json:"name" example:"Wholesaler"`
	Actor       string    `json:"actor" example:"The trafficker: recruiter and transporter"`
	Side        string    `json:"side" enums:"supply,demand" example:"supply"`
	Position    int       `json:"position" example:"2"`
	Description string    `json:"description" example:"Recruits people and moves them to where they are exploited."`
	CreatedAt   time.Time `json:"created_at" example:"2026-11-25T12:00:00Z"`
	UpdatedAt   time.Time `json:"updated_at" example:"2026-11-25T12:00:00Z"`
	Version     int64     `json:"version" example:"1"`
}

// StageInput is what a client writes to create or replace a stage. ChainID is set on create and
// cannot change afterwards (tactics derive their chain from their stage).
type StageInput struct {
	ChainID     *int64 `json:"chain_id" validate:"required,gte=1" example:"1"`
	Slug        string `json:"slug" validate:"required,slug" example:"wholesaler"`
	Name        string `json:"name" validate:"required,max=120" example:"Wholesaler"`
	Actor       string `json:"actor" validate:"required,max=120" example:"The trafficker: recruiter and transporter"`
	Side        string `json:"side" validate:"required,oneof=supply demand" enums:"supply,demand" example:"supply"`
	Position    *int   `json:"position" validate:"required,gte=0,lte=1000000" example:"2"`
	Description string `json:"description" validate:"max=4000" example:"Recruits people and moves them to where they are exploited."`
	Version     *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	ReadOnly
}

// Validate checks every field and reports all that are bad.
func (in *StageInput) Validate() error {
	if err := check(in); err != nil {
		return err
	}
	return nil
}

// StageFilter selects stages in a list.
type StageFilter struct {
	Page
	Chain string // chain id or slug
	Side  string
	Q     string
}
