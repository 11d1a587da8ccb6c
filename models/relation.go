package models

import "time"

// The types of relation between two tactics.
const (
	RelationComplements    = "complements"
	RelationPrerequisiteOf = "prerequisite-of"
	RelationConflictsWith  = "conflicts-with"
	RelationDuplicates     = "duplicates"
	RelationSupersedes     = "supersedes"
	// RelationAddresses runs from a current or recommended tactic to the condition it answers.
	RelationAddresses = "addresses"
)

// Relation is a typed link from one tactic to another: one complements, is a prerequisite of,
// conflicts with, duplicates or supersedes the other, or addresses it (a condition). The two may
// be in different chains: the same measure can stand at a link of each.
//
//	@Description	A typed link from one tactic to another, in the same chain or across chains. addresses runs from a current or recommended tactic to the condition (kind condition) it answers.
type Relation struct {
	// Id of the relation; it never changes.
	ID int64 `json:"id" example:"1"`
	// Code of the tactic the relation starts from.
	From string `json:"from" example:"ST-R-R01"`
	// Code of the tactic it points to.
	To string `json:"to" example:"ST-R-R03"`
	// complements, prerequisite-of, conflicts-with, duplicates, supersedes or addresses (from a current or recommended tactic to a condition).
	Type string `json:"type" enums:"complements,prerequisite-of,conflicts-with,duplicates,supersedes,addresses" example:"complements"`
	// Why, in a sentence.
	Note string `json:"note" example:"Confiscation needs the financial investigation to trace the assets."`
	// When the relation was created (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// When the relation last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// Version: 1 when created, +1 on every change.
	Version int64 `json:"version" example:"1"`
}

// RelationInput is what a client writes to create or replace a relation.
//
//	@Description	A relation as a client writes it: tactics by code (or id).
type RelationInput struct {
	// Code (or id) of the tactic the relation starts from; it must exist.
	From string `json:"from" validate:"required,max=64,notblank" example:"EX-A-R01"`
	// Code (or id) of the tactic it points to; it must exist and differ from from.
	To string `json:"to" validate:"required,max=64,notblank" example:"EX-B-R01"`
	// complements, prerequisite-of, conflicts-with, duplicates, supersedes or addresses (from a current or recommended tactic to a condition).
	Type string `json:"type" validate:"required,oneof=complements prerequisite-of conflicts-with duplicates supersedes addresses" enums:"complements,prerequisite-of,conflicts-with,duplicates,supersedes,addresses" example:"complements"`
	// Why, in a sentence.
	Note string `json:"note" validate:"max=1000" example:""`
	// Version is the version the client read: the precondition of a PUT or PATCH without If-Match.
	Version *int64 `json:"version,omitempty" validate:"omitempty,gte=1" example:"1"`
	ReadOnly
}

// Validate checks every field and reports all that are bad; a relation to itself is refused here,
// that both tactics exist is checked by the store.
func (in *RelationInput) Validate() error {
	err := check(in)
	if in.From != "" && in.From == in.To {
		return appendField(err, FieldError{Field: "to", Message: "must name another tactic than from"})
	}
	return err
}

// RelationFilter selects relations in a list.
type RelationFilter struct {
	Page
	Tactic string // code or id: relations from or to it
	Type   string // "", or one relation type
	Q      string // text in the note
}

// Which way a relation points, seen from one of its tactics.
const (
	DirectionOutgoing = "outgoing" // from the tactic to another
	DirectionIncoming = "incoming" // from another tactic to it
)

// TacticRelation is a relation as one of its tactics sees it: the relation, which way it points
// from that tactic, and the tactic at its other end.
//
//	@Description	A relation of a tactic, seen from that tactic: the relation, which way it points (outgoing: the tactic is from; incoming: the tactic is to), and the code of the tactic at the other end.
type TacticRelation struct {
	Relation
	// outgoing if the tactic is the relation's from, incoming if it is its to.
	Direction string `json:"direction" enums:"outgoing,incoming" example:"outgoing"`
	// Code of the tactic at the other end.
	Other string `json:"other" example:"ST-R-R03"`
}
