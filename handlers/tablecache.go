package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
)

// tableCache keeps chain tables as rendered JSON, so that a dashboard that shows the table on
// every page view costs one indexed lookup, not four queries and the encoding of the whole chain.
//
// An entry is good while the knowledge base's generation is the one it was rendered at. Every
// change of content, made by any instance on the same database, moves the generation on in its
// own transaction, so the first read after a write anywhere renders afresh.
type tableCache struct {
	mu      sync.Mutex
	gen     int64
	entries map[tableKey]*renderedTable
}

// maxTables bounds the cache: the keys come from requests (any horizon slug is well formed).
const maxTables = 256

type tableKey struct {
	chain   string // id or slug, as asked
	horizon string
	hidden  bool // rendered for an editor, drafts included
}

type renderedTable struct {
	body []byte
	etag string
}

func newTableCache() *tableCache { return &tableCache{entries: map[tableKey]*renderedTable{}} }

// get returns the table rendered at generation gen, if there is one.
func (tc *tableCache) get(k tableKey, gen int64) (*renderedTable, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.gen != gen {
		return nil, false
	}
	t, ok := tc.entries[k]
	return t, ok
}

// put keeps body, rendered after the generation was read as gen, and returns it with its ETag.
// The body may hold changes newer than gen; it is still only served while the generation is gen,
// and a generation that has not moved means that no such change exists.
func (tc *tableCache) put(k tableKey, gen int64, body []byte) *renderedTable {
	sum := sha256.Sum256(body)
	t := &renderedTable{body: body, etag: `"t-` + hex.EncodeToString(sum[:12]) + `"`}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if gen < tc.gen {
		return t // a slow render of an older state: serve it, but keep the newer entries
	}
	if gen > tc.gen || len(tc.entries) >= maxTables {
		tc.gen, tc.entries = gen, map[tableKey]*renderedTable{}
	}
	tc.entries[k] = t
	return t
}
