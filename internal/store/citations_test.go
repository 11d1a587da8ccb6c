package store_test

import (
	"strconv"
	"strings"
	"testing"

	"chainkb/models"
)

// TestStore_TacticRestoreNeedsItsSources: a tactic's citations index its sources, so a cited
// source cannot be deleted; once no live tactic cites it, it can, and restoring a revision that
// cited it is then 409 not_restorable naming the source, never a 422 about fields nobody sent.
func TestStore_TacticRestoreNeedsItsSources(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()
	if _, err := s.CreateSource(ctx, &models.SourceInput{Slug: "a-report", Title: "A report", Type: models.SourceGrey}); err != nil {
		t.Fatal(err)
	}
	ch := mustCreateChain(t, s, "chain")
	st := mustCreateStage(t, s, ch.ID, "stage", 1)
	in := tacticInput(st.ID, "cites a report")
	in.Caveats = []models.Caveat{{Type: models.CaveatHarm, Text: "A harm.",
		Citations: []models.Citation{{Source: "a-report", Supports: models.SupportsSupports}}}}
	tc, err := s.CreateTactic(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	wantKind(t, s.DeleteSource(ctx, "a-report", models.Precondition{}), models.KindConflict, "in_use")

	in.Caveats = nil
	if _, err := s.ReplaceTactic(ctx, tc.ID, in, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSource(ctx, "a-report", models.Precondition{}); err != nil {
		t.Fatalf("delete a source nobody cites: %v", err)
	}
	revs, err := s.Revisions(ctx, models.EntityTactic, idString(tc.ID), models.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	first := revs.Items[len(revs.Items)-1]
	_, err = s.RestoreTactic(ctx, tc.ID, first.ID, models.Precondition{})
	if e := wantKind(t, err, models.KindConflict, "not_restorable"); e != nil && !strings.Contains(e.Detail, "a-report") {
		t.Errorf("detail %q does not name the deleted source", e.Detail)
	}
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
