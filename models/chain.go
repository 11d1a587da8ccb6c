package models

import (
	"net/url"
	"strconv"
	"time"
)

// Chain is the business chain of one form of exploitation, e.g. sex trafficking: the product
// (victim), wholesaler (trafficker), retailer (exploiter) and consumer.
//
//	@Description	The business chain of one form of exploitation, e.g. sex trafficking: product (victim), wholesaler (trafficker), retailer (exploiter) and consumer.
type Chain struct {
	// Id of the chain; it never changes.
	ID int64 `json:"id" example:"1"`
	// Slug: lowercase letters, digits and hyphens, 1-64 characters, not all digits. The chain can
	// be addressed by it in paths.
	Slug string `json:"slug" example:"sex-trafficking"`
	// Name of the chain, for people.
	Name string `json:"name" example:"Sex trafficking"`
	// What the chain covers.
	Description string `json:"description" example:"The trade as a business chain: product, wholesaler, retailer, consumer."`
	// Sources for what the description says.
	Citations []Citation `json:"citations" gorm:"serializer:json"`
	// When the chain was created (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When the chain last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// Version: 1 when created, +1 on every change. Send it back (or the ETag as If-Match) to update.
	Version int64 `json:"version" example:"1"`
}

// ChainInput is what a client writes to create or replace a chain. Server-owned fields that a
// client echoes back from a GET are accepted and ignored (see ReadOnly).
//
//	@Description	A chain as a client writes it. Read-only fields echoed back from a GET (id, created_at, updated_at) are accepted and ignored.
type ChainInput struct {
	// Slug: lowercase letters, digits and hyphens, 1-64 characters, not all digits; unique.
	Slug string `json:"slug" validate:"required,slug" example:"forced-labour"`
	// Name of the chain, for people.
	Name string `json:"name" validate:"required,max=120,notblank" example:"Forced labour"`
	// What the chain covers.
	Description string `json:"description" validate:"max=4000" example:"Exploitation of labour in farms, factories, fishing and homes."`
	// Sources for the description, at most 30; each names an existing source by slug.
	Citations []Citation `json:"citations" validate:"max=30,dive"`
	// Version is the version the client read; it is the precondition of a PUT or PATCH when no
	// If-Match header is sent. Ignored on create.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	ReadOnly
}

// Validate checks every field and reports all that are bad.
func (in *ChainInput) Validate() error {
	return check(in)
}

// ChainFilter selects chains in a list.
type ChainFilter struct {
	Page
	Q string
}

// ChainTable is a chain laid out as Kara's table: its stages in order, each with the efforts
// deployed today and what should be done.
//
//	@Description	A chain laid out as Kara's table: its stages in order, each with the efforts deployed today and what should be done.
type ChainTable struct {
	// The chain.
	Chain Chain `json:"chain"`
	// Its stages, in order of position.
	Stages []TableRow `json:"stages"`
	// The most tactics any cell (a stage's current, recommended or conditions list) holds here:
	// the per_cell asked for, or the default.
	PerCell int `json:"per_cell" example:"25"`
	// Whether some cell holds fewer tactics than it has in all (see each row's cells).
	Truncated bool `json:"truncated" example:"false"`
}

// The cap on the tactics in each cell of a chain table: a client may ask for 1 to MaxPerCell, and
// gets DefaultPerCell otherwise. The default holds the seed's largest cell (12) twice over, and
// keeps the largest table of a 100,000-tactic knowledge base about as large as a 1,000-tactic one's.
const (
	DefaultPerCell = 25
	MaxPerCell     = 200
)

// TableRow is one stage of a ChainTable.
//
//	@Description	One stage of a chain table, with its tactics of each kind.
type TableRow struct {
	// The stage.
	Stage Stage `json:"stage"`
	// Efforts deployed today at this stage, in order of position.
	Current []Tactic `json:"current"`
	// What should be done at this stage, in order of position.
	Recommended []Tactic `json:"recommended"`
	// States of the world that explain why current efforts fall short, in order of position.
	Conditions []Tactic `json:"conditions"`
	// How many tactics each of the three lists has in all, whether it was cut to per_cell, and
	// where the complete list is.
	Cells TableCells `json:"cells"`
}

// TableCells describes the three lists of a table row.
//
//	@Description	How many tactics each list of a table row has in all, and where the complete list is.
type TableCells struct {
	// The current efforts.
	Current TableCell `json:"current"`
	// The recommended tactics.
	Recommended TableCell `json:"recommended"`
	// The conditions.
	Conditions TableCell `json:"conditions"`
}

// TableCell describes one list of a table row: its first per_cell tactics are in the row.
//
//	@Description	One list of a table row: how many tactics it has in all (the row holds the first per_cell of them, in order of position) and the URL of the complete list, paged.
type TableCell struct {
	// How many tactics the list has in all (with the table's horizon, as the caller may see them).
	Total int64 `json:"total" example:"40"`
	// Whether the row holds fewer tactics than total: the first per_cell, in order of position.
	Truncated bool `json:"truncated" example:"true"`
	// The complete list, in the same order, in pages (GET /tactics, filtered by stage and kind, and horizon when the table has one).
	Href string `json:"href" example:"/api/v1/tactics?kind=recommended&sort=position&stage=2"`
}

// TableCellHref is the URL of a table cell's complete list: the stage's tactics of a kind (with a
// horizon tag, when not empty) from GET /api/v1/tactics, in the table's order.
func TableCellHref(stageID int64, kind, horizon string) string {
	v := url.Values{"stage": {strconv.FormatInt(stageID, 10)}, "kind": {kind}, "sort": {"position"}}
	if horizon != "" {
		v.Set("horizon", horizon)
	}
	return "/api/v1/tactics?" + v.Encode()
}
