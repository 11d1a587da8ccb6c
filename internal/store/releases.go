package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// Releases: fixed, citable states of the published knowledge base. A release keeps the bundle of
// the published knowledge base (what GET /export writes without a key) byte for byte, as it was
// when it was cut, with the SHA-256 of those bytes; it is never changed or deleted, so its export
// and its digest stay what they were whatever the knowledge base becomes. Cutting one is a change
// of the change feed (entity release), recorded in the same transaction.

// releaseRow is what a new release reads of the latest one.
type releaseRow struct {
	Version    string
	Generation int64
	Bundle     []byte
}

// releaseColumns are the columns of a release without its bundle.
const releaseColumns = "id, version, notes, digest, generation, counts, changelog, created_at, created_by, LENGTH(bundle) AS size"

// releaseMeta is a release row without its bundle, with the bundle's size.
type releaseMeta struct {
	ID         int64
	Version    string
	Notes      string
	Digest     string
	Generation int64
	Counts     string
	Changelog  string
	CreatedAt  time.Time
	CreatedBy  string
	Size       int64
}

func (r *releaseMeta) model() (models.Release, error) {
	out := models.Release{Version: r.Version, Notes: r.Notes, Digest: r.Digest, Size: r.Size,
		CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, Generation: r.Generation}
	if err := json.Unmarshal([]byte(r.Counts), &out.Counts); err != nil {
		return out, fmt.Errorf("store: release %s counts: %w", r.Version, err)
	}
	if err := json.Unmarshal([]byte(r.Changelog), &out.Changelog); err != nil {
		return out, fmt.Errorf("store: release %s changelog: %w", r.Version, err)
	}
	return out, nil
}

// Digest is how a release names the SHA-256 of its bundle: sha256:<hex>.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// CutRelease cuts a release of the published knowledge base as it is now, with the changelog
// since the latest release. Errors: Invalid (the input), Conflict duplicate_version (the version
// is taken); any other is internal.
func (s *Store) CutRelease(ctx context.Context, in models.NewRelease) (models.Release, error) {
	if err := in.Validate(); err != nil {
		return models.Release{}, err
	}
	var out models.Release
	err := s.writeBulk(ctx, func(tx *gorm.DB) error {
		var taken int64
		if err := tx.Table("releases").Where("version = ?", in.Version).Count(&taken).Error; err != nil {
			return fmt.Errorf("store: release: %w", err)
		}
		if taken > 0 {
			return models.Conflictf("duplicate_version", "release %s exists; a release never changes: cut another version", in.Version)
		}
		var gen int64
		if err := tx.Raw("SELECT n FROM kb_generation WHERE id = 1").Scan(&gen).Error; err != nil {
			return fmt.Errorf("store: release: generation: %w", err)
		}
		var buf bytes.Buffer
		if err := exportTx(tx, &buf, false); err != nil {
			return err
		}
		bundle := buf.Bytes()
		var prev []releaseRow
		if err := tx.Table("releases").Select("version, generation, bundle").Order("id DESC").Limit(1).Find(&prev).Error; err != nil {
			return fmt.Errorf("store: release: previous: %w", err)
		}
		cl := models.Changelog{ToGeneration: gen}
		prevBundle := []byte(`{}`)
		if len(prev) == 1 {
			cl.Since, cl.FromGeneration, prevBundle = &prev[0].Version, prev[0].Generation, prev[0].Bundle
		}
		d, counts, err := diffBundles(prevBundle, bundle)
		if err != nil {
			return err
		}
		cl.Added, cl.Removed = d.Added, d.Removed
		cl.Changed = make([]models.ChangeEntry, len(d.Changed))
		for i, c := range d.Changed {
			cl.Changed[i] = models.ChangeEntry{Entity: c.Entity, Key: c.Key}
			for _, f := range c.Fields {
				cl.Changed[i].Fields = append(cl.Changed[i].Fields, f.Field)
			}
		}
		countsJSON, _ := json.Marshal(counts)
		clJSON, err := json.Marshal(cl)
		if err != nil {
			return fmt.Errorf("store: release: changelog: %w", err)
		}
		row := releaseMeta{Version: in.Version, Notes: in.Notes, Digest: Digest(bundle),
			Generation: gen, Counts: string(countsJSON), Changelog: string(clJSON), CreatedAt: s.now(),
			CreatedBy: actorName(models.PrincipalFrom(ctx)), Size: int64(len(bundle))}
		err = tx.Raw(`INSERT INTO releases (version, notes, digest, generation, counts, changelog, created_at, created_by, bundle)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, row.Version, row.Notes, row.Digest, row.Generation,
			row.Counts, row.Changelog, row.CreatedAt, row.CreatedBy, bundle).Scan(&row.ID).Error
		if err != nil {
			return translate(err, "cut release "+in.Version)
		}
		if out, err = row.model(); err != nil {
			return err
		}
		return record(tx, change{entity: models.EntityRelease, id: row.ID, version: 1, action: models.ActionCreate,
			visible: true, wasVisible: true, data: &out})
	})
	if err != nil {
		var me *models.Error
		if errors.As(err, &me) && me.Code == "duplicate" {
			return models.Release{}, models.Conflictf("duplicate_version", "release %s exists; a release never changes: cut another version", in.Version)
		}
		return models.Release{}, err
	}
	return out, nil
}

// ListReleases returns every release, newest first. Any error is internal.
func (s *Store) ListReleases(ctx context.Context) ([]models.Release, error) {
	var rows []releaseMeta
	if err := s.read(ctx).Table("releases").Select(releaseColumns).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: releases: %w", err)
	}
	return mapRows(rows, (*releaseMeta).model)
}

// GetRelease returns a release by its version. Errors: NotFound; any other is internal.
func (s *Store) GetRelease(ctx context.Context, version string) (models.Release, error) {
	var rows []releaseMeta
	if err := s.read(ctx).Table("releases").Select(releaseColumns).Where("version = ?", version).Find(&rows).Error; err != nil {
		return models.Release{}, fmt.Errorf("store: release: %w", err)
	}
	if len(rows) == 0 {
		return models.Release{}, models.NotFoundf("no release %q (GET /api/v1/releases lists them)", version)
	}
	return rows[0].model()
}

// ReleaseBundle returns a release and its bundle, byte for byte as it was cut. Errors: NotFound;
// any other is internal.
func (s *Store) ReleaseBundle(ctx context.Context, version string) (models.Release, []byte, error) {
	rel, err := s.GetRelease(ctx, version)
	if err != nil {
		return rel, nil, err
	}
	var b [][]byte
	if err := s.read(ctx).Table("releases").Where("version = ?", version).Pluck("bundle", &b).Error; err != nil {
		return rel, nil, fmt.Errorf("store: release bundle: %w", err)
	}
	if len(b) == 0 {
		return rel, nil, models.NotFoundf("no release %q", version)
	}
	return rel, b[0], nil
}

// DiffReleases compares two releases' bundles object by object and field by field. Errors:
// NotFound (either release); any other is internal.
func (s *Store) DiffReleases(ctx context.Context, from, to string) (models.ReleaseDiff, error) {
	_, a, err := s.ReleaseBundle(ctx, from)
	if err != nil {
		return models.ReleaseDiff{}, err
	}
	_, b, err := s.ReleaseBundle(ctx, to)
	if err != nil {
		return models.ReleaseDiff{}, err
	}
	d, _, err := diffBundles(a, b)
	d.From, d.To = from, to
	return d, err
}

// ReleaseView is a release's bundle decoded, for the reads that answer the state at a release.
type ReleaseView struct {
	Release models.Release
	Bundle  *Bundle
}

// releaseViews keeps the latest decoded releases: a release never changes, so nothing ever makes
// one stale; at most maxReleaseViews are kept.
var releaseViews = struct {
	sync.Mutex
	m     map[*Store]map[string]*ReleaseView
	order []string
}{m: map[*Store]map[string]*ReleaseView{}}

const maxReleaseViews = 8

// ReleaseAt returns a release's bundle decoded. Errors: NotFound; any other is internal.
func (s *Store) ReleaseAt(ctx context.Context, version string) (*ReleaseView, error) {
	releaseViews.Lock()
	v := releaseViews.m[s][version]
	releaseViews.Unlock()
	if v != nil {
		return v, nil
	}
	rel, raw, err := s.ReleaseBundle(ctx, version)
	if err != nil {
		return nil, err
	}
	var b Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("store: release %s: decode its bundle: %w", version, err)
	}
	v = &ReleaseView{Release: rel, Bundle: &b}
	releaseViews.Lock()
	defer releaseViews.Unlock()
	if releaseViews.m[s] == nil {
		releaseViews.m[s] = map[string]*ReleaseView{}
	}
	if len(releaseViews.m[s]) >= maxReleaseViews {
		releaseViews.m[s] = map[string]*ReleaseView{}
	}
	releaseViews.m[s][version] = v
	return v, nil
}

// diffBundles compares two bundles, object by object (each found by its key, as the registry's
// kinds name it) and field by field (versions aside: every change moves them). It also counts
// the objects of b by resource.
func diffBundles(a, b []byte) (models.ReleaseDiff, map[string]int, error) {
	d := models.ReleaseDiff{Added: []models.ChangeEntry{}, Changed: []models.DiffEntry{}, Removed: []models.ChangeEntry{}}
	var da, db map[string]json.RawMessage
	if err := json.Unmarshal(a, &da); err != nil {
		return d, nil, fmt.Errorf("store: diff: %w", err)
	}
	if err := json.Unmarshal(b, &db); err != nil {
		return d, nil, fmt.Errorf("store: diff: %w", err)
	}
	counts := map[string]int{}
	for _, r := range resources {
		ka, ia, err := keyed(r, da[r.pluralName()])
		if err != nil {
			return d, nil, err
		}
		kb, ib, err := keyed(r, db[r.pluralName()])
		if err != nil {
			return d, nil, err
		}
		counts[r.pluralName()] = len(kb)
		for _, key := range kb {
			old, ok := ia[key]
			if !ok {
				d.Added = append(d.Added, models.ChangeEntry{Entity: r.entityName(), Key: key})
				continue
			}
			if fields := fieldDiff(old, ib[key]); len(fields) > 0 {
				d.Changed = append(d.Changed, models.DiffEntry{Entity: r.entityName(), Key: key, Fields: fields})
			}
		}
		for _, key := range ka {
			if _, ok := ib[key]; !ok {
				d.Removed = append(d.Removed, models.ChangeEntry{Entity: r.entityName(), Key: key})
			}
		}
	}
	return d, counts, nil
}

// keyed reads a resource's array of a bundle: its keys in order, and each object's fields.
func keyed(r resource, raw json.RawMessage) ([]string, map[string]map[string]json.RawMessage, error) {
	var items []json.RawMessage
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, nil, fmt.Errorf("store: diff %s: %w", r.pluralName(), err)
		}
	}
	keys := make([]string, 0, len(items))
	byKey := make(map[string]map[string]json.RawMessage, len(items))
	for _, it := range items {
		key, err := r.keyOf(it)
		if err != nil {
			return nil, nil, err
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(it, &fields); err != nil {
			return nil, nil, fmt.Errorf("store: diff %s: %w", r.pluralName(), err)
		}
		keys = append(keys, key)
		byKey[key] = fields
	}
	return keys, byKey, nil
}

// fieldDiff lists the fields whose values differ between two forms of an object, in alphabetical
// order, leaving out its version.
func fieldDiff(a, b map[string]json.RawMessage) []models.FieldDiff {
	names := map[string]bool{}
	for k := range a {
		names[k] = true
	}
	for k := range b {
		names[k] = true
	}
	delete(names, "version")
	sorted := make([]string, 0, len(names))
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []models.FieldDiff
	for _, k := range sorted {
		va, vb := a[k], b[k]
		if sameRaw(va, vb) {
			continue
		}
		out = append(out, models.FieldDiff{Field: k, From: rawOrNull(va), To: rawOrNull(vb)})
	}
	return out
}

// sameRaw reports whether two JSON values are the same, a missing one being null.
func sameRaw(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if len(a) == 0 {
		a = json.RawMessage("null")
	}
	if len(b) == 0 {
		b = json.RawMessage("null")
	}
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

func rawOrNull(v json.RawMessage) any {
	if len(v) == 0 {
		return nil
	}
	return v
}

// LatestRelease returns the latest release, or nil if there is none. Any error is internal.
func (s *Store) LatestRelease(ctx context.Context) (*models.Release, error) {
	var rows []releaseMeta
	if err := s.read(ctx).Table("releases").Select(releaseColumns).Order("id DESC").Limit(1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: latest release: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	rel, err := rows[0].model()
	return &rel, err
}

// PublishedBundle is the published knowledge base (what GET /export sends without a key),
// decoded. Any error is internal.
func (s *Store) PublishedBundle(ctx context.Context) (*Bundle, error) {
	var buf bytes.Buffer
	if err := s.Export(ctx, &buf, false, func(int64) bool { return true }); err != nil {
		return nil, err
	}
	var b Bundle
	if err := json.Unmarshal(buf.Bytes(), &b); err != nil {
		return nil, fmt.Errorf("store: published bundle: %w", err)
	}
	return &b, nil
}
