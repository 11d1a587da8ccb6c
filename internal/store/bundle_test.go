package store_test

import (
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

func testBundle() *store.Bundle {
	stage := func(slug, side string, pos int) store.BundleStage {
		return store.BundleStage{Chain: "bundle-chain", StageInput: models.StageInput{Slug: slug, Name: slug, Actor: "someone", Side: side, Position: ptr(pos)}}
	}
	return &store.Bundle{
		FormatVersion: store.BundleFormat,
		Sources:       []models.SourceInput{{Slug: "a-source", Title: "A source", Type: models.SourceGrey}},
		Chains:        []models.ChainInput{{Slug: "bundle-chain", Name: "Bundle chain"}},
		Tags:          []models.TagInput{{Slug: "short-term", Name: "Short term", Group: models.HorizonGroup}},
		Stages:        []store.BundleStage{stage("product", models.SideSupply, 1), stage("consumer", models.SideDemand, 4)},
		Tactics: []store.BundleTactic{
			{Chain: "bundle-chain", Stage: "consumer", TacticInput: models.TacticInput{Code: "BC-C-R01", Kind: models.KindRecommended,
				Title: "Fine buyers", Summary: "Raise the buyer's cost.", Tags: []models.TagRef{"short-term"},
				Citations: []models.Citation{{Source: "a-source", Supports: models.SupportsSupports}}}},
			{Chain: "bundle-chain", Stage: "consumer", TacticInput: models.TacticInput{Code: "BC-C-R02", Kind: models.KindRecommended,
				Title: "Tell buyers", Summary: "Warn them.", Tags: []models.TagRef{"short-term"}}},
		},
		Relations: []models.RelationInput{{From: "BC-C-R01", To: "BC-C-R02", Type: models.RelationComplements}},
	}
}

func TestStore_ApplySeedOnce(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()

	r, applied, err := s.ApplySeed(ctx, "test", testBundle(), nil)
	if err != nil || !applied || r.Created != 8 {
		t.Fatalf("first apply: %+v, applied %t, err %v; want 8 objects created", r, applied, err)
	}
	tactics, err := s.Tactics(reader(), models.TacticFilter{Page: models.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	// The seed is published knowledge: a reader sees it, under its codes.
	if len(tactics.Items) != 2 || tactics.Items[0].Status != models.StatusPublished || tactics.Items[0].Code != "BC-C-R01" ||
		len(tactics.Items[0].Tags) != 1 || len(tactics.Items[0].Citations) != 1 {
		t.Fatalf("tactics = %+v, want two published tactics with their codes, tags and citations", tactics.Items)
	}

	// An editor deletes one; a second apply of the same seed (a restart) does nothing.
	if err := s.DeleteTactic(ctx, tactics.Items[0].ID, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, applied, err = s.ApplySeed(ctx, "test", testBundle(), nil); err != nil || applied {
		t.Fatalf("second apply: applied %t, err %v; want false, nil", applied, err)
	}
	// A new release's seed leaves the deleted tactic deleted, updates what is still as seeded
	// and leaves what an editor changed.
	if _, err := s.ReplaceTag(ctx, "short-term", &models.TagInput{Slug: "short-term", Name: "Short (edited)", Group: models.HorizonGroup}, models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	next := testBundle()
	next.Tactics[1].Title = "Tell buyers what they risk"
	next.Tags[0].Name = "Short term, from the seed"
	r, applied, err = s.ApplySeed(ctx, "test-2", next, nil)
	if err != nil || !applied {
		t.Fatalf("new seed: applied %t, err %v", applied, err)
	}
	if _, err := s.TacticID(ctx, "BC-C-R01"); !models.IsKind(err, models.KindNotFound) {
		t.Errorf("BC-C-R01 was deleted by an editor; after a new seed: %v, want not found", err)
	}
	id, err := s.TacticID(ctx, "BC-C-R02")
	if err != nil {
		t.Fatal(err)
	}
	if tc, _ := s.Tactic(ctx, id); tc == nil || tc.Title != "Tell buyers what they risk" {
		t.Errorf("BC-C-R02, still as seeded, = %+v; want the new seed's title", tc)
	}
	if tag, _ := s.Tag(ctx, "short-term"); tag == nil || tag.Name != "Short (edited)" {
		t.Errorf("tag edited by an editor = %+v; want the editor's name kept", tag)
	}
	if len(r.LeftAlone) != 3 { // the deleted tactic, its relation, the edited tag
		t.Errorf("left alone: %q; want the deleted tactic, its relation and the edited tag", r.LeftAlone)
	}
}

func TestStore_ApplySeedAllOrNothing(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := editor()
	b := testBundle()
	b.Tactics[1].Citations = []models.Citation{{Source: "no-such-source", Supports: models.SupportsSupports}}
	if _, applied, err := s.ApplySeed(ctx, "bad", b, nil); err == nil || applied || !strings.Contains(err.Error(), "/tactics/1/citations/0/source") {
		t.Fatalf("applied %t, err %v; want an error naming the bad citation by JSON pointer", applied, err)
	}
	chains, err := s.Chains(ctx, models.ChainFilter{Page: models.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(chains.Items) != 0 {
		t.Errorf("%d chains after a failed seed, want 0", len(chains.Items))
	}
	// Fixed, it applies: the failed attempt was not recorded.
	if _, applied, err := s.ApplySeed(ctx, "bad", testBundle(), nil); err != nil || !applied {
		t.Errorf("applied %t, err %v; want true, nil", applied, err)
	}
	// A bundle of another format is refused before anything is written.
	other := testBundle()
	other.FormatVersion = 1
	if _, _, err := s.ApplySeed(ctx, "other", other, nil); err == nil {
		t.Error("a bundle of format_version 1 was applied")
	}
}
