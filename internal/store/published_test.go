package store_test

import (
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// TestStore_PagesReads checks the reads of the pages for people, on either engine: the chain's
// table narrowed in its cells of what should be done only, the outline's counts, a tactic with its
// relations, and where sources are cited, cut per source. The outline, the tactic and the
// citations show published tactics only, even to an editor.
func TestStore_PagesReads(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor() // the pages' reads must hide drafts from an editor too
	c := mustCreateChain(t, s, "chain")
	s1 := mustCreateStage(t, s, c.ID, "first", 1)
	s2 := mustCreateStage(t, s, c.ID, "second", 2)
	mustCreateTag(t, s, "short-term", models.HorizonGroup)
	mustCreateTag(t, s, "long-term", models.HorizonGroup)
	mustCreateTag(t, s, "prosecution", "function")
	for _, slug := range []string{"cited", "uncited"} {
		if _, err := s.CreateSource(ctx, &models.SourceInput{Slug: slug, Title: "Work " + slug, Type: models.SourceGrey}); err != nil {
			t.Fatal(err)
		}
	}
	create := func(in *models.TacticInput, level string, cites bool) *models.Tactic {
		t.Helper()
		in.Evidence = &models.Evidence{Level: level, Evaluation: "unevaluated", Effect: models.Effect{Direction: "unknown"}}
		if cites {
			in.Citations = []models.Citation{{Source: "cited", Supports: "supports"}}
		}
		tc, err := s.CreateTactic(ctx, in)
		if err != nil {
			t.Fatalf("create %q: %v", in.Title, err)
		}
		return tc
	}
	r1 := create(tacticInput(s1.ID, "R1", "short-term", "prosecution"), "descriptive", true)
	r2 := create(tacticInput(s1.ID, "R2", "short-term"), "none", true)
	r3 := create(tacticInput(s1.ID, "R3", "long-term", "prosecution"), "none", true)
	draft := tacticInput(s1.ID, "R4 draft", "short-term", "prosecution")
	draft.Status = models.StatusDraft
	r4 := create(draft, "rct", true)
	current := tacticInput(s1.ID, "C1", "prosecution")
	current.Kind = models.KindCurrent
	c1 := create(current, "none", true)
	create(tacticInput(s2.ID, "R5", "long-term"), "none", false)

	t.Run("chain table narrowed", func(t *testing.T) {
		for _, tc := range []struct {
			name        string
			narrowing   store.Narrowing
			recommended []string
			total       int64
		}{
			{"none", store.Narrowing{}, []string{"R1"}, 3},
			{"horizon", store.Narrowing{Horizon: "short-term"}, []string{"R1"}, 2},
			{"horizon and tag", store.Narrowing{Horizon: "short-term", Tags: []string{"prosecution"}}, []string{"R1"}, 1},
			{"tag", store.Narrowing{Tags: []string{"prosecution"}}, []string{"R1"}, 2},
			{"evidence", store.Narrowing{MinEvidence: "descriptive"}, []string{"R1"}, 1},
			{"nothing left", store.Narrowing{Horizon: "long-term", MinEvidence: "descriptive"}, nil, 0},
		} {
			// Like the JSON table, it shows what the caller may see: the pages ask as a reader.
			table, err := s.ChainTableFor(reader(), "chain", store.TableQuery{PerCell: 1, Recommended: tc.narrowing})
			if err != nil {
				t.Fatal(err)
			}
			row := table.Stages[0]
			var got []string
			for _, tt := range row.Recommended {
				got = append(got, tt.Title)
			}
			if len(got) != len(tc.recommended) || (len(got) > 0 && got[0] != tc.recommended[0]) || row.Cells.Recommended.Total != tc.total {
				t.Errorf("%s: recommended %v of %d, want %v of %d", tc.name, got, row.Cells.Recommended.Total, tc.recommended, tc.total)
			}
			// The other cells are whole: C1 has no horizon and no evidence, yet shows.
			if len(row.Current) != 1 || row.Current[0].ID != c1.ID || row.Cells.Current.Total != 1 {
				t.Errorf("%s: current cell %+v, want C1 alone", tc.name, row.Cells.Current)
			}
		}
	})

	t.Run("outline counts", func(t *testing.T) {
		o, err := s.Outline(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[[2]any]int{}
		for _, n := range o.Counts {
			got[[2]any{n.StageID, n.Kind}] = n.N
		}
		want := map[[2]any]int{{s1.ID, models.KindRecommended}: 3, {s1.ID, models.KindCurrent}: 1, {s2.ID, models.KindRecommended}: 1}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("count of %v: %d, want %d (all: %v)", k, got[k], n, o.Counts)
			}
		}
		if len(o.Chains) != 1 || len(o.Stages) != 2 || len(o.Tags) != 3 || len(o.Sources) != 2 {
			t.Errorf("outline: %d chains, %d stages, %d tags, %d sources", len(o.Chains), len(o.Stages), len(o.Tags), len(o.Sources))
		}
	})

	t.Run("tactic with relations", func(t *testing.T) {
		for _, in := range []models.RelationInput{
			{From: r1.Code, To: r2.Code, Type: models.RelationComplements, Note: "together"},
			{From: r3.Code, To: r1.Code, Type: models.RelationSupersedes},
			{From: r1.Code, To: r4.Code, Type: models.RelationConflictsWith}, // to a draft: not shown
		} {
			if _, err := s.CreateRelation(ctx, &in); err != nil {
				t.Fatal(err)
			}
		}
		got, links, err := s.PublishedTactic(ctx, r1.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != r1.ID || len(got.Tags) != 2 {
			t.Errorf("tactic %d with tags %v, want %d with 2 tags", got.ID, got.Tags, r1.ID)
		}
		want := []store.TacticLink{
			{Type: models.RelationComplements, Outgoing: true, Note: "together", Code: r2.Code, Title: "R2"},
			{Type: models.RelationSupersedes, Outgoing: false, Code: r3.Code, Title: "R3"},
		}
		if len(links) != len(want) {
			t.Fatalf("links %+v, want %+v", links, want)
		}
		for i := range want {
			if links[i] != want[i] {
				t.Errorf("link %d: %+v, want %+v", i, links[i], want[i])
			}
		}
		for _, code := range []string{r4.Code, "NO-SUCH-1"} {
			if _, _, err := s.PublishedTactic(ctx, code); err == nil {
				t.Errorf("%s: found, want NotFound", code)
			} else {
				wantKind(t, err, models.KindNotFound, "")
			}
		}
	})

	t.Run("citing tactics", func(t *testing.T) {
		all, err := s.CitingTactics(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		cut, err := s.CitingTactics(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || len(cut) != 1 {
			t.Fatalf("%d and %d sources cited, want 1 (uncited has none)", len(all), len(cut))
		}
		ids := func(c store.Citing) []int64 {
			var out []int64
			for _, tt := range c.Tactics {
				out = append(out, tt.ID)
			}
			return out
		}
		for _, v := range all {
			if got, want := ids(v), []int64{r1.ID, r2.ID, r3.ID, c1.ID}; len(got) != len(want) || got[0] != want[0] || got[3] != want[3] || v.More {
				t.Errorf("all: %v (more %t), want %v and no more: the draft is left out", got, v.More, want)
			}
		}
		for _, v := range cut {
			if got := ids(v); len(got) != 2 || got[0] != r1.ID || got[1] != r2.ID || !v.More {
				t.Errorf("cut to 2: %v (more %t), want the first two by id and more", got, v.More)
			}
			if tt := v.Tactics[0]; tt.Code != r1.Code || tt.Title != "R1" || tt.StageID != s1.ID || tt.Kind != models.KindRecommended {
				t.Errorf("citing tactic %+v, want R1's code, title, stage and kind", tt)
			}
		}
	})
}

// TestStore_NewCode checks the code a tactic created without one gets: its prefix and the next
// number after the highest of the prefix, whatever the width the others were written with, not
// confused by a prefix that starts the same.
func TestStore_NewCode(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	c := mustCreateChain(t, s, "debt-bondage")
	st := mustCreateStage(t, s, c.ID, "worker", 1)
	first := mustCreateTactic(t, s, st.ID, "First")
	if first.Code != "DB-W-R01" {
		t.Fatalf("first code %s, want DB-W-R01", first.Code)
	}
	for _, code := range []string{"DB-W-R0099", "DB-W-R123", "DB-W-C900", "DB-WX-R5000"} {
		in := tacticInput(st.ID, "Coded "+code)
		in.Code = code
		if _, err := s.CreateTactic(editor(), in); err != nil {
			t.Fatalf("create %s: %v", code, err)
		}
	}
	if next := mustCreateTactic(t, s, st.ID, "Next"); next.Code != "DB-W-R124" {
		t.Errorf("next code %s, want DB-W-R124", next.Code)
	}
}
