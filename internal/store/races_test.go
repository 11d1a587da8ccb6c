package store_test

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// Races between writes that each pass their checks alone: on PostgreSQL they run at once, and
// must still leave the data right and answer as the API promises (a success, or a 409 or 422
// that says why), never an internal error. On SQLite writes take turns, so the same tests check
// the answers only. CHAINKB_TEST_RACE_ROUNDS runs more rounds than the default.

func raceRounds() int {
	if n, err := strconv.Atoi(os.Getenv("CHAINKB_TEST_RACE_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 20
}

// both runs a and b at once, as close together as two goroutines allow.
func both(a, b func() error) (errA, errB error) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	wg.Add(2)
	go func() { defer wg.Done(); <-start; errA = a() }()
	go func() { defer wg.Done(); <-start; errB = b() }()
	close(start)
	wg.Wait()
	return errA, errB
}

// answered fails the test unless err is nil or a client error of one of kinds: what the API
// would answer with a 4xx that says what to do.
func answered(t *testing.T, what string, err error, kinds ...models.ErrorKind) {
	t.Helper()
	if err == nil {
		return
	}
	e, ok := models.AsError(err)
	if !ok {
		t.Errorf("%s: internal error (a 500): %v", what, err)
		return
	}
	for _, k := range kinds {
		if e.Kind == k {
			return
		}
	}
	t.Errorf("%s: %v (kind %d, code %s), want a success or one of kinds %v", what, err, e.Kind, e.Code, kinds)
}

// relate is a write for both: the relation of type typ from a to b.
func relate(s *store.Store, a, b *models.Tactic, typ string) func() error {
	return func() error {
		_, err := s.CreateRelation(editor(), relationInput(a, b, typ))
		return err
	}
}

// Issue 25, item 1: A prerequisite-of B and B prerequisite-of A, written at once, must not both
// succeed: that would be a loop, which no export could import again.
func TestRace_PrerequisiteLoop(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ch := mustCreateChain(t, s, "chain")
	st := mustCreateStage(t, s, ch.ID, "stage", 1)
	for round := range raceRounds() {
		a := mustCreateTactic(t, s, st.ID, fmt.Sprintf("a%d", round))
		b := mustCreateTactic(t, s, st.ID, fmt.Sprintf("b%d", round))
		errAB, errBA := both(
			relate(s, a, b, models.RelationPrerequisiteOf),
			relate(s, b, a, models.RelationPrerequisiteOf),
		)
		if errAB == nil && errBA == nil {
			t.Fatalf("round %d: %s → %s and %s → %s both made: a loop of prerequisites", round, a.Code, b.Code, b.Code, a.Code)
		}
		answered(t, "A prerequisite-of B", errAB, models.KindInvalid, models.KindConflict)
		answered(t, "B prerequisite-of A", errBA, models.KindInvalid, models.KindConflict)
	}
	// The same race between an import and an API write.
	for round := range raceRounds() {
		a := mustCreateTactic(t, s, st.ID, fmt.Sprintf("ia%d", round))
		b := mustCreateTactic(t, s, st.ID, fmt.Sprintf("ib%d", round))
		bundle := &store.Bundle{FormatVersion: store.BundleFormat, Relations: []models.RelationInput{*relationInput(a, b, models.RelationPrerequisiteOf)}}
		errImport, errBA := both(
			func() error { _, err := s.Import(editor(), bundle, false); return err },
			relate(s, b, a, models.RelationPrerequisiteOf),
		)
		if errImport == nil && errBA == nil {
			t.Fatalf("round %d: an import of %s → %s and a create of %s → %s both made: a loop", round, a.Code, b.Code, b.Code, a.Code)
		}
		answered(t, "import A prerequisite-of B", errImport, models.KindInvalid, models.KindConflict)
		answered(t, "B prerequisite-of A", errBA, models.KindInvalid, models.KindConflict)
	}
	// What is left imports into an empty store: no loop.
	raw := export(t, s)
	if _, err := newTestStore(t).Import(editor(), decodeBundle(t, raw), false); err != nil {
		t.Fatalf("the export does not import into an empty store: %v", err)
	}
}

// Issue 25, item 4: a source deleted while a tactic starts citing it, and a tactic deleted while
// a relation to it is made. Either may win; the loser learns why (409 or 422), and nothing is
// left half done: no citation of a deleted source, no relation to a deleted tactic.
func TestRace_DeleteWhileReferenced(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ch := mustCreateChain(t, s, "chain")
	st := mustCreateStage(t, s, ch.ID, "stage", 1)
	other := mustCreateTactic(t, s, st.ID, "other")
	for round := range raceRounds() {
		slug := fmt.Sprintf("source-%d", round)
		src, err := s.CreateSource(editor(), &models.SourceInput{Slug: slug, Title: "Source " + slug, Type: "grey"})
		if err != nil {
			t.Fatal(err)
		}
		tc := mustCreateTactic(t, s, st.ID, fmt.Sprintf("citing %d", round))
		in := tacticInput(st.ID, tc.Title)
		in.Citations = []models.Citation{{Source: slug, Supports: "supports"}}
		errDelete, errCite := both(
			func() error { return s.DeleteSource(editor(), src.Slug, models.Precondition{}) },
			func() error {
				_, err := s.ReplaceTactic(editor(), tc.ID, in, models.Precondition{})
				return err
			},
		)
		answered(t, "delete source", errDelete, models.KindConflict)
		answered(t, "cite source", errCite, models.KindInvalid, models.KindConflict)
		if errDelete == nil && errCite == nil {
			t.Fatalf("round %d: the source was deleted and cited at once", round)
		}
		got, err := s.Tactic(editor(), tc.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, srcErr := s.Source(editor(), slug)
		if len(got.Citations) > 0 && srcErr != nil {
			t.Fatalf("round %d: the tactic cites %s, which is gone", round, slug)
		}

		victim := mustCreateTactic(t, s, st.ID, fmt.Sprintf("victim %d", round))
		errDelete, errRelate := both(
			func() error { return s.DeleteTactic(editor(), victim.ID, models.Precondition{}) },
			relate(s, other, victim, models.RelationComplements),
		)
		answered(t, "delete tactic", errDelete, models.KindConflict)
		answered(t, "relate to it", errRelate, models.KindInvalid, models.KindConflict)
		rels, err := s.TacticRelations(editor(), strconv.FormatInt(other.ID, 10), models.RelationFilter{Page: models.Page{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rels.Items {
			if r.Other == victim.Code {
				if _, err := s.Tactic(editor(), victim.ID); err != nil {
					t.Fatalf("round %d: relation %d names %s, which is gone", round, r.ID, victim.Code)
				}
			}
		}
	}
}

// Issue 25, item 7: an import that creates a tactic while the API creates one with the same code.
// One of them makes it; the other is a 409 (duplicate_code), not the import's 422.
func TestRace_ImportAndCreateOfOneCode(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ch := mustCreateChain(t, s, "chain")
	st := mustCreateStage(t, s, ch.ID, "stage", 1)
	mustCreateTactic(t, s, st.ID, "seed")
	base := decodeBundle(t, export(t, s))
	for round := range raceRounds() {
		code := fmt.Sprintf("RC-S-R%02d", round+1)
		b := *base
		bt := b.Tactics[0]
		bt.Code, bt.Title, bt.Version = code, "imported "+code, nil
		b.Tactics = append(b.Tactics[:len(b.Tactics):len(b.Tactics)], bt)
		in := tacticInput(st.ID, "created "+code)
		in.Code = code
		errImport, errCreate := both(
			func() error { _, err := s.Import(editor(), &b, false); return err },
			func() error { _, err := s.CreateTactic(editor(), in); return err },
		)
		answered(t, "import", errImport, models.KindConflict)
		answered(t, "create", errCreate, models.KindConflict)
	}
}
