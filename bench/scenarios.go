package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"chainkb/bench/internal/plan"
	"chainkb/bench/internal/synth"
)

// deepPageWanted is the page the cursor scenario reads: deep enough that an offset-paginated list
// would show it, when the filtered list has that many pages.
const deepPageWanted = 20

// scenario is one measured workload.
type scenario struct {
	name string
	// write scenarios change the data: each runs on a fresh copy of the dataset, against chainkb
	// only (the baseline serves reads only).
	write bool
	// chainkbOnly read scenarios exercise what the baseline does not serve; they run on chainkb
	// alone.
	chainkbOnly bool
	requests    func(t target) []plan.Request
}

// target is what a scenario needs to know about the server under load.
type target struct {
	base string
	d    *dataset
	// deepPage is the path and query of the cursor scenario's page on this server (each server
	// has its own cursor format).
	deepPage string
	// baseline is set when the server is the baseline, which has no full-text search.
	baseline bool
}

// Paths of the read scenarios, shared with the JSON check.
func listPath(d *dataset) string {
	return fmt.Sprintf("/api/v1/tactics?stage=%d&horizon=short-term&limit=50", d.focusStage)
}

// qPath is the list's q in id order: chainkb matches it with its full-text index (ranked by
// relevance unless a sort is given), the baseline with LIKE over three columns, as chainkb did
// before issue 14; the same rows in the same order on both.
func qPath() string { return "/api/v1/tactics?q=" + synth.QWord + "&sort=id&limit=50" }

// The search scenarios' queries. The synthetic text draws its words with the seed's document
// frequencies (synth's vocab), so their shares of tactics are the seed's:
//   - searchWords, a typical query: "financial" is in 7 % of the seed's tactics, "investigation"
//     (stemmed: investigations, investigate…) in 15 %, about the median (7 %) and upper quartile
//     (15 %) of the share of tactics a content word of the seed's text is in. In the synthetic
//     tactics they are in 8 % and 22 % (a stem's forms are drawn independently, so the stem is in
//     more tactics than in the seed's), both in 1.6 % (in 3.4 % of the seed's).
//   - commonWords, the adversarial case: QWord, in 2 % of titles, with "trafficking", the seed's
//     most common content word (stemmed: traffickers, trafficked…), in 46 % of its tactics and
//     58 % of the synthetic ones, so the index intersects a short list with a very long one
//     (both are in 1.2 % of the synthetic tactics).
const (
	searchWords = "financial+investigation"
	commonWords = synth.QWord + "+trafficking"
)

// searchPath is a two-word search over tactics, ranked, with snippets. The baseline, which has no
// full-text index, answers the LIKE path instead: its list with q (one word, a scan).
func searchPath(baseline bool, words string) string {
	if baseline {
		return qPath()
	}
	return "/api/v1/search?q=" + words + "&type=tactic&limit=50"
}

// newSearchPath is searchPath with a word excluded that no tactic has, drawn for each request
// ({id}): the same matches and the same ranking work, but a query chainkb has not answered since
// the last write, so that it cannot come from its cache of search pages. The baseline answers its
// LIKE path, as for searchPath.
func newSearchPath(baseline bool, words string) string {
	if baseline {
		return qPath()
	}
	return "/api/v1/search?q=" + words + "+-zz{id}&type=tactic&limit=50"
}

// tablePath is the table of the largest chain; smallTablePath that of the seed-sized chain.
func tablePath(d *dataset) string { return "/api/v1/chains/" + d.chains[0].slug + "/table" }

// economicsPath is the risk-reward model of the largest chain, without a scenario.
func economicsPath(d *dataset) string {
	return "/api/v1/chains/" + d.chains[0].slug + "/economics?geo=IN&year=2009"
}

func smallTablePath(d *dataset) string {
	return "/api/v1/chains/" + d.chains[len(d.chains)-1].slug + "/table"
}

// smallPagePath is the page of the seed-sized chain (the HTML table, issue 15).
func smallPagePath(d *dataset) string { return "/chains/" + d.chains[len(d.chains)-1].slug }

// scenarios returns the scenarios in the order they are reported. Reads run first, on both
// servers in turn; writes after, each on a fresh copy.
func scenarios() []scenario {
	return []scenario{
		{name: "get tactic by id", requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.RandomID, Weight: 1, URL: t.base + "/api/v1/tactics/{id}", MinID: 1, MaxID: int64(t.d.n)}}
		}},
		{name: "list stage+horizon", requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Fixed, Weight: 1, URL: t.base + listPath(t.d)}}
		}},
		{name: "list page 20 by cursor", requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Fixed, Weight: 1, URL: t.base + t.deepPage}}
		}},
		{name: "list q", requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Fixed, Weight: 1, URL: t.base + qPath()}}
		}},
		{name: "search 2 words", requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Fixed, Weight: 1, URL: t.base + searchPath(t.baseline, searchWords)}}
		}},
		{name: "search 2 words, one very common", requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Fixed, Weight: 1, URL: t.base + searchPath(t.baseline, commonWords)}}
		}},
		// The same search, never asked before: what a query costs when it is ranked afresh.
		{name: "search 2 words, a new query each time", requests: func(t target) []plan.Request {
			if t.baseline {
				return []plan.Request{{Kind: plan.Fixed, Weight: 1, URL: t.base + qPath()}}
			}
			return []plan.Request{{Kind: plan.RandomID, Weight: 1, URL: t.base + newSearchPath(false, searchWords), MinID: 1, MaxID: 1 << 40}}
		}},
		{name: "chain table, small chain", requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Fixed, Weight: 1, URL: t.base + smallTablePath(t.d)}}
		}},
		// The same chain as a page for people (issue 15), from memory like the table: its rate
		// should be at least the JSON table's.
		{name: "chain page, small chain", chainkbOnly: true, requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Fixed, Weight: 1, URL: t.base + smallPagePath(t.d)}}
		}},
		{name: "chain table, largest chain", requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Fixed, Weight: 1, URL: t.base + tablePath(t.d)}}
		}},
		// The risk-reward model of the largest chain, cached like its table (issue 13): its rate
		// should be at least the table's.
		{name: "chain economics, largest chain", chainkbOnly: true, requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Fixed, Weight: 1, URL: t.base + economicsPath(t.d)}}
		}},
		{name: "create tactic", write: true, requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Create, Weight: 1, URL: t.base + "/api/v1/tactics", Stages: t.d.stages}}
		}},
		{name: "patch tactic (version)", write: true, requests: func(t target) []plan.Request {
			return []plan.Request{{Kind: plan.Patch, Weight: 1, URL: t.base + "/api/v1/tactics/{id}", MinID: 1, MaxID: int64(t.d.n)}}
		}},
		{name: "mix 90% read / 10% create", write: true, requests: func(t target) []plan.Request {
			first, last := t.d.stages[0], t.d.stages[len(t.d.stages)-1]
			return []plan.Request{
				{Kind: plan.RandomID, Weight: 45, URL: t.base + "/api/v1/tactics/{id}", MinID: 1, MaxID: int64(t.d.n)},
				{Kind: plan.RandomID, Weight: 45, URL: t.base + "/api/v1/tactics?stage={id}&horizon=short-term&limit=50", MinID: first, MaxID: last},
				{Kind: plan.Create, Weight: 10, URL: t.base + "/api/v1/tactics", Stages: t.d.stages},
			}
		}},
	}
}

// walkPages follows next_cursor from the first page of path up to page want, or to the last page
// if there are fewer, and returns that page's path and number.
func walkPages(ctx context.Context, base, path string, want int) (string, int, error) {
	page, at := 1, path
	for page < want {
		var body struct {
			NextCursor *string `json:"next_cursor"`
		}
		if _, err := getJSON(ctx, base+at, &body); err != nil {
			return "", 0, err
		}
		if body.NextCursor == nil {
			break
		}
		at = path + "&cursor=" + url.QueryEscape(*body.NextCursor)
		page++
	}
	return at, page, nil
}

// getJSON GETs u, expects 200 and decodes the body into dst; it returns the body's size.
func getJSON(ctx context.Context, u string, dst any) (int, error) {
	n, _, err := fetchJSON(ctx, u, dst)
	return n, err
}

// fetchJSON is getJSON that also returns the response's header.
func fetchJSON(ctx context.Context, u string, dst any) (int, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, resp.Header, err
	}
	if resp.StatusCode != http.StatusOK {
		return len(body), resp.Header, fmt.Errorf("GET %s: %s: %.300s", u, resp.Status, body)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return len(body), resp.Header, fmt.Errorf("GET %s: %w", u, err)
	}
	return len(body), resp.Header, nil
}

// sizeNote describes a body size for the report.
func sizeNote(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " B"
}
