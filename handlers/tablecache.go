package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"
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
	bytes   int // the bodies' sizes, in all

	// renders lets one request render a missing table while the others asking for it at the same
	// moment wait for that render: a large chain's table is tens of MB, and 32 dashboards opening
	// at once must not build 32 copies.
	renders singleflight.Group
}

// maxTables and maxTableBytes bound the cache, in entries and in the bytes of their bodies: the
// keys come from requests (any horizon slug is well formed, any per_cell up to its maximum), and
// whatever they ask the cache stays a small part of the service's memory. A table larger than
// maxTableBytes is served but not kept.
const (
	maxTables     = 256
	maxTableBytes = 32 << 20
)

type tableKey struct {
	chain   string // id or slug, as asked
	horizon string
	perCell int  // the most tactics in a cell
	hidden  bool // rendered for an editor, drafts included
	csv     bool // as CSV rather than JSON
}

type renderedTable struct {
	body []byte
	etag string
}

func newTableCache() *tableCache { return &tableCache{entries: map[tableKey]*renderedTable{}} }

// render returns the table for k at generation gen: the cached one, or the one render makes, made
// once however many requests ask for it at the same time.
func (tc *tableCache) render(k tableKey, gen int64, render func() ([]byte, error)) (*renderedTable, error) {
	if t, ok := tc.get(k, gen); ok {
		return t, nil
	}
	v, err, _ := tc.renders.Do(fmt.Sprintf("%d|%q|%q|%d|%t|%t", gen, k.chain, k.horizon, k.perCell, k.hidden, k.csv), func() (any, error) {
		body, err := render()
		if err != nil {
			return nil, err
		}
		return tc.put(k, gen, body), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*renderedTable), nil
}

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
	if len(body) > maxTableBytes {
		return t // too large to keep: serve it only
	}
	if gen > tc.gen || len(tc.entries) >= maxTables || tc.bytes+len(body) > maxTableBytes {
		tc.gen, tc.entries, tc.bytes = gen, map[tableKey]*renderedTable{}, 0
	}
	if old, ok := tc.entries[k]; ok {
		tc.bytes -= len(old.body)
	}
	tc.entries[k] = t
	tc.bytes += len(body)
	return t
}
