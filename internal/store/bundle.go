package store

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
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

// ApplySeed makes the database hold the seed b, once per name, in one transaction, without
// overwriting what editors did: an object that does not exist is created, unless an editor
// deleted it (it stays deleted); one still as seeded (its history holds only the seed's and
// migrations' changes) is updated to b; one that an editor changed is left alone. Each such
// decision is logged. predecessors maps a tactic's code to the titles under which an earlier seed
// created the tactics it replaces (the first title is the one it continues; the others were merged
// into it), so that a database seeded by an earlier release is upgraded in place. It reports
// false, doing nothing, when a seed of that name was applied before. A bundle that breaks a rule
// fails whole, with the error of its first bad part, wrapped with the part's name.
func (s *Store) ApplySeed(ctx context.Context, name string, b *Bundle, predecessors map[string][]string) (*SeedReport, bool, error) {
	if b.FormatVersion != BundleFormat {
		return nil, false, fmt.Errorf("store: seed %s: format_version %d; this release reads %d", name, b.FormatVersion, BundleFormat)
	}
	ctx = models.WithPrincipal(ctx, models.Principal{Name: seedActor, Role: models.RoleAdmin})
	r := &SeedReport{}
	applied := false
	err := s.write(ctx, func(tx *gorm.DB) error {
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
		sd := &seeder{tx: tx, r: r}
		if err := sd.apply(b, predecessors); err != nil {
			return err
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
	return r, applied, nil
}

// seeder applies one bundle in one transaction.
type seeder struct {
	tx *gorm.DB
	r  *SeedReport
}

func (sd *seeder) apply(b *Bundle, predecessors map[string][]string) error {
	for i := range b.Sources {
		in := &b.Sources[i]
		if _, err := seedObject(sd, sourceObject, in.Slug, in, "source "+in.Slug); err != nil {
			return err
		}
	}
	for i := range b.Tags {
		in := &b.Tags[i]
		if _, err := seedObject(sd, tagObject, in.Slug, in, "tag "+in.Slug); err != nil {
			return err
		}
	}
	chainIDs := map[string]int64{}
	for i := range b.Chains {
		in := &b.Chains[i]
		c, err := seedObject(sd, chainObject, in.Slug, in, "chain "+in.Slug)
		if err != nil {
			return err
		}
		if c == nil { // deleted by an editor: look it up in case it is back
			if c, err = findChain(sd.tx, in.Slug); err != nil && !models.IsKind(err, models.KindNotFound) {
				return err
			}
		}
		if c != nil {
			chainIDs[in.Slug] = c.ID
		}
	}
	stageIDs := map[string]int64{} // "chain/stage" -> id
	for i := range b.Stages {
		bs := b.Stages[i]
		chainID, ok := chainIDs[bs.Chain]
		if !ok {
			sd.leave("stage %s/%s: its chain is not there", bs.Chain, bs.Slug)
			continue
		}
		in := bs.StageInput
		in.ChainID = &chainID
		key, err := stageKey(sd.tx, chainID, bs.Slug)
		if err != nil {
			return err
		}
		st, err := seedObject(sd, stageObject, key, &in, "stage "+bs.Chain+"/"+bs.Slug)
		if err != nil {
			return err
		}
		if st != nil {
			stageIDs[bs.Chain+"/"+bs.Slug] = st.ID
		}
	}
	origins, err := seededTactics(sd.tx)
	if err != nil {
		return err
	}
	for i := range b.Tactics {
		bt := b.Tactics[i]
		stageID, ok := stageIDs[bt.Chain+"/"+bt.Stage]
		if !ok {
			sd.leave("tactic %s: its stage %s/%s is not there", bt.Code, bt.Chain, bt.Stage)
			continue
		}
		in := bt.TacticInput
		in.StageID = &stageID
		if in.Status == "" {
			in.Status = models.StatusPublished // the seed is published knowledge, not drafts
		}
		if err := sd.tactic(&in, predecessors[in.Code], origins); err != nil {
			return fmt.Errorf("tactic %s: %w", in.Code, err)
		}
	}
	for i := range b.Relations {
		in := b.Relations[i]
		if err := sd.relation(&in); err != nil {
			return fmt.Errorf("relation %s %s %s: %w", in.From, in.Type, in.To, err)
		}
	}
	for i := range b.Parameters {
		in := &b.Parameters[i]
		if _, err := seedObject(sd, parameterObject, in.Slug, in, "parameter "+in.Slug); err != nil {
			return err
		}
	}
	return nil
}

// seedObject applies one object of the seed: key finds it (a slug, or an id as text).
func seedObject[T, In any](sd *seeder, o *object[T, In], key string, in *In, what string) (*T, error) {
	cur, err := o.find(sd.tx, key)
	switch {
	case models.IsKind(err, models.KindNotFound):
		deleted, err := wasDeleted(sd.tx, o.entity, key)
		if err != nil {
			return nil, err
		}
		if deleted {
			sd.leave("%s: deleted by an editor; not brought back", what)
			return nil, nil
		}
		obj, err := o.create(sd.tx, in)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		sd.r.Created++
		return obj, nil
	case err != nil:
		return nil, err
	}
	id, _ := o.ref(cur)
	ok, err := stillSeeded(sd.tx, o.entity, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		sd.leave("%s: changed by an editor since it was seeded; left as it is", what)
		return cur, nil
	}
	obj, err := o.update(sd.tx, cur, in, models.ActionUpdate)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	sd.r.Updated++
	return obj, nil
}

// tactic applies one tactic of the seed. A tactic of this seed is found by its code; failing that,
// by the tactics an earlier seed created under the titles it replaces.
func (sd *seeder) tactic(in *models.TacticInput, titles []string, origins map[string]int64) error {
	id, err := tacticIDByCode(sd.tx, in.Code)
	if err != nil {
		return err
	}
	if id != 0 {
		_, err := seedObject(sd, tacticObject, strconv.FormatInt(id, 10), in, "tactic "+in.Code)
		return err
	}
	var ids []int64
	for _, t := range titles {
		if id, ok := origins[t]; ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		deleted, err := codeWasDeleted(sd.tx, in.Code)
		if err != nil {
			return err
		}
		if deleted {
			sd.leave("tactic %s: deleted by an editor; not brought back", in.Code)
			return nil
		}
		if _, err := tacticObject.create(sd.tx, in); err != nil {
			return err
		}
		sd.r.Created++
		return nil
	}
	first := ids[0]
	cur, err := findTactic(sd.tx, first, true)
	if models.IsKind(err, models.KindNotFound) {
		sd.leave("tactic %s: the tactic it replaces (%q) was deleted by an editor; not brought back", in.Code, titles[0])
		return nil
	}
	if err != nil {
		return err
	}
	ok, err := stillSeeded(sd.tx, models.EntityTactic, first)
	if err != nil {
		return err
	}
	if !ok {
		sd.leave("tactic %d (%q): changed by an editor since it was seeded; left as it is, and %s not added", first, cur.Title, in.Code)
		return nil
	}
	if _, err := tacticObject.update(sd.tx, cur, in, models.ActionUpdate); err != nil {
		return err
	}
	sd.r.Updated++
	// Tactics merged into this one go, where nobody has changed them.
	for _, id := range ids[1:] {
		if id == first {
			continue
		}
		ok, err := stillSeeded(sd.tx, models.EntityTactic, id)
		if err != nil {
			return err
		}
		if !ok {
			sd.leave("tactic %d: merged into %s by the seed, but changed by an editor; left as it is", id, in.Code)
			continue
		}
		if err := tacticObject.removeIn(sd.tx, strconv.FormatInt(id, 10)); err != nil {
			if models.IsKind(err, models.KindNotFound) {
				continue // already gone: merged into another, or deleted
			}
			return err
		}
		sd.r.Removed = append(sd.r.Removed, fmt.Sprintf("tactic %d (merged into %s)", id, in.Code))
	}
	return nil
}

// relation adds a relation of the seed where both tactics are there and it is not.
func (sd *seeder) relation(in *models.RelationInput) error {
	for _, code := range []string{in.From, in.To} {
		id, err := tacticIDByCode(sd.tx, code)
		if err != nil {
			return err
		}
		if id == 0 {
			sd.leave("relation %s %s %s: tactic %s is not there", in.From, in.Type, in.To, code)
			return nil
		}
	}
	var n int64
	err := sd.tx.Table("relations r").Joins("JOIN tactics f ON f.id = r.from_id").Joins("JOIN tactics t ON t.id = r.to_id").
		Where("f.code = ? AND t.code = ? AND r.type = ?", in.From, in.To, in.Type).Count(&n).Error
	if err != nil {
		return fmt.Errorf("store: seed relation: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := relationObject.create(sd.tx, in); err != nil {
		return err
	}
	sd.r.Created++
	return nil
}

func (sd *seeder) leave(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	sd.r.LeftAlone = append(sd.r.LeftAlone, msg)
	slog.Info("seed: " + msg)
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

// wasDeleted reports whether the object that key names (a slug, or an id as text) has a delete in
// its history.
func wasDeleted(tx *gorm.DB, entity, key string) (bool, error) {
	id, slug := idOrSlug(key)
	q := tx.Table("revisions").Where("entity = ? AND action = ?", entity, models.ActionDelete)
	if slug != "" {
		q = q.Where("slug = ?", slug)
	} else {
		q = q.Where("entity_id = ?", id)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return false, fmt.Errorf("store: history of %s %s: %w", entity, key, err)
	}
	return n > 0, nil
}

// codeWasDeleted reports whether a tactic with this code was deleted and is not back.
func codeWasDeleted(tx *gorm.DB, code string) (bool, error) {
	var rows []string
	if err := tx.Table("revisions").Where("entity = ? AND action = ?", models.EntityTactic, models.ActionDelete).Pluck("data", &rows).Error; err != nil {
		return false, fmt.Errorf("store: history of tactic %s: %w", code, err)
	}
	for _, raw := range rows {
		var t struct{ Code string }
		if json.Unmarshal([]byte(raw), &t) == nil && t.Code == code {
			return true, nil
		}
	}
	return false, nil
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
