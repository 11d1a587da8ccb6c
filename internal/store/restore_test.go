package store_test

import (
	"strconv"
	"testing"

	"chainkb/models"
)

func TestStore_Restore(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()
	oldest := func(t *testing.T, entity, key string) models.Revision {
		t.Helper()
		revs, err := s.Revisions(ctx, entity, key, models.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return revs.Items[len(revs.Items)-1]
	}

	t.Run("DeletedComesBackUnderItsID", func(t *testing.T) {
		c := mustCreateChain(t, s, "deleted")
		if _, err := s.ReplaceChain(ctx, c.Slug, &models.ChainInput{Slug: c.Slug, Name: "Renamed"}, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteChain(ctx, c.Slug, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		_, err := s.Chain(ctx, c.Slug)
		wantKind(t, err, models.KindNotFound, "not_found")
		// By slug: the history finds a deleted chain.
		got, err := s.RestoreChain(ctx, c.Slug, oldest(t, models.EntityChain, c.Slug).ID, models.Precondition{})
		if err != nil {
			t.Fatal(err)
		}
		// Versions 1 (create), 2 (rename) and the delete at 2: it comes back at 3.
		if got.ID != c.ID || got.Version != 3 || got.Name != c.Name {
			t.Errorf("restored id %d version %d name %q, want id %d version 3 name %q", got.ID, got.Version, got.Name, c.ID, c.Name)
		}
		last, err := s.Revisions(ctx, models.EntityChain, c.Slug, models.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r := last.Items[0]; r.Action != models.ActionRestore || r.Version != 3 || r.EntityID != c.ID {
			t.Errorf("last revision = %s v%d of %d, want restore v3 of %d", r.Action, r.Version, r.EntityID, c.ID)
		}
	})
	t.Run("LiveIsUpdated", func(t *testing.T) {
		c := mustCreateChain(t, s, "live")
		if _, err := s.ReplaceChain(ctx, c.Slug, &models.ChainInput{Slug: c.Slug, Name: "Renamed"}, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		rev := oldest(t, models.EntityChain, c.Slug).ID
		_, err := s.RestoreChain(ctx, c.Slug, rev, models.Precondition{Version: ptr(int64(1))})
		wantKind(t, err, models.KindPreconditionFailed, "precondition_failed")
		got, err := s.RestoreChain(ctx, c.Slug, rev, models.Precondition{Version: ptr(int64(2))})
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 3 || got.Name != c.Name {
			t.Errorf("restored version %d name %q, want 3 %q", got.Version, got.Name, c.Name)
		}
	})
	t.Run("TacticWithTags", func(t *testing.T) {
		c := mustCreateChain(t, s, "tactic-chain")
		st := mustCreateStage(t, s, c.ID, "stage", 1)
		mustCreateTag(t, s, "kept", "lever")
		tc := mustCreateTactic(t, s, st.ID, "tactic", "kept")
		if err := s.DeleteTactic(ctx, tc.ID, models.Precondition{Version: ptr(tc.Version)}); err != nil {
			t.Fatal(err)
		}
		got, err := s.RestoreTactic(ctx, tc.ID, oldest(t, models.EntityTactic, idKey(tc.ID)).ID, models.Precondition{})
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tc.ID || got.Version != 2 || len(got.Tags) != 1 || got.Tags[0].Slug != "kept" {
			t.Errorf("restored %+v, want id %d version 2 with tag kept", got, tc.ID)
		}
	})
	t.Run("NeedsWhatHasGone", func(t *testing.T) {
		c := mustCreateChain(t, s, "gone")
		st := mustCreateStage(t, s, c.ID, "stage", 1)
		tg := mustCreateTag(t, s, "gone-tag", "lever")
		tc := mustCreateTactic(t, s, st.ID, "tactic", tg.Slug)
		for _, err := range []error{
			s.DeleteTactic(ctx, tc.ID, models.Precondition{}),
			s.DeleteTag(ctx, tg.Slug, models.Precondition{}),
			s.DeleteStage(ctx, st.ID, models.Precondition{}),
			s.DeleteChain(ctx, c.Slug, models.Precondition{}),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.RestoreTactic(ctx, tc.ID, oldest(t, models.EntityTactic, idKey(tc.ID)).ID, models.Precondition{})
		wantKind(t, err, models.KindConflict, "not_restorable")
		_, err = s.RestoreStage(ctx, st.ID, oldest(t, models.EntityStage, idKey(st.ID)).ID, models.Precondition{})
		wantKind(t, err, models.KindConflict, "not_restorable")
	})
	t.Run("RevisionOfADelete", func(t *testing.T) {
		tg := mustCreateTag(t, s, "twice", "lever")
		if err := s.DeleteTag(ctx, tg.Slug, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		revs, err := s.Revisions(ctx, models.EntityTag, tg.Slug, models.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.RestoreTag(ctx, tg.Slug, revs.Items[0].ID, models.Precondition{})
		wantKind(t, err, models.KindConflict, "not_restorable")
	})
	t.Run("NoHistory", func(t *testing.T) {
		_, err := s.RestoreChain(ctx, "never", 1, models.Precondition{})
		wantKind(t, err, models.KindNotFound, "not_found")
	})
}

func idKey(id int64) string { return strconv.FormatInt(id, 10) }
