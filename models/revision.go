package models

import (
	"encoding/json"
	"time"
)

// The actions a revision records.
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionDelete  = "delete"
	ActionRestore = "restore"
)

// Entity names a kind of object that has a history: a resource of the store's registry, as its
// revisions, the change feed and an import's report name it.
//
//	@Description	A kind of object that has a history: chain, stage, tactic, tag, source, relation, parameter or country; and release, which the change feed reports when one is cut.
type Entity = string

// The kinds of object that have a history. The store's registry names the same ones (a test
// checks it), and the API document's Entity enum is made from the registry.
const (
	EntityChain     Entity = "chain"
	EntityStage     Entity = "stage"
	EntityTactic    Entity = "tactic"
	EntityTag       Entity = "tag"
	EntitySource    Entity = "source"
	EntityRelation  Entity = "relation"
	EntityParameter Entity = "parameter"
	EntityCountry   Entity = "country"
)

// Revision is one change of an object that has a history: who made it, when, and the object as
// it stood after it (before it, for a delete).
//
//	@Description	One change of an object: who made it, when, and the object as it stood after it (before it, for a delete).
type Revision struct {
	// Id of the revision: revisions are numbered in the order they were made, across all objects.
	ID int64 `json:"id" example:"42"`
	// What kind of object changed.
	Entity Entity `json:"entity" example:"tactic"`
	// Id of the object that changed.
	EntityID int64 `json:"entity_id" example:"7"`
	// The object's version after the change (before it, for a delete).
	Version int64 `json:"version" example:"3"`
	// What happened to the object.
	Action string `json:"action" enums:"create,update,delete,restore" example:"update"`
	// Who made the change: the key's id and name.
	Actor string `json:"actor" example:"key 3 (Jane, editor)"`
	// The X-Request-ID of the request that made the change.
	RequestID string `json:"request_id" example:"4f1c2a9e8b7d6c5f"`
	// When the change was made (RFC 3339, UTC).
	At time.Time `json:"at" format:"date-time" example:"2026-11-25T12:00:00Z"`
	// The object as it stood after the change (before it, for a delete), as a GET of it returned
	// it then. In the change feed, a tactic that readers may no longer see is {"id": ...}.
	Data json.RawMessage `json:"data" swaggertype:"object"`
}
