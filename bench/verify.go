package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
)

// check is the outcome of comparing one response of chainkb with the baseline's.
type check struct {
	name   string
	ok     bool
	detail string // what differs, or why the check could not run
}

// pair is one request to both servers. The paths differ only for a cursor page, whose cursor
// each server makes in its own format.
type pair struct {
	name                  string
	chainkb, baseline     string
	chainkbPage, basePage int // for cursor pages: the page each walk reached, which must agree
}

// compareServers checks that the baseline answers what chainkb answers, so that the baseline is a
// fair ceiling: the same rows, fields and values, compared as decoded JSON, and the same ETag
// where the baseline sends one (a tactic by id). next_cursor values differ by design; only
// whether there is a next page must agree. It also returns chainkb's body size for each pair, for
// the report.
func compareServers(ctx context.Context, ck, bl *server, pairs []pair) ([]check, map[string]int) {
	var checks []check
	sizes := map[string]int{}
	for _, p := range pairs {
		c := check{name: p.name}
		var a, b any
		n, headA, errA := fetchJSON(ctx, ck.base+p.chainkb, &a)
		_, headB, errB := fetchJSON(ctx, bl.base+p.baseline, &b)
		sizes[p.name] = n
		switch {
		case errA != nil:
			c.detail = "chainkb: " + errA.Error()
		case errB != nil:
			c.detail = "baseline: " + errB.Error()
		case p.chainkbPage != p.basePage:
			c.detail = fmt.Sprintf("the cursor walk reached page %d on chainkb, %d on the baseline", p.chainkbPage, p.basePage)
		default:
			c.detail = firstDiff("$", dropCursor(a), dropCursor(b))
			// Where the baseline sends an ETag it computes chainkb's (id, version and a digest of
			// the body), so the two must agree: the same bytes, and the same hashing done.
			if eb := headB.Get("ETag"); c.detail == "" && eb != "" && eb != headA.Get("ETag") {
				c.detail = fmt.Sprintf("ETag %s on chainkb, %s on the baseline", headA.Get("ETag"), eb)
			}
			c.ok = c.detail == ""
		}
		checks = append(checks, c)
	}
	return checks, sizes
}

// dropCursor replaces a list's next_cursor by whether it is set.
func dropCursor(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if c, ok := m["next_cursor"]; ok {
		m["next_cursor"] = c != nil
	}
	return m
}

// firstDiff describes the first difference between two decoded JSON values, "" if none.
func firstDiff(path string, a, b any) string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: object on chainkb, %s on the baseline", path, short(b))
		}
		keys := make([]string, 0, len(av)+len(bv))
		for k := range av {
			keys = append(keys, k)
		}
		for k := range bv {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			x, inA := av[k]
			y, inB := bv[k]
			switch {
			case !inA:
				return fmt.Sprintf("%s.%s: only on the baseline", path, k)
			case !inB:
				return fmt.Sprintf("%s.%s: only on chainkb", path, k)
			}
			if d := firstDiff(path+"."+k, x, y); d != "" {
				return d
			}
		}
		return ""
	case []any:
		bv, ok := b.([]any)
		if !ok {
			return fmt.Sprintf("%s: array on chainkb, %s on the baseline", path, short(b))
		}
		if len(av) != len(bv) {
			return fmt.Sprintf("%s: %d items on chainkb, %d on the baseline", path, len(av), len(bv))
		}
		for i := range av {
			if d := firstDiff(path+"["+strconv.Itoa(i)+"]", av[i], bv[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Sprintf("%s: %s on chainkb, %s on the baseline", path, short(a), short(b))
	}
	return ""
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		b = append(bytes.Clone(b[:120]), "..."...)
	}
	return string(b)
}
