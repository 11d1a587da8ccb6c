package models

import "encoding/json"

// ReadOnly absorbs the server-owned fields that every object carries, so that what a client GETs
// it can PUT back unchanged. Their values are ignored: a client can never set an id, a timestamp
// or a derived field.
type ReadOnly struct {
	ID        json.RawMessage `json:"id,omitempty" swaggerignore:"true"`
	CreatedAt json.RawMessage `json:"created_at,omitempty" swaggerignore:"true"`
	UpdatedAt json.RawMessage `json:"updated_at,omitempty" swaggerignore:"true"`
}

// Page holds the paging and ordering options that every list takes.
type Page struct {
	// Limit is the page size, 1-200.
	Limit int
	// Cursor is the opaque position after which the page starts ("" for the first page).
	Cursor string
	// Sort is a field name, "-" in front for descending; "" for the resource's default order.
	Sort string
	// IncludeTotal asks for a count of all matches, which costs a scan.
	IncludeTotal bool
}

// List is one page of a collection.
type List[T any] struct {
	Items      []T
	NextCursor string // "" on the last page
	Total      *int64 // nil unless Page.IncludeTotal
}

// MaxVersion is the largest version an object may have: 2^53-1, the largest whole number that
// every JSON client reads exactly (JavaScript's Number.MAX_SAFE_INTEGER). An object reaches it
// only through an import that says so, which is refused; a write never takes a version past it.
const MaxVersion int64 = 1<<53 - 1

// ObjectVersion identifies one state of one object: what an ETag names.
type ObjectVersion struct {
	ID      int64 // 0: any object (a version sent in a body names no id)
	Version int64
}

// Precondition is what a write must find to proceed, from If-Match and from the version in the
// body. A zero Precondition asks for nothing.
type Precondition struct {
	// AnyExisting is If-Match: *, which only asks that the object exists.
	AnyExisting bool
	// IfMatch lists the states named by If-Match; one of them must be current.
	IfMatch []ObjectVersion
	// Version is the version sent in the body; if set, it must be current.
	Version *int64
}

// Given reports whether the client sent any precondition at all.
func (p Precondition) Given() bool {
	return p.AnyExisting || len(p.IfMatch) > 0 || p.Version != nil
}

// Holds reports whether an object at the given id and version meets the precondition.
func (p Precondition) Holds(id, version int64) bool {
	if p.Version != nil && *p.Version != version {
		return false
	}
	if len(p.IfMatch) == 0 {
		return true
	}
	for _, v := range p.IfMatch {
		if (v.ID == 0 || v.ID == id) && v.Version == version {
			return true
		}
	}
	return false
}
