// Package rendercache keeps rendered answers (a chain's table, its risk-reward model, a page for
// people) for as long as the knowledge base has not changed, so that an answer that takes many
// queries to build costs one indexed read of the generation while nothing has been written.
//
// An entry is good while the knowledge base's generation (store.Generation) is the one it was
// rendered at. Every change of content, made by any instance on the same database, moves the
// generation on in its own transaction, so the first read after a write anywhere renders afresh.
// The cache is bounded in entries and in bytes: its keys come from requests, and whatever they ask
// it stays a small part of the service's memory.
package rendercache

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"
)

// Entry is a rendered answer and its strong ETag, a digest of its bytes. Meta is what the
// answer's headers need besides its body (a search page's next cursor, for its Link header).
type Entry struct {
	Body []byte
	ETag string
	Meta string
}

// Cache keeps entries by key K for one generation at a time.
type Cache[K comparable] struct {
	tag                  string // the ETags' prefix, which says what kind of answer they name
	maxEntries, maxBytes int

	mu      sync.Mutex
	gen     int64
	entries map[K]*Entry
	bytes   int // the bodies' sizes, in all

	// renders lets one request render a missing entry while the others asking for it at the same
	// moment wait for that render: 32 dashboards opening a large table at once must not build 32
	// copies of it.
	renders singleflight.Group
}

// New returns an empty cache whose ETags read `"<tag>-<digest>"`, holding at most maxEntries
// entries and maxBytes bytes of bodies. A body larger than maxBytes is served but not kept.
func New[K comparable](tag string, maxEntries, maxBytes int) *Cache[K] {
	return &Cache[K]{tag: tag, maxEntries: maxEntries, maxBytes: maxBytes, entries: map[K]*Entry{}}
}

// Get returns the entry for k at generation gen: the cached one, or the one render makes, made
// once however many requests ask for it at the same time. render runs on behalf of all of them,
// so it must not depend on one client's context staying alive.
func (c *Cache[K]) Get(k K, gen int64, render func() ([]byte, error)) (*Entry, error) {
	return c.GetMeta(k, gen, func() ([]byte, string, error) {
		body, err := render()
		return body, "", err
	})
}

// GetMeta is Get for an answer whose render also says what its headers need (Entry.Meta).
func (c *Cache[K]) GetMeta(k K, gen int64, render func() (body []byte, meta string, err error)) (*Entry, error) {
	if e, ok := c.get(k, gen); ok {
		return e, nil
	}
	v, err, _ := c.renders.Do(fmt.Sprintf("%d|%#v", gen, k), func() (any, error) {
		// A render that finished between the look-up above and this flight has kept its entry.
		if e, ok := c.get(k, gen); ok {
			return e, nil
		}
		body, meta, err := render()
		if err != nil {
			return nil, err
		}
		return c.put(k, gen, body, meta), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Entry), nil
}

// Entry makes the entry of body without keeping it: for an answer too particular to cache, with
// an ETag of the same form as the cached ones.
func (c *Cache[K]) Entry(body []byte) *Entry {
	sum := sha256.Sum256(body)
	return &Entry{Body: body, ETag: `"` + c.tag + "-" + hex.EncodeToString(sum[:12]) + `"`}
}

// get returns the entry rendered at generation gen, if there is one.
func (c *Cache[K]) get(k K, gen int64) (*Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil, false
	}
	e, ok := c.entries[k]
	return e, ok
}

// put keeps body, rendered after the generation was read as gen, and returns its entry. The body
// may hold changes newer than gen; it is still only served while the generation is gen, and a
// generation that has not moved means that no such change exists.
func (c *Cache[K]) put(k K, gen int64, body []byte, meta string) *Entry {
	e := c.Entry(body)
	e.Meta = meta
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen < c.gen {
		return e // a slow render of an older state: serve it, but keep the newer entries
	}
	if len(body)+len(meta) > c.maxBytes {
		return e // too large to keep: serve it only
	}
	if gen > c.gen || len(c.entries) >= c.maxEntries || c.bytes+len(body)+len(meta) > c.maxBytes {
		c.gen, c.entries, c.bytes = gen, map[K]*Entry{}, 0
	}
	if old, ok := c.entries[k]; ok {
		c.bytes -= len(old.Body) + len(old.Meta)
	}
	c.entries[k] = e
	c.bytes += len(body) + len(meta)
	return e
}
