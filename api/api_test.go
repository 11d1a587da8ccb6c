package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"chainkb/models"
)

// chain, stage, tag and tactic are the wire shapes the tests read.
type (
	chain  = models.Chain
	stage  = models.Stage
	tag    = models.Tag
	tactic = models.Tactic
)

type list[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
	Total      *int64  `json:"total"`
}

func TestChainsCRUD(t *testing.T) {
	t.Parallel()
	s := newServer(t)

	var l list[chain]
	s.do(t, "GET", "/api/v1/chains", nil).mustStatus(t, 200).decode(t, &l)
	var seeded []string
	for _, c := range l.Data {
		seeded = append(seeded, c.Slug)
	}
	slices.Sort(seeded)
	if !slices.Equal(seeded, []string{"forced-labour", "sex-trafficking"}) || l.NextCursor != nil || l.Total != nil {
		t.Fatalf("chains = %v (next %v, total %v), want the two seeded chains, no cursor, no total", seeded, l.NextCursor, l.Total)
	}

	res := s.do(t, "POST", "/api/v1/chains", obj{"slug": "domestic-servitude", "name": "Domestic servitude", "description": "Labour exploitation as a business."})
	res.mustStatus(t, 201)
	var c chain
	res.decode(t, &c)
	if c.ID == 0 || c.Version != 1 || c.Slug != "domestic-servitude" || c.CreatedAt.IsZero() {
		t.Fatalf("created = %+v", c)
	}
	if got, want := res.Header.Get("Location"), fmt.Sprintf("/api/v1/chains/%d", c.ID); got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on create")
	}

	// By id and by slug, the same object and ETag; If-None-Match with it is a 304.
	for _, key := range []string{fmt.Sprint(c.ID), c.Slug} {
		res := s.do(t, "GET", "/api/v1/chains/"+key, nil).mustStatus(t, 200)
		var got chain
		res.decode(t, &got)
		if !reflect.DeepEqual(got, c) || res.Header.Get("ETag") != etag {
			t.Errorf("GET %s = %+v (ETag %s), want %+v (ETag %s)", key, got, res.Header.Get("ETag"), c, etag)
		}
	}
	if res := s.do(t, "GET", "/api/v1/chains/domestic-servitude", nil, "If-None-Match", etag); res.Status != 304 || len(res.Body) != 0 {
		t.Errorf("If-None-Match: status %d, body %q; want 304 and no body", res.Status, res.Body)
	}

	// PUT with If-Match: a new version and ETag.
	res = s.do(t, "PUT", "/api/v1/chains/domestic-servitude", obj{"slug": "domestic-servitude", "name": "Forced labour (all sectors)", "description": ""}, "If-Match", etag)
	res.mustStatus(t, 200)
	res.decode(t, &c)
	if c.Version != 2 || c.Name != "Forced labour (all sectors)" || res.Header.Get("ETag") == etag {
		t.Fatalf("after PUT = %+v, ETag %s", c, res.Header.Get("ETag"))
	}

	// PATCH as a merge patch, with the version in the body as precondition.
	res = s.do(t, "PATCH", fmt.Sprintf("/api/v1/chains/%d", c.ID), `{"description":"Patched.","version":2}`, "Content-Type", "application/merge-patch+json")
	res.mustStatus(t, 200)
	res.decode(t, &c)
	if c.Version != 3 || c.Description != "Patched." || c.Name != "Forced labour (all sectors)" {
		t.Fatalf("after PATCH = %+v", c)
	}

	s.do(t, "DELETE", "/api/v1/chains/domestic-servitude", nil, "If-Match", res.Header.Get("ETag")).mustStatus(t, 204)
	s.do(t, "GET", "/api/v1/chains/domestic-servitude", nil).problem(t, 404)
}

func TestStagesCRUD(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var seeded list[stage]
	s.do(t, "GET", "/api/v1/stages?chain=sex-trafficking", nil).mustStatus(t, 200).decode(t, &seeded)
	var slugs []string
	for _, st := range seeded.Data {
		slugs = append(slugs, st.Slug)
	}
	if want := []string{"product", "wholesaler", "retailer", "consumer"}; !slices.Equal(slugs, want) {
		t.Fatalf("stages in position order = %v, want %v", slugs, want)
	}

	var demand list[stage]
	s.do(t, "GET", "/api/v1/stages?chain=sex-trafficking&side=demand", nil).mustStatus(t, 200).decode(t, &demand)
	if len(demand.Data) != 2 {
		t.Errorf("demand-side stages = %d, want 2", len(demand.Data))
	}

	in := obj{"chain_id": 1, "slug": "facilitator", "name": "Facilitator", "actor": "Corrupt officials and forgers", "side": "supply", "position": 5, "description": "Those who smooth the way."}
	res := s.do(t, "POST", "/api/v1/stages", in).mustStatus(t, 201)
	var st stage
	res.decode(t, &st)
	if st.ChainID != 1 || st.Position != 5 || st.Version != 1 {
		t.Fatalf("created stage = %+v", st)
	}
	var got stage
	s.do(t, "GET", fmt.Sprintf("/api/v1/stages/%d", st.ID), nil).mustStatus(t, 200).decode(t, &got)
	if !reflect.DeepEqual(got, st) {
		t.Errorf("GET = %+v, want %+v", got, st)
	}

	// What a client GETs it can PUT back: read-only fields are ignored, version is the precondition.
	res = s.do(t, "PUT", fmt.Sprintf("/api/v1/stages/%d", st.ID), got)
	res.mustStatus(t, 200).decode(t, &st)
	if st.Version != 2 || st.Slug != "facilitator" {
		t.Errorf("after round-trip PUT = %+v", st)
	}
	res = s.do(t, "PATCH", fmt.Sprintf("/api/v1/stages/%d", st.ID), obj{"position": 0}, "If-Match", res.Header.Get("ETag"))
	res.mustStatus(t, 200).decode(t, &st)
	if st.Position != 0 || st.Version != 3 {
		t.Errorf("after PATCH = %+v", st)
	}
	s.do(t, "DELETE", fmt.Sprintf("/api/v1/stages/%d", st.ID), nil).mustStatus(t, 204)
	s.do(t, "GET", fmt.Sprintf("/api/v1/stages/%d", st.ID), nil).problem(t, 404)
}

func TestTagsCRUD(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var horizon list[tag]
	s.do(t, "GET", "/api/v1/tags?group=horizon&include_total=true", nil).mustStatus(t, 200).decode(t, &horizon)
	if horizon.Total == nil || *horizon.Total != 2 || len(horizon.Data) != 2 {
		t.Fatalf("horizon tags = %+v, want long-term and short-term with total 2", horizon)
	}
	for _, tg := range horizon.Data {
		if tg.TacticCount == 0 {
			t.Errorf("tag %s: tactic_count 0, want the seeded tactics counted", tg.Slug)
		}
	}

	res := s.do(t, "POST", "/api/v1/tags", obj{"slug": "demand-reduction", "name": "Demand reduction", "group": "lever"}).mustStatus(t, 201)
	var tg tag
	res.decode(t, &tg)
	if tg.TacticCount != 0 || tg.Group != "lever" {
		t.Fatalf("created tag = %+v", tg)
	}
	res = s.do(t, "PATCH", "/api/v1/tags/demand-reduction", obj{"name": "Cut demand"}, "If-Match", res.Header.Get("ETag"), "Content-Type", "application/merge-patch+json")
	res.mustStatus(t, 200).decode(t, &tg)
	if tg.Name != "Cut demand" || tg.Version != 2 {
		t.Errorf("after PATCH = %+v", tg)
	}
	res = s.do(t, "PUT", fmt.Sprintf("/api/v1/tags/%d", tg.ID), tg)
	res.mustStatus(t, 200).decode(t, &tg)
	if tg.Version != 3 {
		t.Errorf("after round-trip PUT = %+v", tg)
	}
	s.do(t, "DELETE", "/api/v1/tags/demand-reduction", nil).mustStatus(t, 204)
	s.do(t, "GET", "/api/v1/tags/demand-reduction", nil).problem(t, 404)
}

func TestTacticsCRUD(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var stages list[stage]
	s.do(t, "GET", "/api/v1/stages?chain=sex-trafficking", nil).mustStatus(t, 200).decode(t, &stages)
	retailer := stages.Data[2]

	in := obj{
		"stage_id": retailer.ID, "kind": "recommended", "title": "Close venues that hold victims",
		"summary": "Shut premises where exploitation was proven.", "description": "Closing venues destroys the exploiter's capital.",
		"tags":          []string{"short-term", "raise-exploiter-risk", "prosecution"},
		"attribution":   "kara-reading",
		"evidence":      obj{"effect": obj{"direction": "unknown", "outcome": "venues open"}, "level": "descriptive", "evaluation": "unevaluated", "mechanism": "Capital is lost.", "moderators": "", "implementation": "", "cost": obj{"level": "medium"}},
		"jurisdictions": []string{"IN", "global"},
		"actors":        []string{"police", "courts"},
		"caveats":       []obj{{"type": "scope", "text": "Only where the venue is the exploiter's.", "citations": []obj{}}},
	}
	res := s.do(t, "POST", "/api/v1/tactics", in).mustStatus(t, 201)
	var tc tactic
	res.decode(t, &tc)
	if tc.ChainID != retailer.ChainID || tc.StageID != retailer.ID || tc.Version != 1 || tc.Position == 0 {
		t.Fatalf("created = %+v", tc)
	}
	var tagSlugs []string
	for _, tg := range tc.Tags {
		tagSlugs = append(tagSlugs, tg.Slug)
	}
	slices.Sort(tagSlugs)
	if want := []string{"prosecution", "raise-exploiter-risk", "short-term"}; !slices.Equal(tagSlugs, want) {
		t.Errorf("tags = %v, want %v", tagSlugs, want)
	}
	if tc.Attribution != "kara-reading" || tc.Evidence.Level != "descriptive" || tc.Evidence.Cost == nil || tc.Evidence.Cost.Level != "medium" ||
		!slices.Equal(tc.Jurisdictions, []string{"IN", "global"}) || len(tc.Caveats) != 1 || tc.Review.State != "draft" {
		t.Errorf("knowledge fields did not round-trip: %+v", tc)
	}
	if !models.IsCode(tc.Code) || !strings.HasPrefix(tc.Code, "ST-R-R") {
		t.Errorf("code = %q, want one made from chain, stage and kind, e.g. ST-R-R01", tc.Code)
	}
	byCode := s.do(t, "GET", "/api/v1/tactics/"+tc.Code, nil).mustStatus(t, 200)
	var same tactic
	byCode.decode(t, &same)
	if same.ID != tc.ID {
		t.Errorf("GET by code %s = tactic %d, want %d", tc.Code, same.ID, tc.ID)
	}

	// GET and PUT back unchanged (tags as objects, read-only fields included) is a valid replacement.
	var got tactic
	res = s.do(t, "GET", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), nil).mustStatus(t, 200)
	res.decode(t, &got)
	res = s.do(t, "PUT", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), got).mustStatus(t, 200)
	res.decode(t, &tc)
	if tc.Version != 2 || len(tc.Tags) != 3 || tc.Title != got.Title {
		t.Errorf("after round-trip PUT = %+v", tc)
	}

	// Merge patch: tags replaced whole, description cleared with null, other fields kept.
	res = s.do(t, "PATCH", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), `{"tags":["short-term"],"description":null}`,
		"If-Match", res.Header.Get("ETag"), "Content-Type", "application/merge-patch+json")
	res.mustStatus(t, 200).decode(t, &tc)
	if len(tc.Tags) != 1 || tc.Tags[0].Slug != "short-term" || tc.Description != "" || tc.Title != got.Title || tc.Version != 3 {
		t.Errorf("after PATCH = %+v", tc)
	}

	// Moving the tactic to another stage moves its derived chain_id with it.
	res = s.do(t, "PATCH", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), obj{"stage_id": stages.Data[3].ID, "version": 3})
	res.mustStatus(t, 200).decode(t, &tc)
	if tc.StageID != stages.Data[3].ID {
		t.Errorf("stage after move = %d, want %d", tc.StageID, stages.Data[3].ID)
	}

	s.do(t, "DELETE", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), nil, "If-Match", res.Header.Get("ETag")).mustStatus(t, 204)
	s.do(t, "GET", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), nil).problem(t, 404)
}

func TestTacticFilters(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	all := collect[tactic](t, s, "/api/v1/tactics?limit=200")
	var stages list[stage]
	s.do(t, "GET", "/api/v1/stages?chain=sex-trafficking", nil).mustStatus(t, 200).decode(t, &stages)
	product := stages.Data[0]

	has := func(tc tactic, slug string) bool {
		return slices.ContainsFunc(tc.Tags, func(tg models.TagSummary) bool { return tg.Slug == slug })
	}
	tests := []struct {
		query string
		keep  func(tactic) bool
	}{
		{"chain=sex-trafficking", func(tc tactic) bool { return tc.ChainID == 1 }},
		{"chain=1", func(tc tactic) bool { return tc.ChainID == 1 }},
		{"chain=forced-labour", func(tc tactic) bool { return tc.ChainID == 2 }},
		{"kind=condition", func(tc tactic) bool { return tc.Kind == "condition" }},
		{"attribution=kara", func(tc tactic) bool { return tc.Attribution == "kara" }},
		{"evidence_level=descriptive", func(tc tactic) bool { return models.EvidenceRank(tc.Evidence.Level) >= 1 }},
		{"evidence_level=quasi-experimental&kind=current", func(tc tactic) bool {
			return models.EvidenceRank(tc.Evidence.Level) >= 3 && tc.Kind == "current"
		}},
		{"review_due_before=2027-12-01", func(tc tactic) bool {
			return tc.Review.NextReviewDue != nil && tc.Review.NextReviewDue.String() < "2027-12-01"
		}},
		{"review_due_before=2027-06-01", func(tc tactic) bool {
			return tc.Review.NextReviewDue != nil && tc.Review.NextReviewDue.String() < "2027-06-01"
		}},
		{"chain=no-such-chain", func(tactic) bool { return false }},
		{fmt.Sprintf("stage=%d", product.ID), func(tc tactic) bool { return tc.StageID == product.ID }},
		{"kind=current", func(tc tactic) bool { return tc.Kind == "current" }},
		{"kind=recommended&horizon=long-term", func(tc tactic) bool { return tc.Kind == "recommended" && has(tc, "long-term") }},
		{"horizon=short-term", func(tc tactic) bool { return has(tc, "short-term") }},
		{"tag=prosecution", func(tc tactic) bool { return has(tc, "prosecution") }},
		{"tag=prosecution&tag=short-term", func(tc tactic) bool { return has(tc, "prosecution") && has(tc, "short-term") }},
		{"tag=no-such-tag", func(tactic) bool { return false }},
		{"q=KARA&sort=id", func(tc tactic) bool { // q ranks by relevance unless a sort is given
			return strings.Contains(strings.ToLower(tc.Title+" "+tc.Summary+" "+tc.Description), "kara")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var want []int64
			for _, tc := range all {
				if tt.keep(tc) {
					want = append(want, tc.ID)
				}
			}
			var got []int64
			for _, tc := range collect[tactic](t, s, "/api/v1/tactics?limit=7&"+tt.query) {
				got = append(got, tc.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("ids = %v, want %v", got, want)
			}
		})
	}
	for _, q := range []string{"horizon=long-term", "kind=condition", "attribution=kara", "evidence_level=descriptive", "review_due_before=2027-12-01"} {
		if n := len(collect[tactic](t, s, "/api/v1/tactics?"+q)); n == 0 {
			t.Errorf("no tactic of the seed matches %s; the filter tests above prove nothing", q)
		}
	}
}

// TestSearchWildcardsAreLiteral checks that % and _ in q are no wildcards: q is in the search
// query language (GET /search), where they separate words, so "tax_records" is the phrase "tax
// records" and 731% the word 731, which 7310 is not (a number the seed does not hold).
func TestSearchWildcardsAreLiteral(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, title := range []string{"Seize 731% of the take", "Free 7310 victims", "Audit tax_records"} {
		s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": 2, "kind": "current", "title": title, "summary": "S."}).mustStatus(t, 201)
	}
	for q, want := range map[string]string{"731%": "Seize 731% of the take", "tax_records": "Audit tax_records"} {
		got := collect[tactic](t, s, "/api/v1/tactics?q="+url.QueryEscape(q))
		if len(got) != 1 || got[0].Title != want {
			t.Errorf("q=%s found %d tactics (%+v), want only %q", q, len(got), got, want)
		}
	}
}

// collect follows next_cursor from path to the last page, checking that each page's Link header
// carries the same cursor, and returns every item.
func collect[T any](t *testing.T, s *testServer, path string) []T {
	t.Helper()
	var out []T
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		res := s.do(t, "GET", path, nil).mustStatus(t, 200)
		var l list[T]
		res.decode(t, &l)
		out = append(out, l.Data...)
		if l.NextCursor == nil {
			if res.Header.Get("Link") != "" {
				t.Errorf("last page has a Link header: %s", res.Header.Get("Link"))
			}
			return out
		}
		link := res.Header.Get("Link")
		if !strings.Contains(link, "cursor="+url.QueryEscape(*l.NextCursor)) || !strings.HasSuffix(link, `>; rel="next"`) {
			t.Fatalf("Link = %q, want the next cursor %q", link, *l.NextCursor)
		}
		path = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
	}
}

func TestPagination(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, sort := range []string{"", "id", "-id", "title", "-title", "position", "-position", "created_at", "-updated_at"} {
		t.Run("sort="+sort, func(t *testing.T) {
			var first list[tactic]
			s.do(t, "GET", "/api/v1/tactics?limit=200&include_total=true&sort="+sort, nil).mustStatus(t, 200).decode(t, &first)
			if first.Total == nil || int(*first.Total) != len(first.Data) {
				t.Fatalf("total = %v, want %d", first.Total, len(first.Data))
			}
			paged := collect[tactic](t, s, "/api/v1/tactics?limit=3&sort="+sort)
			if len(paged) != len(first.Data) {
				t.Fatalf("paged %d items, want %d", len(paged), len(first.Data))
			}
			for i := range paged {
				if paged[i].ID != first.Data[i].ID {
					t.Fatalf("item %d: id %d, want %d (pages must follow the one-page order)", i, paged[i].ID, first.Data[i].ID)
				}
			}
		})
	}
	for _, path := range []string{"/api/v1/chains?limit=1", "/api/v1/stages?limit=1&sort=-name", "/api/v1/tags?limit=2&sort=group"} {
		var all list[any]
		s.do(t, "GET", strings.Split(path, "?")[0]+"?limit=200&include_total=true", nil).mustStatus(t, 200).decode(t, &all)
		if got := collect[any](t, s, path); len(got) != int(*all.Total) {
			t.Errorf("%s: %d items over all pages, want %d", path, len(got), *all.Total)
		}
	}
}

func TestChainTable(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	res := s.do(t, "GET", "/api/v1/chains/sex-trafficking/table", nil).mustStatus(t, 200)
	var table models.ChainTable
	res.decode(t, &table)
	if table.Chain.Slug != "sex-trafficking" || len(table.Stages) != 4 {
		t.Fatalf("table: chain %q with %d stages", table.Chain.Slug, len(table.Stages))
	}
	for i, row := range table.Stages {
		if i > 0 && row.Stage.Position < table.Stages[i-1].Stage.Position {
			t.Errorf("stage %s out of position order", row.Stage.Slug)
		}
		for _, tc := range row.Current {
			if tc.Kind != "current" || tc.StageID != row.Stage.ID {
				t.Errorf("current column of %s holds %+v", row.Stage.Slug, tc)
			}
		}
		for _, tc := range row.Recommended {
			if tc.Kind != "recommended" || tc.StageID != row.Stage.ID || len(tc.Tags) == 0 {
				t.Errorf("recommended column of %s holds %+v", row.Stage.Slug, tc)
			}
		}
	}

	etag := res.Header.Get("ETag")
	s.do(t, "GET", "/api/v1/chains/1/table", nil, "If-None-Match", etag).mustStatus(t, 304)

	// horizon=long-term keeps the supply-side (product) recommendations alone.
	var long models.ChainTable
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/table?horizon=long-term", nil).mustStatus(t, 200).decode(t, &long)
	for _, row := range long.Stages {
		if len(row.Current) != 0 || (row.Stage.Slug == "product") != (len(row.Recommended) > 0) {
			t.Errorf("long-term table, stage %s: %d current, %d recommended", row.Stage.Slug, len(row.Current), len(row.Recommended))
		}
	}

	// Any write to the chain changes the table's ETag.
	tc := table.Stages[0].Recommended[0]
	s.do(t, "PATCH", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), obj{"title": "Renamed", "version": tc.Version}).mustStatus(t, 200)
	res = s.do(t, "GET", "/api/v1/chains/sex-trafficking/table", nil, "If-None-Match", etag).mustStatus(t, 200)
	if res.Header.Get("ETag") == etag {
		t.Error("table ETag unchanged after a tactic changed")
	}
}

// TestChainTableQueryCount proves the table has no N+1: it runs as many SQL statements for a
// chain of 10 tactics as for one of 1,000.
func TestChainTableQueryCount(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	statementsFor := func(chainSlug string, tactics int) int64 {
		t.Helper()
		makeChain(t, s, chainSlug, tactics)
		// Anonymous requests, so that no key lookup is counted.
		before := s.Store.Statements()
		var table models.ChainTable
		s.do(t, "GET", "/api/v1/chains/"+chainSlug+"/table", nil, "Authorization", "").mustStatus(t, 200).decode(t, &table)
		cold := s.Store.Statements() - before
		// Every tactic is counted; each cell holds at most per_cell of them, with their tags.
		var n, total int64
		for _, row := range table.Stages {
			n += int64(len(row.Current) + len(row.Recommended))
			total += row.Cells.Current.Total + row.Cells.Recommended.Total
			for _, tc := range append(row.Current, row.Recommended...) {
				if len(tc.Tags) == 0 {
					t.Fatalf("tactic %d has no tags in the table", tc.ID)
				}
			}
		}
		want := min(int64(tactics), 4*models.DefaultPerCell) // four cells of tactics
		if n != want || total != int64(tactics) || table.Truncated != (int64(tactics) > want) {
			t.Fatalf("table of %s holds %d tactics of %d (truncated %t), want %d of %d", chainSlug, n, total, table.Truncated, want, tactics)
		}
		// Asked again with nothing changed, the table comes from memory: one lookup of the
		// generation, whatever the size.
		before = s.Store.Statements()
		s.do(t, "GET", "/api/v1/chains/"+chainSlug+"/table", nil, "Authorization", "").mustStatus(t, 200)
		if warm := s.Store.Statements() - before; warm != 1 {
			t.Errorf("table of %s from the cache ran %d statements, want 1", chainSlug, warm)
		}
		return cold
	}
	small := statementsFor("small-chain", 10)
	large := statementsFor("large-chain", 1000)
	if small != large || small < 4 {
		t.Errorf("statements for the table: %d at 10 tactics, %d at 1,000; want equal (and at least the 4 queries of a render)", small, large)
	}
}

// TestChainTableCacheInvalidation checks that the cached table never outlives a change: whatever
// is written, through this instance or another on the same database, shows on the very next read.
func TestChainTableCacheInvalidation(t *testing.T) {
	t.Parallel()
	a := newServer(t)
	b := a.secondInstance(t)
	read := func(s *testServer) models.ChainTable {
		t.Helper()
		var table models.ChainTable
		s.do(t, "GET", "/api/v1/chains/sex-trafficking/table", nil, "Authorization", "").mustStatus(t, 200).decode(t, &table)
		return table
	}
	before := read(a)
	read(b) // both instances now hold the table in memory
	tc := before.Stages[1].Recommended[0]
	for i, writer := range []*testServer{a, b, a} {
		title := fmt.Sprintf("Edited through instance %d", i)
		var cur tactic
		writer.do(t, "GET", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), nil).mustStatus(t, 200).decode(t, &cur)
		writer.do(t, "PATCH", fmt.Sprintf("/api/v1/tactics/%d", tc.ID), obj{"title": title, "version": cur.Version}).mustStatus(t, 200)
		for j, reader := range []*testServer{a, b} {
			if got := read(reader).Stages[1].Recommended[0].Title; got != title {
				t.Errorf("write %d, instance %d reads title %q, want %q", i, j, got, title)
			}
		}
	}
	// A tag renamed elsewhere shows in the tactics that carry it.
	var tg models.Tag
	b.do(t, "GET", "/api/v1/tags/short-term", nil).mustStatus(t, 200).decode(t, &tg)
	b.do(t, "PATCH", "/api/v1/tags/short-term", obj{"name": "Now", "version": tg.Version}).mustStatus(t, 200)
	found := false
	for _, tag := range read(a).Stages[1].Recommended[0].Tags {
		found = found || tag.Name == "Now"
	}
	if !found {
		t.Error("instance A still shows the old tag name after B renamed it")
	}
	// Drafts: an editor's table holds them, the public one does not, from the same cache.
	a.do(t, "POST", "/api/v1/tactics", obj{"stage_id": before.Stages[0].Stage.ID, "kind": "current", "title": "Draft effort", "summary": "S."}).mustStatus(t, 201)
	var editors models.ChainTable
	a.do(t, "GET", "/api/v1/chains/sex-trafficking/table", nil).mustStatus(t, 200).decode(t, &editors)
	if got, want := len(editors.Stages[0].Current), len(read(a).Stages[0].Current)+1; got != want {
		t.Errorf("editor sees %d current efforts at the first stage, want %d (one draft more than the public)", got, want)
	}
}

// TestListQueryCount proves lists have no N+1 either: a page of 3 and a page of 200 tactics (with
// their tags) cost the same number of statements.
func TestListQueryCount(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.do(t, "GET", "/api/v1/tactics?limit=1", nil).mustStatus(t, 200) // notes the key's use
	count := func(path string) int64 {
		before := s.Store.Statements()
		s.do(t, "GET", path, nil).mustStatus(t, 200)
		return s.Store.Statements() - before
	}
	if small, large := count("/api/v1/tactics?limit=3"), count("/api/v1/tactics?limit=200"); small != large {
		t.Errorf("statements: %d for 3 tactics, %d for 200; want equal", small, large)
	}
}

// TestConcurrentUpdates checks that the version precondition holds under concurrency: of many
// editors who read the same version, exactly one wins and the others get 412.
func TestConcurrentUpdates(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var tc tactic
	s.do(t, "GET", "/api/v1/tactics/1", nil).mustStatus(t, 200).decode(t, &tc)
	const editors = 30
	statuses := make([]int, editors)
	var wg sync.WaitGroup
	for i := range editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = s.do(t, "PATCH", "/api/v1/tactics/1", obj{"title": fmt.Sprintf("Edit %d", i), "version": tc.Version}).Status
		}()
	}
	wg.Wait()
	ok, stale := 0, 0
	for _, st := range statuses {
		switch st {
		case http.StatusOK:
			ok++
		case http.StatusPreconditionFailed:
			stale++
		}
	}
	if ok != 1 || stale != editors-1 {
		t.Errorf("%d × 200 and %d × 412 of %d; want exactly one 200", ok, stale, editors)
	}
	var after tactic
	s.do(t, "GET", "/api/v1/tactics/1", nil).mustStatus(t, 200).decode(t, &after)
	if after.Version != tc.Version+1 {
		t.Errorf("version = %d, want %d", after.Version, tc.Version+1)
	}
}

func TestDocsAndRoot(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	res := s.do(t, "GET", "/swagger/doc.json", nil).mustStatus(t, 200)
	if !strings.Contains(string(res.Body), `"/chains/{id}/table"`) {
		t.Error("doc.json does not describe the chain table")
	}
	if res := s.do(t, "GET", "/swagger/index.html", nil).mustStatus(t, 200); !strings.Contains(string(res.Body), "swagger-ui") {
		t.Error("Swagger UI page does not load Swagger UI")
	}
	// The root is the home page for people (internal/pages), which links to the docs.
	if res := s.do(t, "GET", "/", nil).mustStatus(t, 200); !strings.Contains(string(res.Body), `href="/swagger/index.html"`) {
		t.Error("/ does not link to Swagger UI")
	}
	if res := s.do(t, "GET", "/healthz", nil).mustStatus(t, 200); !strings.Contains(string(res.Body), `"ok"`) {
		t.Errorf("healthz body = %s", res.Body)
	}
}
