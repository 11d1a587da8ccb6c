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

// Revision is one change of a chain, stage, tactic or tag: who made it, when, and the object as it
// stood after it (before it, for a delete).
type Revision struct {
	ID        int64           `json:"id" example:"42"`
	Entity    string          `json:"entity" enums:"chain,stage,tactic,tag" example:"tactic"`
	EntityID  int64           `json:"entity_id" example:"7"`
	Version   int64           `json:"version" example:"3"`
	Action    string          `json:"action" enums:"create,update,delete,restore" example:"update"`
	Actor     string          `json:"actor" example:"key 3 (Jane, editor)"`
	RequestID string          `json:"request_id" example:"4f1c2a9e8b7d6c5f"`
	At        time.Time       `json:"at" example:"2026-11-25T12:00:00Z"`
	Data      json.RawMessage `json:"data" swaggertype:"object"`
}
