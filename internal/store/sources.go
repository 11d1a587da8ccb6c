package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"chainkb/internal/search"
	"chainkb/models"
)

// Sources are the bibliography: each work described once, cited by slug from chains, stages,
// tags and tactics. The citations index (citations.go) says where each is cited; a cited source
// cannot be deleted.

// sourceColumns are the columns of a source row, in the order scanSource reads them.
const sourceColumns = "sources.id, sources.slug, sources.authors, sources.year, sources.title, sources.container, " +
	"sources.doi, sources.url, sources.archived_url, sources.accessed_on, sources.type, sources.language, " +
	"sources.verified, sources.note, sources.created_at, sources.updated_at, sources.version, " +
	"sources.check_reading, sources.check_on, sources.check_by, sources.check_passage"

// scanSource reads one row of sourceColumns. Authors are a JSON column and the dates YYYY-MM-DD
// text, which GORM cannot map onto the model by itself.
func scanSource(row rowScanner) (*models.Source, error) {
	var s models.Source
	var authors string
	var year sql.NullInt64
	var accessed, verified, checkOn sql.NullString
	err := row.Scan(&s.ID, &s.Slug, &authors, &year, &s.Title, &s.Container, &s.DOI, &s.URL, &s.ArchivedURL,
		&accessed, &s.Type, &s.Language, &verified, &s.Note, &s.CreatedAt, &s.UpdatedAt, &s.Version,
		&s.Check.Reading, &checkOn, &s.Check.By, &s.Check.Passage)
	if err != nil {
		return nil, fmt.Errorf("store: read source: %w", err)
	}
	if err := scanJSON(authors, &s.Authors); err != nil {
		return nil, err
	}
	s.Authors = nonNil(s.Authors)
	if year.Valid {
		y := int(year.Int64)
		s.Year = &y
	}
	if s.AccessedOn, err = scanDate(accessed); err != nil {
		return nil, err
	}
	if s.Verified, err = scanDate(verified); err != nil {
		return nil, err
	}
	if s.Check.On, err = scanDate(checkOn); err != nil {
		return nil, err
	}
	return &s, nil
}

// scanDate reads a YYYY-MM-DD text column; NULL is no date.
func scanDate(v sql.NullString) (*models.Date, error) {
	if !v.Valid || v.String == "" {
		return nil, nil
	}
	d, err := models.ParseDate(v.String)
	if err != nil {
		return nil, fmt.Errorf("store: read date %q: %w", v.String, err)
	}
	return &d, nil
}

// dateText is a date as its column holds it: YYYY-MM-DD, or NULL.
func dateText(d *models.Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

// authorsText encodes authors for their JSON column, keeping & < > as they are so that a text
// search for them finds them.
func authorsText(authors []string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(nonNil(authors)); err != nil {
		// A list of strings always encodes.
		panic(fmt.Sprintf("store: encode authors: %v", err))
	}
	return strings.TrimSpace(b.String())
}

// sourceList is how sources are listed: filtered by type, year range and text, sorted by slug
// unless asked otherwise.
var sourceList = listSpec[models.Source, models.SourceFilter]{
	table:   "sources",
	columns: func(models.SourceFilter, string) string { return sourceColumns },
	where: func(q *gorm.DB, f models.SourceFilter) *gorm.DB {
		if f.Type != "" {
			q = q.Where("sources.type = ?", f.Type)
		}
		if f.YearFrom != 0 {
			q = q.Where("sources.year >= ?", f.YearFrom)
		}
		if f.YearTo != 0 {
			q = q.Where("sources.year <= ?", f.YearTo)
		}
		if len(f.Readings) > 0 {
			q = q.Where("sources.check_reading IN ?", f.Readings)
		}
		if f.Verified != nil {
			// The column is derived from the check on every write (sourceColumnValues).
			if *f.Verified {
				q = q.Where("sources.verified IS NOT NULL")
			} else {
				q = q.Where("sources.verified IS NULL")
			}
		}
		return q // f.Q is matched with the full-text index (search below)
	},
	search: searchableOf(models.SearchSource),
	text:   func(f models.SourceFilter) string { return f.Q },
	parsed: func(f models.SourceFilter) *search.Query { return f.Parsed },
	filterKey: func(f models.SourceFilter) string {
		verified := ""
		if f.Verified != nil {
			verified = fmt.Sprint(*f.Verified)
		}
		return fmt.Sprintf("type=%q from=%d to=%d q=%q reading=%q verified=%q", f.Type, f.YearFrom, f.YearTo, f.Q,
			strings.Join(f.Readings, ","), verified)
	},
	scan:        func(rows *sql.Rows) (*models.Source, error) { return scanSource(rows) },
	defaultSort: "slug",
	// Not by year: it can be NULL, which a keyset cursor cannot step over on both engines alike.
	sorts: map[string]sortField[models.Source]{
		"id":         {"id", intColumn, func(s *models.Source) any { return s.ID }},
		"slug":       {"slug", textColumn, func(s *models.Source) any { return s.Slug }},
		"title":      {"title", textColumn, func(s *models.Source) any { return s.Title }},
		"created_at": {"created_at", timeColumn, func(s *models.Source) any { return s.CreatedAt }},
		"updated_at": {"updated_at", timeColumn, func(s *models.Source) any { return s.UpdatedAt }},
	},
	id: func(s *models.Source) int64 { return s.ID },
}

// sourceObject is how sources are written. A source refers to nothing, so a restore is plain.
var sourceObject = &object[models.Source, models.SourceInput]{
	entity:  models.EntitySource,
	table:   "sources",
	plural:  "sources",
	get:     func(ctx context.Context, s *Store, key string) (*models.Source, error) { return s.Source(ctx, key) },
	find:    findSource,
	ref:     func(s *models.Source) (int64, int64) { return s.ID, s.Version },
	insert:  insertSource,
	update:  updateSource,
	inputOf: func(_ *gorm.DB, s *models.Source) (*models.SourceInput, error) { return sourceInputOf(s), nil },
	asInput: sourceInputOf,
	version: func(in *models.SourceInput) **int64 { return &in.Version },
	inUse: func(tx *gorm.DB, cur *models.Source) error {
		// Counted whatever the caller may see: drafts cite sources too.
		n, err := countIn(tx, "citations", "source_id", cur.ID)
		if err == nil && n > 0 {
			err = models.Conflictf("in_use", "source %q is cited by %d object(s); remove those citations first (GET the source for where it is cited)", cur.Slug, n)
		}
		return err
	},
	change: sourceChange,
}

func sourceChange(_, s *models.Source, action string) change {
	return plainChange(models.EntitySource, s.ID, s.Slug, s.Version, action, s)
}

// Source returns the source with the given id or slug, with where it is cited: NotFound if there
// is none. Below editor, only published tactics are named among the citing objects.
func (s *Store) Source(ctx context.Context, key string) (*models.Source, error) {
	db := s.read(ctx)
	src, err := findSource(db, key)
	if err != nil {
		return nil, err
	}
	src.CitedBy, err = sourceUses(db, src.ID, canSeeHidden(ctx))
	return src, err
}

// SourcesBySlug returns the sources with the given slugs, in slug order, without where they are
// cited: what a country's profile shows of the sources its figures cite. A slug that names no
// source is left out.
func (s *Store) SourcesBySlug(ctx context.Context, slugs []string) ([]models.Source, error) {
	if len(slugs) == 0 {
		return nil, nil
	}
	q := s.read(ctx).Table("sources").Select(sourceColumns).Where("sources.slug IN ?", slugs).Order("sources.slug")
	found, err := scanAll(q, func(rows *sql.Rows) (*models.Source, error) { return scanSource(rows) })
	if err != nil {
		return nil, fmt.Errorf("store: sources by slug: %w", err)
	}
	return found, nil
}

// Sources returns one page of sources: BadRequest for a bad sort or cursor.
func (s *Store) Sources(ctx context.Context, f models.SourceFilter) (models.List[models.Source], error) {
	return sourceList.page(s.read(ctx), f, f.Page)
}

// CreateSource validates and stores a new source: Invalid for a bad field, Conflict
// (duplicate_slug) if the slug is taken.
func (s *Store) CreateSource(ctx context.Context, in *models.SourceInput) (*models.Source, error) {
	return sourceObject.createOne(ctx, s, in)
}

// ReplaceSource replaces the source with the given id or slug, if pre holds: NotFound if there is
// no such source, PreconditionFailed if pre does not hold or the source changed meanwhile, Invalid
// for a bad field, Conflict (duplicate_slug) if the new slug is taken. Citations name sources by
// slug, so a cited source keeps its slug (Conflict in_use otherwise).
func (s *Store) ReplaceSource(ctx context.Context, key string, in *models.SourceInput, pre models.Precondition) (*models.Source, error) {
	return sourceObject.replace(ctx, s, key, in, pre)
}

// DeleteSource deletes the source with the given id or slug, if pre holds and nothing cites it:
// NotFound if there is no such source, PreconditionFailed if pre does not hold, Conflict (in_use,
// with the count) if an object, draft or not, cites it.
func (s *Store) DeleteSource(ctx context.Context, key string, pre models.Precondition) error {
	return sourceObject.remove(ctx, s, key, pre)
}

// RestoreSource brings the source named by key (id or slug, deleted or not) back to a revision:
// NotFound if it has no history or no such revision, PreconditionFailed if pre does not hold,
// Conflict if the revision records a delete (not_restorable) or the slug is taken meanwhile
// (duplicate_slug).
func (s *Store) RestoreSource(ctx context.Context, key string, revision int64, pre models.Precondition) (*models.Source, error) {
	return sourceObject.restoreOne(ctx, s, key, revision, pre)
}

// sourceInputOf is the input that writes s back as it is. A source read from a revision made
// before check records (no reading) gives its verified date alone, which the write records as a
// legacy claim (SourceInput.CheckOf).
func sourceInputOf(s *models.Source) *models.SourceInput {
	in := &models.SourceInput{Slug: s.Slug, Authors: s.Authors, Year: s.Year, Title: s.Title, Container: s.Container,
		DOI: s.DOI, URL: s.URL, ArchivedURL: s.ArchivedURL, AccessedOn: s.AccessedOn, Type: s.Type,
		Language: s.Language, Verified: s.Verified, Note: s.Note}
	if s.Check.Reading != "" {
		check := s.Check
		in.Check = &check
	}
	return in
}

// sourceOf is the source that in describes, with the defaults filled in and verified derived
// from the check.
func sourceOf(in *models.SourceInput) *models.Source {
	lang := in.Language
	if lang == "" {
		lang = "en"
	}
	check := in.CheckOf()
	return &models.Source{Slug: in.Slug, Authors: nonNil(in.Authors), Year: in.Year, Title: in.Title,
		Container: in.Container, DOI: in.DOI, URL: in.URL, ArchivedURL: in.ArchivedURL, AccessedOn: in.AccessedOn,
		Type: in.Type, Language: lang, Check: check, Verified: check.Verified(), Note: in.Note}
}

// sourceColumnValues are the columns a write of s sets, bar id, times and version.
func sourceColumnValues(s *models.Source) map[string]any {
	return map[string]any{"slug": s.Slug, "authors": authorsText(s.Authors), "year": s.Year, "title": s.Title,
		"container": s.Container, "doi": s.DOI, "url": s.URL, "archived_url": s.ArchivedURL,
		"accessed_on": dateText(s.AccessedOn), "type": s.Type, "language": s.Language,
		"verified": dateText(s.Verified), "note": s.Note, "check_reading": s.Check.Reading,
		"check_on": dateText(s.Check.On), "check_by": s.Check.By, "check_passage": s.Check.Passage}
}

// insertSource stores a source: a new one (id 0), or a deleted one brought back under its id.
func insertSource(tx *gorm.DB, id, version int64, in *models.SourceInput, action string) (*models.Source, error) {
	if err := in.ValidateAt(tx.Config.NowFunc()); err != nil {
		return nil, err
	}
	src := sourceOf(in)
	now := tx.Config.NowFunc()
	var err error
	if src.ID, err = insertObject(tx, "sources", id, version, now, sourceColumnValues(src)); err != nil {
		return nil, slugConflict(err, models.EntitySource, in.Slug, "")
	}
	src.CreatedAt, src.UpdatedAt, src.Version = now, now, version
	return src, record(tx, sourceChange(nil, src, action))
}

// updateSource replaces cur with in, moving it to its next version.
func updateSource(tx *gorm.DB, cur *models.Source, in *models.SourceInput, action string) (*models.Source, error) {
	if err := in.ValidateAt(tx.Config.NowFunc()); err != nil {
		return nil, err
	}
	if in.Slug != cur.Slug {
		n, err := countIn(tx, "citations", "source_id", cur.ID)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, models.Conflictf("in_use", "source %q is cited by %d object(s) by its slug, which cannot change while it is; create a source under the new slug, move the citations to it, then delete this one", cur.Slug, n)
		}
	}
	src := sourceOf(in)
	updated, err := bumpVersion(tx, "sources", cur.ID, cur.Version, sourceColumnValues(src))
	if err != nil {
		return nil, slugConflict(err, models.EntitySource, in.Slug, "")
	}
	src.ID, src.CreatedAt, src.UpdatedAt, src.Version = cur.ID, cur.CreatedAt, updated, cur.Version+1
	return src, record(tx, sourceChange(cur, src, action))
}

// findSource finds a source by id or slug.
func findSource(db *gorm.DB, key string) (*models.Source, error) {
	id, slug := idOrSlug(key)
	q := db.Table("sources").Select(sourceColumns)
	if slug != "" {
		q = q.Where("sources.slug = ?", slug)
	} else {
		q = q.Where("sources.id = ?", id)
	}
	found, err := scanAll(q.Limit(1), func(rows *sql.Rows) (*models.Source, error) { return scanSource(rows) })
	if err != nil {
		return nil, fmt.Errorf("store: find source: %w", err)
	}
	if len(found) == 0 {
		return nil, models.NotFoundf("source %q not found", key)
	}
	return &found[0], nil
}

// sourceUses lists the objects that cite the source, from the citations index, in one query:
// chains, stages and tags by slug and name, tactics by code and title (only published ones unless
// hidden).
func sourceUses(db *gorm.DB, sourceID int64, hidden bool) ([]models.SourceUse, error) {
	// One SELECT per resource of the registry that cites sources.
	var parts []string
	var args []any
	for _, r := range resources {
		if c := r.citingSelect(hidden); c != "" {
			parts = append(parts, c)
			args = append(args, sourceID)
		}
	}
	q := strings.Join(parts, " UNION ALL ") + " ORDER BY 1, 2"
	uses := []models.SourceUse{}
	if err := db.Raw(q, args...).Scan(&uses).Error; err != nil {
		return nil, fmt.Errorf("store: where source %d is cited: %w", sourceID, err)
	}
	return uses, nil
}

// Chains, stages and tags cite sources in their citations column; these are the checks their
// writes share with each other.

// validateCiting runs an input's Validate and resolves its citations, reporting every bad field
// at once: the ids of the cited sources, or Invalid naming each bad field, an unknown (or
// deleted) source at its citation's JSON pointer (citations/N/source).
func validateCiting(tx *gorm.DB, validate func() error, cs []models.Citation) ([]int64, error) {
	var fields []models.FieldError
	if err := validate(); err != nil {
		e, ok := models.AsError(err)
		if !ok || e.Kind != models.KindInvalid {
			return nil, err
		}
		fields = append(fields, e.Fields...)
	}
	ids, bad, err := resolveCitations(tx, models.CitationRefs("", cs))
	if err != nil {
		return nil, err
	}
	fields = append(fields, bad...)
	if len(fields) > 0 {
		return nil, models.Invalid(fields...)
	}
	return ids, nil
}

// checkCitedSources refuses to bring an object back to a state that cites sources deleted since:
// a Conflict (not_restorable) naming them.
func checkCitedSources(tx *gorm.DB, entity string, id int64, cs []models.Citation) error {
	refs := models.CitationRefs("", cs)
	_, bad, err := resolveCitations(tx, refs)
	if err != nil || len(bad) == 0 {
		return err
	}
	var gone []string
	for _, b := range bad {
		for _, r := range refs {
			if r.Pointer == b.Field && !slices.Contains(gone, r.Source) {
				gone = append(gone, r.Source)
			}
		}
	}
	return models.Conflictf("not_restorable", "%s %d cites source(s) %s, deleted since; restore them first (or restore another revision)",
		entity, id, strings.Join(gone, ", "))
}

// sourceKind is sources in the registry: a bundle holds their inputs, found by slug.
var sourceKind = &kind[models.Source, models.SourceInput, models.SourceInput]{
	object: sourceObject,
	items:  func(b *Bundle) *[]models.SourceInput { return &b.Sources },
	key:    func(in *models.SourceInput) string { return in.Slug }, keyField: "slug",
	batch: func(tx *gorm.DB, after int64, _ bool) ([]models.Source, error) {
		q := tx.Table("sources").Select(sourceColumns).Where("sources.id > ?", after).Order("sources.id").Limit(exportBatch)
		return scanAll(q, func(rows *sql.Rows) (*models.Source, error) { return scanSource(rows) })
	},
	toBundle:   asIs[models.Source, models.SourceInput],
	fromBundle: bySlug(func(in *models.SourceInput) string { return in.Slug }),
}

// SourceObjects is sources for the API's shared endpoint code: the methods above, by path key.
func (s *Store) SourceObjects() *Resource[models.Source, models.SourceInput] {
	return sameResource(s, sourceObject)
}
