package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// Bundle is a chain with its stages, tactics and tags, whose parts name each other by slug. It is
// how seed data enters the store: through the same validation as any client write. Its JSON form
// is the layout of a seed data file (seeds/data).
type Bundle struct {
	Chain   models.ChainInput   `json:"chain"`
	Tags    []models.TagInput   `json:"tags"`
	Stages  []models.StageInput `json:"stages"` // ChainID is set to the bundle's chain
	Tactics []BundleTactic      `json:"tactics"`
	// Parameters of the risk-reward model; each names its chain (the bundle's) and stage by slug.
	Parameters []models.ParameterInput `json:"parameters"`
}

// BundleTactic is a tactic whose stage is named by slug within the bundle's chain.
type BundleTactic struct {
	Stage string `json:"stage"`
	models.TacticInput
}

// ApplyBundleOnce creates everything in b in one transaction and records it under name. If a
// bundle of that name was applied before, it does nothing and reports false: a restart must never
// re-add what editors have since changed or deleted. A bundle that breaks a rule fails with the
// error of its first bad part (Invalid, Conflict) wrapped with the part's name; any other error is
// internal.
func (s *Store) ApplyBundleOnce(ctx context.Context, name string, b *Bundle) (applied bool, err error) {
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := s.serialize(tx, "seed "+name); err != nil {
			return err // wrapped by serialize
		}
		var n int64
		if err := tx.Table("seeds_applied").Where("name = ?", name).Count(&n).Error; err != nil {
			return fmt.Errorf("store: seed %s: %w", name, err)
		}
		if n > 0 {
			return nil
		}
		chain, err := chainObject.create(tx, &b.Chain)
		if err != nil {
			return fmt.Errorf("chain %q: %w", b.Chain.Slug, err)
		}
		for i := range b.Tags {
			if _, err := tagObject.create(tx, &b.Tags[i]); err != nil {
				return fmt.Errorf("tag %q: %w", b.Tags[i].Slug, err)
			}
		}
		stageIDs := make(map[string]int64, len(b.Stages))
		for i := range b.Stages {
			in := b.Stages[i]
			in.ChainID = &chain.ID
			st, err := stageObject.create(tx, &in)
			if err != nil {
				return fmt.Errorf("stage %q: %w", in.Slug, err)
			}
			stageIDs[st.Slug] = st.ID
		}
		for i := range b.Tactics {
			in := b.Tactics[i].TacticInput
			id, ok := stageIDs[b.Tactics[i].Stage]
			if !ok {
				return fmt.Errorf("tactic %q: stage %q is not in the bundle", in.Title, b.Tactics[i].Stage)
			}
			in.StageID = &id
			if in.Status == "" {
				in.Status = models.StatusPublished // the seed is published knowledge, not drafts
			}
			if _, err := tacticObject.create(tx, &in); err != nil {
				return fmt.Errorf("tactic %q: %w", in.Title, err)
			}
		}
		for i := range b.Parameters {
			if _, err := parameterObject.create(tx, &b.Parameters[i]); err != nil {
				return fmt.Errorf("parameter %q: %w", b.Parameters[i].Slug, err)
			}
		}
		if err := tx.Exec("INSERT INTO seeds_applied (name, applied_at) VALUES (?, ?)", name, time.Now().UTC()).Error; err != nil {
			return fmt.Errorf("store: seed %s: %w", name, err)
		}
		applied = true
		return nil
	})
	return applied, err
}
