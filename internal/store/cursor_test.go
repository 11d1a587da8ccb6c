package store_test

import (
	"fmt"
	"slices"
	"testing"

	"chainkb/models"
)

// walk reads every page of a list, two rows at a time, and returns the rows in order.
func walk[T any](t *testing.T, list func(p models.Page) (models.List[T], error), sort string) []T {
	t.Helper()
	return allPages(t, fmt.Sprintf("sort %q", sort), 20, func(cursor string) (models.List[T], error) {
		return list(models.Page{Limit: 2, Sort: sort, Cursor: cursor})
	})
}

// allPages reads a list (what) page by page, read giving the page at a cursor ("" for the first),
// and returns every item in order; a list of more than most pages fails the test.
func allPages[T any](t *testing.T, what string, most int, read func(cursor string) (models.List[T], error)) []T {
	t.Helper()
	var all []T
	cursor := ""
	for pages := 1; ; pages++ {
		page, err := read(cursor)
		if err != nil {
			t.Fatalf("%s, cursor %q: %v", what, cursor, err)
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		if pages == most {
			t.Fatalf("%s: more than %d pages", what, most)
		}
		cursor = page.NextCursor
	}
}

func TestStore_Cursors(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()
	// Created out of slug order, so that slug order, id order and creation order differ.
	for _, slug := range []string{"delta", "alpha", "echo", "charlie", "bravo"} {
		mustCreateChain(t, s, slug)
	}
	chains := func(q string) func(models.Page) (models.List[models.Chain], error) {
		return func(p models.Page) (models.List[models.Chain], error) {
			return s.Chains(ctx, models.ChainFilter{Page: p, Q: q})
		}
	}
	slugs := func(cs []models.Chain) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Slug)
		}
		return out
	}

	bySlug := []string{"alpha", "bravo", "charlie", "delta", "echo"}
	backwards := func(v []string) []string { v = slices.Clone(v); slices.Reverse(v); return v }
	byID := slugs(walk(t, chains(""), "id"))
	if want := []string{"delta", "alpha", "echo", "charlie", "bravo"}; !slices.Equal(byID, want) {
		t.Fatalf("by id = %v, want creation order %v", byID, want)
	}
	for _, tc := range []struct {
		name, sort string
		want       []string
	}{
		{"TextColumn", "slug", bySlug},
		{"TextColumnDescending", "-name", backwards(bySlug)},
		{"IntColumnDescending", "-id", backwards(byID)},
		// Created one after the other: by creation time (ties broken by id) is by id.
		{"TimeColumn", "created_at", byID},
		{"TimeColumnDescending", "-updated_at", backwards(byID)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := slugs(walk(t, chains(""), tc.sort)); !slices.Equal(got, tc.want) {
				t.Errorf("sort %s = %v, want %v", tc.sort, got, tc.want)
			}
		})
	}
	t.Run("Filtered", func(t *testing.T) {
		// "a" is in every name ("Chain ..."): the filter must hold on every page.
		if got := len(walk(t, chains("a"), "slug")); got != 5 {
			t.Errorf("rows = %d, want 5", got)
		}
		if got := slugs(walk(t, chains("ch"), "slug")); len(got) != 5 {
			t.Errorf("rows = %v, want all 5", got)
		}
		if got := slugs(walk(t, chains("ECHO"), "slug")); !slices.Equal(got, []string{"echo"}) {
			t.Errorf("slugs = %v, want [echo]", got)
		}
	})
	t.Run("Total", func(t *testing.T) {
		page, err := s.Chains(ctx, models.ChainFilter{Page: models.Page{Limit: 2, IncludeTotal: true}})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total == nil || *page.Total != 5 {
			t.Errorf("total = %v, want 5", page.Total)
		}
	})

	first, err := s.Chains(ctx, models.ChainFilter{Page: models.Page{Limit: 2, Sort: "slug"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    models.ChainFilter
		code string
	}{
		{"OtherFilter", models.ChainFilter{Page: models.Page{Limit: 2, Sort: "slug", Cursor: first.NextCursor}, Q: "a"}, "cursor_mismatch"},
		{"OtherSort", models.ChainFilter{Page: models.Page{Limit: 2, Sort: "name", Cursor: first.NextCursor}}, "cursor_mismatch"},
		{"OtherDirection", models.ChainFilter{Page: models.Page{Limit: 2, Sort: "-slug", Cursor: first.NextCursor}}, "cursor_mismatch"},
		{"NotBase64", models.ChainFilter{Page: models.Page{Limit: 2, Cursor: "!!!"}}, "bad_cursor"},
		{"NotOurs", models.ChainFilter{Page: models.Page{Limit: 2, Cursor: "eyJmIjoiYSJ9"}}, "bad_cursor"},
		{"BadSort", models.ChainFilter{Page: models.Page{Limit: 2, Sort: "colour"}}, "bad_sort"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Chains(ctx, tc.f)
			wantKind(t, err, models.KindBadRequest, tc.code)
		})
	}
	t.Run("OtherResource", func(t *testing.T) {
		// A chain cursor is no use on tags, even with the same sort.
		_, err := s.Tags(ctx, models.TagFilter{Page: models.Page{Limit: 2, Sort: "slug", Cursor: first.NextCursor}})
		wantKind(t, err, models.KindBadRequest, "cursor_mismatch")
	})
}

func TestStore_CursorsWithTies(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()
	c := mustCreateChain(t, s, "chain")
	// Positions with ties: the id breaks them, in the sort's direction.
	var want []int64
	for i, pos := range []int{3, 1, 3, 2, 1} {
		st := mustCreateStage(t, s, c.ID, "s"+string(rune('a'+i)), pos)
		want = append(want, st.ID)
	}
	// want is by id; by (position, id): positions 1,1,2,3,3 with ids in order.
	asc := []int64{want[1], want[4], want[3], want[0], want[2]}
	desc := slices.Clone(asc)
	slices.Reverse(desc)
	stages := func(p models.Page) (models.List[models.Stage], error) {
		return s.Stages(ctx, models.StageFilter{Page: p, Chain: c.Slug})
	}
	ids := func(sts []models.Stage) []int64 {
		var out []int64
		for _, st := range sts {
			out = append(out, st.ID)
		}
		return out
	}
	if got := ids(walk(t, stages, "")); !slices.Equal(got, asc) {
		t.Errorf("default (position) = %v, want %v", got, asc)
	}
	if got := ids(walk(t, stages, "-position")); !slices.Equal(got, desc) {
		t.Errorf("-position = %v, want %v", got, desc)
	}
}

func TestStore_TacticCursorsFollowVisibility(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	c := mustCreateChain(t, s, "chain")
	st := mustCreateStage(t, s, c.ID, "stage", 1)
	for _, title := range []string{"a", "b", "c"} {
		mustCreateTactic(t, s, st.ID, title)
	}
	page, err := s.Tactics(editor(), models.TacticFilter{Page: models.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items[0].Tags) != 0 || page.Items[0].Tags == nil {
		t.Errorf("tags = %#v, want an empty list", page.Items[0].Tags)
	}
	// An editor's cursor is tied to what an editor may see: a reader cannot use it.
	_, err = s.Tactics(reader(), models.TacticFilter{Page: models.Page{Limit: 1, Cursor: page.NextCursor}})
	wantKind(t, err, models.KindBadRequest, "cursor_mismatch")
}
