package store_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// newRelationStore is a store with one stage of published tactics a, b, c, d and a draft.
func newRelationStore(t *testing.T) (s *store.Store, a, b, c, d, draft *models.Tactic) {
	t.Helper()
	s = newTestStore(t)
	ch := mustCreateChain(t, s, "chain")
	st := mustCreateStage(t, s, ch.ID, "stage", 1)
	a = mustCreateTactic(t, s, st.ID, "a")
	b = mustCreateTactic(t, s, st.ID, "b")
	c = mustCreateTactic(t, s, st.ID, "c")
	d = mustCreateTactic(t, s, st.ID, "d")
	in := tacticInput(st.ID, "draft")
	in.Status = models.StatusDraft
	draft, err := s.CreateTactic(editor(), in)
	if err != nil {
		t.Fatal(err)
	}
	return s, a, b, c, d, draft
}

func relationInput(from, to *models.Tactic, typ string) *models.RelationInput {
	return &models.RelationInput{From: from.Code, To: to.Code, Type: typ, Note: from.Title + " " + typ + " " + to.Title}
}

func mustCreateRelation(t *testing.T, s *store.Store, from, to *models.Tactic, typ string) *models.Relation {
	t.Helper()
	r, err := s.CreateRelation(editor(), relationInput(from, to, typ))
	if err != nil {
		t.Fatalf("create relation %s %s %s: %v", from.Code, typ, to.Code, err)
	}
	return r
}

// relationIDs lists the ids of the relations the editor sees, in id order.
func relationIDs(t *testing.T, s *store.Store, f models.RelationFilter) []int64 {
	t.Helper()
	f.Page.Limit = 200
	page, err := s.Relations(editor(), f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range page.Items {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestStore_Relations(t *testing.T) {
	t.Parallel()
	s, a, b, c, d, draft := newRelationStore(t)
	ctx := editor()

	t.Run("CRUD", func(t *testing.T) {
		// From by code, to by id: both are accepted, and the relation names both by code.
		in := &models.RelationInput{From: a.Code, To: idKey(b.ID), Type: models.RelationComplements, Note: "together"}
		r, err := s.CreateRelation(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if r.From != a.Code || r.To != b.Code || r.Version != 1 || r.Note != "together" {
			t.Errorf("created %+v, want %s complements %s at version 1", r, a.Code, b.Code)
		}
		got, err := s.Relation(reader(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := jsonOf(t, got), jsonOf(t, r); a != b {
			t.Errorf("read\n%s\nwant what the create returned\n%s", a, b)
		}
		up, err := s.ReplaceRelation(ctx, r.ID, &models.RelationInput{From: a.Code, To: c.Code, Type: models.RelationSupersedes},
			models.Precondition{Version: ptr(r.Version)})
		if err != nil {
			t.Fatal(err)
		}
		if up.To != c.Code || up.Type != models.RelationSupersedes || up.Version != 2 || !up.CreatedAt.Equal(r.CreatedAt) {
			t.Errorf("replaced %+v", up)
		}
		_, err = s.ReplaceRelation(ctx, r.ID, in, models.Precondition{Version: ptr(r.Version)})
		wantKind(t, err, models.KindPreconditionFailed, "")
		if err := s.DeleteRelation(ctx, r.ID, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
		_, err = s.Relation(ctx, r.ID)
		wantKind(t, err, models.KindNotFound, "not_found")
		revs, err := s.Revisions(ctx, models.EntityRelation, idKey(r.ID), models.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, rv := range revs.Items {
			actions = append(actions, rv.Action)
		}
		if want := []string{"delete", "update", "create"}; !slices.Equal(actions, want) {
			t.Errorf("revisions %v, want %v", actions, want)
		}
		back, err := s.RestoreRelation(ctx, r.ID, revs.Items[2].ID, models.Precondition{})
		if err != nil {
			t.Fatal(err)
		}
		if back.ID != r.ID || back.To != b.Code || back.Type != models.RelationComplements || back.Version != 3 {
			t.Errorf("restored %+v, want relation %d back at its first state, version 3", back, r.ID)
		}
		if err := s.DeleteRelation(ctx, r.ID, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		cases := []struct {
			name   string
			in     *models.RelationInput
			fields []string
		}{
			{"self by code", relationInput(a, a, models.RelationComplements), []string{"to"}},
			{"self by code and id", &models.RelationInput{From: a.Code, To: idKey(a.ID), Type: models.RelationComplements}, []string{"to"}},
			{"missing from", &models.RelationInput{From: "ZZ-Z-R99", To: b.Code, Type: models.RelationComplements}, []string{"from"}},
			{"missing to by id", &models.RelationInput{From: a.Code, To: "999999", Type: models.RelationComplements}, []string{"to"}},
			{"unknown type", &models.RelationInput{From: a.Code, To: b.Code, Type: "enables"}, []string{"type"}},
			{"nothing", &models.RelationInput{}, []string{"from", "to", "type"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.CreateRelation(ctx, tc.in)
				e := wantKind(t, err, models.KindInvalid, "validation_failed")
				got := fieldsOf(e)
				slices.Sort(got)
				if !slices.Equal(got, tc.fields) {
					t.Errorf("fields = %v, want %v (%v)", got, tc.fields, e)
				}
			})
		}
		if ids := relationIDs(t, s, models.RelationFilter{}); len(ids) != 0 {
			t.Errorf("bad input wrote relations %v", ids)
		}
	})

	t.Run("Duplicate", func(t *testing.T) {
		r := mustCreateRelation(t, s, a, d, models.RelationConflictsWith)
		defer s.DeleteRelation(ctx, r.ID, models.Precondition{})
		_, err := s.CreateRelation(ctx, &models.RelationInput{From: idKey(a.ID), To: d.Code, Type: models.RelationConflictsWith})
		e := wantKind(t, err, models.KindConflict, "duplicate_relation")
		if !strings.Contains(e.Detail, idKey(r.ID)) {
			t.Errorf("detail %q does not name relation %d", e.Detail, r.ID)
		}
		// The same tactics with another type, or the other way round, are other relations.
		other := mustCreateRelation(t, s, a, d, models.RelationComplements)
		back := mustCreateRelation(t, s, d, a, models.RelationConflictsWith)
		// A replace onto an existing relation is a duplicate too; onto itself it is not.
		_, err = s.ReplaceRelation(ctx, other.ID, relationInput(a, d, models.RelationConflictsWith), models.Precondition{})
		wantKind(t, err, models.KindConflict, "duplicate_relation")
		if _, err := s.ReplaceRelation(ctx, other.ID, relationInput(a, d, models.RelationComplements), models.Precondition{}); err != nil {
			t.Errorf("replace with itself: %v", err)
		}
		for _, id := range []int64{other.ID, back.ID} {
			if err := s.DeleteRelation(ctx, id, models.Precondition{}); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("Loop", func(t *testing.T) {
		ab := mustCreateRelation(t, s, a, b, models.RelationPrerequisiteOf)
		bc := mustCreateRelation(t, s, b, c, models.RelationPrerequisiteOf)
		_, err := s.CreateRelation(ctx, relationInput(c, a, models.RelationPrerequisiteOf))
		e := wantKind(t, err, models.KindInvalid, "validation_failed")
		want := c.Code + " → " + a.Code + " → " + b.Code + " → " + c.Code
		if len(e.Fields) != 1 || e.Fields[0].Field != "to" || !strings.Contains(e.Fields[0].Message, want) {
			t.Errorf("fields = %+v, want to naming the loop %s", e.Fields, want)
		}
		// Two steps back is a loop too; another type is no prerequisite.
		_, err = s.CreateRelation(ctx, relationInput(b, a, models.RelationPrerequisiteOf))
		wantKind(t, err, models.KindInvalid, "validation_failed")
		ca := mustCreateRelation(t, s, c, a, models.RelationComplements)
		// A replace that would turn it into the loop is refused; the relation it replaces does
		// not count as part of the loop.
		_, err = s.ReplaceRelation(ctx, ca.ID, relationInput(c, a, models.RelationPrerequisiteOf), models.Precondition{})
		wantKind(t, err, models.KindInvalid, "validation_failed")
		if _, err := s.ReplaceRelation(ctx, bc.ID, relationInput(b, c, models.RelationPrerequisiteOf), models.Precondition{}); err != nil {
			t.Errorf("replace b→c with itself: %v", err)
		}
		for _, id := range []int64{ab.ID, bc.ID, ca.ID} {
			if err := s.DeleteRelation(ctx, id, models.Precondition{}); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("Filters", func(t *testing.T) {
		ab := mustCreateRelation(t, s, a, b, models.RelationComplements)
		ca := mustCreateRelation(t, s, c, a, models.RelationSupersedes)
		bd := mustCreateRelation(t, s, b, d, models.RelationComplements)
		for _, tc := range []struct {
			f    models.RelationFilter
			want []int64
		}{
			{models.RelationFilter{Tactic: a.Code}, []int64{ab.ID, ca.ID}},
			{models.RelationFilter{Tactic: idKey(a.ID)}, []int64{ab.ID, ca.ID}},
			{models.RelationFilter{Tactic: b.Code, Type: models.RelationComplements}, []int64{ab.ID, bd.ID}},
			{models.RelationFilter{Type: models.RelationSupersedes}, []int64{ca.ID}},
			{models.RelationFilter{Tactic: "NO-X-R01"}, nil},
			{models.RelationFilter{Q: "c supersedes"}, []int64{ca.ID}},
		} {
			if got := relationIDs(t, s, tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("%+v: %v, want %v", tc.f, got, tc.want)
			}
		}
		page, err := s.TacticRelations(reader(), a.Code, models.RelationFilter{Page: models.Page{Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range page.Items {
			got = append(got, r.Direction+" "+r.Other)
		}
		if want := []string{"outgoing " + b.Code, "incoming " + c.Code}; !slices.Equal(got, want) {
			t.Errorf("relations of a: %v, want %v", got, want)
		}
		_, err = s.TacticRelations(reader(), draft.Code, models.RelationFilter{Page: models.Page{Limit: 10}})
		wantKind(t, err, models.KindNotFound, "not_found")
		for _, id := range []int64{ab.ID, ca.ID, bd.ID} {
			if err := s.DeleteRelation(ctx, id, models.Precondition{}); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("Hidden", func(t *testing.T) {
		r := mustCreateRelation(t, s, a, draft, models.RelationComplements)
		_, err := s.Relation(reader(), r.ID)
		wantKind(t, err, models.KindNotFound, "not_found")
		page, err := s.Relations(reader(), models.RelationFilter{Page: models.Page{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 0 {
			t.Errorf("a reader lists %v", page.Items)
		}
		if _, err := s.Relation(editor(), r.ID); err != nil {
			t.Errorf("editor: %v", err)
		}
		if got := feedWhere(t, s, reader(), relationEntries(r.ID)); len(got) != 0 {
			t.Errorf("a reader's feed has %+v", got)
		}
		if err := s.DeleteRelation(ctx, r.ID, models.Precondition{}); err != nil {
			t.Fatal(err)
		}
	})
}

// lastTacticRevision returns the id of the tactic's newest revision.
func lastTacticRevision(t *testing.T, s *store.Store, id int64) int64 {
	t.Helper()
	revs, err := s.Revisions(editor(), models.EntityTactic, idKey(id), models.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return revs.Items[0].ID
}

// mustDeleteTactic deletes the tactic and returns its newest revision from before, to restore.
func mustDeleteTactic(t *testing.T, s *store.Store, tc *models.Tactic) int64 {
	t.Helper()
	rev := lastTacticRevision(t, s, tc.ID)
	if err := s.DeleteTactic(editor(), tc.ID, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	return rev
}

// TestStore_RelationsCascade deletes tactics and restores them: their relations go with them and
// come back with them.
func TestStore_RelationsCascade(t *testing.T) {
	t.Parallel()
	s, a, b, c, d, _ := newRelationStore(t)
	ctx := editor()
	ab := mustCreateRelation(t, s, a, b, models.RelationPrerequisiteOf)
	ca := mustCreateRelation(t, s, c, a, models.RelationComplements)
	bd := mustCreateRelation(t, s, b, d, models.RelationComplements)

	restore := func(tc *models.Tactic, rev int64) {
		t.Helper()
		if _, err := s.RestoreTactic(ctx, tc.ID, rev, models.Precondition{}); err != nil {
			t.Fatalf("restore tactic %s: %v", tc.Code, err)
		}
	}

	aRev := mustDeleteTactic(t, s, a)
	if got := relationIDs(t, s, models.RelationFilter{}); !slices.Equal(got, []int64{bd.ID}) {
		t.Fatalf("after deleting a: relations %v, want only %d", got, bd.ID)
	}
	// Readers saw the relations, so their feed has the deletes.
	deleted := len(feedWhere(t, s, reader(), func(c models.Revision) bool {
		return c.Entity == models.EntityRelation && c.Action == models.ActionDelete
	}))
	if deleted != 2 {
		t.Errorf("a reader's feed has %d relation deletes, want 2", deleted)
	}

	restore(a, aRev)
	got, err := s.Relations(ctx, models.RelationFilter{Page: models.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 3 {
		t.Fatalf("after restoring a: %d relations, want 3", len(got.Items))
	}
	for _, r := range got.Items {
		if r.ID == ab.ID && (r.From != a.Code || r.To != b.Code || r.Version != 2 || r.Type != models.RelationPrerequisiteOf) {
			t.Errorf("restored %+v, want %+v at version 2", r, ab)
		}
	}
	revs, err := s.Revisions(ctx, models.EntityRelation, idKey(ca.ID), models.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(revs.Items) != 3 || revs.Items[0].Action != models.ActionRestore || revs.Items[1].Action != models.ActionDelete {
		t.Errorf("relation %d history: %+v, want create, delete, restore", ca.ID, revs.Items)
	}

	t.Run("OtherEndGone", func(t *testing.T) {
		// a goes (with a→b and c→a), then b (with b→d). a comes back with c→a but without a→b,
		// as b is gone; b's return brings back b→d, and a→b too, though it went with a's delete.
		aRev := mustDeleteTactic(t, s, a)
		bRev := mustDeleteTactic(t, s, b)
		if got := relationIDs(t, s, models.RelationFilter{}); len(got) != 0 {
			t.Fatalf("relations %v left", got)
		}
		restore(a, aRev)
		if got := relationIDs(t, s, models.RelationFilter{}); !slices.Equal(got, []int64{ca.ID}) {
			t.Errorf("after restoring a without b: relations %v, want [%d]", got, ca.ID)
		}
		// A restore of a→b itself needs b.
		relRevs, err := s.Revisions(ctx, models.EntityRelation, idKey(ab.ID), models.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.RestoreRelation(ctx, ab.ID, relRevs.Items[1].ID, models.Precondition{})
		wantKind(t, err, models.KindConflict, "not_restorable")
		restore(b, bRev)
		if got := relationIDs(t, s, models.RelationFilter{}); !slices.Equal(got, []int64{ab.ID, ca.ID, bd.ID}) {
			t.Errorf("after restoring b: relations %v, want %v", got, []int64{ab.ID, ca.ID, bd.ID})
		}
	})

}

// TestStore_RelationsCascadeLoop restores relations that would close a loop of prerequisites made
// while their tactics were gone: they stay deleted.
func TestStore_RelationsCascadeLoop(t *testing.T) {
	t.Parallel()
	s, a, b, c, _, _ := newRelationStore(t)
	ctx := editor()
	ab := mustCreateRelation(t, s, a, b, models.RelationPrerequisiteOf)
	bc := mustCreateRelation(t, s, b, c, models.RelationPrerequisiteOf)
	// a goes with a→b, then b with b→c; a comes back alone, and c prerequisite-of a is made.
	aRev := mustDeleteTactic(t, s, a)
	bRev := mustDeleteTactic(t, s, b)
	if _, err := s.RestoreTactic(ctx, a.ID, aRev, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	ca := mustCreateRelation(t, s, c, a, models.RelationPrerequisiteOf)
	// b's return brings a→b back (the older delete first), but not b→c, which would close
	// a → b → c → a.
	if _, err := s.RestoreTactic(ctx, b.ID, bRev, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if got, want := relationIDs(t, s, models.RelationFilter{}), []int64{ab.ID, ca.ID}; !slices.Equal(got, want) {
		t.Errorf("relations %v, want %v (b→c %d stays deleted)", got, want, bc.ID)
	}
	// Restoring b→c by hand says why it cannot come back.
	revs, err := s.Revisions(ctx, models.EntityRelation, idKey(bc.ID), models.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.RestoreRelation(ctx, bc.ID, revs.Items[len(revs.Items)-1].ID, models.Precondition{})
	e := wantKind(t, err, models.KindConflict, "not_restorable")
	if !strings.Contains(e.Detail, "loop") {
		t.Errorf("detail %q does not mention the loop", e.Detail)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStore_RelationAddresses: addresses runs from a current or recommended tactic to a condition
// (issue 24); the wrong kinds at either end are 422 on that end, and a tactic cannot change kind
// while an addresses relation needs it as it is. Relations may cross chains.
func TestStore_RelationAddresses(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()
	st := mustCreateStage(t, s, mustCreateChain(t, s, "one").ID, "stage", 1)
	other := mustCreateStage(t, s, mustCreateChain(t, s, "two").ID, "stage", 1)
	kinded := func(stageID int64, title, kind string) *models.Tactic {
		in := tacticInput(stageID, title)
		in.Kind = kind
		tc, err := s.CreateTactic(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return tc
	}
	rec := kinded(st.ID, "answer", models.KindRecommended)
	cur := kinded(st.ID, "current answer", models.KindCurrent)
	cond := kinded(st.ID, "condition", models.KindCondition)
	cond2 := kinded(st.ID, "other condition", models.KindCondition)
	twin := kinded(other.ID, "the same measure in the other chain", models.KindRecommended)

	mustCreateRelation(t, s, rec, cond, models.RelationAddresses)
	mustCreateRelation(t, s, cur, cond, models.RelationAddresses)
	for _, bad := range []struct {
		from, to *models.Tactic
		fields   []string
	}{
		{cond, cond2, []string{"from"}},
		{rec, cur, []string{"to"}},
		{cond, rec, []string{"from", "to"}},
	} {
		_, err := s.CreateRelation(ctx, relationInput(bad.from, bad.to, models.RelationAddresses))
		e := wantKind(t, err, models.KindInvalid, "validation_failed")
		if !slices.Equal(fieldsOf(e), bad.fields) {
			t.Errorf("%s addresses %s: fields %v, want %v", bad.from.Code, bad.to.Code, fieldsOf(e), bad.fields)
		}
	}

	// The kinds stay as the relations need them.
	for _, c := range []struct {
		tc   *models.Tactic
		kind string
	}{{cond, models.KindRecommended}, {rec, models.KindCondition}} {
		in := tacticInput(st.ID, c.tc.Title)
		in.Kind = c.kind
		_, err := s.ReplaceTactic(ctx, c.tc.ID, in, models.Precondition{})
		e := wantKind(t, err, models.KindInvalid, "validation_failed")
		if !slices.Equal(fieldsOf(e), []string{"kind"}) {
			t.Errorf("%s to %s: fields %v, want [kind]", c.tc.Code, c.kind, fieldsOf(e))
		}
	}
	// A kind no relation depends on can change.
	in := tacticInput(st.ID, cond2.Title)
	in.Kind = models.KindRecommended
	if _, err := s.ReplaceTactic(ctx, cond2.ID, in, models.Precondition{}); err != nil {
		t.Errorf("change of a condition nothing addresses: %v", err)
	}

	// Across chains: the same measure at a link of each.
	r := mustCreateRelation(t, s, rec, twin, models.RelationDuplicates)
	if r.From != rec.Code || r.To != twin.Code {
		t.Errorf("cross-chain relation %+v", r)
	}
	if ids := relationIDs(t, s, models.RelationFilter{Type: models.RelationAddresses}); len(ids) != 2 {
		t.Errorf("addresses relations: %v, want 2", ids)
	}
}
