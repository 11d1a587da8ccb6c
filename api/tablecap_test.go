package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"chainkb/models"
)

// cellIDs are the ids of a table cell's tactics, in the table's order.
func cellIDs(ts []models.Tactic) []int64 {
	ids := make([]int64, len(ts))
	for i, tc := range ts {
		ids[i] = tc.ID
	}
	return ids
}

// TestChainTableCap checks the cap on a table's cells through HTTP: a cell with more tactics than
// per_cell holds the first per_cell in order, says how many it has in all, and links to the
// complete list, which starts with the same tactics.
func TestChainTableCap(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	// Four stages; s1 and s3 hold 30 recommended (short-term) tactics each, s2 and s4 30 current.
	makeChain(t, s, "cap-chain", 120)

	cells := func(row models.TableRow) []struct {
		list []models.Tactic
		cell models.TableCell
		kind string
	} {
		return []struct {
			list []models.Tactic
			cell models.TableCell
			kind string
		}{{row.Current, row.Cells.Current, "current"}, {row.Recommended, row.Cells.Recommended, "recommended"}, {row.Conditions, row.Cells.Conditions, "condition"}}
	}

	for _, c := range []struct {
		query   string
		perCell int
	}{{"", models.DefaultPerCell}, {"?per_cell=7", 7}, {"?per_cell=1", 1}, {"?per_cell=200", 200}} {
		var table models.ChainTable
		s.do(t, "GET", "/api/v1/chains/cap-chain/table"+c.query, nil, authAs(s, "anonymous")...).mustStatus(t, 200).decode(t, &table)
		if table.PerCell != c.perCell || table.Truncated != (c.perCell < 30) || len(table.Stages) != 4 {
			t.Fatalf("%s: per_cell %d, truncated %t, %d stages; want %d, %t, 4", c.query, table.PerCell, table.Truncated, len(table.Stages), c.perCell, c.perCell < 30)
		}
		for i, row := range table.Stages {
			for _, cl := range cells(row) {
				var total int64
				if (cl.kind == "recommended") == (i%2 == 0) && cl.kind != "condition" {
					total = 30
				}
				want := min(int(total), c.perCell)
				if len(cl.list) != want || cl.cell.Total != total || cl.cell.Truncated != (total > int64(c.perCell)) {
					t.Errorf("%s: stage %s %s: %d tactics, total %d, truncated %t; want %d of %d", c.query, row.Stage.Slug, cl.kind,
						len(cl.list), cl.cell.Total, cl.cell.Truncated, want, total)
				}
				wantHref := fmt.Sprintf("/api/v1/tactics?kind=%s&sort=position&stage=%d", cl.kind, row.Stage.ID)
				if cl.cell.Href != wantHref {
					t.Errorf("%s: stage %s %s: href %q, want %q", c.query, row.Stage.Slug, cl.kind, cl.cell.Href, wantHref)
				}
				if total == 0 {
					continue
				}
				// The link gives the complete list, in pages, in the same order.
				var all list[models.Tactic]
				s.do(t, "GET", cl.cell.Href+"&limit=200&include_total=true", nil, authAs(s, "anonymous")...).mustStatus(t, 200).decode(t, &all)
				if *all.Total != total || !slices.Equal(cellIDs(all.Data[:want]), cellIDs(cl.list)) {
					t.Errorf("%s: stage %s %s: the link lists %d (%v...), the cell holds %v", c.query, row.Stage.Slug, cl.kind,
						*all.Total, cellIDs(all.Data[:want]), cellIDs(cl.list))
				}
				for _, tc := range cl.list {
					if len(tc.Tags) == 0 {
						t.Errorf("tactic %d has no tags in the table", tc.ID)
					}
				}
			}
		}
	}

	// With a horizon, the cells count the tactics of that horizon and their links filter by it.
	var short models.ChainTable
	s.do(t, "GET", "/api/v1/chains/cap-chain/table?horizon=short-term&per_cell=10", nil).mustStatus(t, 200).decode(t, &short)
	for i, row := range short.Stages {
		rec := row.Cells.Recommended
		if i%2 == 0 && (rec.Total != 30 || len(row.Recommended) != 10 || !rec.Truncated) || i%2 == 1 && rec.Total != 0 ||
			row.Cells.Current.Total != 0 || len(row.Current) != 0 {
			t.Errorf("short-term table, stage %s: %+v, %d recommended", row.Stage.Slug, row.Cells, len(row.Recommended))
		}
		if u, err := url.Parse(rec.Href); err != nil || u.Query().Get("horizon") != "short-term" {
			t.Errorf("short-term table, stage %s: href %q without the horizon", row.Stage.Slug, rec.Href)
		}
	}

	// The CSV is cut the same way: per_cell rows of each cell.
	res := s.do(t, "GET", "/api/v1/chains/cap-chain/table.csv?per_cell=3", nil, authAs(s, "anonymous")...).mustStatus(t, 200)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+4*3 {
		t.Errorf("CSV with per_cell=3: %d rows, want a header and 12", len(rows))
	}
	viaAccept := s.do(t, "GET", "/api/v1/chains/cap-chain/table?per_cell=3", nil, append(authAs(s, "anonymous"), "Accept", "text/csv")...).mustStatus(t, 200)
	if !bytes.Equal(viaAccept.Body, res.Body) {
		t.Error("table?per_cell=3 with Accept: text/csv differs from table.csv?per_cell=3")
	}
}

// TestChainTableCapDrafts checks that a draft is neither shown nor counted below editor, and that
// an editor sees and counts it.
func TestChainTableCapDrafts(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	makeChain(t, s, "draft-chain", 40) // s1 and s3 hold 10 recommended tactics each
	var table models.ChainTable
	s.do(t, "GET", "/api/v1/chains/draft-chain/table", nil).mustStatus(t, 200).decode(t, &table)
	s1 := table.Stages[0].Stage.ID
	first := 0
	draft, err := s.Store.CreateTactic(context.Background(), &models.TacticInput{StageID: &s1, Kind: "recommended",
		Status: models.StatusDraft, Title: "A draft", Summary: "Not yet.", Position: &first, Tags: []models.TagRef{"short-term"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who   string
		total int64
		shows bool
	}{{"anonymous", 10, false}, {"reader", 10, false}, {"editor", 11, true}} {
		for _, query := range []string{"?per_cell=5", "?per_cell=200"} {
			var got models.ChainTable
			s.do(t, "GET", "/api/v1/chains/draft-chain/table"+query, nil, authAs(s, c.who)...).mustStatus(t, 200).decode(t, &got)
			row := got.Stages[0]
			shows := slices.Contains(cellIDs(row.Recommended), draft.ID)
			if row.Cells.Recommended.Total != c.total || shows != c.shows {
				t.Errorf("%s%s: recommended total %d, draft shown %t; want %d, %t", c.who, query, row.Cells.Recommended.Total, shows, c.total, c.shows)
			}
		}
	}
}

// TestChainTablePerCellBad checks that a per_cell out of range or not a number is a 400 problem
// naming it, on the JSON and the CSV table alike.
func TestChainTablePerCellBad(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, path := range []string{"/api/v1/chains/sex-trafficking/table", "/api/v1/chains/sex-trafficking/table.csv"} {
		for _, v := range []string{"0", "-1", "201", "1000000000000", "abc", "1.5", "25&per_cell=25"} {
			p := s.do(t, "GET", path+"?per_cell="+v, nil).problem(t, 400)
			if p.Code != "bad_query" || len(p.Errors) != 1 || p.Errors[0].Field != "per_cell" {
				t.Errorf("%s?per_cell=%s: %+v, want bad_query naming per_cell", path, v, p)
			}
		}
		// An empty value is no value: the default.
		s.do(t, "GET", path+"?per_cell=", nil).mustStatus(t, 200)
	}
}
