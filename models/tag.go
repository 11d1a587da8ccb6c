package models

import (
	"encoding/json"
	"time"
)

// HorizonGroup is the tag group that says when a tactic can pay off. A tactic holds at most one
// tag of this group; the seed ships "short-term" and "long-term".
const HorizonGroup = "horizon"

// Tag classifies tactics along one facet (its group): horizon, the economic lever pulled, the 4P
// function, and whatever editors add.
//
//	@Description	Classifies tactics along one facet, its group: horizon (short-term, long-term), the economic lever pulled, the 4P function, and whatever editors add.
type Tag struct {
	// Id of the tag; it never changes.
	ID int64 `json:"id" example:"1"`
	// Slug, unique; the tag can be addressed by it in paths, and tactics are tagged with it.
	Slug string `json:"slug" example:"short-term"`
	// Name of the tag, for people.
	Name string `json:"name" example:"Short term"`
	// The facet the tag belongs to (a slug); a tactic holds at most one tag of the horizon group.
	Group string `json:"group" gorm:"column:tag_group" example:"horizon"`
	// What the tag means.
	Description string `json:"description" example:"Can be done now, without first changing the economy that produces victims."`
	// How many tactics carry the tag (below editor: published ones); derived, read-only.
	TacticCount int64 `json:"tactic_count" gorm:"->" example:"12"`
	// Sources for what the description says.
	Citations []Citation `json:"citations" gorm:"-" extensions:"x-nullable"` // null until the store reads them (issue 11)
	// When the tag was created (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When the tag last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// Version: 1 when created, +1 on every change. Send it back (or the ETag as If-Match) to update.
	Version int64 `json:"version" example:"1"`
}

// TagSummary is a tag as it appears inside a tactic.
//
//	@Description	A tag as it appears inside a tactic.
type TagSummary struct {
	// Id of the tag.
	ID int64 `json:"id" example:"1"`
	// Slug of the tag.
	Slug string `json:"slug" example:"short-term"`
	// Name of the tag, for people.
	Name string `json:"name" example:"Short term"`
	// The facet the tag belongs to.
	Group string `json:"group" gorm:"column:tag_group" example:"horizon"`
}

// TagInput is what a client writes to create or replace a tag.
//
//	@Description	A tag as a client writes it. Read-only fields echoed back from a GET (id, tactic_count, created_at, updated_at) are accepted and ignored.
type TagInput struct {
	// Slug, unique: lowercase letters, digits and hyphens, 1-64 characters, not all digits.
	Slug string `json:"slug" validate:"required,slug" example:"demand-reduction"`
	// Name of the tag, for people.
	Name string `json:"name" validate:"required,max=120" example:"Demand reduction"`
	// The facet the tag belongs to, a slug (e.g. horizon, lever, function). Moving a tag into the
	// horizon group while a tactic with it already has a horizon tag is 409.
	Group string `json:"group" validate:"required,slug" example:"lever"`
	// What the tag means.
	Description string `json:"description" validate:"max=4000" example:"Makes buying exploitation costlier or riskier for the consumer."`
	// Sources for the description, at most 30; each names an existing source by slug.
	Citations []Citation `json:"citations" validate:"max=30,dive"`
	// Version is the version the client read; it is the precondition of a PUT or PATCH when no
	// If-Match header is sent. Ignored on create.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	// TacticCount is derived; a value echoed back from a GET is ignored.
	TacticCount json.RawMessage `json:"tactic_count,omitempty" swaggerignore:"true"`
	ReadOnly
}

// Validate checks every field and reports all that are bad.
func (in *TagInput) Validate() error {
	return check(in)
}

// TagFilter selects tags in a list.
type TagFilter struct {
	Page
	Group string
	Q     string
}
