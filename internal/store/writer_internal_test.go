package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// These tests drive the SQLite batcher (writer.go) on a real database file. They hold the writer
// with a write that waits, queue the writes under test behind it, and release it, so that the
// queued writes commit together in one batch.

func batchEditor() context.Context {
	return models.WithPrincipal(context.Background(), models.Principal{KeyID: 1, Name: "test", Role: models.RoleEditor})
}

// openBatchStore opens a store on a fresh SQLite file, with a chain and a stage to put tactics at.
func openBatchStore(t *testing.T) (*Store, int64) {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "kb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, mustChainStage(t, s, batchEditor(), "chain", "Chain")
}

// mustChainStage creates, as ctx, a chain with one stage to put tactics at, and returns the
// stage's id.
func mustChainStage(t *testing.T, s *Store, ctx context.Context, slug, name string) int64 {
	t.Helper()
	c, err := s.CreateChain(ctx, &models.ChainInput{Slug: slug, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	pos := 1
	st, err := s.CreateStage(ctx, &models.StageInput{ChainID: &c.ID, Slug: "stage", Name: "Stage", Actor: "someone",
		Side: models.SideSupply, Position: &pos})
	if err != nil {
		t.Fatal(err)
	}
	return st.ID
}

func newTacticInput(stageID int64, code string) *models.TacticInput {
	return &models.TacticInput{StageID: &stageID, Code: code, Kind: models.KindCurrent, Status: models.StatusPublished,
		Title: "Tactic " + code, Summary: "Summary of " + code}
}

// holdWriter runs a write that waits until release is called, so that the writes sent meanwhile
// queue behind it.
func holdWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, rel := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.write(context.Background(), func(*gorm.DB) error { close(started); <-rel; return nil })
	}()
	<-started
	return func() {
		close(rel)
		if err := <-done; err != nil {
			t.Errorf("holding write: %v", err)
		}
	}
}

// waitQueued waits until n writes are queued.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.batcher.queued() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", s.batcher.queued(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// inOneBatch runs each of calls in a goroutine of its own, all queued behind a held writer, and
// returns their errors once all have returned. It checks that they committed in one transaction.
func inOneBatch(t *testing.T, s *Store, calls ...func() error) []error {
	t.Helper()
	release := holdWriter(t, s)
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = call() }()
		waitQueued(t, s, i+1) // in order: the batch runs them in the order they queued
	}
	batches := s.batcher.batches
	release()
	wg.Wait()
	if got := s.batcher.batches - batches; got != 2 {
		t.Errorf("the held write and the queued ones took %d transactions, want 2", got)
	}
	return errs
}

// revisionIDs returns every revision id, in order, and the generation.
func revisionIDs(t *testing.T, s *Store) ([]int64, int64) {
	t.Helper()
	var ids []int64
	if err := s.read(context.Background()).Table("revisions").Order("id").Pluck("id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	gen, err := s.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ids, gen
}

// checkGapFree checks that the revision ids are 1..n and the generation is n.
func checkGapFree(t *testing.T, s *Store) int {
	t.Helper()
	ids, gen := revisionIDs(t, s)
	for i, id := range ids {
		if id != int64(i+1) {
			t.Fatalf("revision ids %v are not gap-free", ids)
		}
	}
	if gen != int64(len(ids)) {
		t.Errorf("generation %d, want %d (the last revision)", gen, len(ids))
	}
	return len(ids)
}

func TestBatchCommitsTogether(t *testing.T) {
	t.Parallel()
	s, stage := openBatchStore(t)
	before := checkGapFree(t, s)
	const n = 40
	calls := make([]func() error, n)
	for i := range calls {
		calls[i] = func() error {
			_, err := s.CreateTactic(batchEditor(), newTacticInput(stage, fmt.Sprintf("T-X-C%02d", i+1)))
			return err
		}
	}
	for i, err := range inOneBatch(t, s, calls...) {
		if err != nil {
			t.Errorf("create %d: %v", i, err)
		}
	}
	if got := checkGapFree(t, s); got != before+n {
		t.Errorf("%d revisions, want %d: one per create", got, before+n)
	}
	// Each revision is its own tactic's, in the order the creates queued.
	var rows []revisionRow
	s.read(context.Background()).Table("revisions").Where("id > ?", before).Order("id").Find(&rows)
	for i, r := range rows {
		if r.Entity != models.EntityTactic || r.Action != models.ActionCreate || r.Actor != "test (key 1)" {
			t.Errorf("revision %d: %s %s by %q", r.ID, r.Action, r.Entity, r.Actor)
		}
		var tc models.Tactic
		if err := scanJSON(r.Data, &tc); err != nil || tc.Code != fmt.Sprintf("T-X-C%02d", i+1) {
			t.Errorf("revision %d records %q (%v), want the %dth create", r.ID, tc.Code, err, i+1)
		}
	}
}

func TestBatchFailingWriteKeepsItsOwnError(t *testing.T) {
	t.Parallel()
	s, stage := openBatchStore(t)
	existing, err := s.CreateTactic(batchEditor(), newTacticInput(stage, "T-X-C01"))
	if err != nil {
		t.Fatal(err)
	}
	before := checkGapFree(t, s)
	var second *models.Tactic
	errs := inOneBatch(t, s,
		func() error { _, err := s.CreateTactic(batchEditor(), newTacticInput(stage, "T-X-C02")); return err },
		// The same code again: 409, after its tactic row may have been tried.
		func() error { _, err := s.CreateTactic(batchEditor(), newTacticInput(stage, "T-X-C01")); return err },
		// A stale version: 412.
		func() error {
			_, err := s.ReplaceTactic(batchEditor(), existing.ID, newTacticInput(stage, ""), models.Precondition{Version: ptrTo(existing.Version + 1)})
			return err
		},
		// A write that fails after it has written: its revision must go with it.
		func() error {
			return s.write(batchEditor(), func(tx *gorm.DB) error {
				if _, err := insertTactic(tx, 0, 1, newTacticInput(stage, "T-X-C09"), models.ActionCreate); err != nil {
					return err
				}
				return models.Conflictf("test", "changed my mind")
			})
		},
		func() error {
			var err error
			second, err = s.CreateTactic(batchEditor(), newTacticInput(stage, "T-X-C03"))
			return err
		},
	)
	if errs[0] != nil || errs[4] != nil {
		t.Fatalf("the good writes failed: %v, %v", errs[0], errs[4])
	}
	if e, ok := models.AsError(errs[1]); !ok || e.Code != "duplicate_code" {
		t.Errorf("duplicate code: got %v, want a duplicate_code conflict", errs[1])
	}
	if !models.IsKind(errs[2], models.KindPreconditionFailed) {
		t.Errorf("stale version: got %v, want a failed precondition", errs[2])
	}
	if e, ok := models.AsError(errs[3]); !ok || e.Code != "test" {
		t.Errorf("failing write: got %v, want its own error", errs[3])
	}
	if got := checkGapFree(t, s); got != before+2 {
		t.Errorf("%d revisions, want %d: the two good creates' only", got, before+2)
	}
	for _, code := range []string{"T-X-C02", "T-X-C03"} {
		if _, err := s.TacticID(batchEditor(), code); err != nil {
			t.Errorf("tactic %s: %v", code, err)
		}
	}
	if _, err := s.TacticID(batchEditor(), "T-X-C09"); !models.IsKind(err, models.KindNotFound) {
		t.Errorf("the failed write's tactic: %v, want not found", err)
	}
	// The good write after the failures saw the writes before it and got the next id.
	if second == nil || second.Position != 3 {
		t.Errorf("the last create is at position %v, want 3 (after the two good ones before it)", second)
	}
}

// A COMMIT that fails (here a deferred foreign key, checked only at COMMIT) fails every write of
// the batch, and none of the batch is written.
func TestBatchCommitFailureFailsEveryWrite(t *testing.T) {
	t.Parallel()
	s, stage := openBatchStore(t)
	if _, err := s.wSQL.Exec(`CREATE TABLE test_parent (id INTEGER PRIMARY KEY);
		CREATE TABLE test_child (parent INTEGER REFERENCES test_parent (id) DEFERRABLE INITIALLY DEFERRED)`); err != nil {
		t.Fatal(err)
	}
	before := checkGapFree(t, s)
	create := func(code string) func() error {
		return func() error { _, err := s.CreateTactic(batchEditor(), newTacticInput(stage, code)); return err }
	}
	errs := inOneBatch(t, s, create("T-X-C01"), func() error {
		return s.write(batchEditor(), func(tx *gorm.DB) error {
			return tx.Exec("INSERT INTO test_child (parent) VALUES (42)").Error // fine until COMMIT
		})
	}, create("T-X-C02"))
	for i, err := range errs {
		if _, isClients := models.AsError(err); err == nil || isClients {
			t.Errorf("write %d: got %v, want an internal error", i, err)
		}
	}
	if got := checkGapFree(t, s); got != before {
		t.Errorf("%d revisions after a failed commit, want %d", got, before)
	}
	var n int64
	s.read(context.Background()).Table("tactics").Count(&n)
	if n != 0 {
		t.Errorf("%d tactics after a failed commit, want 0", n)
	}
	// The writer is fine afterwards.
	if _, err := s.CreateTactic(batchEditor(), newTacticInput(stage, "T-X-C01")); err != nil {
		t.Fatal(err)
	}
	checkGapFree(t, s)

	// The test hook fails a commit the same way (that of the batch, not of the held write).
	s.batcher.beforeCommit = func(batch []*queuedWrite) error {
		if len(batch) > 1 {
			return errors.New("no")
		}
		return nil
	}
	errs = inOneBatch(t, s, create("T-X-C05"), create("T-X-C06"))
	s.batcher.beforeCommit = nil
	for i, err := range errs {
		if err == nil {
			t.Errorf("write %d committed through a failed commit", i)
		}
	}
	if _, err := s.TacticID(batchEditor(), "T-X-C05"); !models.IsKind(err, models.KindNotFound) {
		t.Errorf("tactic of a failed commit: %v", err)
	}
}

func TestBatchSkipsCancelledWrite(t *testing.T) {
	t.Parallel()
	s, stage := openBatchStore(t)
	ctx, cancel := context.WithCancel(batchEditor())
	ran := false
	errs := inOneBatch(t, s,
		func() error { _, err := s.CreateTactic(batchEditor(), newTacticInput(stage, "T-X-C01")); return err },
		func() error {
			return s.write(ctx, func(*gorm.DB) error { ran = true; return nil })
		},
		func() error {
			cancel() // before the batch runs: the second write's turn has not come
			_, err := s.CreateTactic(batchEditor(), newTacticInput(stage, "T-X-C02"))
			return err
		},
	)
	if ran || !errors.Is(errs[1], context.Canceled) {
		t.Errorf("cancelled write: ran %t, error %v; want not run, context.Canceled", ran, errs[1])
	}
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("the other writes: %v, %v", errs[0], errs[2])
	}
	checkGapFree(t, s)
}

func TestBatchPanicStaysWithItsCaller(t *testing.T) {
	t.Parallel()
	s, stage := openBatchStore(t)
	var recovered any
	errs := inOneBatch(t, s,
		func() error {
			defer func() { recovered = recover() }()
			return s.write(batchEditor(), func(tx *gorm.DB) error {
				if _, err := insertTactic(tx, 0, 1, newTacticInput(stage, "T-X-C09"), models.ActionCreate); err != nil {
					return err
				}
				panic("boom")
			})
		},
		func() error { _, err := s.CreateTactic(batchEditor(), newTacticInput(stage, "T-X-C01")); return err },
	)
	if recovered != "boom" {
		t.Errorf("the caller recovered %v, want its fn's panic", recovered)
	}
	if errs[1] != nil {
		t.Errorf("the other write: %v", errs[1])
	}
	if _, err := s.TacticID(batchEditor(), "T-X-C09"); !models.IsKind(err, models.KindNotFound) {
		t.Errorf("the panicking write's tactic: %v, want not found", err)
	}
	checkGapFree(t, s)
}

func ptrTo[T any](v T) *T { return &v }
