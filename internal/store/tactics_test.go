package store_test

import (
	"encoding/json"
	"slices"
	"testing"

	"chainkb/models"
)

func TestStore_ReplaceTactic(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()
	c := mustCreateChain(t, s, "chain")
	st := mustCreateStage(t, s, c.ID, "stage", 1)
	mustCreateTag(t, s, "short-term", models.HorizonGroup)
	mustCreateTag(t, s, "long-term", models.HorizonGroup)
	mustCreateTag(t, s, "prosecution", "function")

	t.Run("OK", func(t *testing.T) {
		tc := mustCreateTactic(t, s, st.ID, "before", "short-term")
		in := tacticInput(st.ID, "after", "prosecution", "long-term")
		got, err := s.ReplaceTactic(ctx, tc.ID, in, models.Precondition{Version: ptr(tc.Version)})
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tc.ID || got.Version != tc.Version+1 || got.Title != "after" {
			t.Errorf("got id %d version %d title %q, want id %d version %d title after", got.ID, got.Version, got.Title, tc.ID, tc.Version+1)
		}
		// Tags in the order a tactic shows them: by group, then slug.
		var tags []string
		for _, tg := range got.Tags {
			tags = append(tags, tg.Slug)
		}
		if want := []string{"prosecution", "long-term"}; !slices.Equal(tags, want) {
			t.Errorf("tags = %v, want %v", tags, want)
		}
		if got.Position != tc.Position || !got.CreatedAt.Equal(tc.CreatedAt) {
			t.Errorf("position %d created %v, want kept: %d %v", got.Position, got.CreatedAt, tc.Position, tc.CreatedAt)
		}
		// What a replace returns is what a read finds, through the hot path and through GORM (the
		// list), which share one column list and one scanner.
		read, err := s.Tactic(ctx, tc.ID)
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.Tactics(ctx, models.TacticFilter{Page: models.Page{Limit: 10}, StageID: st.ID, Q: "after"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 1 {
			t.Fatalf("list has %d tactics, want 1", len(list.Items))
		}
		for name, other := range map[string]*models.Tactic{"Tactic": read, "Tactics": &list.Items[0]} {
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(other)
			if string(a) != string(b) {
				t.Errorf("%s read\n%s\nwant what the replace returned\n%s", name, b, a)
			}
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		_, err := s.ReplaceTactic(ctx, 9999, tacticInput(st.ID, "x"), models.Precondition{})
		wantKind(t, err, models.KindNotFound, "not_found")
	})
	t.Run("Stale", func(t *testing.T) {
		tc := mustCreateTactic(t, s, st.ID, "stale")
		if _, err := s.ReplaceTactic(ctx, tc.ID, tacticInput(st.ID, "first"), models.Precondition{Version: ptr(tc.Version)}); err != nil {
			t.Fatal(err)
		}
		_, err := s.ReplaceTactic(ctx, tc.ID, tacticInput(st.ID, "second"), models.Precondition{Version: ptr(tc.Version)})
		wantKind(t, err, models.KindPreconditionFailed, "precondition_failed")
		_, err = s.ReplaceTactic(ctx, tc.ID, tacticInput(st.ID, "third"),
			models.Precondition{IfMatch: []models.ObjectVersion{{ID: tc.ID, Version: tc.Version}}})
		wantKind(t, err, models.KindPreconditionFailed, "precondition_failed")
	})
	t.Run("UnknownTag", func(t *testing.T) {
		tc := mustCreateTactic(t, s, st.ID, "unknown tag")
		_, err := s.ReplaceTactic(ctx, tc.ID, tacticInput(st.ID, "x", "no-such-tag"), models.Precondition{})
		e := wantKind(t, err, models.KindInvalid, "validation_failed")
		if got := fieldsOf(e); !slices.Equal(got, []string{"tags"}) {
			t.Errorf("fields = %v, want [tags]", got)
		}
	})
	t.Run("TwoHorizons", func(t *testing.T) {
		tc := mustCreateTactic(t, s, st.ID, "two horizons")
		_, err := s.ReplaceTactic(ctx, tc.ID, tacticInput(st.ID, "x", "short-term", "long-term"), models.Precondition{})
		e := wantKind(t, err, models.KindInvalid, "validation_failed")
		if got := fieldsOf(e); !slices.Equal(got, []string{"tags"}) {
			t.Errorf("fields = %v, want [tags]", got)
		}
	})
	t.Run("EveryBadFieldAtOnce", func(t *testing.T) {
		tc := mustCreateTactic(t, s, st.ID, "every field")
		in := tacticInput(9999, "", "no-such-tag")
		_, err := s.ReplaceTactic(ctx, tc.ID, in, models.Precondition{})
		e := wantKind(t, err, models.KindInvalid, "validation_failed")
		got := fieldsOf(e)
		slices.Sort(got)
		if want := []string{"stage_id", "tags", "title"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
	})
}

func TestStore_HiddenTactics(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	c := mustCreateChain(t, s, "chain")
	st := mustCreateStage(t, s, c.ID, "stage", 1)
	in := tacticInput(st.ID, "draft")
	in.Status = ""
	draft, err := s.CreateTactic(editor(), in)
	if err != nil {
		t.Fatal(err)
	}
	if draft.Status != models.StatusDraft {
		t.Errorf("status = %q, want draft", draft.Status)
	}
	if _, err := s.Tactic(editor(), draft.ID); err != nil {
		t.Errorf("editor: %v", err)
	}
	_, err = s.Tactic(reader(), draft.ID)
	wantKind(t, err, models.KindNotFound, "not_found")
	page, err := s.Tactics(reader(), models.TacticFilter{Page: models.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 0 {
		t.Errorf("a reader lists %d tactics, want 0", len(page.Items))
	}
}
