package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strconv"

	"gorm.io/gorm"

	"chainkb/models"
)

// What an import does, or would do, with one object of the bundle.
const (
	ImportCreate    = "create"
	ImportUpdate    = "update"
	ImportUnchanged = "unchanged"
	ImportConflict  = "conflict"
)

// MaxImportFaults bounds the faults an import reports: a bundle of 10,000 bad items gets the first
// MaxImportFaults of them, and a last one that counts the rest.
const MaxImportFaults = 1000

// ImportItem is what an import does, or would do, with one object of the bundle.
//
//	@Description	What the import does (or, in a dry run, would do) with one object of the bundle.
type ImportItem struct {
	// JSON pointer to the object in the bundle.
	Pointer string `json:"pointer" example:"/tactics/3"`
	// The kind of object.
	Entity string `json:"entity" enums:"source,tag,chain,stage,tactic,relation,parameter" example:"tactic"`
	// The object's key: slug, chain/stage, code, or "from type to" for a relation.
	Key string `json:"key" example:"ST-R-R01"`
	// create, update, unchanged, or conflict: the object changed since the version the bundle
	// carries, and the bundle would overwrite that change.
	Action string `json:"action" enums:"create,update,unchanged,conflict" example:"update"`
	// For an update or a conflict: the fields in which the bundle differs from the database.
	Changed []string `json:"changed,omitempty" extensions:"x-omitempty" example:"title,summary"`
	// The version the bundle carries, if any.
	BundleVersion *int64 `json:"bundle_version,omitempty" extensions:"x-omitempty" example:"3"`
	// The version in the database: before the import for a dry run or a conflict, after it otherwise;
	// absent for a create in a dry run.
	Version int64 `json:"version,omitempty" extensions:"x-omitempty" example:"4"`
}

// ImportReport is what an import did, or in a dry run would do, object by object.
//
//	@Description	What the import did, or in a dry run would do, object by object, in bundle order.
type ImportReport struct {
	// Whether this was a dry run, which writes nothing.
	DryRun bool `json:"dry_run" example:"true"`
	// Objects created.
	Created int `json:"created" example:"2"`
	// Objects updated.
	Updated int `json:"updated" example:"1"`
	// Objects the same as in the database, left as they are.
	Unchanged int `json:"unchanged" example:"114"`
	// Objects changed since the versions the bundle carries (a dry run only: otherwise the answer is 409).
	Conflicts int `json:"conflicts" example:"0"`
	// One item per object of the bundle.
	Items []ImportItem `json:"items"`
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("store: dry run")

// Import applies the bundle b to the knowledge base in one transaction: each object is created, or
// updated, found by its slug (stages within their chain), its code (tactics) or its ends and type
// (relations). An object the same as in the database is left as it is (so importing a bundle twice
// changes nothing the second time); objects the bundle does not hold are left alone. Every write
// goes through the same validation as the API's.
//
// The whole bundle is checked first: Invalid lists every fault by JSON pointer (at most
// MaxImportFaults of them), and nothing is written. An object that has moved on since the version
// the bundle carries, and that the bundle would change, is a conflict: Conflict (import_conflict)
// lists them all, and nothing is written. With dryRun, nothing is written either way, and the
// report (conflicts included) says what the import would do. Each changed object gets one revision,
// carrying ctx's request id.
func (s *Store) Import(ctx context.Context, b *Bundle, dryRun bool) (*ImportReport, error) {
	im := &importer{rep: &ImportReport{DryRun: dryRun, Items: []ImportItem{}}}
	if b.FormatVersion != BundleFormat {
		return nil, models.Invalid(models.FieldError{Field: "/format_version",
			Message: fmt.Sprintf("format_version %d is not one this release reads; send %d", b.FormatVersion, BundleFormat)})
	}
	im.duplicates(b)
	if len(im.faults) > 0 {
		return nil, im.invalid()
	}
	err := s.writeBulk(ctx, func(tx *gorm.DB) error {
		if err := s.serialize(tx, "import"); err != nil {
			return err
		}
		im.tx = tx
		if err := im.apply(b); err != nil {
			return err
		}
		if len(im.faults) > 0 {
			return im.invalid()
		}
		if dryRun {
			return errDryRun
		}
		if im.rep.Conflicts > 0 {
			var fields []models.FieldError
			for _, it := range im.rep.Items {
				if it.Action == ImportConflict && len(fields) < MaxImportFaults {
					fields = append(fields, models.FieldError{Field: it.Pointer, Message: fmt.Sprintf(
						"%s %s is at version %d, not the bundle's %d, and the bundle would change %v; export again and redo the change",
						it.Entity, it.Key, it.Version, *it.BundleVersion, it.Changed)})
				}
			}
			e := models.Conflictf("import_conflict", "%d object(s) changed since the versions the bundle carries; nothing was imported", im.rep.Conflicts)
			e.Fields = fields
			return e
		}
		// Many rows written at once leave SQLite's full-text indexes in many segments, which
		// every search visits: merge them, in the import's transaction.
		if !onPostgres(tx) && im.rep.Created+im.rep.Updated >= optimizeAfterImport {
			return OptimizeSearch(ctx, func(ctx context.Context, q string, args ...any) (sql.Result, error) {
				return nil, tx.Exec(q, args...).Error
			})
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return im.rep, nil
}

// optimizeAfterImport is the number of objects an import creates or updates from which it merges
// the full-text indexes when it ends (OptimizeSearch): it costs in proportion to the indexes'
// size (about 3 s at 100,000 tactics), worth it after a bulk write, not after a few objects.
const optimizeAfterImport = 100

// importer applies one bundle in one transaction.
type importer struct {
	tx     *gorm.DB
	rep    *ImportReport
	faults []models.FieldError
	more   int // faults beyond MaxImportFaults
	// seed, for the seed (ApplySeed), makes the import leave editors' work alone instead of
	// overwriting it or reporting a conflict; nil for a client's import.
	seed *seedPolicy
}

// seedPolicy is how applying the seed differs from a client's import: an object that editors
// deleted stays deleted, one they changed is left as it is (each logged), and the tactics of an
// earlier release's seed are found by the titles they were created under.
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

func (im *importer) fault(pointer, format string, args ...any) {
	if len(im.faults) >= MaxImportFaults {
		im.more++
		return
	}
	im.faults = append(im.faults, models.FieldError{Field: pointer, Message: fmt.Sprintf(format, args...)})
}

func (im *importer) invalid() error {
	fields := im.faults
	if im.more > 0 {
		fields = append(fields, models.FieldError{Field: "", Message: fmt.Sprintf("and %d more fault(s), not listed", im.more)})
	}
	e := models.Invalid(fields...)
	e.Detail = fmt.Sprintf("the bundle has %d fault(s); nothing was imported", len(im.faults)+im.more)
	return e
}

// duplicates reports objects that the bundle holds twice.
func (im *importer) duplicates(b *Bundle) {
	dup := func(kind string, keys []string, field string) {
		seen := map[string]int{}
		for i, k := range keys {
			if k == "" {
				continue
			}
			if j, ok := seen[k]; ok {
				im.fault(fmt.Sprintf("/%s/%d/%s", kind, i, field), "%q is also /%s/%d; a bundle holds each object once", k, kind, j)
				continue
			}
			seen[k] = i
		}
	}
	keys := func(n int, key func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = key(i)
		}
		return out
	}
	dup("sources", keys(len(b.Sources), func(i int) string { return b.Sources[i].Slug }), "slug")
	dup("tags", keys(len(b.Tags), func(i int) string { return b.Tags[i].Slug }), "slug")
	dup("chains", keys(len(b.Chains), func(i int) string { return b.Chains[i].Slug }), "slug")
	dup("stages", keys(len(b.Stages), func(i int) string {
		if b.Stages[i].Slug == "" {
			return ""
		}
		return b.Stages[i].Chain + "/" + b.Stages[i].Slug
	}), "slug")
	dup("tactics", keys(len(b.Tactics), func(i int) string { return b.Tactics[i].Code }), "code")
	dup("relations", keys(len(b.Relations), func(i int) string {
		r := b.Relations[i]
		return r.From + " " + r.Type + " " + r.To
	}), "to")
	for i, t := range b.Tactics {
		if t.Code == "" {
			im.fault(fmt.Sprintf("/tactics/%d/code", i), "is required in a bundle: a tactic is found by its code")
		}
	}
}

func (im *importer) apply(b *Bundle) error {
	for i := range b.Sources {
		in := &b.Sources[i]
		if _, err := importObject(im, sourceObject, fmt.Sprintf("/sources/%d", i), in.Slug, in.Slug, in, &in.Version, nil); err != nil {
			return err
		}
	}
	for i := range b.Tags {
		in := &b.Tags[i]
		if _, err := importObject(im, tagObject, fmt.Sprintf("/tags/%d", i), in.Slug, in.Slug, in, &in.Version, nil); err != nil {
			return err
		}
	}
	chainIDs := map[string]int64{}
	for i := range b.Chains {
		in := &b.Chains[i]
		c, err := importObject(im, chainObject, fmt.Sprintf("/chains/%d", i), in.Slug, in.Slug, in, &in.Version, nil)
		if err != nil {
			return err
		}
		if c != nil {
			chainIDs[in.Slug] = c.ID
		}
	}
	// chainID finds a chain that the bundle does not hold in the database.
	chainID := func(slug string) (int64, bool, error) {
		if id, ok := chainIDs[slug]; ok {
			return id, true, nil
		}
		if !models.IsSlug(slug) {
			return 0, false, nil
		}
		c, err := findChain(im.tx, slug)
		if models.IsKind(err, models.KindNotFound) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, err
		}
		chainIDs[slug] = c.ID
		return c.ID, true, nil
	}
	stageIDs := map[string]int64{} // "chain/stage" -> id
	for i := range b.Stages {
		bs := &b.Stages[i]
		at := fmt.Sprintf("/stages/%d", i)
		id, ok, err := chainID(bs.Chain)
		if err != nil {
			return err
		}
		if !ok && im.seed != nil {
			im.seed.leave("stage %s/%s: its chain is not there", bs.Chain, bs.Slug)
			continue
		}
		if !ok {
			im.fault(at+"/chain", "chain %q is neither in the bundle nor in the database", bs.Chain)
			continue
		}
		in := bs.StageInput
		in.ChainID = &id
		key, err := stageKey(im.tx, id, bs.Slug)
		if err != nil {
			return err
		}
		st, err := importObject(im, stageObject, at, key, bs.Chain+"/"+bs.Slug, &in, &in.Version, nil)
		if err != nil {
			return err
		}
		if st != nil {
			stageIDs[bs.Chain+"/"+bs.Slug] = st.ID
		}
	}
	stageID := func(chain, slug string) (int64, bool, error) {
		if id, ok := stageIDs[chain+"/"+slug]; ok {
			return id, true, nil
		}
		cid, ok, err := chainID(chain)
		if err != nil || !ok {
			return 0, false, err
		}
		key, err := stageKey(im.tx, cid, slug)
		if err != nil || key == "0" {
			return 0, false, err
		}
		id, _ := strconv.ParseInt(key, 10, 64)
		stageIDs[chain+"/"+slug] = id
		return id, true, nil
	}
	for i := range b.Tactics {
		bt := &b.Tactics[i]
		at := fmt.Sprintf("/tactics/%d", i)
		id, ok, err := stageID(bt.Chain, bt.Stage)
		if err != nil {
			return err
		}
		if !ok && im.seed != nil {
			im.seed.leave("tactic %s: its stage %s/%s is not there", bt.Code, bt.Chain, bt.Stage)
			continue
		}
		if !ok {
			im.fault(at+"/stage", "stage %q of chain %q is neither in the bundle nor in the database", bt.Stage, bt.Chain)
			continue
		}
		in := bt.TacticInput
		in.StageID = &id
		key := "0"
		if in.Code != "" {
			tid, err := tacticIDByCode(im.tx, in.Code)
			if err != nil {
				return err
			}
			key = idKey(tid)
		}
		if im.seed != nil {
			if in.Status == "" {
				in.Status = models.StatusPublished // the seed is published knowledge, not drafts
			}
			if key == "0" {
				done, err := im.seedPredecessor(&in)
				if err != nil {
					return err
				}
				if done {
					continue
				}
			}
		}
		_, err = importObject(im, tacticObject, at, key, in.Code, &in, &in.Version, func(cur *models.Tactic, in *models.TacticInput) {
			// Left out, position and status keep what the tactic has, as a replace does.
			if in.Position == nil {
				in.Position = &cur.Position
			}
			if in.Status == "" {
				in.Status = cur.Status
			}
		})
		if err != nil {
			return err
		}
	}
	for i := range b.Relations {
		in := &b.Relations[i]
		if im.seed != nil {
			there, err := bothEnds(im.tx, in)
			if err != nil {
				return err
			}
			if !there {
				im.seed.leave("relation %s %s %s: a tactic at its ends is not there", in.From, in.Type, in.To)
				continue
			}
		}
		var ids []int64
		err := im.tx.Table("relations r").Joins("JOIN tactics f ON f.id = r.from_id").Joins("JOIN tactics t ON t.id = r.to_id").
			Where("f.code = ? AND t.code = ? AND r.type = ?", in.From, in.To, in.Type).Limit(1).Pluck("r.id", &ids).Error
		if err != nil {
			return fmt.Errorf("store: import relation: %w", err)
		}
		key := "0"
		if len(ids) > 0 {
			key = idKey(ids[0])
		}
		if _, err := importObject(im, relationObject, fmt.Sprintf("/relations/%d", i), key, in.From+" "+in.Type+" "+in.To, in, &in.Version, nil); err != nil {
			return err
		}
	}
	// Parameters last: they name chains and stages.
	for i := range b.Parameters {
		in := &b.Parameters[i]
		key := in.Slug
		if !models.IsSlug(key) {
			key = "0"
		}
		if _, err := importObject(im, parameterObject, fmt.Sprintf("/parameters/%d", i), key, in.Slug, in, &in.Version, nil); err != nil {
			return err
		}
	}
	return nil
}

// seedPredecessor applies a seed tactic whose code is not in the database to the tactic that an
// earlier release's seed created for the same idea (found by the title it was created under), if
// there is one: updated in place under its id while still as seeded, left alone if an editor
// changed it, not brought back if an editor deleted it. Earlier tactics merged into this one go,
// where nobody changed them. It reports whether it dealt with the tactic; if not, the tactic is new.
func (im *importer) seedPredecessor(in *models.TacticInput) (bool, error) {
	titles := im.seed.predecessors[in.Code]
	var ids []int64
	for _, t := range titles {
		if id, ok := im.seed.origins[t]; ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return false, nil
	}
	first := ids[0]
	cur, err := findTactic(im.tx, first, true)
	if models.IsKind(err, models.KindNotFound) {
		im.seed.leave("tactic %s: the tactic it replaces (%q) was deleted by an editor; not brought back", in.Code, titles[0])
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
		im.seed.leave("tactic %d (%q): changed by an editor since it was seeded; left as it is, and %s not added", first, cur.Title, in.Code)
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
			im.seed.leave("tactic %d: merged into %s by the seed, but changed by an editor; left as it is", id, in.Code)
			continue
		}
		if err := tacticObject.removeIn(im.tx, idKey(id)); err != nil {
			if models.IsKind(err, models.KindNotFound) {
				continue // already gone
			}
			return false, err
		}
		im.seed.removed = append(im.seed.removed, fmt.Sprintf("tactic %d (merged into %s)", id, in.Code))
	}
	return true, nil
}

// importObject applies one object of the bundle: key finds it (a slug, or an id as text; "0" finds
// nothing). It returns the object as it is after the import (nil if it failed), or an error that
// is not the bundle's fault. fill, if set, fills what the input leaves out from the current object
// before they are compared.
func importObject[T, In any](im *importer, o *object[T, In], pointer, key, name string, in *In, ver **int64, fill func(cur *T, in *In)) (*T, error) {
	item := ImportItem{Pointer: pointer, Entity: o.entity, Key: name, BundleVersion: *ver}
	var cur *T
	if key != "0" { // "0" is what the lookups answer for an object that is not there
		var err error
		if cur, err = o.find(im.tx, key); err != nil && !models.IsKind(err, models.KindNotFound) {
			return nil, err
		}
	}
	if cur == nil && im.seed != nil {
		deleted, err := im.seed.deletedBefore(im.tx, o.entity, name)
		if err != nil {
			return nil, err
		}
		if deleted {
			im.seed.leave("%s %s: deleted by an editor; not brought back", o.entity, name)
			return nil, nil
		}
	}
	if cur == nil {
		version := int64(1)
		if *ver != nil && **ver > 0 {
			version = **ver // a mirror keeps the versions of the bundle it copies
		}
		item.Action = ImportCreate
		obj, err := importWrite(im, pointer, func(tx *gorm.DB) (*T, error) { return o.insert(tx, 0, version, in, models.ActionCreate) })
		if err != nil || obj == nil {
			return nil, err
		}
		if !im.rep.DryRun {
			_, item.Version = o.ref(obj)
		}
		im.rep.Created++
		im.rep.Items = append(im.rep.Items, item)
		return obj, nil
	}
	id, curVersion := o.ref(cur)
	item.Version = curVersion
	if im.seed != nil {
		ok, err := stillSeeded(im.tx, o.entity, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			im.seed.leave("%s %s: changed by an editor since it was seeded; left as it is", o.entity, name)
			return cur, nil
		}
	}
	if fill != nil {
		fill(cur, in)
	}
	was, err := inputOfRow(o, cur)
	if err != nil {
		return nil, err
	}
	item.Changed = changedFields(was, in)
	switch {
	case len(item.Changed) == 0:
		item.Action = ImportUnchanged
		im.rep.Unchanged++
		im.rep.Items = append(im.rep.Items, item)
		return cur, nil
	case *ver != nil && **ver != curVersion:
		item.Action = ImportConflict
		im.rep.Conflicts++
		im.rep.Items = append(im.rep.Items, item)
		return cur, nil
	}
	item.Action = ImportUpdate
	obj, err := importWrite(im, pointer, func(tx *gorm.DB) (*T, error) { return o.update(tx, cur, in, models.ActionUpdate) })
	if err != nil || obj == nil {
		return nil, err
	}
	if !im.rep.DryRun {
		_, item.Version = o.ref(obj)
	}
	im.rep.Updated++
	im.rep.Items = append(im.rep.Items, item)
	return obj, nil
}

// inputOfRow is the input that would write cur as it is, read from cur alone.
func inputOfRow[T, In any](o *object[T, In], cur *T) (*In, error) {
	switch v := any(cur).(type) {
	case *models.Source:
		return any(sourceInputOf(v)).(*In), nil
	case *models.Chain:
		return any(chainInputOf(v)).(*In), nil
	case *models.Stage:
		return any(stageInputOf(v)).(*In), nil
	case *models.Tag:
		return any(tagInputOf(v)).(*In), nil
	case *models.Tactic:
		return any(tacticInput(v)).(*In), nil
	case *relationState:
		return any(&models.RelationInput{From: v.From, To: v.To, Type: v.Type, Note: v.Note}).(*In), nil
	case *models.Parameter:
		in := &models.ParameterInput{Slug: v.Slug, Symbol: v.Symbol, Low: v.Low, Central: v.Central, High: v.High,
			Unit: v.Unit, Currency: v.Currency, PriceYear: v.PriceYear, Geography: v.Geography, Period: v.Period,
			Chain: v.Chain, Stage: v.Stage, Estimate: v.Estimate, Citations: v.Citations, Note: v.Note}
		return any(in).(*In), nil
	}
	return nil, fmt.Errorf("store: import: no input for %s", o.entity)
}

// importWrite runs one write of the import. A write that the bundle's data makes fail is a fault
// at pointer, and the checks go on to the rest of the bundle: validation fails before the write
// runs a statement that could fail. Any other failure (a code or slug taken by a write that raced
// the import) ends the import with that error, a 409 that names the object at pointer.
func importWrite[T any](im *importer, pointer string, write func(tx *gorm.DB) (*T, error)) (*T, error) {
	obj, err := write(im.tx)
	if err == nil {
		return obj, nil
	}
	e, ok := models.AsError(err)
	if !ok {
		return nil, err
	}
	if e.Kind != models.KindInvalid {
		// Not the bundle's fault but a write that raced the import (a code or slug taken, an
		// object changed meanwhile): the import fails as that write would, naming the object.
		out := *e
		out.Fields = []models.FieldError{{Field: pointer, Message: e.Detail}}
		return nil, &out
	}
	if len(e.Fields) == 0 {
		im.fault(pointer, "%s", e.Detail)
	}
	for _, f := range e.Fields {
		at := pointer
		if f.Field != "" {
			at += "/" + f.Field
		}
		im.fault(at, "%s", f.Message)
	}
	return nil, nil
}

// changedFields names the top-level fields in which next differs from was, as JSON names them.
// Versions and read-only fields are not compared; null, "", [] and {} are all empty; tags are a
// set; a tactic's evidence and review left out are the defaults a write fills in.
func changedFields(was, next any) []string {
	a, b := comparableJSON(was), comparableJSON(next)
	var out []string
	for k, v := range b {
		if !sameJSON(a[k], v) {
			out = append(out, k)
		}
	}
	for k, v := range a {
		if _, ok := b[k]; !ok && !isEmpty(v) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func comparableJSON(in any) map[string]any {
	switch v := in.(type) {
	case *models.TacticInput:
		t := *v
		if t.Evidence == nil {
			ev := defaultEvidence
			t.Evidence = &ev
		}
		if t.Review == nil {
			t.Review = &models.Review{State: models.ReviewDraft}
		}
		if t.Attribution == "" {
			t.Attribution = models.AttributionEditorial
		}
		t.Tags = slices.Clone(t.Tags)
		slices.Sort(t.Tags)
		in = &t
	case *models.SourceInput:
		s := *v
		if s.Language == "" {
			s.Language = "en"
		}
		in = &s
	}
	raw, _ := json.Marshal(in)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	for _, k := range []string{"version", "id", "created_at", "updated_at", "cited_by", "tactic_count"} {
		delete(m, k)
	}
	if _, ok := in.(*models.TacticInput); ok {
		delete(m, "chain_id") // ignored on input: a tactic's chain is its stage's
	}
	return m
}

func sameJSON(a, b any) bool {
	if isEmpty(a) && isEmpty(b) {
		return true
	}
	return reflect.DeepEqual(normalize(a), normalize(b))
}

// normalize drops empty members of objects, so that a null and a missing field compare equal.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if !isEmpty(e) {
				out[k] = normalize(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
