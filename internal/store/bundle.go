package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"chainkb/models"
)

// BundleFormat is the version of the bundle format that this release reads and writes.
const BundleFormat = 2

// Bundle is the knowledge base, or a part of it, as one document whose objects name each other by
// slug or code, never by database id. It is how the seed enters the store, through the same
// validation as any client write, and what GET /export writes and POST /import reads. Each object
// may carry its version: the export writes it, and an import refuses to overwrite an object that
// has moved past the version its bundle carries.
//
//	@Description	The knowledge base as one document (format_version 2): objects name each other by slug (sources, tags, chains, stages within their chain) and by code (tactics, relations), never by database id. Each object carries its version.
type Bundle struct {
	// The bundle format; this release reads and writes 2.
	FormatVersion int `json:"format_version" example:"2"`
	// Sources, by slug; citations name them.
	Sources []models.SourceInput `json:"sources"`
	// Tags, by slug; tactics name them.
	Tags []models.TagInput `json:"tags"`
	// Chains, by slug.
	Chains []models.ChainInput `json:"chains"`
	// Stages, by chain and slug.
	Stages []BundleStage `json:"stages"`
	// Tactics, by code, each at a stage named by chain and slug.
	Tactics []BundleTactic `json:"tactics"`
	// Relations between tactics, by the codes at their ends and their type.
	Relations []models.RelationInput `json:"relations"`
	// Figures of the risk-reward model, by slug; each names its chain and stage by slug.
	Parameters []models.ParameterInput `json:"parameters"`
}

// BundleStage is a stage whose chain is named by slug.
//
//	@Description	A stage, its chain named by slug (no chain_id).
type BundleStage struct {
	// Slug of the stage's chain.
	Chain string `json:"chain" validate:"required,slug" example:"sex-trafficking"`
	models.StageInput
	// A bundle names no database ids: this hides the input's chain_id, which the import sets from
	// chain.
	ChainID *int64 `json:"chain_id,omitempty" swaggerignore:"true"`
}

// BundleTactic is a tactic whose chain and stage are named by slug.
//
//	@Description	A tactic, found by its code, its chain and stage named by slug (no stage_id).
type BundleTactic struct {
	// Slug of the tactic's chain.
	Chain string `json:"chain" validate:"required,slug" example:"sex-trafficking"`
	// Slug of the tactic's stage within its chain.
	Stage string `json:"stage" validate:"required,slug" example:"retailer"`
	models.TacticInput
	// A bundle names no database ids: this hides the input's stage_id, which the import sets from
	// chain and stage.
	StageID *int64 `json:"stage_id,omitempty" swaggerignore:"true"`
}

// SeedReport says what applying a seed did, object by object.
type SeedReport struct {
	Created, Updated int
	// LeftAlone names the objects that editors have changed or deleted since they were seeded:
	// the seed does not overwrite or bring back their work.
	LeftAlone []string
	// Removed names the seeded objects that the seed no longer holds (merged into another), which
	// were still as seeded and so were deleted.
	Removed []string
}

// Seed actors: the seed's own changes, and the data steps of migrations, which change every object
// without an editor's intent. An object whose history has only these is "still as seeded".
const seedActor = "seed"

// ApplySeed makes the database hold the seed b, once per name, in one transaction, through the
// import (Import): the same lookups and the same validation as any bundle, but without
// overwriting what editors did. An object that does not exist is created, unless an editor
// deleted it (it stays deleted); one still as seeded (its history holds only the seed's and
// migrations' changes) is updated to b; one that an editor changed is left alone. Each such
// decision is logged. predecessors maps a tactic's code to the titles under which an earlier seed
// created the tactics it replaces (the first title is the one it continues; the others were merged
// into it), so that a database seeded by an earlier release is upgraded in place. It reports
// false, doing nothing, when a seed of that name was applied before. A bundle that breaks a rule
// fails whole, with every fault listed by JSON pointer.
func (s *Store) ApplySeed(ctx context.Context, name string, b *Bundle, predecessors map[string][]string) (*SeedReport, bool, error) {
	if b.FormatVersion != BundleFormat {
		return nil, false, fmt.Errorf("store: seed %s: format_version %d; this release reads %d", name, b.FormatVersion, BundleFormat)
	}
	ctx = models.WithPrincipal(ctx, models.Principal{Name: seedActor, Role: models.RoleAdmin})
	im := &importer{rep: &ImportReport{Items: []ImportItem{}}, seed: &seedPolicy{predecessors: predecessors}}
	im.duplicates(b)
	if len(im.faults) > 0 {
		return nil, false, fmt.Errorf("store: seed %s: %w", name, im.invalid())
	}
	applied := false
	err := s.writeBulk(ctx, func(tx *gorm.DB) error {
		if err := s.serialize(tx, "seed"); err != nil {
			return err
		}
		var n int64
		if err := tx.Table("seeds_applied").Where("name = ?", name).Count(&n).Error; err != nil {
			return fmt.Errorf("store: seed %s: %w", name, err)
		}
		if n > 0 {
			return nil
		}
		im.tx = tx
		origins, err := seededTactics(tx)
		if err != nil {
			return err
		}
		im.seed.origins = origins
		if err := im.apply(b); err != nil {
			return err
		}
		if len(im.faults) > 0 {
			return fmt.Errorf("store: seed %s: %w", name, im.invalid())
		}
		if err := tx.Exec("INSERT INTO seeds_applied (name, applied_at) VALUES (?, ?)", name, tx.Config.NowFunc()).Error; err != nil {
			return fmt.Errorf("store: seed %s: %w", name, err)
		}
		applied = true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return &SeedReport{Created: im.rep.Created, Updated: im.rep.Updated, LeftAlone: im.seed.leftAlone, Removed: im.seed.removed}, applied, nil
}

// stillSeeded reports whether an object's history holds only the seed's and migrations' changes.
func stillSeeded(tx *gorm.DB, entity string, id int64) (bool, error) {
	var n int64
	err := tx.Table("revisions").Where("entity = ? AND entity_id = ? AND actor <> ? AND actor NOT LIKE ?",
		entity, id, seedActor, "migration %").Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("store: history of %s %d: %w", entity, id, err)
	}
	return n == 0, nil
}

// deletedBefore reports whether an object of the seed that is not in the database was deleted
// by an editor: name is its slug, or a tactic's code. Stages and relations, found otherwise, are
// not looked for: a seed brings them back only with what they belong to.
func (sp *seedPolicy) deletedBefore(tx *gorm.DB, entity, name string) (bool, error) {
	switch entity {
	case models.EntityTactic:
		if sp.deletedCodes == nil {
			// Read the tactics' deletes once for the whole seed, not once per tactic.
			var rows []string
			if err := tx.Table("revisions").Where("entity = ? AND action = ?", models.EntityTactic, models.ActionDelete).Pluck("data", &rows).Error; err != nil {
				return false, fmt.Errorf("store: history of tactics: %w", err)
			}
			sp.deletedCodes = map[string]bool{}
			for _, raw := range rows {
				var t struct{ Code string }
				if json.Unmarshal([]byte(raw), &t) == nil && t.Code != "" {
					sp.deletedCodes[t.Code] = true
				}
			}
		}
		return sp.deletedCodes[name], nil
	case models.EntityStage, models.EntityRelation:
		return false, nil
	}
	var n int64
	if err := tx.Table("revisions").Where("entity = ? AND action = ? AND slug = ?", entity, models.ActionDelete, name).Count(&n).Error; err != nil {
		return false, fmt.Errorf("store: history of %s %s: %w", entity, name, err)
	}
	return n > 0, nil
}

// bothEnds reports whether both tactics of a relation are in the database.
func bothEnds(tx *gorm.DB, in *models.RelationInput) (bool, error) {
	for _, code := range []string{in.From, in.To} {
		id, err := tacticIDByCode(tx, code)
		if err != nil || id == 0 {
			return false, err
		}
	}
	return true, nil
}

// stageKey finds the stage of a chain by slug, as an id key; "0" (which finds nothing) if none.
func stageKey(tx *gorm.DB, chainID int64, slug string) (string, error) {
	var ids []int64
	if err := tx.Table("stages").Where("chain_id = ? AND slug = ?", chainID, slug).Pluck("id", &ids).Error; err != nil {
		return "", fmt.Errorf("store: find stage %s: %w", slug, err)
	}
	if len(ids) == 0 {
		return "0", nil
	}
	return strconv.FormatInt(ids[0], 10), nil
}

// seededTactics maps the title under which the seed created a tactic to its id: what an earlier
// release's seed made, whatever editors have done since.
func seededTactics(tx *gorm.DB) (map[string]int64, error) {
	var rows []struct {
		EntityID int64
		Data     string
	}
	err := tx.Table("revisions").Select("entity_id, data").
		Where("entity = ? AND action = ? AND actor = ?", models.EntityTactic, models.ActionCreate, seedActor).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: seeded tactics: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		var t struct{ Title string }
		if err := json.Unmarshal([]byte(r.Data), &t); err != nil {
			return nil, fmt.Errorf("store: seeded tactic %d: %w", r.EntityID, err)
		}
		if _, dup := out[t.Title]; !dup {
			out[strings.TrimSpace(t.Title)] = r.EntityID
		}
	}
	return out, nil
}

// tacticIDByCode returns the id of the live tactic with this code, hidden or not, or 0.
func tacticIDByCode(tx *gorm.DB, code string) (int64, error) {
	var ids []int64
	if err := tx.Table("tactics").Where("code = ?", code).Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("store: find tactic %s: %w", code, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}
