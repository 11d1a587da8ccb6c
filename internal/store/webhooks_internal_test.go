package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"chainkb/models"
)

// openOutboxStore opens a store with a chain and a stage, on SQLite or, with
// CHAINKB_TEST_POSTGRES, on a schema of its own, and subscribes an admin key to every change.
func openOutboxStore(t *testing.T) (s *Store, stage int64, ctx context.Context) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "kb.db")
	if pg := os.Getenv("CHAINKB_TEST_POSTGRES"); pg != "" {
		dsn = testSchemaDSN(t, pg)
	}
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	k, err := s.CreateKey(context.Background(), &models.KeyInput{Name: "admin", Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	ctx = models.WithPrincipal(context.Background(), models.Principal{KeyID: k.ID, Name: "admin", Role: models.RoleAdmin})
	stage = mustChainStage(t, s, ctx, "chain", "Chain")
	if _, err := s.CreateWebhook(ctx, &models.WebhookInput{URL: "https://hooks.example.org/x", IncludeDrafts: true}, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"); err != nil {
		t.Fatal(err)
	}
	return s, stage, ctx
}

// owed returns the revision ids the outbox holds, in order, and the revisions made since the
// subscription, which must be the same.
func owed(t *testing.T, s *Store) (deliveries, revisions []int64) {
	t.Helper()
	var err error
	if deliveries, err = linkedIDs(s.r, "SELECT revision_id FROM webhook_deliveries ORDER BY revision_id"); err != nil {
		t.Fatal(err)
	}
	if revisions, err = linkedIDs(s.r, `SELECT id FROM revisions WHERE at >= (SELECT created_at FROM webhook_subscriptions) ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return deliveries, revisions
}

// TestOutboxCommitsWithTheChange: a delivery is owed for every change that commits and for none
// that rolls back, even one that failed after writing its revision, alone or, on SQLite, in a
// batch with writes that commit.
func TestOutboxCommitsWithTheChange(t *testing.T) {
	t.Parallel()
	s, stage, ctx := openOutboxStore(t)
	failAfterWriting := func(code string) error {
		return s.write(ctx, func(tx *gorm.DB) error {
			if _, err := insertTactic(tx, 0, 1, newTacticInput(stage, code), models.ActionCreate); err != nil {
				return err
			}
			var n int64
			if err := tx.Raw("SELECT COUNT(*) FROM webhook_deliveries").Scan(&n).Error; err != nil || n == 0 {
				t.Errorf("inside the write the outbox holds %d rows (%v), want the new tactic's", n, err)
			}
			return models.Conflictf("test", "changed my mind")
		})
	}
	if _, err := s.CreateTactic(ctx, newTacticInput(stage, "T-X-C01")); err != nil {
		t.Fatal(err)
	}
	if err := failAfterWriting("T-X-C02"); err == nil {
		t.Fatal("the failing write committed")
	}
	if s.batcher != nil {
		errs := inOneBatch(t, s,
			func() error { _, err := s.CreateTactic(ctx, newTacticInput(stage, "T-X-C03")); return err },
			func() error { return failAfterWriting("T-X-C04") },
			func() error { _, err := s.CreateTactic(ctx, newTacticInput(stage, "T-X-C05")); return err },
		)
		if errs[0] != nil || errs[1] == nil || errs[2] != nil {
			t.Fatalf("batch: %v", errs)
		}
	}
	deliveries, revisions := owed(t, s)
	want := 1
	if s.batcher != nil {
		want = 3
	}
	if len(revisions) != want || !slices.Equal(deliveries, revisions) {
		t.Errorf("the outbox owes changes %v; the committed changes since the subscription are %v (want %d)", deliveries, revisions, want)
	}
	var codes []string
	if err := s.r.Raw(`SELECT r.data FROM webhook_deliveries d JOIN revisions r ON r.id = d.revision_id`).Scan(&codes).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		if strings.Contains(c, "T-X-C02") || strings.Contains(c, "T-X-C04") {
			t.Errorf("a rolled-back tactic is owed: %s", c)
		}
	}
}

// TestOutboxFilters: a subscription is owed the changes of the entities and chains it asked for,
// drafts only if it includes them, and nothing once disabled or once its key is revoked.
func TestOutboxFilters(t *testing.T) {
	t.Parallel()
	s, stage, ctx := openOutboxStore(t)
	reader, err := s.CreateKey(context.Background(), &models.KeyInput{Name: "reader", Role: "reader"})
	if err != nil {
		t.Fatal(err)
	}
	rctx := models.WithPrincipal(context.Background(), models.Principal{KeyID: reader.ID, Name: "reader", Role: models.RoleReader})
	other, err := s.CreateChain(ctx, &models.ChainInput{Slug: "other", Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	sub := func(c context.Context, in models.WebhookInput) int64 {
		t.Helper()
		in.URL = "https://hooks.example.org/" + in.Description
		w, err := s.CreateWebhook(c, &in, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
		if err != nil {
			t.Fatal(err)
		}
		return w.ID
	}
	tactics := sub(rctx, models.WebhookInput{Description: "tactics", Entities: []string{"tactic"}})
	chain := sub(rctx, models.WebhookInput{Description: "chain", Chains: []string{"chain"}})
	otherChain := sub(rctx, models.WebhookInput{Description: "other", Chains: []string{"other"}})
	if _, err := s.CreateWebhook(rctx, &models.WebhookInput{URL: "https://x.example.org/", IncludeDrafts: true}, "whsec_x"); !models.IsKind(err, models.KindInvalid) {
		t.Errorf("a reader's subscription with drafts: %v, want invalid", err)
	}
	published, err := s.CreateTactic(ctx, newTacticInput(stage, "T-X-C01"))
	if err != nil {
		t.Fatal(err)
	}
	draft := newTacticInput(stage, "T-X-C02")
	draft.Status = models.StatusDraft
	if _, err := s.CreateTactic(ctx, draft); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateTag(ctx, &models.TagInput{Slug: "t", Name: "T", Group: "function"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateStage(ctx, &models.StageInput{ChainID: &other.ID, Slug: "s2", Name: "S2", Actor: "a", Side: models.SideSupply, Position: ptrTo(1)}); err != nil {
		t.Fatal(err)
	}
	// An exchange rate belongs to no chain: it goes whatever chains a subscription names.
	if _, err := s.CreateParameter(ctx, &models.ParameterInput{Slug: "fx-inr-usd-2006", Symbol: "exchange_rate", Central: ptrTo(45.1861),
		Currency: "INR", Geography: "global", Period: "2006", Estimate: models.EstimateReported}); err != nil {
		t.Fatal(err)
	}
	count := func(w int64) map[string]int {
		rows, err := s.r.Raw(`SELECT r.entity FROM webhook_deliveries d JOIN revisions r ON r.id = d.revision_id WHERE d.subscription_id = ?`, w).Rows()
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var e string
			rows.Scan(&e)
			out[e]++
		}
		return out
	}
	for name, c := range map[string]struct {
		id   int64
		want map[string]int
	}{
		"tactics only, no drafts": {tactics, map[string]int{"tactic": 1}},
		"chain 'chain'":           {chain, map[string]int{"tactic": 1, "tag": 1, "parameter": 1}},
		"chain 'other'":           {otherChain, map[string]int{"tag": 1, "stage": 1, "parameter": 1}},
	} {
		if got := count(c.id); !mapsEqual(got, c.want) {
			t.Errorf("%s: owed %v, want %v", name, got, c.want)
		}
	}
	// Disabled, and revoked: nothing more is owed.
	if _, err := s.UpdateWebhook(rctx, tactics, &models.WebhookInput{URL: "https://hooks.example.org/tactics", Entities: []string{"tactic"}, Enabled: ptrTo(false)}, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeKey(context.Background(), reader.ID); err != nil {
		t.Fatal(err)
	}
	in := newTacticInput(stage, "")
	if _, err := s.ReplaceTactic(ctx, published.ID, in, models.Precondition{Version: ptrTo(published.Version)}); err != nil {
		t.Fatal(err)
	}
	if got := count(tactics)["tactic"] + count(chain)["tactic"]; got != 2 {
		t.Errorf("after disabling one subscription and revoking the other's key, they are owed %d tactic changes, want the 2 from before", got)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
