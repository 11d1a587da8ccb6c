package store_test

import (
	"sync"
	"testing"

	"chainkb/models"
)

// TestStore_StaleWrites checks that a write which names a state other than the current one is
// refused, and that of two writers who read the same version only one succeeds.
func TestStore_StaleWrites(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()

	t.Run("Replace", func(t *testing.T) {
		c := mustCreateChain(t, s, "replace")
		if _, err := s.ReplaceChain(ctx, c.Slug, &models.ChainInput{Slug: c.Slug, Name: "One"}, models.Precondition{Version: ptr(c.Version)}); err != nil {
			t.Fatal(err)
		}
		_, err := s.ReplaceChain(ctx, c.Slug, &models.ChainInput{Slug: c.Slug, Name: "Two"}, models.Precondition{Version: ptr(c.Version)})
		wantKind(t, err, models.KindPreconditionFailed, "precondition_failed")
		got, err := s.Chain(ctx, c.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "One" || got.Version != 2 {
			t.Errorf("chain = %q at version %d, want One at 2", got.Name, got.Version)
		}
	})
	t.Run("IfMatchAnyOf", func(t *testing.T) {
		tg := mustCreateTag(t, s, "if-match", "lever")
		pre := models.Precondition{IfMatch: []models.ObjectVersion{{ID: tg.ID, Version: 7}, {ID: tg.ID, Version: tg.Version}}}
		if _, err := s.ReplaceTag(ctx, tg.Slug, &models.TagInput{Slug: tg.Slug, Name: "New", Group: "lever"}, pre); err != nil {
			t.Errorf("one of the If-Match states is current: %v", err)
		}
		// Another object's ETag does not match, even at the same version.
		pre = models.Precondition{IfMatch: []models.ObjectVersion{{ID: tg.ID + 100, Version: 2}}}
		_, err := s.ReplaceTag(ctx, tg.Slug, &models.TagInput{Slug: tg.Slug, Name: "Newer", Group: "lever"}, pre)
		wantKind(t, err, models.KindPreconditionFailed, "precondition_failed")
	})
	t.Run("Delete", func(t *testing.T) {
		c := mustCreateChain(t, s, "delete")
		st := mustCreateStage(t, s, c.ID, "stage", 1)
		err := s.DeleteStage(ctx, st.ID, models.Precondition{Version: ptr(st.Version + 1)})
		wantKind(t, err, models.KindPreconditionFailed, "precondition_failed")
		if _, err := s.Stage(ctx, st.ID); err != nil {
			t.Errorf("stage after a refused delete: %v", err)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		c := mustCreateChain(t, s, "race")
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.ReplaceChain(ctx, c.Slug, &models.ChainInput{Slug: c.Slug, Name: "Writer"},
					models.Precondition{Version: ptr(c.Version)})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !models.IsKind(err, models.KindPreconditionFailed):
				t.Errorf("err = %v, want PreconditionFailed", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d writers succeeded, want 1", ok)
		}
	})
}

func TestStore_Conflicts(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()
	c := mustCreateChain(t, s, "chain")
	st := mustCreateStage(t, s, c.ID, "stage", 1)
	tg := mustCreateTag(t, s, "tag", "lever")
	mustCreateTag(t, s, "short-term", models.HorizonGroup)
	mustCreateTactic(t, s, st.ID, "tactic", tg.Slug, "short-term")

	t.Run("DuplicateSlug", func(t *testing.T) {
		_, err := s.CreateChain(ctx, &models.ChainInput{Slug: c.Slug, Name: "Again"})
		wantKind(t, err, models.KindConflict, "duplicate_slug")
		_, err = s.CreateStage(ctx, &models.StageInput{ChainID: &c.ID, Slug: st.Slug, Name: "Again", Actor: "a",
			Side: models.SideDemand, Position: ptr(2)})
		wantKind(t, err, models.KindConflict, "duplicate_slug")
		_, err = s.CreateTag(ctx, &models.TagInput{Slug: tg.Slug, Name: "Again", Group: "lever"})
		wantKind(t, err, models.KindConflict, "duplicate_slug")
	})
	t.Run("InUse", func(t *testing.T) {
		wantKind(t, s.DeleteChain(ctx, c.Slug, models.Precondition{}), models.KindConflict, "in_use")
		wantKind(t, s.DeleteStage(ctx, st.ID, models.Precondition{}), models.KindConflict, "in_use")
		wantKind(t, s.DeleteTag(ctx, tg.Slug, models.Precondition{}), models.KindConflict, "in_use")
	})
	t.Run("HorizonClash", func(t *testing.T) {
		_, err := s.ReplaceTag(ctx, tg.Slug, &models.TagInput{Slug: tg.Slug, Name: "Tag", Group: models.HorizonGroup}, models.Precondition{})
		wantKind(t, err, models.KindConflict, "horizon_clash")
	})
	t.Run("StageCannotMove", func(t *testing.T) {
		other := mustCreateChain(t, s, "other")
		_, err := s.ReplaceStage(ctx, st.ID, &models.StageInput{ChainID: &other.ID, Slug: st.Slug, Name: st.Name,
			Actor: st.Actor, Side: st.Side, Position: &st.Position}, models.Precondition{})
		e := wantKind(t, err, models.KindInvalid, "validation_failed")
		if got := fieldsOf(e); len(got) != 1 || got[0] != "chain_id" {
			t.Errorf("fields = %v, want [chain_id]", got)
		}
	})
}
