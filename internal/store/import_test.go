package store_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
	"chainkb/seeds"
)

// seeded returns a store holding the seed.
func seeded(t *testing.T) *store.Store {
	t.Helper()
	s := newTestStore(t)
	if _, err := seeds.Load(editor(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// export returns s's bundle, drafts included.
func export(t *testing.T, s *store.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Export(editor(), &buf, true, func(int64) bool { return true }); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeBundle(t *testing.T, raw []byte) *store.Bundle {
	t.Helper()
	var b store.Bundle
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("decode bundle: %v\n%.500s", err, raw)
	}
	return &b
}

// sorted is a bundle in a canonical order, as JSON.
func sorted(t *testing.T, raw []byte) string {
	t.Helper()
	b := decodeBundle(t, raw)
	slices.SortFunc(b.Sources, func(x, y models.SourceInput) int { return cmp.Compare(x.Slug, y.Slug) })
	slices.SortFunc(b.Tags, func(x, y models.TagInput) int { return cmp.Compare(x.Slug, y.Slug) })
	slices.SortFunc(b.Chains, func(x, y models.ChainInput) int { return cmp.Compare(x.Slug, y.Slug) })
	slices.SortFunc(b.Stages, func(x, y store.BundleStage) int { return cmp.Compare(x.Chain+"/"+x.Slug, y.Chain+"/"+y.Slug) })
	slices.SortFunc(b.Tactics, func(x, y store.BundleTactic) int { return cmp.Compare(x.Code, y.Code) })
	slices.SortFunc(b.Relations, func(x, y models.RelationInput) int {
		return cmp.Compare(x.From+" "+x.Type+" "+x.To, y.From+" "+y.Type+" "+y.To)
	})
	out, err := json.MarshalIndent(b, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// snapshot counts the rows of the content tables and reads the generation.
func snapshot(t *testing.T, s *store.Store) string {
	t.Helper()
	gen, err := s.Generation(editor())
	if err != nil {
		t.Fatal(err)
	}
	raw := export(t, s)
	b := decodeBundle(t, raw)
	return fmt.Sprintf("gen=%d sources=%d tags=%d chains=%d stages=%d tactics=%d relations=%d\n%s",
		gen, len(b.Sources), len(b.Tags), len(b.Chains), len(b.Stages), len(b.Tactics), len(b.Relations), raw)
}

func TestExportImportRoundTrip(t *testing.T) {
	src := seeded(t)
	first := export(t, src)
	b := decodeBundle(t, first)
	if len(b.Tactics) == 0 || len(b.Relations) == 0 || len(b.Sources) == 0 {
		t.Fatalf("export of the seed: %d tactics, %d relations, %d sources", len(b.Tactics), len(b.Relations), len(b.Sources))
	}
	if strings.Contains(string(first), `"stage_id"`) || strings.Contains(string(first), `"chain_id"`) {
		t.Errorf("the export names database ids")
	}

	dst := newTestStore(t)
	rep, err := dst.Import(editor(), b, false)
	if err != nil {
		t.Fatalf("import into an empty database: %v", err)
	}
	total := len(b.Sources) + len(b.Tags) + len(b.Chains) + len(b.Stages) + len(b.Tactics) + len(b.Relations) + len(b.Parameters) + len(b.Countries)
	if rep.Created != total || rep.Updated+rep.Unchanged+rep.Conflicts != 0 {
		t.Errorf("import: created %d, updated %d, unchanged %d, conflicts %d; want %d created", rep.Created, rep.Updated, rep.Unchanged, rep.Conflicts, total)
	}
	if got, want := sorted(t, export(t, dst)), sorted(t, first); got != want {
		t.Errorf("export after import differs from the first export")
	}

	// The same bundle again: all unchanged, nothing written.
	before := snapshot(t, dst)
	rep, err = dst.Import(editor(), decodeBundle(t, first), false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != total || rep.Created+rep.Updated+rep.Conflicts != 0 {
		for _, it := range rep.Items {
			if it.Action != store.ImportUnchanged {
				t.Logf("%+v", it)
				break
			}
		}
		t.Errorf("second import: created %d, updated %d, unchanged %d; want all %d unchanged", rep.Created, rep.Updated, rep.Unchanged, total)
	}
	if after := snapshot(t, dst); after != before {
		t.Errorf("the second import wrote")
	}
}

func TestImportDryRunAndConflict(t *testing.T) {
	s := seeded(t)
	raw := export(t, s)

	// An editor changes a tactic after the export.
	b := decodeBundle(t, raw)
	code := b.Tactics[0].Code
	id, err := s.TacticID(editor(), code)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := s.Tactic(editor(), id)
	if err != nil {
		t.Fatal(err)
	}
	in := b.Tactics[0].TacticInput
	in.StageID, in.Version = &cur.StageID, nil
	in.Title = "Changed by an editor"
	if _, err := s.ReplaceTactic(editor(), id, &in, models.Precondition{}); err != nil {
		t.Fatal(err)
	}

	// The bundle, edited offline from the older export: one update, and one conflict.
	b = decodeBundle(t, raw)
	b.Tactics[0].Summary = "Edited offline."
	b.Tactics[1].Summary = "Edited offline too."
	b.Sources = append(b.Sources, models.SourceInput{Slug: "new-source-2026", Title: "New", Type: models.SourceGrey})

	before := snapshot(t, s)
	rep, err := s.Import(editor(), b, true)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if after := snapshot(t, s); after != before {
		t.Errorf("the dry run wrote")
	}
	actions := map[string]store.ImportItem{}
	for _, it := range rep.Items {
		actions[it.Pointer] = it
	}
	if it := actions["/tactics/0"]; it.Action != store.ImportConflict || !slices.Contains(it.Changed, "summary") || !slices.Contains(it.Changed, "title") {
		t.Errorf("/tactics/0: %+v; want a conflict on title and summary", it)
	}
	if it := actions["/tactics/1"]; it.Action != store.ImportUpdate || !slices.Equal(it.Changed, []string{"summary"}) {
		t.Errorf("/tactics/1: %+v; want an update of summary", it)
	}
	if it := actions[fmt.Sprintf("/sources/%d", len(b.Sources)-1)]; it.Action != store.ImportCreate {
		t.Errorf("new source: %+v; want a create", it)
	}
	if rep.Conflicts != 1 || rep.Updated != 1 || rep.Created != 1 || !rep.DryRun {
		t.Errorf("dry run report: %+v", rep)
	}

	// Applied, the conflict refuses the whole bundle.
	_, err = s.Import(editor(), b, false)
	e := wantKind(t, err, models.KindConflict, "import_conflict")
	if len(e.Fields) != 1 || e.Fields[0].Field != "/tactics/0" {
		t.Errorf("conflict fields: %v", e.Fields)
	}
	if after := snapshot(t, s); after != before {
		t.Errorf("a conflicting import wrote")
	}

	// Without the conflict it goes in, one revision per changed object, with the request id.
	b.Tactics = b.Tactics[1:]
	ctx := models.WithRequestID(editor(), "req-import-1")
	rep, err = s.Import(ctx, b, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Created != 1 || rep.Conflicts != 0 {
		t.Errorf("import: %+v", rep)
	}
	gen, _ := s.Generation(editor())
	_ = gen
	changes, err := s.Changes(editor(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range changes.Items {
		if r.RequestID == "req-import-1" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d revisions carry the import's request id; want 2", n)
	}
}

func TestImportFaults(t *testing.T) {
	s := seeded(t)
	good := export(t, s)
	cases := []struct {
		name  string
		edit  func(b *store.Bundle)
		field string
	}{
		{"format", func(b *store.Bundle) { b.FormatVersion = 4 }, "/format_version"},
		{"unknown source", func(b *store.Bundle) {
			b.Tactics[3].Citations = []models.Citation{{Source: "no-such-source", Supports: models.SupportsSupports}}
		}, "/tactics/3/citations/0/source"},
		{"unknown chain", func(b *store.Bundle) { b.Stages[1].Chain = "no-such-chain" }, "/stages/1/chain"},
		{"unknown stage", func(b *store.Bundle) { b.Tactics[2].Stage = "no-such-stage" }, "/tactics/2/stage"},
		{"unknown tag", func(b *store.Bundle) { b.Tactics[4].Tags = []models.TagRef{"no-such-tag"} }, "/tactics/4/tags"},
		{"relation to a missing tactic", func(b *store.Bundle) { b.Relations[0].To = "ZZ-Z-R99" }, "/relations/0/to"},
		// Issue 25, item 6: a bundle never names an object by database id.
		{"relation by database id", func(b *store.Bundle) { b.Relations[0].From = "12" }, "/relations/0/from"},
		{"stage by chain id", func(b *store.Bundle) { b.Stages[0].ChainID = ptr(int64(1)) }, "/stages/0/chain_id"},
		{"tactic by stage id", func(b *store.Bundle) { b.Tactics[0].StageID = ptr(int64(1)) }, "/tactics/0/stage_id"},
		// Issue 25, item 3: a version no later write could move on from.
		{"version at the limit of int64", func(b *store.Bundle) { b.Tactics[1].Version = ptr(int64(math.MaxInt64)) }, "/tactics/1/version"},
		{"version past 2^53-1", func(b *store.Bundle) { b.Sources[2].Version = ptr(int64(1 << 53)) }, "/sources/2/version"},
		{"duplicate code", func(b *store.Bundle) { b.Tactics = append(b.Tactics, b.Tactics[5]) }, fmt.Sprintf("/tactics/%d/code", 0)},
		{"duplicate slug", func(b *store.Bundle) { b.Sources = append(b.Sources, b.Sources[0]) }, ""},
		{"prerequisite cycle", func(b *store.Bundle) {
			x, y, z := b.Tactics[0].Code, b.Tactics[1].Code, b.Tactics[2].Code
			b.Relations = append(b.Relations,
				models.RelationInput{From: x, To: y, Type: models.RelationPrerequisiteOf},
				models.RelationInput{From: y, To: z, Type: models.RelationPrerequisiteOf},
				models.RelationInput{From: z, To: x, Type: models.RelationPrerequisiteOf})
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := decodeBundle(t, good)
			tc.edit(b)
			before := snapshot(t, s)
			_, err := s.Import(editor(), b, true)
			e := wantKind(t, err, models.KindInvalid, "")
			if len(e.Fields) == 0 {
				t.Fatalf("no faults listed: %v", err)
			}
			fields := fieldsOf(e)
			want := tc.field
			switch tc.name {
			case "duplicate code":
				want = fmt.Sprintf("/tactics/%d/code", len(b.Tactics)-1)
			case "duplicate slug":
				want = fmt.Sprintf("/sources/%d/slug", len(b.Sources)-1)
			case "prerequisite cycle":
				want = fmt.Sprintf("/relations/%d/to", len(b.Relations)-1)
			}
			if !slices.Contains(fields, want) {
				t.Errorf("faults %v; want %s among them", fields, want)
			}
			if after := snapshot(t, s); after != before {
				t.Errorf("a bad bundle wrote")
			}
		})
	}

	t.Run("10000 bad items", func(t *testing.T) {
		b := decodeBundle(t, good)
		for i := 0; i < 10000; i++ {
			b.Tags = append(b.Tags, models.TagInput{Slug: fmt.Sprintf("Bad Slug %d", i)})
		}
		_, err := s.Import(editor(), b, false)
		e := wantKind(t, err, models.KindInvalid, "")
		if len(e.Fields) != store.MaxImportFaults+1 || !strings.Contains(e.Fields[store.MaxImportFaults].Message, "more") {
			t.Errorf("%d faults listed; want %d and a count of the rest", len(e.Fields), store.MaxImportFaults+1)
		}
	})
}

// chainBundle is a bundle of one chain, one stage and n+1 tactics, T000 to Tn, with the
// prerequisites T(i) → T(i+1) listed backwards, the order that made the import's loop check walk
// the whole chain for each relation.
func chainBundle(n int) *store.Bundle {
	pos := 1
	b := &store.Bundle{FormatVersion: store.BundleFormat,
		Chains: []models.ChainInput{{Slug: "long", Name: "Long"}},
		Stages: []store.BundleStage{{Chain: "long", StageInput: models.StageInput{Slug: "only", Name: "Only", Actor: "someone", Side: models.SideSupply, Position: &pos}}}}
	code := func(i int) string { return fmt.Sprintf("LC-O-R%03d", i) }
	for i := 0; i <= n; i++ {
		b.Tactics = append(b.Tactics, store.BundleTactic{Chain: "long", Stage: "only", TacticInput: models.TacticInput{
			Code: code(i), Kind: models.KindRecommended, Status: models.StatusPublished, Title: "Step " + code(i), Summary: "A step."}})
	}
	for i := n - 1; i >= 0; i-- {
		b.Relations = append(b.Relations, models.RelationInput{From: code(i), To: code(i + 1), Type: models.RelationPrerequisiteOf})
	}
	return b
}

// Issue 25, item 5: a chain of 640 prerequisites listed backwards imports, and its loops are found,
// with one check of the whole graph rather than a walk of the chain per relation.
func TestImportLongPrerequisiteChain(t *testing.T) {
	t.Parallel()
	const n = 640
	s := newTestStore(t)
	b := chainBundle(n)
	rep, err := s.Import(editor(), b, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 2+(n+1)+n {
		t.Fatalf("created %d objects, want %d", rep.Created, 2+(n+1)+n)
	}
	// The same bundle again changes nothing.
	if rep, err = s.Import(editor(), b, false); err != nil || rep.Unchanged != len(rep.Items) {
		t.Fatalf("again: %v, %d unchanged of %d", err, rep.Unchanged, len(rep.Items))
	}

	// Closing the chain into a loop, in the bundle or against the database, is a fault at the
	// relation that closes it, naming the whole loop.
	last, first := b.Tactics[n].Code, b.Tactics[0].Code
	closing := models.RelationInput{From: last, To: first, Type: models.RelationPrerequisiteOf}
	for _, tc := range []struct {
		name  string
		store *store.Store
		b     *store.Bundle
		at    string
	}{
		{"against the database", s, &store.Bundle{FormatVersion: store.BundleFormat, Relations: []models.RelationInput{closing}}, "/relations/0/to"},
		{"within the bundle", newTestStore(t), func() *store.Bundle {
			c := chainBundle(n)
			c.Relations = append([]models.RelationInput{closing}, c.Relations...)
			return c
		}(), fmt.Sprintf("/relations/%d/to", n)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.store.Import(editor(), tc.b, false)
			e := wantKind(t, err, models.KindInvalid, "validation_failed")
			if len(e.Fields) != 1 || e.Fields[0].Field != tc.at {
				t.Fatalf("faults %v, want one at %s", fieldsOf(e), tc.at)
			}
			if got := strings.Count(e.Fields[0].Message, " → "); got != n+1 {
				t.Errorf("the loop named has %d steps, want %d: %.200s", got, n+1, e.Fields[0].Message)
			}
		})
	}
	// A chain that does not close is no loop, however it is listed: its middle relation again,
	// and a shortcut from the first to the last.
	more := &store.Bundle{FormatVersion: store.BundleFormat, Relations: []models.RelationInput{b.Relations[n/2],
		{From: first, To: last, Type: models.RelationPrerequisiteOf}}}
	if _, err := s.Import(editor(), more, true); err != nil {
		t.Errorf("a shortcut along the chain: %v", err)
	}
}
