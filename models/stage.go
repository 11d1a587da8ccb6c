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
//
//	@Description	One link of a chain: product (victim), wholesaler (trafficker), retailer (exploiter) or consumer.
type Stage struct {
	// Id of the stage; it never changes.
	ID int64 `json:"id" example:"2"`
	// Id of the chain the stage belongs to; it never changes.
	ChainID int64 `json:"chain_id" example:"1"`
	// Slug, unique within the chain.
	Slug string `json:"slug" example:"wholesaler"`
	// Name of the link, for people.
	Name string `json:"name" example:"Wholesaler"`
	// Who acts at this link.
	Actor string `json:"actor" example:"The trafficker: recruiter and transporter"`
	// Side of the market: supply brings people into the trade (product, wholesaler), demand buys
	// their exploitation (retailer, consumer).
	Side string `json:"side" enums:"supply,demand" example:"supply"`
	// Order of the link in its chain, from 0.
	Position int `json:"position" example:"2"`
	// What the link does in the trade, which decides what the risk-reward model computes for it: victim, recruiter, creditor, exploiter, buyer or consumer; empty when none applies.
	Role string `json:"role" enums:",victim,recruiter,creditor,exploiter,buyer,consumer" example:"recruiter"`
	// What happens at this link.
	Description string `json:"description" example:"Recruits people and moves them to where they are exploited."`
	// Sources for what the description says.
	Citations []Citation `json:"citations" gorm:"serializer:json"`
	// When the stage was created (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When the stage last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// Version: 1 when created, +1 on every change. Send it back (or the ETag as If-Match) to update.
	Version int64 `json:"version" example:"1"`
}

// StageInput is what a client writes to create or replace a stage. ChainID is set on create and
// cannot change afterwards (tactics derive their chain from their stage).
//
//	@Description	A stage as a client writes it. chain_id is set on create and cannot change afterwards (422). Read-only fields echoed back from a GET are accepted and ignored.
type StageInput struct {
	// Id of the chain the stage belongs to.
	ChainID *int64 `json:"chain_id" validate:"required,gte=1" example:"1"`
	// Slug, unique within the chain: lowercase letters, digits and hyphens, 1-64 characters, not
	// all digits.
	Slug string `json:"slug" validate:"required,slug" example:"money-launderer"`
	// Name of the link, for people.
	Name string `json:"name" validate:"required,max=120,notblank" example:"Money launderer"`
	// Who acts at this link.
	Actor string `json:"actor" validate:"required,max=120,notblank" example:"Whoever moves the profits into the legal economy"`
	// Side of the market.
	Side string `json:"side" validate:"required,oneof=supply demand" enums:"supply,demand" example:"supply"`
	// Order of the link in its chain, 0 to 1000000.
	Position *int `json:"position" validate:"required,gte=0,lte=1000000" example:"5"`
	// What the link does in the trade (victim, recruiter, creditor, exploiter, buyer, consumer), which decides what the risk-reward model computes for it; empty when none applies.
	Role string `json:"role" validate:"omitempty,oneof=victim recruiter creditor exploiter buyer consumer" enums:",victim,recruiter,creditor,exploiter,buyer,consumer" example:""`
	// What happens at this link.
	Description string `json:"description" validate:"max=4000" example:"Turns the trade's cash into assets that look clean."`
	// Sources for the description, at most 30; each names an existing source by slug.
	Citations []Citation `json:"citations" validate:"max=30,dive"`
	// Version is the version the client read; it is the precondition of a PUT or PATCH when no
	// If-Match header is sent. Ignored on create.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	ReadOnly
}

// Validate checks every field and reports all that are bad.
func (in *StageInput) Validate() error {
	return check(in)
}

// StageFilter selects stages in a list.
type StageFilter struct {
	Page
	Chain string // chain id or slug
	Side  string
	Q     string
}
