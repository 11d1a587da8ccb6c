package store

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"gorm.io/gorm"

	"chainkb/models"
)

// The seed enters the store through the import (import.go), with its own policy: seedPolicy. A
// client's import applies its bundle as it stands; the seed is applied to databases that editors
// have worked on since an earlier release seeded them, so it must leave their work alone and
// upgrade what an earlier seed made in place.

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
	if !readsFormat(b.FormatVersion) {
		return nil, false, fmt.Errorf("store: seed %s: format_version %d; this release reads 2 and %d", name, b.FormatVersion, BundleFormat)
	}
	ctx = models.WithPrincipal(ctx, models.Principal{Name: seedActor, Role: models.RoleAdmin})
	if err := checkDuplicates(b); err != nil {
		return nil, false, fmt.Errorf("store: seed %s: %w", name, err)
	}
	var report *SeedReport
	err := s.writeBulk(ctx, func(tx *gorm.DB) error {
		report = nil
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
		if err := lockPrerequisites(tx, b); err != nil {
			return err
		}
		origins, err := seededTactics(tx)
		if err != nil {
			return err
		}
		sp := &seedPolicy{predecessors: predecessors, origins: origins}
		im := newImporter(tx, false, sp)
		if err := im.apply(b); err != nil {
			return fmt.Errorf("store: seed %s: %w", name, err)
		}
		if err := tx.Exec("INSERT INTO seeds_applied (name, applied_at) VALUES (?, ?)", name, tx.Config.NowFunc()).Error; err != nil {
			return fmt.Errorf("store: seed %s: %w", name, err)
		}
		report = &SeedReport{Created: im.rep.Created, Updated: im.rep.Updated, LeftAlone: sp.leftAlone, Removed: sp.removed}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if report == nil {
		return nil, false, nil
	}
	return report, true, nil
}

// seedPolicy is how applying the seed differs from a client's import: an object that editors
// deleted stays deleted, one they changed is left as it is (each logged), one that names what is
// not there is left out, and the tactics of an earlier release's seed are found by the titles
// they were created under.
type seedPolicy struct {
	predecessors map[string][]string // code -> titles of the earlier seed's tactics it replaces
	origins      map[string]int64    // title the seed created a tactic under -> its id
	deletedCodes map[string]bool     // codes of tactics deleted in the past, read once
	leftAlone    []string
	removed      []string
}

func (sp *seedPolicy) leave(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	sp.leftAlone = append(sp.leftAlone, msg)
	slog.Info("seed: " + msg)
}

func (sp *seedPolicy) unresolved(_ *importer, _, _, what string) { sp.leave("%s", what) }

func (sp *seedPolicy) mayCreate(tx *gorm.DB, entity, name string) (bool, error) {
	deleted, err := sp.deletedBefore(tx, entity, name)
	if err != nil || !deleted {
		return !deleted, err
	}
	sp.leave("%s %s: deleted by an editor; not brought back", entity, name)
	return false, nil
}

func (sp *seedPolicy) mayUpdate(tx *gorm.DB, entity string, id int64, name string) (bool, error) {
	ok, err := stillSeeded(tx, entity, id)
	if err != nil || ok {
		return ok, err
	}
	sp.leave("%s %s: changed by an editor since it was seeded; left as it is", entity, name)
	return false, nil
}

func (sp *seedPolicy) tactic(im *importer, in *models.TacticInput, isNew bool) (bool, error) {
	if in.Status == "" {
		in.Status = models.StatusPublished // the seed is published knowledge, not drafts
	}
	if !isNew {
		return false, nil
	}
	return sp.predecessor(im, in)
}

// predecessor applies a seed tactic whose code is not in the database to the tactic that an
// earlier release's seed created for the same idea (found by the title it was created under), if
// there is one: updated in place under its id while still as seeded, left alone if an editor
// changed it, not brought back if an editor deleted it. Earlier tactics merged into this one go,
// where nobody changed them. It reports whether it dealt with the tactic; if not, the tactic is new.
func (sp *seedPolicy) predecessor(im *importer, in *models.TacticInput) (bool, error) {
	titles := sp.predecessors[in.Code]
	var ids []int64
	for _, t := range titles {
		if id, ok := sp.origins[t]; ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return false, nil
	}
	first := ids[0]
	cur, err := findTactic(im.tx, first, true)
	if models.IsKind(err, models.KindNotFound) {
		sp.leave("tactic %s: the tactic it replaces (%q) was deleted by an editor; not brought back", in.Code, titles[0])
		return true, nil
	}
	if err != nil {
		return false, err
	}
	ok, err := stillSeeded(im.tx, models.EntityTactic, first)
	if err != nil {
		return false, err
	}
	if !ok {
		sp.leave("tactic %d (%q): changed by an editor since it was seeded; left as it is, and %s not added", first, cur.Title, in.Code)
		return true, nil
	}
	pointer := "/tactics/" + in.Code
	if _, err := importWrite(im, pointer, func(tx *gorm.DB) (*models.Tactic, error) {
		return tacticObject.update(tx, cur, in, models.ActionUpdate)
	}); err != nil {
		return false, err
	}
	im.rep.Updated++
	im.rep.Items = append(im.rep.Items, ImportItem{Pointer: pointer, Entity: models.EntityTactic, Key: in.Code, Action: ImportUpdate})
	for _, id := range ids[1:] {
		if id == first {
			continue
		}
		ok, err := stillSeeded(im.tx, models.EntityTactic, id)
		if err != nil {
			return false, err
		}
		if !ok {
			sp.leave("tactic %d: merged into %s by the seed, but changed by an editor; left as it is", id, in.Code)
			continue
		}
		if err := tacticObject.removeIn(im.tx, idKey(id)); err != nil {
			if models.IsKind(err, models.KindNotFound) {
				continue // already gone
			}
			return false, err
		}
		sp.removed = append(sp.removed, fmt.Sprintf("tactic %d (merged into %s)", id, in.Code))
	}
	return true, nil
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
