package models

import "chainkb/internal/search"

// Search result types: what GET /api/v1/search finds. Adding a searchable resource is a row in
// the store's searchables and its name here.
const (
	SearchTactic  = "tactic"
	SearchSource  = "source"
	SearchStage   = "stage"
	SearchChain   = "chain"
	SearchCountry = "country"
)

// SearchTypes are the types a search may be narrowed to, in the order they are documented.
var SearchTypes = []string{SearchTactic, SearchSource, SearchStage, SearchChain, SearchCountry}

// SearchHit is one result of a full-text search.
//
//	@Description	One result of a search: what was found, its title, a snippet with the matched words marked, and its relevance.
type SearchHit struct {
	// What was found.
	Type string `json:"type" enums:"tactic,source,stage,chain,country" example:"tactic"`
	// Its id.
	ID int64 `json:"id" example:"12"`
	// Its key: a tactic's code, a source's, stage's or chain's slug, a country's ISO code.
	Key string `json:"key" example:"ST-W-R03"`
	// Its title (a stage's, chain's or country's name).
	Title string `json:"title" example:"Freeze and confiscate traffickers' assets"`
	// Plain text around the best match, with each matched word between « and » and elided text
	// shown as …; not HTML.
	Snippet string `json:"snippet" example:"…traffickers' «assets» are «confiscated» before trial…"`
	// Relevance, higher is better: comparable within one answer only.
	Score float64 `json:"score" example:"7.25"`
}

// SearchFilter is a full-text search: the query and what narrows it. Filters that only tactics
// have (kind, horizon, tags, evidence level) leave only tactics; chain leaves tactics, stages and
// chains of the chain; stage leaves the stage's tactics and the stage. Sources and countries
// belong to no chain: any of these filters leaves them out.
type SearchFilter struct {
	Page
	Q             string        // the query, in the query language (internal/search)
	Parsed        *search.Query // Q parsed, by the caller that checked it; nil: the store parses Q
	Types         []string      // SearchTypes to include; none: all
	Chain         string        // chain id or slug
	StageID       int64         // 0: any stage
	Kind          string        // tactic kind
	Horizon       string        // horizon tag slug
	Tags          []string      // tag slugs, all must match
	EvidenceLevel string        // the weakest evidence level to include
}
