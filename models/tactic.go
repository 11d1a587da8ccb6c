package models

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"time"
)

// The publication statuses of a tactic. Only published tactics exist for readers below editor.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusArchived  = "archived"
)

// The kinds of tactic: an effort deployed today, or what should be done.
const (
	KindCurrent     = "current"
	KindRecommended = "recommended"
)

// Tactic is an intervention at one stage of a chain: an effort deployed today (kind "current") or
// one that should be done (kind "recommended").
type Tactic struct {
	ID          int64        `json:"id" example:"1"`
	StageID     int64        `json:"stage_id" example:"2"`
	ChainID     int64        `json:"chain_id" example:"1"` // derived from the stage
	Kind        string       `json:"kind" enums:"current,recommended" example:"recommended"`
	Status      string       `json:"status" enums:"draft,published,archived" example:"published"`
	Title       string       `json:"title" example:"Confiscate traffickers' assets"`
	Summary     string       `json:"summary" example:"Take the profits away so that the trade stops paying."`
	Description string       `json:"description" example:"Seizing assets raises the expected cost of trafficking above its expected profit."`
	Tags        []TagSummary `json:"tags" gorm:"-"`
	References  References   `json:"references" gorm:"column:refs"`
	Position    int          `json:"position" example:"1"`
	CreatedAt   time.Time    `json:"created_at" example:"2026-11-25T12:00:00Z"`
	UpdatedAt   time.Time    `json:"updated_at" example:"2026-11-25T12:00:00Z"`
	Version     int64        `json:"version" example:"1"`
}

// Reference is a source that supports a tactic: a citation, with a URL and a locator (page,
// chapter, section) where there is one.
type Reference struct {
	Citation string `json:"citation" validate:"required,max=300" example:"Kara, S. (2009). Sex Trafficking: Inside the Business of Modern Slavery. Columbia University Press."`
	URL      string `json:"url" validate:"omitempty,max=2000,http_url" example:"https://cup.columbia.edu/book/sex-trafficking/9780231139601"`
	Locator  string `json:"locator" validate:"max=100" example:"p. 202"`
}

// References is a tactic's list of sources. It is stored as one JSON column: references are only
// ever read and written with their tactic.
type References []Reference

// Value stores the references as JSON.
func (r References) Value() (driver.Value, error) {
	if r == nil {
		r = References{}
	}
	b, err := json.Marshal(r)
	return string(b), err
}

// Scan reads references stored as JSON.
func (r *References) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		*r = References{}
		return nil
	default:
		return errors.New("models: references: unsupported column type")
	}
	return json.Unmarshal(b, r)
}

// TagRef names a tag in a write. It reads either a slug ("short-term") or a tag object as a GET
// returns it ({"id":1,"slug":"short-term",...}), in which case the slug is what counts.
type TagRef string

// UnmarshalJSON accepts a slug string or a tag object with a slug.
func (t *TagRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var obj struct {
			Slug string `json:"slug"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return err
		}
		*t = TagRef(obj.Slug)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = TagRef(s)
	return nil
}

// TacticInput is what a client writes to create or replace a tactic. Tags are written as tag
// slugs; chain_id is derived from the stage and ignored on write.
type TacticInput struct {
	StageID *int64 `json:"stage_id" validate:"required,gte=1" example:"2"`
	Kind    string `json:"kind" validate:"required,oneof=current recommended" enums:"current,recommended" example:"recommended"`
	// Status defaults to draft for a new tactic; a replacement without it keeps the current one.
	Status      string      `json:"status,omitempty" validate:"omitempty,oneof=draft published archived" enums:"draft,published,archived" example:"draft"`
	Title       string      `json:"title" validate:"required,max=200" example:"Confiscate traffickers' assets"`
	Summary     string      `json:"summary" validate:"required,max=500" example:"Take the profits away so that the trade stops paying."`
	Description string      `json:"description" validate:"max=4000" example:"Seizing assets raises the expected cost of trafficking above its expected profit."`
	Tags        []TagRef    `json:"tags" validate:"max=20,dive,slug" swaggertype:"array,string" example:"short-term,raise-exploiter-risk"`
	References  []Reference `json:"references" validate:"max=20,dive"`
	Position    *int        `json:"position" validate:"omitempty,gte=0,lte=1000000" example:"1"`
	Version     *int64      `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	// ChainID is derived from the stage; a value echoed back from a GET is ignored.
	ChainID json.RawMessage `json:"chain_id,omitempty" swaggerignore:"true"`
	ReadOnly
}

// Validate checks every field and reports all that are bad. Rules that need the database (the
// stage exists, the tags exist, at most one horizon tag) are checked by the store.
func (in *TacticInput) Validate() error {
	if err := check(in); err != nil {
		return err
	}
	return nil
}

// TacticFilter selects tactics in a list. Every set field must match.
type TacticFilter struct {
	Page
	Chain   string   // chain id or slug
	StageID int64    // 0: any stage
	Kind    string   // "", "current" or "recommended"
	Tags    []string // tag slugs; a tactic must carry all of them
	Horizon string   // slug of a tag in the horizon group
	Status  string   // "", or one status; below editor only published tactics ever match
	Q       string   // text in title, summary or description
}

// ChainTable is a chain laid out as Kara's table: its stages in order, each with the efforts
// deployed today and what should be done.
type ChainTable struct {
	Chain  Chain      `json:"chain"`
	Stages []TableRow `json:"stages"`
}

// TableRow is one stage of a ChainTable.
type TableRow struct {
	Stage       Stage    `json:"stage"`
	Current     []Tactic `json:"current"`
	Recommended []Tactic `json:"recommended"`
}
