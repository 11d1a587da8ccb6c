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
type Tag struct {
	ID          int64     `json:"id" example:"1"`
	Slug        string    `json:"slug" example:"short-term"`
	Name        string    `json:"name" example:"Short term"`
	Group       string    `json:"group" gorm:"column:tag_group" example:"horizon"`
	Description string    `json:"description" example:"Can be done now, without first changing the economy that produces victims."`
	TacticCount int64     `json:"tactic_count" gorm:"->" example:"12"` // derived: tactics that carry the tag
	CreatedAt   time.Time `json:"created_at" example:"2026-11-25T12:00:00Z"`
	UpdatedAt   time.Time `json:"updated_at" example:"2026-11-25T12:00:00Z"`
	Version     int64     `json:"version" example:"1"`
}

// TagSummary is a tag as it appears inside a tactic.
type TagSummary struct {
	ID    int64  `json:"id" example:"1"`
	Slug  string `json:"slug" example:"short-term"`
	Name  string `json:"name" example:"Short term"`
	Group string `json:"group" gorm:"column:tag_group" example:"horizon"`
}

// TagInput is what a client writes to create or replace a tag.
type TagInput struct {
	Slug        string `json:"slug" validate:"required,slug" example:"short-term"`
	Name        string `json:"name" validate:"required,max=120" example:"Short term"`
	Group       string `json:"group" validate:"required,slug" example:"horizon"`
	Description string `json:"description" validate:"max=4000" example:"Can be done now."`
	Version     *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	// TacticCount is derived; a value echoed back from a GET is ignored.
	TacticCount json.RawMessage `json:"tactic_count,omitempty" swaggerignore:"true"`
	ReadOnly
}

// Validate checks every field and reports all that are bad.
func (in *TagInput) Validate() error {
	if err := check(in); err != nil {
		return err
	}
	return nil
}

// TagFilter selects tags in a list.
type TagFilter struct {
	Page
	Group string
	Q     string
}
