package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"

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
	Entity models.Entity `json:"entity" example:"tactic"`
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
// lists them all, and nothing is written. A write that another one made at the same moment makes
// fail (a code just taken) is that write's Conflict, naming the object. With dryRun, nothing is
// written either way, and the report (conflicts included) says what the import would do. Each
// changed object gets one revision, carrying ctx's request id.
func (s *Store) Import(ctx context.Context, b *Bundle, dryRun bool) (*ImportReport, error) {
	if !readsFormat(b.FormatVersion) {
		return nil, models.Invalid(models.FieldError{Field: "/format_version",
			Message: fmt.Sprintf("format_version %d is not one this release reads; send %d (2 is read too)", b.FormatVersion, BundleFormat)})
	}
	if err := checkDuplicates(b); err != nil {
		return nil, err
	}
	var rep *ImportReport
	err := s.writeBulk(ctx, func(tx *gorm.DB) error {
		if err := s.serialize(tx, "import"); err != nil {
			return err
		}
		if err := lockPrerequisites(tx, b); err != nil {
			return err
		}
		im := newImporter(tx, dryRun, clientImport{})
		rep = im.rep
		if err := im.apply(b); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		if im.rep.Conflicts > 0 {
			return im.conflicts()
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
	return rep, nil
}

// optimizeAfterImport is the number of objects an import creates or updates from which it merges
// the full-text indexes when it ends (OptimizeSearch): it costs in proportion to the indexes'
// size (about 3 s at 100,000 tactics), worth it after a bulk write, not after a few objects.
const optimizeAfterImport = 100

// importer applies one bundle in one transaction, resource by resource in the registry's order.
type importer struct {
	tx     *gorm.DB
	rep    *ImportReport
	faults []models.FieldError
	more   int // faults beyond MaxImportFaults
	// policy is where a client's import and the seed differ (clientImport, seedPolicy).
	policy importPolicy
	// The ids of chains and stages the bundle names by slug, as they are looked up.
	chainIDs map[string]int64 // chain slug -> id
	stageIDs map[string]int64 // "chain/stage" -> id
}

// importPolicy is where imports differ: a client's bundle (clientImport) is applied as it stands;
// the seed (seedPolicy, seed.go) leaves editors' work alone and upgrades an earlier seed in place.
type importPolicy interface {
	// unresolved is told that an object of the bundle names something that is not there: a
	// client's import reports message as a fault at pointer; the seed leaves the object out,
	// logging what (which says what it left and why).
	unresolved(im *importer, pointer, message, what string)
	// mayCreate says whether an object that is not in the database (named by its bundle key)
	// is created.
	mayCreate(tx *gorm.DB, entity, name string) (bool, error)
	// mayUpdate says whether an object that is in the database may be changed.
	mayUpdate(tx *gorm.DB, entity string, id int64, name string) (bool, error)
	// tactic completes a tactic of the bundle before it is applied; one whose code is not in the
	// database (isNew) may be applied by the policy itself (done: the import skips it).
	tactic(im *importer, in *models.TacticInput, isNew bool) (done bool, err error)
}

// clientImport is a client's import: a bundle applied as it stands.
type clientImport struct{}

func (clientImport) unresolved(im *importer, pointer, message, _ string) {
	im.fault(pointer, "%s", message)
}
func (clientImport) mayCreate(*gorm.DB, string, string) (bool, error) { return true, nil }
func (clientImport) mayUpdate(*gorm.DB, string, int64, string) (bool, error) {
	return true, nil
}
func (clientImport) tactic(*importer, *models.TacticInput, bool) (bool, error) { return false, nil }

// lockPrerequisites takes, at the start of an import, the lock that prerequisite writes take
// (prepareRelation) and that the import's loop check holds (checkImportLoops): every transaction
// then takes it before the knowledge base's generation row, which its first revision locks, so an
// import and an API write of a prerequisite never wait for each other in a circle.
func lockPrerequisites(tx *gorm.DB, b *Bundle) error {
	if !slices.ContainsFunc(b.Relations, func(in models.RelationInput) bool { return in.Type == models.RelationPrerequisiteOf }) {
		return nil
	}
	return serialize(tx, "prerequisites")
}

func newImporter(tx *gorm.DB, dryRun bool, policy importPolicy) *importer {
	return &importer{tx: tx, rep: &ImportReport{DryRun: dryRun, Items: []ImportItem{}}, policy: policy,
		chainIDs: map[string]int64{}, stageIDs: map[string]int64{}}
}

// apply applies every resource of b, in the registry's order, and fails with every fault found
// (Invalid) if there is one.
func (im *importer) apply(b *Bundle) error {
	for _, r := range resources {
		if err := r.importAll(im, b); err != nil {
			return err
		}
	}
	if len(im.faults) > 0 {
		return im.invalid()
	}
	return nil
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

// conflicts is the Conflict of an import whose objects have moved past the versions it carries.
func (im *importer) conflicts() error {
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

// checkDuplicates refuses a bundle that holds an object twice, of any resource, or an object
// without the key that finds it: Invalid, listing each.
func checkDuplicates(b *Bundle) error {
	im := &importer{}
	for _, r := range resources {
		r.duplicates(im, b)
	}
	if len(im.faults) > 0 {
		return im.invalid()
	}
	return nil
}

// chainID finds a chain by slug: in the database, where an import that holds it has just put it.
func (im *importer) chainID(slug string) (int64, bool, error) {
	if id, ok := im.chainIDs[slug]; ok {
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
	im.chainIDs[slug] = c.ID
	return c.ID, true, nil
}

// stageID finds a stage by its chain's slug and its own.
func (im *importer) stageID(chain, slug string) (int64, bool, error) {
	if id, ok := im.stageIDs[chain+"/"+slug]; ok {
		return id, true, nil
	}
	cid, ok, err := im.chainID(chain)
	if err != nil || !ok {
		return 0, false, err
	}
	id, err := stageIDIn(im.tx, cid, slug)
	if err != nil || id == 0 {
		return 0, false, err
	}
	im.stageIDs[chain+"/"+slug] = id
	return id, true, nil
}

// importObject applies one object of the bundle: key finds it (a slug, or an id as text; "0" finds
// nothing), name is its key in the bundle. It returns the object as it is after the import (nil if
// it failed), or an error that is not the bundle's fault.
func importObject[T, In any](im *importer, o *object[T, In], pointer, key, name string, in *In) (*T, error) {
	ver := *o.version(in)
	item := ImportItem{Pointer: pointer, Entity: o.entity, Key: name, BundleVersion: ver}
	if ver != nil && *ver > models.MaxVersion {
		// An object created at 2^63-1 could never be updated again; and above 2^53-1 no client
		// written in JavaScript reads a version exactly.
		im.fault(pointer+"/version", "must be at most %d", models.MaxVersion)
		return nil, nil
	}
	var cur *T
	if key != "0" { // "0" is what the lookups answer for an object that is not there
		var err error
		if cur, err = o.find(im.tx, key); err != nil && !models.IsKind(err, models.KindNotFound) {
			return nil, err
		}
	}
	if cur == nil {
		if ok, err := im.policy.mayCreate(im.tx, o.entity, name); err != nil || !ok {
			return nil, err
		}
		version := int64(1)
		if ver != nil && *ver > 0 {
			version = *ver // a mirror keeps the versions of the bundle it copies
		}
		item.Action = ImportCreate
		obj, err := importWrite(im, pointer, func(tx *gorm.DB) (*T, error) { return o.insert(tx, 0, version, in, models.ActionCreate) })
		return reportWrite(im, o, item, &im.rep.Created, obj, err)
	}
	id, curVersion := o.ref(cur)
	item.Version = curVersion
	if ok, err := im.policy.mayUpdate(im.tx, o.entity, id, name); err != nil || !ok {
		return cur, err
	}
	if o.fill != nil {
		o.fill(cur, in)
	}
	item.Changed = changedFields(o.asInput(cur), in)
	switch {
	case len(item.Changed) == 0:
		item.Action = ImportUnchanged
		im.report(item, &im.rep.Unchanged)
		return cur, nil
	case ver != nil && *ver != curVersion:
		item.Action = ImportConflict
		im.report(item, &im.rep.Conflicts)
		return cur, nil
	}
	item.Action = ImportUpdate
	obj, err := importWrite(im, pointer, func(tx *gorm.DB) (*T, error) { return o.update(tx, cur, in, models.ActionUpdate) })
	return reportWrite(im, o, item, &im.rep.Updated, obj, err)
}

// report lists item in the import's report and counts it in n, one of the report's counts.
func (im *importer) report(item ImportItem, n *int) {
	*n++
	im.rep.Items = append(im.rep.Items, item)
}

// reportWrite reports a write of the import (obj, err) that went through, with the version it left
// (none in a dry run), counted in n. A write that failed (obj nil) was reported at its pointer.
func reportWrite[T, In any](im *importer, o *object[T, In], item ImportItem, n *int, obj *T, err error) (*T, error) {
	if err != nil || obj == nil {
		return nil, err
	}
	if !im.rep.DryRun {
		_, item.Version = o.ref(obj)
	}
	im.report(item, n)
	return obj, nil
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
		// Compared as what the write records: the check, and the verified date it gives.
		check := s.CheckOf()
		s.Check, s.Verified = &check, check.Verified()
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
