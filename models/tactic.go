package models

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"chainkb/internal/search"
)

// The publication statuses of a tactic. Only published tactics exist for readers below editor.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusArchived  = "archived"
)

// The kinds of tactic: an effort deployed today, what should be done, or a condition: a state of
// the world that explains why current efforts fall short (token fines, few convictions).
const (
	KindCurrent     = "current"
	KindRecommended = "recommended"
	KindCondition   = "condition"
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
	// Stable code: chain, stage, kind and number (e.g. ST-R-R01); the tactic can be addressed by it
	// in paths, and it never changes.
	Code string `json:"code" example:"ST-R-R01"`
	// An effort deployed today (current), what should be done (recommended), or a state of the
	// world that explains why current efforts fall short (condition).
	Kind string `json:"kind" enums:"current,recommended,condition" example:"recommended"`
	// Publication status: only published tactics exist below the editor role.
	Status string `json:"status" enums:"draft,published,archived" example:"published"`
	// Title, for people.
	Title string `json:"title" example:"Confiscate traffickers' assets"`
	// The tactic in a sentence or two.
	Summary string `json:"summary" example:"Take the profits away so that the trade stops paying."`
	// The tactic at length: how it works and why, in our own words from what its sources say.
	Description string `json:"description" example:"Seizing assets raises the expected cost of trafficking above its expected profit."`
	// Tags that classify the tactic: at most one of the horizon group, and any of the others.
	Tags []TagSummary `json:"tags" gorm:"-"`
	// Who makes the claim: Kara states it (kara), our reading of his argument (kara-reading),
	// other sources (other-source), or chainkb's own inference or proposal (editorial).
	Attribution string `json:"attribution" enums:"kara,kara-reading,other-source,editorial" example:"kara"`
	// How well the tactic is known to work, and the strength of the evidence.
	Evidence Evidence `json:"evidence" gorm:"-"`
	// What a reader must know before acting on it: harms, disputes, data quality, scope.
	Caveats []Caveat `json:"caveats" gorm:"-"`
	// For a contested tactic, the positions for and against (at least one of each).
	Positions []Position `json:"positions" gorm:"-"`
	// Where it applies: ISO 3166-1 alpha-2 codes, or global.
	Jurisdictions []string `json:"jurisdictions" gorm:"-" example:"global"`
	// Who carries it out.
	Actors []string `json:"actors" gorm:"-" example:"police,prosecutors"`
	// For a current effort: where and since when it is deployed; else null.
	Adoption *Adoption `json:"adoption" gorm:"-" extensions:"x-nullable"`
	// Who has checked the text, and when it is next due.
	Review Review `json:"review" gorm:"-"`
	// Sources for the tactic.
	Citations []Citation `json:"citations" gorm:"-"`
	// Economic parameters the tactic moves.
	ActsOn []ActsOn `json:"acts_on" gorm:"-"`
	// Slugs of other stages of the same chain where the tactic also applies.
	AlsoAppliesTo []string `json:"also_applies_to" gorm:"-" example:"wholesaler"`
	// Order of the tactic among those of its stage and kind.
	Position int `json:"position" example:"1"`
	// When the tactic was created (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When the tactic last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// Version: 1 when created, +1 on every change. Send it back (or the ETag as If-Match) to update.
	Version int64 `json:"version" example:"1"`
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
	// Stable code, unique: chain, stage, kind and number, e.g. ST-R-R01. Required on create; it
	// cannot change afterwards (a PUT may leave it out or repeat it).
	Code string `json:"code" validate:"omitempty,code" example:"ST-R-R99"`
	// An effort deployed today (current), what should be done (recommended), or a state of the
	// world that explains why current efforts fall short (condition).
	Kind string `json:"kind" validate:"required,oneof=current recommended condition" enums:"current,recommended,condition" example:"recommended"`
	// Status defaults to draft for a new tactic; a replacement without it keeps the current one.
	Status string `json:"status,omitempty" validate:"omitempty,oneof=draft published archived" enums:"draft,published,archived" example:"published"`
	// Title, for people.
	Title string `json:"title" validate:"required,max=200,notblank" example:"Close venues where exploitation was proven"`
	// The tactic in a sentence or two.
	Summary string `json:"summary" validate:"required,max=500,notblank" example:"Shut the premises so that the exploiter loses the capital sunk in them."`
	// The tactic at length.
	Description string `json:"description" validate:"max=4000" example:"Closing a venue destroys the exploiter's investment and raises the cost of the next one."`
	// Slugs of the tags to carry (at most 20, and at most one of the horizon group); replaces the
	// tactic's tags. Each must exist.
	Tags []TagRef `json:"tags" validate:"max=20,dive,slug" swaggertype:"array,string" example:"short-term,raise-exploiter-risk,prosecution"`
	// Who makes the claim: kara, kara-reading, other-source or editorial; editorial (chainkb's
	// own) when left out.
	Attribution string `json:"attribution" validate:"omitempty,oneof=kara kara-reading other-source editorial" enums:"kara,kara-reading,other-source,editorial" example:"editorial"`
	// How well the tactic is known to work; when left out, nothing is known: effect unknown,
	// level none, unevaluated.
	Evidence *Evidence `json:"evidence" extensions:"x-nullable"`
	// Harms, disputes, data quality, scope; at most 20.
	Caveats []Caveat `json:"caveats" validate:"max=20,dive"`
	// Positions for and against; required (one of each) when a caveat is contested.
	Positions []Position `json:"positions" validate:"max=20,dive"`
	// Where it applies: ISO 3166-1 alpha-2 codes, or global; at most 250.
	Jurisdictions []string `json:"jurisdictions" validate:"max=250,dive,jurisdiction" example:"global"`
	// Who carries it out, from a controlled vocabulary.
	Actors []string `json:"actors" validate:"max=16,dive,actor" example:"police"`
	// For a current effort: where and since when; null otherwise.
	Adoption *Adoption `json:"adoption" extensions:"x-nullable"`
	// Review state and dates; state draft when left out.
	Review *Review `json:"review" extensions:"x-nullable"`
	// Sources for the tactic, at most 30; each names an existing source by slug.
	Citations []Citation `json:"citations" validate:"max=30,dive"`
	// Economic parameters the tactic moves, at most 20.
	ActsOn []ActsOn `json:"acts_on" validate:"max=20,dive"`
	// Slugs of other stages of the same chain where it also applies, at most 20.
	AlsoAppliesTo []string `json:"also_applies_to" validate:"max=20,dive,slug"`
	// Order of the tactic among those of its stage and kind, 0 to 1000000; after the others when
	// left out.
	Position *int `json:"position" validate:"omitempty,gte=0,lte=1000000" example:"10" extensions:"x-nullable"`
	// Version is the version the client read; it is the precondition of a PUT or PATCH when no
	// If-Match header is sent. Ignored on create.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	// ChainID is derived from the stage; a value echoed back from a GET is ignored.
	ChainID json.RawMessage `json:"chain_id,omitempty" swaggerignore:"true"`
	ReadOnly
}

// Validate checks every field and reports all that are bad. Rules that need the database (the
// stage exists, the tags and cited sources exist, at most one horizon tag) are checked by the store.
func (in *TacticInput) Validate() error {
	err := check(in)
	var fields []FieldError
	contested := false
	for _, c := range in.Caveats {
		contested = contested || c.Type == CaveatContested
	}
	if contested {
		var pro, con bool
		for _, p := range in.Positions {
			pro = pro || p.Stance == "for"
			con = con || p.Stance == "against"
		}
		if !pro || !con {
			fields = append(fields, FieldError{Field: "positions", Message: "a contested tactic needs at least one position for and one against"})
		}
	}
	if in.Adoption != nil && in.Kind != "" && in.Kind != KindCurrent {
		fields = append(fields, FieldError{Field: "adoption", Message: "only a current effort has an adoption; send null"})
	}
	for i := range in.ActsOn {
		for _, fe := range in.ActsOn[i].Check() {
			fields = append(fields, FieldError{Field: "acts_on/" + strconv.Itoa(i) + "/" + fe.Field, Message: fe.Message})
		}
	}
	if len(fields) > 0 {
		return appendField(err, fields...)
	}
	return err
}

// Citations lists every citation of the input with its JSON pointer, for the store's check that
// each cited source exists.
func (in *TacticInput) CitationRefs() []CitationRef {
	refs := CitationRefs("", in.Citations)
	for i, c := range in.Caveats {
		refs = append(refs, CitationRefs("caveats/"+strconv.Itoa(i)+"/", c.Citations)...)
	}
	for i, p := range in.Positions {
		refs = append(refs, CitationRefs("positions/"+strconv.Itoa(i)+"/", p.Citations)...)
	}
	for i, a := range in.ActsOn {
		refs = append(refs, CitationRefs("acts_on/"+strconv.Itoa(i)+"/", a.Citations)...)
		if a.Size != nil {
			refs = append(refs, CitationRef{Pointer: "acts_on/" + strconv.Itoa(i) + "/size/citation/source", Source: a.Size.Citation.Source})
		}
	}
	return refs
}

// TacticFilter selects tactics in a list. Every set field must match.
type TacticFilter struct {
	Page
	Chain   string   // chain id or slug
	StageID int64    // 0: any stage
	Kind    string   // "", "current", "recommended" or "condition"
	Tags    []string // tag slugs; a tactic must carry all of them
	Horizon string   // slug of a tag in the horizon group
	Status  string   // "", or one status; below editor only published tactics ever match
	Q       string   // text in title, summary or description, in the search query language
	// Parsed is Q parsed, by the caller that checked it (the handler), so that it is parsed once;
	// nil: the store parses Q.
	Parsed *search.Query

	Attribution     string // "", or one attribution
	EvidenceLevel   string // "", or the weakest evidence level to include
	ReviewDueBefore *Date  // nil, or only tactics whose next review is due before this date
}
