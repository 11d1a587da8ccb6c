package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"chainkb/models"
)

// BenchmarkImportLoopCheck compares, in one run, the two ways an import can check its
// prerequisites for loops while it writes a chain of n of them listed backwards: each relation's
// own search as it is written (prerequisiteLoop, one query per step of the chain so far), and one
// check of the whole graph first (checkImportLoops). Both write the same relations in a
// transaction that is rolled back; only the check differs.
//
//	go test -tags sqlite_fts5 -run XXX -bench ImportLoopCheck ./internal/store/
func BenchmarkImportLoopCheck(b *testing.B) {
	ctx := models.WithPrincipal(context.Background(), models.Principal{Name: "bench", Role: models.RoleAdmin})
	for _, n := range []int{150, 600} {
		s, err := Open(ctx, filepath.Join(b.TempDir(), "kb.db"))
		if err != nil {
			b.Fatal(err)
		}
		pos := 1
		bundle := &Bundle{FormatVersion: BundleFormat,
			Chains: []models.ChainInput{{Slug: "long", Name: "Long"}},
			Stages: []BundleStage{{Chain: "long", StageInput: models.StageInput{Slug: "only", Name: "Only", Actor: "someone", Side: models.SideSupply, Position: &pos}}}}
		code := func(i int) string { return fmt.Sprintf("LC-O-R%03d", i) }
		var rels []models.RelationInput
		for i := 0; i <= n; i++ {
			bundle.Tactics = append(bundle.Tactics, BundleTactic{Chain: "long", Stage: "only", TacticInput: models.TacticInput{
				Code: code(i), Kind: models.KindRecommended, Status: models.StatusPublished, Title: "Step " + code(i), Summary: "A step."}})
			if i < n {
				rels = append([]models.RelationInput{{From: code(i), To: code(i + 1), Type: models.RelationPrerequisiteOf}}, rels...)
			}
		}
		if _, err := s.Import(ctx, bundle, false); err != nil {
			b.Fatal(err)
		}
		for _, mode := range []string{"per-relation", "graph"} {
			b.Run(fmt.Sprintf("%s/%d", mode, n), func(b *testing.B) {
				for b.Loop() {
					err := s.writeBulk(ctx, func(tx *gorm.DB) error {
						im := newImporter(tx, true, clientImport{})
						if mode == "graph" {
							if err := checkImportLoops(im, rels); err != nil {
								return err
							}
						}
						for i := range rels {
							if _, err := insertRelation(im.tx, 0, 1, &rels[i], models.ActionCreate); err != nil {
								return err
							}
						}
						return errDryRun
					})
					if !errors.Is(err, errDryRun) {
						b.Fatal(err)
					}
				}
			})
		}
		s.Close()
	}
}
