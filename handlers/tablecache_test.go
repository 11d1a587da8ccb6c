package handlers

import (
	"fmt"
	"testing"
)

// TestTableCacheBytes checks that the rendered tables kept never hold more than maxTableBytes, and
// that a table larger than that is served but not kept.
func TestTableCacheBytes(t *testing.T) {
	tc := newTableCache()
	body := make([]byte, 5<<20) // 5 MiB: six fit in 32 MiB, not seven
	for i := range 20 {
		k := tableKey{chain: fmt.Sprint("c", i), perCell: 25}
		if got := tc.put(k, 1, body); got.etag == "" {
			t.Fatal("no ETag")
		}
		if tc.bytes > maxTableBytes || tc.bytes != len(tc.entries)*len(body) {
			t.Fatalf("after %d puts the cache holds %d bytes in %d entries; want at most %d", i+1, tc.bytes, len(tc.entries), maxTableBytes)
		}
		if _, ok := tc.get(k, 1); !ok {
			t.Fatalf("table %d not kept", i)
		}
	}
	// Putting the same key again does not count it twice.
	k := tableKey{chain: "c19", perCell: 25}
	before := tc.bytes
	tc.put(k, 1, body)
	if tc.bytes != before {
		t.Errorf("the same key put again: %d bytes, want %d", tc.bytes, before)
	}
	huge := tableKey{chain: "huge"}
	if got := tc.put(huge, 1, make([]byte, maxTableBytes+1)); got.body == nil {
		t.Fatal("the huge table is not served")
	}
	if _, ok := tc.get(huge, 1); ok || tc.bytes != before {
		t.Errorf("a table over the budget was kept (%d bytes)", tc.bytes)
	}
}
