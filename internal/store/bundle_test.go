package store_test

import (
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

func testBundle() *store.Bundle {
	return &store.Bundle{
		Chain: models.ChainInput{Slug: "bundle-chain", Name: "Bundle chain"},
		Tags:  []models.TagInput{{Slug: "short-term", Name: "Short term", Group: models.HorizonGroup}},
		Stages: []models.StageInput{
			{Slug: "product", Name: "Product", Actor: "victim", Side: models.SideSupply, Position: ptr(1)},
			{Slug: "consumer", Name: "Consumer", Actor: "buyer", Side: models.SideDemand, Position: ptr(4)},
		},
		Tactics: []store.BundleTactic{
			{Stage: "consumer", TacticInput: models.TacticInput{Kind: models.KindRecommended, Title: "Fine buyers",
				Summary: "Raise the buyer's cost.", Tags: []models.TagRef{"short-term"}}},
		},
	}
}

func TestStore_ApplyBundleOnce(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()

	applied, err := s.ApplyBundleOnce(ctx, "test", testBundle())
	if err != nil || !applied {
		t.Fatalf("first apply: applied %t, err %v; want true, nil", applied, err)
	}
	tactics, err := s.Tactics(reader(), models.TacticFilter{Page: models.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	// The seed is published knowledge: a reader sees it.
	if len(tactics.Items) != 1 || tactics.Items[0].Status != models.StatusPublished || len(tactics.Items[0].Tags) != 1 {
		t.Fatalf("tactics = %+v, want one published tactic with its tag", tactics.Items)
	}

	// An editor deletes the tactic; a second apply (a restart) must not bring it back.
	if err := s.DeleteTactic(ctx, tactics.Items[0].ID, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	applied, err = s.ApplyBundleOnce(ctx, "test", testBundle())
	if err != nil || applied {
		t.Fatalf("second apply: applied %t, err %v; want false, nil", applied, err)
	}
	tactics, err = s.Tactics(ctx, models.TacticFilter{Page: models.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tactics.Items) != 0 {
		t.Errorf("%d tactics after the second apply, want 0", len(tactics.Items))
	}
}

func TestStore_ApplyBundleOnceAllOrNothing(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()
	b := testBundle()
	b.Tactics[0].Stage = "no-such-stage"
	if applied, err := s.ApplyBundleOnce(ctx, "bad", b); err == nil || applied {
		t.Fatalf("applied %t, err %v; want an error", applied, err)
	}
	chains, err := s.Chains(ctx, models.ChainFilter{Page: models.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(chains.Items) != 0 {
		t.Errorf("%d chains after a failed bundle, want 0", len(chains.Items))
	}
	// Fixed, it applies: the failed attempt was not recorded.
	if applied, err := s.ApplyBundleOnce(ctx, "bad", testBundle()); err != nil || !applied {
		t.Errorf("applied %t, err %v; want true, nil", applied, err)
	}
}
