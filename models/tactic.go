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
//
//	@Description	An intervention at one stage of a chain: an effort deployed today (kind current) or one that should be done (kind recommended), with its tags and sources.
type Tactic struct {
	// Id of the tactic; it never changes.
	ID int64 `json:"id" example:"1"`
	// Id of the stage the tactic acts at.
	StageID int64 `json:"stage_id" example:"2"`
	// Id of the stage's chain; derived from the stage, read-only.
	ChainID int64 `json:"chain_id" example:"1"`
	// An effort deployed today (current) or what should be done (recommended).
	Kind string `json:"kind" enums:"current,recommended" example:"recommended"`
	// Publication status: only published tactics exist below the editor role.
	Status string `json:"status" enums:"draft,published,archived" example:"published"`
	// Title, for people.
	Title string `json:"title" example:"Confiscate traffickers' assets"`
	// The tactic in a sentence or two.
	Summary string `json:"summary" example:"Take the profits away so that the trade stops paying."`
	// The tactic at length: how it works and why, in the words of its sources.
	Description string `json:"description" example:"Seizing assets raises the expected cost of trafficking above its expected profit."`
	// Tags that classify the tactic: at most one of the horizon group, and any of the others.
	Tags []TagSummary `json:"tags" gorm:"-"`
	// Sources that support the tactic.
	References References `json:"references" gorm:"column:refs"`
	// Order of the tactic among those of its stage and kind.
	Position int `json:"position" example:"1"`
	// When the tactic was created (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When the tactic last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// Version: 1 when created, +1 on every change. Send it back (or the ETag as If-Match) to update.
	Version int64 `json:"version" example:"1"`
}

// Reference is a source that supports a tactic: a citation, with a URL and a locator (page,
// chapter, section) where there is one.
//
//	@Description	A source that supports a tactic: a citation, with a URL and a locator (page, chapter, section) where there is one.
type Reference struct {
	// The source, as a bibliography cites it.
	Citation string `json:"citation" validate:"required,max=300" example:"Kara, S. (2009). Sex Trafficking: Inside the Business of Modern Slavery. Columbia University Press."`
	// Where the source can be read: an absolute http or https URL, or empty.
	URL string `json:"url" validate:"omitempty,max=2000,http_url" example:"https://cup.columbia.edu/book/sex-trafficking/9780231139601"`
	// Where in the source: page, chapter or section; or empty.
	Locator string `json:"locator" validate:"max=100" example:"p. 202"`
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
//
//	@Description	A tactic as a client writes it. Tags are written as slugs (tag objects as a GET returns them are accepted too); read-only fields echoed back from a GET (id, chain_id, created_at, updated_at) are accepted and ignored.
type TacticInput struct {
	// Id of the stage the tactic acts at; it must exist.
	StageID *int64 `json:"stage_id" validate:"required,gte=1" example:"3"`
	// An effort deployed today (current) or what should be done (recommended).
	Kind string `json:"kind" validate:"required,oneof=current recommended" enums:"current,recommended" example:"recommended"`
	// Status defaults to draft for a new tactic; a replacement without it keeps the current one.
	Status string `json:"status,omitempty" validate:"omitempty,oneof=draft published archived" enums:"draft,published,archived" example:"published"`
	// Title, for people.
	Title string `json:"title" validate:"required,max=200" example:"Close venues where exploitation was proven"`
	// The tactic in a sentence or two.
	Summary string `json:"summary" validate:"required,max=500" example:"Shut the premises so that the exploiter loses the capital sunk in them."`
	// The tactic at length.
	Description string `json:"description" validate:"max=4000" example:"Closing a venue destroys the exploiter's investment and raises the cost of the next one."`
	// Slugs of the tags to carry (at most 20, and at most one of the horizon group); replaces the
	// tactic's tags. Each must exist.
	Tags []TagRef `json:"tags" validate:"max=20,dive,slug" swaggertype:"array,string" example:"short-term,raise-exploiter-risk,prosecution"`
	// Sources that support the tactic, at most 20; replaces the tactic's references.
	References []Reference `json:"references" validate:"max=20,dive"`
	// Order of the tactic among those of its stage and kind, 0 to 1000000; after the others when
	// left out.
	Position *int `json:"position" validate:"omitempty,gte=0,lte=1000000" example:"10"`
	// Version is the version the client read; it is the precondition of a PUT or PATCH when no
	// If-Match header is sent. Ignored on create.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	// ChainID is derived from the stage; a value echoed back from a GET is ignored.
	ChainID json.RawMessage `json:"chain_id,omitempty" swaggerignore:"true"`
	ReadOnly
}

// Validate checks every field and reports all that are bad. Rules that need the database (the
// stage exists, the tags exist, at most one horizon tag) are checked by the store.
func (in *TacticInput) Validate() error {
	return check(in)
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
