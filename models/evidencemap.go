package models

// EvidenceUnassessed is the evidence map's column of tactics without an evidence record.
const EvidenceUnassessed = "unassessed"

// Effects are the directions of a tactic's effect, in the order an evidence map counts them.
var Effects = []string{"positive", "mixed", "none", "negative", "unknown"}

// EvidenceMap is a chain's evidence gap map, after Campbell's and 3ie's: its links (or levers)
// against the level of evidence, each cell the published tactics there and their effect
// directions. An empty cell is a gap.
//
//	@Description	A chain's evidence gap map (after the Campbell Collaboration's and 3ie's): rows are the chain's links (stages, in order) or its levers, columns the level of the best evidence behind a tactic (none to systematic-review, then unassessed for a tactic with no evidence record), each cell the published tactics there with the direction of their effect (positive, mixed, none, negative, unknown). An empty cell is a gap. A tactic is counted once in its stage's row; by lever, once in each lever it is tagged with (a tactic with no lever in the row no-lever).
type EvidenceMap struct {
	// Slug of the chain.
	Chain string `json:"chain" example:"sex-trafficking"`
	// The release the map shows, or null for the knowledge base as it is now.
	Release *string `json:"release" extensions:"x-nullable" example:"2026.12.0"`
	// What the rows are: stage or lever.
	Rows string `json:"rows" enums:"stage,lever" example:"stage"`
	// The columns, weakest evidence first, then unassessed.
	Levels []string `json:"levels" example:"none,descriptive"`
	// The rows, each with one cell per column.
	Data []EvidenceMapRow `json:"data"`
	// How many tactic placements the map holds in all (by lever, a tactic counts in each of its levers).
	Total int `json:"total" example:"42"`
}

// EvidenceMapRow is one row of an evidence map.
//
//	@Description	One row of an evidence map: a link (stage) or a lever, with a cell per level of evidence.
type EvidenceMapRow struct {
	// Slug of the stage or lever tag (no-lever for tactics without one).
	Key string `json:"key" example:"retailer"`
	// Its name, for people.
	Name string `json:"name" example:"Retailer"`
	// How many tactics the row holds.
	Total int `json:"total" example:"7"`
	// One cell per column, in the map's order of levels.
	Cells []EvidenceMapCell `json:"cells"`
}

// EvidenceMapCell is one cell of an evidence map.
//
//	@Description	One cell of an evidence map: the tactics at a link (or lever) and a level of evidence, and how many have each direction of effect.
type EvidenceMapCell struct {
	// The level of evidence (the column).
	Level string `json:"level" example:"descriptive"`
	// How many tactics the cell holds.
	Count int `json:"count" example:"3"`
	// How many of them have each direction of effect.
	Effects EffectCounts `json:"effects"`
	// The tactics, in the bundle's order.
	Tactics []EvidenceMapTactic `json:"tactics"`
}

// EffectCounts counts a cell's tactics by the direction of their effect.
//
//	@Description	A cell's tactics counted by the direction of their effect (unknown: no evidence record, or the record says unknown).
type EffectCounts struct {
	// Positive effect found.
	Positive int `json:"positive" example:"1"`
	// Mixed.
	Mixed int `json:"mixed" example:"0"`
	// No effect found.
	None int `json:"none" example:"0"`
	// Harmful.
	Negative int `json:"negative" example:"0"`
	// Not known.
	Unknown int `json:"unknown" example:"2"`
}

// Add counts one tactic of the given direction.
func (e *EffectCounts) Add(direction string) {
	switch direction {
	case "positive":
		e.Positive++
	case "mixed":
		e.Mixed++
	case "none":
		e.None++
	case "negative":
		e.Negative++
	default:
		e.Unknown++
	}
}

// EvidenceMapTactic is a tactic in a cell of an evidence map.
//
//	@Description	A tactic in a cell of an evidence map.
type EvidenceMapTactic struct {
	// The tactic's code.
	Code string `json:"code" example:"ST-R-R01"`
	// Its title.
	Title string `json:"title" example:"Close venues where exploitation was proven"`
	// current, recommended or condition.
	Kind string `json:"kind" example:"recommended"`
	// The direction of its effect: positive, mixed, none, negative or unknown.
	Effect string `json:"effect" enums:"positive,mixed,none,negative,unknown" example:"unknown"`
}
