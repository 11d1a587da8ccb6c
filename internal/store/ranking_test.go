package store_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"chainkb/models"
)

// TestRankedPagesMatchFullRanking checks the bounded ranking (issue 30: FTS5 ranks from its index
// and only the best candidates are read and filtered, over-fetching while a filter leaves too
// few) against a straightforward full ranking of every match, on a generated dataset full of
// ties (many tactics share a text, so share a score): paged through with small pages, a ranked
// list (?q= with no sort) and a search of tactics must give every match the filter selects, in
// the full ranking's order, with its scores. Readers (published only) and editors, with no
// filter and with narrow ones, on both engines.
func TestRankedPagesMatchFullRanking(t *testing.T) {
	s := newTestStore(t)
	chain := mustCreateChain(t, s, "ranking")
	stages := []*models.Stage{mustCreateStage(t, s, chain.ID, "first", 1), mustCreateStage(t, s, chain.ID, "second", 2)}
	mustCreateTag(t, s, "short-term", models.HorizonGroup)
	mustCreateTag(t, s, "long-term", models.HorizonGroup)
	mustCreateTag(t, s, "deterrence", "lever")

	words := []string{"harbour", "ledger", "permit", "broker", "shelter", "audit", "visa", "wage", "debt", "route"}
	rng := rand.New(rand.NewPCG(30, 30))
	sentence := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(w, " ")
	}
	// A pool of texts that many tactics share, so that scores tie often, across page boundaries.
	type text struct{ title, summary, description string }
	pool := make([]text, 12)
	for i := range pool {
		pool[i] = text{sentence(4), sentence(12), sentence(30)}
	}
	kinds := []string{models.KindCurrent, models.KindRecommended, models.KindCondition}
	statuses := []string{models.StatusPublished, models.StatusPublished, models.StatusDraft}
	const n = 240
	for i := range n {
		tx := pool[rng.IntN(len(pool))]
		if rng.IntN(4) == 0 {
			tx = text{sentence(4), sentence(12), sentence(30)}
		}
		in := tacticInput(stages[rng.IntN(2)].ID, fmt.Sprintf("%s %d", tx.title, i%3))
		in.Summary, in.Description = tx.summary, tx.description
		in.Kind = kinds[rng.IntN(len(kinds))]
		if in.Kind != models.KindRecommended {
			in.Kind = models.KindCurrent // a condition or a current effort may not carry a horizon
		}
		in.Status = statuses[rng.IntN(len(statuses))]
		if in.Kind == models.KindRecommended {
			in.Tags = []models.TagRef{models.TagRef([]string{"short-term", "long-term"}[rng.IntN(2)])}
		}
		if rng.IntN(3) == 0 {
			in.Tags = append(in.Tags, "deterrence")
		}
		if _, err := s.CreateTactic(editor(), in); err != nil {
			t.Fatalf("create tactic %d: %v", i, err)
		}
	}

	filters := []models.TacticFilter{
		{},
		{StageID: stages[1].ID},
		{Kind: models.KindCurrent},
		{Horizon: "long-term"},
		{Tags: []string{"deterrence"}, StageID: stages[0].ID},
		{Horizon: "short-term", Tags: []string{"deterrence"}, StageID: stages[1].ID},
	}
	queries := []string{"harbour", "ledger audit", "visa OR wage", "debt -route", "brok*"}
	for _, who := range []struct {
		name string
		ctx  context.Context
	}{{"reader", reader()}, {"editor", editor()}} {
		for _, q := range queries {
			for _, f := range filters {
				f.Q = q
				name := fmt.Sprintf("%s q=%q stage=%d kind=%q horizon=%q tags=%q", who.name, q, f.StageID, f.Kind, f.Horizon, f.Tags)
				wantIDs, wantScores, err := s.FullTacticRanking(who.ctx, f)
				if err != nil {
					t.Fatalf("%s: full ranking: %v", name, err)
				}
				for _, limit := range []int{3, 50} {
					// The ranked list.
					var got []int64
					lf := f
					lf.Limit = limit
					for _, tc := range allPages(t, fmt.Sprintf("%s limit %d: list", name, limit), n, func(cursor string) (models.List[models.Tactic], error) {
						lf.Cursor = cursor
						return s.Tactics(who.ctx, lf)
					}) {
						got = append(got, tc.ID)
					}
					if !slices.Equal(got, wantIDs) {
						t.Errorf("%s limit %d: ranked list\n got %v\nwant %v", name, limit, got, wantIDs)
					}

					// The search of tactics.
					var gotScores []float64
					got = nil
					sf := models.SearchFilter{Q: q, Types: []string{models.SearchTactic}, StageID: f.StageID, Kind: f.Kind,
						Horizon: f.Horizon, Tags: f.Tags, Page: models.Page{Limit: limit}}
					for _, h := range allPages(t, fmt.Sprintf("%s limit %d: search", name, limit), n, func(cursor string) (models.List[models.SearchHit], error) {
						sf.Cursor = cursor
						return s.Search(who.ctx, sf)
					}) {
						got = append(got, h.ID)
						gotScores = append(gotScores, h.Score)
					}
					if !slices.Equal(got, wantIDs) {
						t.Errorf("%s limit %d: search\n got %v\nwant %v", name, limit, got, wantIDs)
						continue
					}
					for i := range gotScores {
						if math.Abs(gotScores[i]-wantScores[i]) > 1e-9*math.Max(1, math.Abs(wantScores[i])) {
							t.Errorf("%s limit %d: search score %d = %v, want %v", name, limit, i, gotScores[i], wantScores[i])
							break
						}
					}
				}
			}
		}
	}
}
