package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// countryRow is a row of countries.
type countryRow struct {
	ID            int64
	ISO           string `gorm:"column:iso"`
	Region        string
	Subregion     string
	Status        string
	Summary       string
	Penalties     string
	Enforcement   string
	Ratifications string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int64
}

func (r *countryRow) country() (models.Country, error) {
	c := models.Country{ID: r.ID, ISO: r.ISO, Name: models.CountryName(r.ISO), Status: r.Status, Summary: r.Summary,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), Version: r.Version}
	c.Region, c.Subregion = models.CountryRegions(r.ISO)
	for _, col := range []struct {
		src string
		dst any
	}{{r.Penalties, &c.Penalties}, {r.Enforcement, &c.Enforcement}, {r.Ratifications, &c.Ratifications}} {
		if err := scanJSON(col.src, col.dst); err != nil {
			return c, err
		}
	}
	c.Penalties, c.Enforcement, c.Ratifications = nonNil(c.Penalties), nonNil(c.Enforcement), nonNil(c.Ratifications)
	return c, nil
}

// countryQuery is a country filter and whether the caller may see hidden (draft and archived)
// countries.
type countryQuery struct {
	models.CountryFilter
	hidden bool
}

// countryList is how countries are listed: filtered by M49 region (continent or sub-region),
// status and text, sorted by ISO code unless asked otherwise. Below editor only published
// countries are there.
var countryList = listSpec[countryRow, countryQuery]{
	table: "countries",
	where: func(q *gorm.DB, f countryQuery) *gorm.DB {
		if f.Region != "" {
			q = q.Where("(countries.region = ? OR countries.subregion = ?)", f.Region, f.Region)
		}
		q = wherePublishedCountries(q, f.hidden)
		if f.Status != "" {
			q = q.Where("countries.status = ?", f.Status)
		}
		return whereText(q, f.Q, "countries.iso", "countries.summary")
	},
	filterKey: func(f countryQuery) string {
		return fmt.Sprintf("region=%q status=%q q=%q hidden=%t", f.Region, f.Status, f.Q, f.hidden)
	},
	defaultSort: "iso",
	sorts: map[string]sortField[countryRow]{
		"id":         {"id", intColumn, func(c *countryRow) any { return c.ID }},
		"iso":        {"iso", textColumn, func(c *countryRow) any { return c.ISO }},
		"created_at": {"created_at", timeColumn, func(c *countryRow) any { return c.CreatedAt }},
		"updated_at": {"updated_at", timeColumn, func(c *countryRow) any { return c.UpdatedAt }},
	},
	id: func(c *countryRow) int64 { return c.ID },
}

// countryObject is how countries are written.
var countryObject = &object[models.Country, models.CountryInput]{
	entity: models.EntityCountry,
	table:  "countries",
	plural: "countries",
	// A source's cited_by names a draft country to editors only.
	cites: &citing{key: "iso", title: "iso", published: "x.status = 'published'"},
	get: func(ctx context.Context, s *Store, key string) (*models.Country, error) {
		return s.Country(ctx, key)
	},
	find:    findCountry,
	ref:     func(c *models.Country) (int64, int64) { return c.ID, c.Version },
	insert:  insertCountry,
	update:  updateCountry,
	inputOf: func(_ *gorm.DB, c *models.Country) (*models.CountryInput, error) { return countryInput(c), nil },
	asInput: countryInput,
	version: func(in *models.CountryInput) **int64 { return &in.Version },
	fill: func(cur *models.Country, in *models.CountryInput) {
		// Left out, the status keeps what the country has, as a replace does.
		if in.Status == "" {
			in.Status = cur.Status
		}
	},
	change: countryChange,
}

// countryKind is countries in the registry: a bundle holds their inputs, found by ISO code, after
// the sources they cite and the chains their penalties name.
var countryKind = &kind[models.Country, models.CountryInput, models.CountryInput]{
	object: countryObject,
	items:  func(b *Bundle) *[]models.CountryInput { return &b.Countries },
	key:    func(in *models.CountryInput) string { return in.ISO }, keyField: "iso",
	batch: func(tx *gorm.DB, after int64, drafts bool) ([]models.Country, error) {
		// Without drafts (the published export, a release) draft and archived countries are left
		// out, as draft tactics are.
		var rows []countryRow
		if err := wherePublishedCountries(tx.Table("countries").Where("id > ?", after), drafts).Order("id").Limit(exportBatch).Find(&rows).Error; err != nil {
			return nil, err
		}
		return mapRows(rows, (*countryRow).country)
	},
	toBundle: asIs[models.Country, models.CountryInput],
	fromBundle: func(im *importer, _ string, in *models.CountryInput) (*models.CountryInput, string, bool, error) {
		key := in.ISO
		if !models.IsCountry(key) {
			key = "0" // finds nothing; its write reports the code
		}
		if in.Status == "" {
			// Bundles made before countries had a status (the seed's among them) held only
			// published countries: a new one is published. One that exists keeps its status
			// (fill), as a replacement without it does.
			_, err := findCountry(im.tx, key)
			if e, ok := models.AsError(err); ok && e.Kind == models.KindNotFound {
				in.Status = models.StatusPublished
			} else if err != nil {
				return nil, "", false, err
			}
		}
		return in, key, true, nil
	},
}

func countryInput(c *models.Country) *models.CountryInput {
	return &models.CountryInput{ISO: c.ISO, Status: c.Status, Summary: c.Summary, Penalties: c.Penalties, Enforcement: c.Enforcement,
		Ratifications: c.Ratifications}
}

// countryChange describes a change from before (nil for a create) to after (before, for a
// delete): readers below editor see a country only while it is published, so the change feed
// shows them a country that leaves that state as deleted, as it does a tactic.
func countryChange(before, c *models.Country, action string) change {
	ch := plainChange(models.EntityCountry, c.ID, c.ISO, c.Version, action, c)
	ch.visible = action != models.ActionDelete && c.Status == models.StatusPublished
	ch.wasVisible = before != nil && before.Status == models.StatusPublished
	if action == models.ActionDelete {
		ch.wasVisible = c.Status == models.StatusPublished
	}
	return ch
}

// wherePublishedCountries narrows q to published countries unless hidden ones may be seen.
func wherePublishedCountries(q *gorm.DB, hidden bool) *gorm.DB {
	if hidden {
		return q
	}
	return q.Where("countries.status = ?", models.StatusPublished)
}

// Country returns the country with the given id or ISO code (either case): NotFound if there is
// none (below editor, also if it is hidden).
func (s *Store) Country(ctx context.Context, key string) (*models.Country, error) {
	c, err := findCountry(s.read(ctx), key)
	if err == nil && c.Status != models.StatusPublished && !canSeeHidden(ctx) {
		return nil, models.NotFoundf("country %q not found", key)
	}
	return c, err
}

// Countries returns one page of countries: BadRequest for a bad sort or cursor.
func (s *Store) Countries(ctx context.Context, f models.CountryFilter) (models.List[models.Country], error) {
	page, err := countryList.page(s.read(ctx), countryQuery{CountryFilter: f, hidden: canSeeHidden(ctx)}, f.Page)
	if err != nil {
		return models.List[models.Country]{}, err
	}
	return mapList(page, (*countryRow).country)
}

// AllCountries returns every country the caller may see (below editor, the published ones), in
// ISO order: what the comparison and the pages read.
func (s *Store) AllCountries(ctx context.Context) ([]models.Country, error) {
	var rows []countryRow
	if err := wherePublishedCountries(s.read(ctx).Table("countries"), canSeeHidden(ctx)).Order("iso").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: countries: %w", err)
	}
	return mapRows(rows, (*countryRow).country)
}

// prepareCountry checks an input, the rules that need the database included (its chains and
// cited sources exist), and reports every bad field at once; it returns the cited sources' ids.
func prepareCountry(tx *gorm.DB, in *models.CountryInput) ([]int64, error) {
	fields, err := invalidFields(in.Validate())
	if err != nil {
		return nil, err
	}
	ids, bad, err := resolveCitations(tx, in.CitationRefs())
	if err != nil {
		return nil, err
	}
	fields = append(fields, bad...)
	if chains := in.Chains(); len(chains) > 0 {
		var have []string
		if err := tx.Table("chains").Where("slug IN ?", chains).Pluck("slug", &have).Error; err != nil {
			return nil, fmt.Errorf("store: country chains: %w", err)
		}
		for i, p := range in.Penalties {
			if models.IsSlug(p.Chain) && !slices.Contains(have, p.Chain) {
				fields = append(fields, models.FieldError{Field: fmt.Sprintf("penalties/%d/chain", i), Message: fmt.Sprintf("chain %q does not exist", p.Chain)})
			}
		}
	}
	if len(fields) > 0 {
		return nil, models.Invalid(fields...)
	}
	return ids, nil
}

// countryColumnsOf is the row an input writes. The code's region, subregion and English name, and
// the penalties' statutes as text, are derived here at every write: the list filters on the
// regions, and search indexes the name and the statutes (migration 0028).
func countryColumnsOf(in *models.CountryInput) map[string]any {
	cont, sub := models.CountryRegions(in.ISO)
	return map[string]any{"iso": in.ISO, "status": in.Status, "region": cont.Code, "subregion": sub.Code, "summary": in.Summary,
		"name": models.CountryName(in.ISO), "statutes": countryStatutes(in.Penalties),
		"penalties": jsonText(nonNil(in.Penalties)), "enforcement": jsonText(nonNil(in.Enforcement)),
		"ratifications": jsonText(nonNil(in.Ratifications))}
}

// countryStatutes is what search finds in a country's penalties: each one's instrument and
// offence, the penalties separated by "; " (snippets are cut from it and show it as it is).
func countryStatutes(ps []models.Penalty) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Instrument + " — " + p.Offence
	}
	return strings.Join(parts, "; ")
}

// fillCountrySearch is the data step of migration 0028: it writes the name and statutes columns
// of the countries stored before them. Nothing a client sees changes, so no revision is made.
func fillCountrySearch(tx *gorm.DB) error {
	var rows []countryRow
	if err := tx.Table("countries").Order("id").Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		var ps []models.Penalty
		if err := scanJSON(r.Penalties, &ps); err != nil {
			return fmt.Errorf("country %s: %w", r.ISO, err)
		}
		if err := tx.Exec("UPDATE countries SET name = ?, statutes = ? WHERE id = ?",
			models.CountryName(r.ISO), countryStatutes(ps), r.ID).Error; err != nil {
			return fmt.Errorf("country %s: %w", r.ISO, err)
		}
	}
	return nil
}

// isoConflict turns a unique violation on the code into a Conflict that names it.
func isoConflict(err error, iso string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return models.Conflictf("duplicate", "country %s already exists; change it at /api/v1/countries/%s", iso, iso)
	}
	return translate(err, "write country")
}

// insertCountry stores a country: a new one (id 0), or a deleted one brought back under its id.
func insertCountry(tx *gorm.DB, id, version int64, in *models.CountryInput, action string) (*models.Country, error) {
	ids, err := prepareCountry(tx, in)
	if err != nil {
		return nil, err
	}
	if in.Status == "" {
		// A new country is a draft until an editor publishes it, as a tactic is. One brought back
		// from a revision made before countries had a status was published.
		in.Status = models.StatusDraft
		if action != models.ActionCreate {
			in.Status = models.StatusPublished
		}
	}
	if id, err = insertObject(tx, "countries", id, version, tx.Config.NowFunc(), countryColumnsOf(in)); err != nil {
		return nil, isoConflict(err, in.ISO)
	}
	if err := addCitations(tx, models.EntityCountry, id, ids); err != nil {
		return nil, err
	}
	c, err := findCountry(tx, idKey(id))
	if err != nil {
		return nil, err
	}
	return c, record(tx, countryChange(nil, c, action))
}

// updateCountry replaces cur with in, moving it to its next version.
func updateCountry(tx *gorm.DB, cur *models.Country, in *models.CountryInput, action string) (*models.Country, error) {
	ids, err := prepareCountry(tx, in)
	if err != nil {
		return nil, err
	}
	if in.Status == "" {
		in.Status = cur.Status // a replacement without a status keeps the current one
	}
	if _, err := bumpVersion(tx, "countries", cur.ID, cur.Version, countryColumnsOf(in)); err != nil {
		return nil, isoConflict(err, in.ISO)
	}
	if err := syncCitations(tx, models.EntityCountry, cur.ID, ids); err != nil {
		return nil, err
	}
	c, err := findCountry(tx, idKey(cur.ID))
	if err != nil {
		return nil, err
	}
	return c, record(tx, countryChange(cur, c, action))
}

// findCountry loads the country that key names: by id if key is all digits, else by ISO code in
// either case.
func findCountry(db *gorm.DB, key string) (*models.Country, error) {
	q := db.Table("countries")
	if id, code := idOrSlug(key); code != "" {
		q = q.Where("iso = ?", strings.ToUpper(code))
	} else {
		q = q.Where("id = ?", id)
	}
	var row countryRow
	if err := q.Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, models.NotFoundf("country %q not found", key)
		}
		return nil, fmt.Errorf("store: find country: %w", err)
	}
	c, err := row.country()
	return &c, err
}

// CountryObjects is countries for the API's shared endpoint code: the methods above, by path key.
func (s *Store) CountryObjects() *Resource[models.Country, models.CountryInput] {
	return sameResource(s, countryObject)
}

// ScopedTactic is a published tactic with where it applies and where it is adopted: what a
// country's profile reads to say which tactics apply or were adopted there.
type ScopedTactic struct {
	ID            int64
	Code          string
	Title         string
	Kind          string
	Chain         string
	Stage         string
	Jurisdictions []string
	Adoption      *models.Adoption
}

// PublishedTacticScopes returns every published tactic with its jurisdictions and adoption, by
// chain, stage position, kind and position.
func (s *Store) PublishedTacticScopes(ctx context.Context) ([]ScopedTactic, error) {
	rows, err := s.read(ctx).Raw(`SELECT t.id, t.code, t.title, t.kind, c.slug, s.slug, t.detail FROM tactics t
		JOIN stages s ON s.id = t.stage_id JOIN chains c ON c.id = t.chain_id
		WHERE t.status = ? ORDER BY c.slug, s.position, t.kind, t.position, t.id`, models.StatusPublished).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: tactic scopes: %w", err)
	}
	defer rows.Close()
	var out []ScopedTactic
	for rows.Next() {
		var t ScopedTactic
		var detail string
		if err := rows.Scan(&t.ID, &t.Code, &t.Title, &t.Kind, &t.Chain, &t.Stage, &detail); err != nil {
			return nil, fmt.Errorf("store: tactic scopes: %w", err)
		}
		var d tacticDetail
		if err := scanJSON(detail, &d); err != nil {
			return nil, err
		}
		t.Jurisdictions, t.Adoption = d.Jurisdictions, d.Adoption
		out = append(out, t)
	}
	return out, rows.Err()
}
