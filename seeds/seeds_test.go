package seeds_test

import (
	"context"
	"path/filepath"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
	"chainkb/seeds"
)

func openSeeded(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "seed.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := seeds.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestHorizonRule enforces the rule from the source: every recommended tactic carries exactly one
// horizon tag; on the product (victim) stage it is long-term, everywhere else short-term.
func TestHorizonRule(t *testing.T) {
	st := openSeeded(t)
	table, err := st.ChainTable(context.Background(), "sex-trafficking", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(table.Stages), 4; got != want {
		t.Fatalf("stages = %d, want %d", got, want)
	}
	for _, row := range table.Stages {
		want := "short-term"
		if row.Stage.Slug == "product" {
			want = "long-term"
		}
		for _, tc := range row.Recommended {
			var horizons []string
			for _, tag := range tc.Tags {
				if tag.Group == models.HorizonGroup {
					horizons = append(horizons, tag.Slug)
				}
			}
			if len(horizons) != 1 || horizons[0] != want {
				t.Errorf("stage %s, recommended tactic %q: horizon tags %v, want [%s]", row.Stage.Slug, tc.Title, horizons, want)
			}
		}
	}
}

// TestSeedShape checks what the knowledge base promises its readers: the four links in order,
// with at least two current efforts and three recommended tactics each, every tactic sourced.
func TestSeedShape(t *testing.T) {
	st := openSeeded(t)
	table, err := st.ChainTable(context.Background(), "sex-trafficking", "")
	if err != nil {
		t.Fatal(err)
	}
	wantStages := []struct{ slug, side string }{
		{"product", "supply"}, {"wholesaler", "supply"}, {"retailer", "demand"}, {"consumer", "demand"},
	}
	for i, row := range table.Stages {
		if row.Stage.Slug != wantStages[i].slug || row.Stage.Side != wantStages[i].side {
			t.Errorf("stage %d = %s (%s), want %s (%s)", i, row.Stage.Slug, row.Stage.Side, wantStages[i].slug, wantStages[i].side)
		}
		if len(row.Current) < 2 || len(row.Recommended) < 3 {
			t.Errorf("stage %s: %d current, %d recommended; want at least 2 and 3", row.Stage.Slug, len(row.Current), len(row.Recommended))
		}
		for _, tc := range append(row.Current, row.Recommended...) {
			if len(tc.References) == 0 {
				t.Errorf("tactic %q has no reference", tc.Title)
			}
		}
	}
}

// TestLoadIsOnce checks that a second start neither duplicates the seed nor restores what an
// editor deleted.
func TestLoadIsOnce(t *testing.T) {
	ctx := context.Background()
	st := openSeeded(t)
	tag, err := st.CreateTag(ctx, &models.TagInput{Slug: "editor-made", Name: "Editor made", Group: "misc"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteTag(ctx, "partnership", models.Precondition{}); !models.IsKind(err, models.KindConflict) {
		t.Fatalf("deleting a tag in use: err = %v, want a conflict", err)
	}
	if err := st.DeleteTag(ctx, tag.Slug, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	before, err := st.Tags(ctx, models.TagFilter{Page: models.Page{Limit: 200, IncludeTotal: true}})
	if err != nil {
		t.Fatal(err)
	}
	applied, err := seeds.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Errorf("second Load applied %v, want nothing", applied)
	}
	after, err := st.Tags(ctx, models.TagFilter{Page: models.Page{Limit: 200, IncludeTotal: true}})
	if err != nil {
		t.Fatal(err)
	}
	if *before.Total != *after.Total {
		t.Errorf("tags after second load = %d, want %d", *after.Total, *before.Total)
	}
}
