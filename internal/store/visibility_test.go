package store_test

import (
	"strings"
	"testing"

	"chainkb/models"
)

// TestStore_RelationsFollowTacticVisibility: a relation to a draft is not in a reader's change
// feed; when the draft is published the relation comes into the feed as its state, and when the
// tactic is unpublished it leaves as a delete, so that a reader's mirror holds exactly the
// relations a reader may see.
func TestStore_RelationsFollowTacticVisibility(t *testing.T) {
	t.Parallel()
	s, a, _, _, _, draft := newRelationStore(t)
	r := mustCreateRelation(t, s, a, draft, models.RelationComplements)

	relationChanges := func() []models.Revision {
		t.Helper()
		return feedWhere(t, s, reader(), relationEntries(r.ID))
	}
	if got := relationChanges(); len(got) != 0 {
		t.Fatalf("a relation to a draft is in a reader's feed: %+v", got)
	}

	setStatus := func(status string) {
		t.Helper()
		cur, err := s.Tactic(editor(), draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := tacticInput(cur.StageID, cur.Title)
		in.Status = status
		if _, err := s.ReplaceTactic(editor(), cur.ID, in, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	setStatus(models.StatusPublished)
	got := relationChanges()
	if len(got) != 1 || got[0].Action != models.ActionUpdate || got[0].Version != r.Version || !jsonHas(got[0].Data, draft.Code) {
		t.Fatalf("after publishing its tactic, a reader's feed has %+v; want the relation's state once", got)
	}
	setStatus(models.StatusDraft)
	got = relationChanges()
	if len(got) != 2 || got[1].Action != models.ActionDelete {
		t.Fatalf("after unpublishing its tactic, a reader's feed has %+v; want the relation to leave as a delete", got)
	}
	// An editor's feed shows both steps as they are.
	if n := len(feedWhere(t, s, editor(), relationEntries(r.ID))); n != 3 {
		t.Errorf("an editor's feed has %d changes of the relation, want 3 (create and the two visibility changes)", n)
	}
}

func jsonHas(data []byte, s string) bool {
	return strings.Contains(string(data), s)
}
