package api_test

// The evidence gap map (issue 28): its counts are a direct count of the chain's published tactics.

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"chainkb/models"
)

func TestEvidenceMap(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	anon := authAs(s, "anonymous")
	for _, chain := range []string{"sex-trafficking", "forced-labour"} {
		t.Run(chain, func(t *testing.T) {
			var m models.EvidenceMap
			s.do(t, "GET", "/api/v1/chains/"+chain+"/evidence-map", nil, anon...).mustStatus(t, 200).decode(t, &m)

			// The direct count: every published tactic of the chain, from the tactics list.
			type tactic struct {
				Code     string
				StageID  int64 `json:"stage_id"`
				Evidence *struct {
					Level  string
					Effect struct{ Direction string }
				}
			}
			stages := map[int64]string{}
			for _, st := range collectAs[models.Stage](t, s, "/api/v1/stages?chain="+chain+"&limit=100", anon...) {
				stages[st.ID] = st.Slug
			}
			want := map[string]int{} // stage level effect -> count
			total := 0
			for _, tc := range collectAs[tactic](t, s, "/api/v1/tactics?chain="+chain+"&limit=100", anon...) {
				level, effect := models.EvidenceUnassessed, "unknown"
				if tc.Evidence != nil && tc.Evidence.Level != "" {
					level, effect = tc.Evidence.Level, tc.Evidence.Effect.Direction
				}
				want[stages[tc.StageID]+" "+level+" "+effect]++
				want[stages[tc.StageID]+" "+level]++
				total++
			}
			if total == 0 || m.Total != total {
				t.Fatalf("the map holds %d tactics; the chain has %d published", m.Total, total)
			}
			if len(m.Data) != len(stages) || !slices.Equal(m.Levels, append(slices.Clone(models.EvidenceLevels), models.EvidenceUnassessed)) {
				t.Errorf("%d rows for %d stages; levels %v", len(m.Data), len(stages), m.Levels)
			}
			for _, r := range m.Data {
				for _, c := range r.Cells {
					if c.Count != want[r.Key+" "+c.Level] || len(c.Tactics) != c.Count {
						t.Errorf("cell %s/%s counts %d (%d tactics); the tactics list has %d", r.Key, c.Level, c.Count, len(c.Tactics), want[r.Key+" "+c.Level])
					}
					e := c.Effects
					for dir, n := range map[string]int{"positive": e.Positive, "mixed": e.Mixed, "none": e.None, "negative": e.Negative, "unknown": e.Unknown} {
						if n != want[r.Key+" "+c.Level+" "+dir] {
							t.Errorf("cell %s/%s: %d %s; the tactics list has %d", r.Key, c.Level, n, dir, want[r.Key+" "+c.Level+" "+dir])
						}
					}
				}
			}

			// The CSV: one line per cell, gaps included, the same counts.
			res := s.do(t, "GET", "/api/v1/chains/"+chain+"/evidence-map.csv", nil, anon...).mustStatus(t, 200)
			alt := s.do(t, "GET", "/api/v1/chains/"+chain+"/evidence-map", nil, append(anon, "Accept", "text/csv")...).mustStatus(t, 200)
			if string(alt.Body) != string(res.Body) {
				t.Error("the map with Accept: text/csv differs from evidence-map.csv")
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(res.Body), "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1+len(m.Data)*len(m.Levels) || recs[0][3] != "row" || recs[0][6] != "count" {
				t.Fatalf("%d CSV lines for %d cells; header %v", len(recs), len(m.Data)*len(m.Levels), recs[0])
			}
			sum := 0
			for _, rec := range recs[1:] {
				n, _ := strconv.Atoi(rec[6])
				if n != want[rec[3]+" "+rec[5]] || len(strings.FieldsFunc(rec[12], func(r rune) bool { return r == ';' })) != n {
					t.Errorf("CSV %v: the tactics list has %d", rec, want[rec[3]+" "+rec[5]])
				}
				sum += n
			}
			if sum != total {
				t.Errorf("the CSV counts %d tactics, the chain has %d", sum, total)
			}
		})
	}

	// Filters: one row, one column; by lever every lever tag is a row.
	var one models.EvidenceMap
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/evidence-map?level=descriptive", nil, anon...).mustStatus(t, 200).decode(t, &one)
	if !slices.Equal(one.Levels, []string{"descriptive"}) {
		t.Errorf("level=descriptive: levels %v", one.Levels)
	}
	stage := one.Data[0].Key
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/evidence-map?stage="+stage, nil, anon...).mustStatus(t, 200).decode(t, &one)
	if len(one.Data) != 1 || one.Data[0].Key != stage {
		t.Errorf("stage=%s: rows %v", stage, one.Data)
	}
	var byLever models.EvidenceMap
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/evidence-map?rows=lever", nil, anon...).mustStatus(t, 200).decode(t, &byLever)
	if byLever.Rows != "lever" || len(byLever.Data) < 2 || byLever.Data[len(byLever.Data)-1].Key != "no-lever" {
		t.Errorf("rows=lever: %d rows", len(byLever.Data))
	}
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/evidence-map?level=strong", nil, anon...).problem(t, http.StatusBadRequest)
	s.do(t, "GET", "/api/v1/chains/no-such-chain/evidence-map", nil, anon...).problem(t, http.StatusNotFound)

	// At a release, the map is the release's: a tactic published later is not in it.
	var before models.EvidenceMap
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/evidence-map", nil, anon...).mustStatus(t, 200).decode(t, &before)
	s.do(t, "POST", "/api/v1/releases", obj{"version": "1.0.0"}).mustStatus(t, http.StatusCreated)
	var st []models.Stage
	st = collectAs[models.Stage](t, s, "/api/v1/stages?chain=sex-trafficking&limit=1", anon...)
	s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": st[0].ID, "kind": "recommended", "status": "published", "title": "Map test tactic", "summary": "Added after the release."}).mustStatus(t, http.StatusCreated)
	var live, atRel models.EvidenceMap
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/evidence-map", nil, anon...).mustStatus(t, 200).decode(t, &live)
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/evidence-map?release=1.0.0", nil, anon...).mustStatus(t, 200).decode(t, &atRel)
	if live.Total != before.Total+1 || atRel.Total != before.Total || atRel.Release == nil || *atRel.Release != "1.0.0" {
		t.Errorf("totals: before %d, now %d, at the release %d (%v)", before.Total, live.Total, atRel.Total, atRel.Release)
	}
	s.do(t, "GET", fmt.Sprintf("/api/v1/chains/%d/evidence-map?release=1.0.0", st[0].ChainID), nil, anon...).problem(t, http.StatusBadRequest)
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/evidence-map?release=9.9.9", nil, anon...).problem(t, http.StatusNotFound)
}
