package store

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"chainkb/models"
)

// The registry of resources: every kind of content object that the knowledge base holds, in one
// list (resources, below) that everything that treats them all alike reads: the export writes each
// resource's array, the import reads it back (and refuses a bundle that holds an object twice),
// the entities table names each resource's history, and revisions and the change feed know each
// entity by it. A resource is declared once, as a kind in its own file (chainKind in chains.go),
// and registered here twice: its entry in resources, and its array in Bundle. A test
// (registry_test.go) fails when a resource is missing from anything that reads the registry.

// resources is the registry: every resource, in the order an export writes them and an import
// applies them, each after those it names (a stage after its chain; a tactic after its stage, its
// tags and the sources it cites; a relation after its tactics; a parameter after its chain and
// stage; a country after the sources it cites and the chains its penalties name).
var resources []resource

// The registry is filled in init, not where it is declared: code that the kinds refer to reads it
// (a source's cited_by names every resource that cites it), which Go's ordering of package
// variables would count as a cycle.
func init() {
	resources = []resource{sourceKind, tagKind, chainKind, stageKind, tacticKind, relationKind, parameterKind, countryKind}
}

// Bundle is the knowledge base, or a part of it, as one document whose objects name each other by
// slug or code, never by database id. It is how the seed enters the store, through the same
// validation as any client write, and what GET /export writes and POST /import reads. Each object
// may carry its version: the export writes it, and an import refuses to overwrite an object that
// has moved past the version its bundle carries. It has one array per resource of the registry,
// named as the resource's path is (kind.plural).
//
//	@Description	The knowledge base as one document (format_version 3; 2 is read too): objects name each other by slug (sources, tags, chains, stages within their chain, parameters) and by code (tactics, relations), never by database id. Each object carries its version.
type Bundle struct {
	// The bundle format; this release writes 3 and reads 2 and 3.
	FormatVersion int `json:"format_version" example:"3"`
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
	// Countries, by ISO 3166-1 alpha-2 code: their law, enforcement and ratifications, each citing sources by slug.
	Countries []models.CountryInput `json:"countries"`
}

// Required names what the import requires of a bundle besides the rules of its parts: the format.
func (Bundle) Required() []string { return []string{"format_version"} }

// BundleFormat is the version of the bundle format that this release writes. Format 3 added
// sources' check records; this release reads format 2 too, whose sources carry a bare verified
// date instead (SourceInput.CheckOf says what becomes of it).
const BundleFormat = 3

// readsFormat reports whether this release reads bundles of format v.
func readsFormat(v int) bool { return v == 2 || v == BundleFormat }

// ResourceName names a resource of the registry: its entity, as revisions and the change feed
// name it (one of the models.Entity constants), and its plural, which names its array in a bundle
// and its collection in the API (/api/v1/<plural>).
type ResourceName struct{ Entity, Plural string }

// Resources names the registry's resources, in its order.
func Resources() []ResourceName {
	out := make([]ResourceName, len(resources))
	for i, r := range resources {
		out[i] = ResourceName{Entity: r.entityName(), Plural: r.pluralName()}
	}
	return out
}

// Entities lists the kinds of object that have a history, as revisions and the change feed name
// them: the entities of the registry's resources, in its order, and then releases, which the feed
// reports (cutting one is a change) though they are not content that a bundle holds.
func Entities() []string {
	out := make([]string, len(resources), len(resources)+1)
	for i, r := range resources {
		out[i] = r.entityName()
	}
	return append(out, models.EntityRelease)
}

// resource is what the code that treats every resource alike needs of one; kind is its one
// implementation.
type resource interface {
	entityName() string // as revisions name it: one of the models.Entity constants
	pluralName() string // its array in a bundle, and its collection under /api/v1 (object.plural)
	// bundled counts the resource's objects in b.
	bundled(b *Bundle) int
	// duplicates reports each object that b holds twice, and each without the key that finds it.
	duplicates(im *importer, b *Bundle)
	// exportAll writes every object of the resource to the export, in id order.
	exportAll(e *exporter) error
	// importAll applies b's objects of the resource, in bundle order.
	importAll(im *importer, b *Bundle) error
	// keyOf is the key of one object of the resource's array in a bundle, as key names it.
	keyOf(raw []byte) (string, error)
	// citingSelect is the SELECT of a source's cited_by (sourceUses) that names the resource's
	// objects citing it (entity, id, key, title; the source's id its one parameter), or "" if
	// the resource cites no sources. hidden says whether the caller sees hidden tactics.
	citingSelect(hidden bool) string
}

// citing says how a resource's objects that cite a source are named in the source's cited_by:
// the columns of their key and title, and, if they can be hidden, the condition that leaves the
// hidden ones out for readers below editor (on the resource's table, as x).
type citing struct {
	key, title, published string
}

// kind is one resource: how it is written (object), and how its objects travel in a bundle (B, its
// form there, whose references are slugs and codes rather than ids).
type kind[T, In, B any] struct {
	*object[T, In]
	// items is the resource's array in a bundle.
	items func(*Bundle) *[]B
	// key is what finds an object of the bundle in the database, as the import's report and its
	// duplicate check show it: a slug, a code, chain/slug, "from type to"; keyField is the member
	// it is read from, at which a duplicate is reported. needsKey, if set, is the fault of an
	// object without a key (a tactic without its code).
	key      func(*B) string
	keyField string
	needsKey string
	// prepare, if set, checks the bundle's objects of the resource all together, before the
	// first is applied (the loops of prerequisites).
	prepare func(im *importer, items []B) error
	// batch reads, for the export, up to exportBatch objects with an id above after, in id order;
	// drafts says whether hidden tactics and countries, and what hangs on them, are in.
	batch func(tx *gorm.DB, after int64, drafts bool) ([]T, error)
	// toBundle is an object as a bundle holds it: in is the input that writes it as it is, its
	// version set; the exporter names the chains and stages that ids point at.
	toBundle func(e *exporter, obj *T, in *In) (B, error)
	// fromBundle resolves what an object of the bundle names, and returns its input and the key
	// that finds it in the database ("0" if it is not there). When something it names is not
	// there it tells im (im.unresolved) and returns ok false: the object is skipped.
	fromBundle func(im *importer, at string, b *B) (in *In, key string, ok bool, err error)
}

func (k *kind[T, In, B]) entityName() string { return k.entity }
func (k *kind[T, In, B]) pluralName() string { return k.plural }
func (k *kind[T, In, B]) bundled(b *Bundle) int {
	return len(*k.items(b))
}

func (k *kind[T, In, B]) keyOf(raw []byte) (string, error) {
	var b B
	if err := json.Unmarshal(raw, &b); err != nil {
		return "", fmt.Errorf("store: %s in a bundle: %w", k.entity, err)
	}
	return k.key(&b), nil
}

func (k *kind[T, In, B]) duplicates(im *importer, b *Bundle) {
	seen := map[string]int{}
	for i := range *k.items(b) {
		key := k.key(&(*k.items(b))[i])
		at := fmt.Sprintf("/%s/%d/%s", k.plural, i, k.keyField)
		if key == "" {
			if k.needsKey != "" {
				im.fault(at, "%s", k.needsKey)
			}
			continue
		}
		if j, ok := seen[key]; ok {
			im.fault(at, "%q is also /%s/%d; a bundle holds each object once", key, k.plural, j)
			continue
		}
		seen[key] = i
	}
}

func (k *kind[T, In, B]) exportAll(e *exporter) error {
	var after int64
	for {
		rows, err := k.batch(e.tx, after, e.drafts)
		if err != nil {
			return fmt.Errorf("store: export %s: %w", k.plural, err)
		}
		for i := range rows {
			id, version := k.ref(&rows[i])
			in := k.asInput(&rows[i])
			*k.version(in) = &version
			b, err := k.toBundle(e, &rows[i], in)
			if err != nil {
				return fmt.Errorf("store: export %s %d: %w", k.entity, id, err)
			}
			if err := e.object(b); err != nil {
				return err
			}
		}
		if len(rows) < exportBatch {
			return nil
		}
		after, _ = k.ref(&rows[len(rows)-1])
		if err := e.flush(); err != nil {
			return err
		}
	}
}

func (k *kind[T, In, B]) importAll(im *importer, b *Bundle) error {
	items := *k.items(b)
	if k.prepare != nil {
		if err := k.prepare(im, items); err != nil {
			return err
		}
	}
	for i := range items {
		at := fmt.Sprintf("/%s/%d", k.plural, i)
		in, key, ok, err := k.fromBundle(im, at, &items[i])
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if _, err := importObject(im, k.object, at, key, k.key(&items[i]), in); err != nil {
			return err
		}
	}
	return nil
}

func (k *kind[T, In, B]) citingSelect(hidden bool) string {
	c := k.cites
	if c == nil {
		return ""
	}
	q := fmt.Sprintf(`SELECT '%s' AS entity, x.id AS id, x.%s AS "key", x.%s AS title FROM citations ci
		JOIN %s x ON x.id = ci.entity_id WHERE ci.source_id = ? AND ci.entity = '%s'`, k.entity, c.key, c.title, k.table, k.entity)
	if c.published != "" && !hidden {
		q += " AND " + c.published
	}
	return q
}

// asIs is toBundle for a resource whose bundle form is its input.
func asIs[T, In any](_ *exporter, _ *T, in *In) (In, error) { return *in, nil }

// bySlug is fromBundle for a resource whose bundle form is its input, found by its slug: it names
// nothing that needs looking up before its own write checks it.
func bySlug[In any](slug func(*In) string) func(*importer, string, *In) (*In, string, bool, error) {
	return func(_ *importer, _ string, in *In) (*In, string, bool, error) {
		key := slug(in)
		if !models.IsSlug(key) {
			key = "0" // finds nothing; its write reports the slug
		}
		return in, key, true, nil
	}
}

// syncEntities makes the entities table name every resource of the registry: a revision's entity
// must be one of them. A new resource needs no migration for its history.
func (s *Store) syncEntities(ctx context.Context) error {
	return s.writeBulk(ctx, func(tx *gorm.DB) error {
		for _, name := range Entities() {
			if err := tx.Exec("INSERT INTO entities (name) VALUES (?) ON CONFLICT (name) DO NOTHING", name).Error; err != nil {
				return fmt.Errorf("store: entity %s: %w", name, err)
			}
		}
		return nil
	})
}
