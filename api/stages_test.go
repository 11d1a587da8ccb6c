package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// Issue 25, item 2: a stage's slug is what other tactics of its chain name in also_applies_to,
// and what any tactic of the chain names in the links of its acts_on effects (issue 23). Renaming the stage renames it there too (each such tactic moves to its next version, with a
// revision, so mirrors follow); deleting a stage that tactics still name is refused (409 in_use),
// as deleting one with tactics of its own is. A tactic's PATCH of an untouched field then never
// fails on a stale slug, and the export imports again.
func TestStageSlugReferences(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var st models.Stage
	stages := collectAs[models.Stage](t, s, "/api/v1/stages?chain=sex-trafficking&limit=200")
	for _, x := range stages {
		if x.Slug == "wholesaler" {
			st = x
		}
	}
	if st.ID == 0 {
		t.Fatal("the seed has no wholesaler stage in sex-trafficking")
	}
	var naming []tactic
	inLinks := 0
	for _, tc := range collectAs[tactic](t, s, "/api/v1/tactics?chain=sex-trafficking&limit=200") {
		if slices.Contains(tc.AlsoAppliesTo, "wholesaler") || slices.ContainsFunc(tc.ActsOn, linksTo("wholesaler")) {
			naming = append(naming, tc)
		}
		if slices.ContainsFunc(tc.ActsOn, linksTo("wholesaler")) {
			inLinks++
		}
	}
	if len(naming) == 0 || inLinks == 0 {
		t.Fatalf("the seed names wholesaler in also_applies_to of %d tactic(s), in acts_on links of %d: the test needs both", len(naming)-inLinks, inLinks)
	}
	stagePath := fmt.Sprintf("/api/v1/stages/%d", st.ID)

	// Rename: the references follow.
	s.do(t, "PATCH", stagePath, obj{"slug": "trafficker"}, "If-Match", "*").mustStatus(t, 200)
	for _, before := range naming {
		var after tactic
		path := fmt.Sprintf("/api/v1/tactics/%d", before.ID)
		s.do(t, "GET", path, nil).mustStatus(t, 200).decode(t, &after)
		if slices.Contains(after.AlsoAppliesTo, "wholesaler") || slices.Contains(before.AlsoAppliesTo, "wholesaler") != slices.Contains(after.AlsoAppliesTo, "trafficker") {
			t.Errorf("%s: also_applies_to %v after the rename", after.Code, after.AlsoAppliesTo)
		}
		if slices.ContainsFunc(after.ActsOn, linksTo("wholesaler")) || slices.ContainsFunc(before.ActsOn, linksTo("wholesaler")) != slices.ContainsFunc(after.ActsOn, linksTo("trafficker")) {
			t.Errorf("%s: acts_on %+v after the rename", after.Code, after.ActsOn)
		}
		if after.Version != before.Version+1 {
			t.Errorf("%s: version %d, want %d: the rename changed it", after.Code, after.Version, before.Version+1)
		}
		// A patch of another field succeeds.
		s.do(t, "PATCH", path, obj{"summary": before.Summary + " Still."}, "If-Match", "*").mustStatus(t, 200)
	}
	revs := revisionsOf(t, s, "tactics", fmt.Sprint(naming[0].ID))
	if len(revs) < 2 {
		t.Errorf("%s has %d revisions; the rename should have recorded one", naming[0].Code, len(revs))
	}

	// The export imports into an empty instance.
	b, _ := exportBundle(t, s, "?include=drafts")
	empty, err := store.Open(context.Background(), newTestDB(t).DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if _, err := empty.Import(asEditor(), b, false); err != nil {
		t.Errorf("the export after a rename does not import into an empty instance: %v", err)
	}

	// Delete: refused while tactics name the stage, with the count.
	p := s.do(t, "DELETE", stagePath, nil).problem(t, http.StatusConflict)
	if p.Code != "in_use" {
		t.Errorf("code %q, want in_use", p.Code)
	}
}

func linksTo(slug string) func(models.ActsOn) bool {
	return func(e models.ActsOn) bool { return slices.Contains(e.Links, slug) }
}

// A database whose stages were renamed before the rename was followed into also_applies_to is
// repaired once, when chainkb starts (data step 0019).
func TestStaleStageSlugsRepaired(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var before tactic
	for _, tc := range collectAs[tactic](t, s, "/api/v1/tactics?chain=sex-trafficking&limit=200") {
		if slices.Contains(tc.AlsoAppliesTo, "wholesaler") {
			before = tc
			break
		}
	}
	// What an earlier release did: the stage's slug changed, and nothing else.
	s.exec(t, "UPDATE stages SET slug = 'trafficker' WHERE slug = 'wholesaler' AND chain_id = $1", before.ChainID)
	s.exec(t, "DELETE FROM schema_migrations WHERE version = '0019_stale_stage_slugs.data'")
	again, err := store.Open(context.Background(), s.DB.DSN)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	var after tactic
	s.do(t, "GET", fmt.Sprintf("/api/v1/tactics/%d", before.ID), nil).mustStatus(t, 200).decode(t, &after)
	if slices.Contains(after.AlsoAppliesTo, "wholesaler") || !slices.Contains(after.AlsoAppliesTo, "trafficker") || after.Version != before.Version+1 {
		t.Errorf("%s after the repair: also_applies_to %v at version %d (was %v at %d)", after.Code, after.AlsoAppliesTo, after.Version, before.AlsoAppliesTo, before.Version)
	}
	s.do(t, "PATCH", fmt.Sprintf("/api/v1/tactics/%d", before.ID), obj{"summary": "Still here."}, "If-Match", "*").mustStatus(t, 200)
}
