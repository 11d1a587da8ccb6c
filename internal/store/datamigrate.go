package store

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"chainkb/models"
)

// Data steps change what is stored where a schema migration alone cannot: they need Go to read
// and rewrite the data. Each runs once, after every SQL migration, in one transaction of its own
// with its record in schema_migrations, and under its own name in the history, so that partner
// mirrors see every object it changed in the change feed.
var dataSteps = []struct {
	version string
	run     func(tx *gorm.DB) error
}{
	{"0005_knowledge_model.data", migrateReferences},
	{"0016_source_check.data", migrateSourceChecks},
	{"0019_stale_stage_slugs.data", fixStaleStageSlugs},
	{"0028_countries_search.data", fillCountrySearch},
}

// migrateData runs the data steps that this database has not had yet.
func (s *Store) migrateData(ctx context.Context) error {
	for _, step := range dataSteps {
		ctx := models.WithPrincipal(ctx, models.Principal{Name: "migration " + step.version, Role: models.RoleAdmin})
		err := s.writeBulk(ctx, func(tx *gorm.DB) error {
			if err := s.serialize(tx, "migrate"); err != nil {
				return err
			}
			var n int64
			if err := tx.Table("schema_migrations").Where("version = ?", step.version).Count(&n).Error; err != nil {
				return fmt.Errorf("store: data step %s: %w", step.version, err)
			}
			if n > 0 {
				return nil
			}
			if err := step.run(tx); err != nil {
				return fmt.Errorf("store: data step %s: %w", step.version, err)
			}
			return tx.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", step.version, tx.Config.NowFunc()).Error
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// v1Reference is a reference as chainkb 1 stored it on a tactic: free text.
type v1Reference struct {
	Citation string `json:"citation"`
	URL      string `json:"url"`
	Locator  string `json:"locator"`
}

// MigratedSourceNote marks the sources that migrateReferences made from free text.
const MigratedSourceNote = "Made from a free-text reference of chainkb 1 by migration 0005; its type, authors and year are not yet checked, and its text has not been verified against the claim."

// migrateReferences turns the free-text references of chainkb 1 into sources and citations: one
// source per work (the same URL, or else the same citation text, is the same work), and one
// citation per reference, its locator kept. Nothing is lost: the citation text becomes the
// source's title, the URL its URL. Each changed tactic moves to its next version with a revision.
func migrateReferences(tx *gorm.DB) error {
	var rows []struct {
		ID      int64
		Refs    string
		Version int64
	}
	if err := tx.Table("tactics").Select("id, refs, version").Where("refs <> '[]' AND refs <> ''").Order("id").Find(&rows).Error; err != nil {
		return err
	}
	made := map[string]string{} // work key -> source slug
	for _, r := range rows {
		var refs []v1Reference
		if err := json.Unmarshal([]byte(r.Refs), &refs); err != nil {
			return fmt.Errorf("tactic %d: references: %w", r.ID, err)
		}
		t, err := findTactic(tx, r.ID, true)
		if err != nil {
			return err
		}
		for _, ref := range refs {
			key := workKey(ref)
			slug, ok := made[key]
			if !ok {
				if slug, err = createMigratedSource(tx, ref); err != nil {
					return fmt.Errorf("tactic %d: %w", r.ID, err)
				}
				made[key] = slug
			}
			c := models.Citation{Source: slug, Locator: truncate(ref.Locator, 100), Supports: models.SupportsSupports}
			if !containsCitation(t.Citations, c) {
				t.Citations = append(t.Citations, c)
			}
		}
		in, err := tacticInputOf(tx, t)
		if err != nil {
			return err
		}
		if _, err := updateTacticDoc(tx, t, in, models.ActionUpdate); err != nil {
			return fmt.Errorf("tactic %d: %w", r.ID, err)
		}
		// The references now live as citations; the column is chainkb 1's and is left empty.
		if err := tx.Exec("UPDATE tactics SET refs = '[]' WHERE id = ?", r.ID).Error; err != nil {
			return fmt.Errorf("tactic %d: %w", r.ID, err)
		}
		slog.Info("migration 0005: references became citations", "tactic", r.ID, "references", len(refs))
	}
	return nil
}

// workKey says which references name the same work: the same URL, or without one, the same text.
func workKey(r v1Reference) string {
	if u := strings.TrimRight(strings.ToLower(strings.TrimSpace(r.URL)), "/"); u != "" {
		return "url " + u
	}
	return "text " + strings.Join(strings.Fields(strings.ToLower(r.Citation)), " ")
}

var (
	yearPattern    = regexp.MustCompile(`\b(1[89][0-9]{2}|20[0-9]{2})\b`)
	nonSlugPattern = regexp.MustCompile(`[^a-z0-9]+`)
)

// createMigratedSource makes the source of a reference, with a slug taken from its first words
// and its year, made unique with a number.
func createMigratedSource(tx *gorm.DB, r v1Reference) (string, error) {
	words := strings.Fields(nonSlugPattern.ReplaceAllString(strings.ToLower(r.Citation), " "))
	if len(words) > 4 {
		words = words[:4]
	}
	base := strings.Join(words, "-")
	var year *int
	if m := yearPattern.FindString(r.Citation); m != "" {
		var y int
		fmt.Sscan(m, &y)
		year = &y
		base += "-" + m
	}
	base = strings.Trim(truncate(base, 56), "-")
	if !models.IsSlug(base) {
		base = "source-" + base
	}
	slug := base
	for n := 2; ; n++ {
		var k int64
		if err := tx.Table("sources").Where("slug = ?", slug).Count(&k).Error; err != nil {
			return "", err
		}
		if k == 0 {
			break
		}
		slug = fmt.Sprintf("%s-%d", base, n)
	}
	url := ""
	if strings.HasPrefix(r.URL, "http://") || strings.HasPrefix(r.URL, "https://") {
		url = r.URL
	}
	now := tx.Config.NowFunc()
	src := models.Source{Slug: slug, Authors: []string{}, Year: year, Title: truncate(r.Citation, 500), URL: url,
		Type: models.SourceSecondary, Language: "en", Note: MigratedSourceNote, CreatedAt: now, UpdatedAt: now, Version: 1,
		Check: models.SourceCheck{Reading: models.ReadingNotRead}}
	cols := map[string]any{"slug": src.Slug, "authors": "[]", "year": year, "title": src.Title, "url": src.URL,
		"type": src.Type, "language": src.Language, "note": src.Note, "created_at": now, "updated_at": now, "version": 1}
	id, err := insertReturningID(tx, "sources", cols)
	if err != nil {
		return "", fmt.Errorf("source %q: %w", slug, err)
	}
	src.ID = id
	return slug, record(tx, plainChange(models.EntitySource, id, slug, 1, models.ActionCreate, &src))
}

func containsCitation(cs []models.Citation, c models.Citation) bool {
	for _, x := range cs {
		if x.Source == c.Source && x.Locator == c.Locator {
			return true
		}
	}
	return false
}

// truncate cuts s to at most n bytes, at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// migrateSourceChecks turns each verified date stored before check records into what a bare
// verified date now means (SourceInput.CheckOf): a not-read check whose passage keeps the date,
// because nothing recorded what was read. The audit of issue 24 found most such dates claimed
// more than was done; a source counts as verified again when an editor (or the seed) records a
// check. Each changed source moves to its next version with a revision.
func migrateSourceChecks(tx *gorm.DB) error {
	var ids []int64
	if err := tx.Table("sources").Where("verified IS NOT NULL AND check_on IS NULL AND check_by = ''").
		Order("id").Pluck("id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		cur, err := findSource(tx, strconv.FormatInt(id, 10))
		if err != nil {
			return err
		}
		in := sourceInputOf(cur)
		in.Check = nil // the column's default, not a check anyone recorded
		if _, err := updateSource(tx, cur, in, models.ActionUpdate); err != nil {
			return fmt.Errorf("source %s: %w", cur.Slug, err)
		}
	}
	if len(ids) > 0 {
		slog.Info("migration 0016: verified dates without a check record are no longer counted as verified", "sources", len(ids))
	}
	return nil
}

// fixStaleStageSlugs repairs the also_applies_to lists that name a stage by a slug it no longer
// has: renamed or deleted before a rename was followed there and a delete refused (issue 25).
// Such a tactic could not be written again without its editor first mending a field they had not
// touched. A renamed stage is found by the slug it had, in its history: its current slug takes the
// old one's place; a stage that is gone is taken out. Each repaired tactic moves to its next
// version with a revision. One whose other fields no longer pass validation is left as it is, and
// logged.
func fixStaleStageSlugs(tx *gorm.DB) error {
	var live []struct {
		ID, ChainID int64
		Slug        string
	}
	if err := tx.Table("stages").Select("id, chain_id, slug").Find(&live).Error; err != nil {
		return err
	}
	slugOf := map[int64]string{}          // live stage id -> slug
	liveIn := map[int64]map[string]bool{} // chain id -> live slugs
	for _, st := range live {
		slugOf[st.ID] = st.Slug
		if liveIn[st.ChainID] == nil {
			liveIn[st.ChainID] = map[string]bool{}
		}
		liveIn[st.ChainID][st.Slug] = true
	}
	var history []struct {
		EntityID int64
		Data     string
	}
	if err := tx.Table("revisions").Select("entity_id, data").Where("entity = ?", models.EntityStage).Order("id").Find(&history).Error; err != nil {
		return err
	}
	type chainSlug struct {
		chain int64
		slug  string
	}
	had := map[chainSlug]int64{} // a slug a stage of a chain had, last -> that stage
	for _, h := range history {
		var st struct {
			ChainID int64  `json:"chain_id"`
			Slug    string `json:"slug"`
		}
		if json.Unmarshal([]byte(h.Data), &st) == nil && st.Slug != "" {
			had[chainSlug{st.ChainID, st.Slug}] = h.EntityID
		}
	}
	ids, err := linkedIDs(tx, `SELECT id FROM tactics WHERE detail NOT LIKE '%"also_applies_to":[]%' AND detail LIKE '%"also_applies_to":[%' ORDER BY id`)
	if err != nil {
		return err
	}
	for _, id := range ids {
		t, err := findTactic(tx, id, true)
		if err != nil {
			return err
		}
		var next []string
		for _, sl := range t.AlsoAppliesTo {
			if !liveIn[t.ChainID][sl] {
				now, ok := slugOf[had[chainSlug{t.ChainID, sl}]]
				if !ok {
					continue // the stage is gone
				}
				sl = now
			}
			if !slices.Contains(next, sl) && sl != slugOf[t.StageID] {
				next = append(next, sl)
			}
		}
		if slices.Equal(next, t.AlsoAppliesTo) {
			continue
		}
		in := tacticInput(t)
		in.AlsoAppliesTo = next
		if _, err := tacticObject.update(tx, t, in, models.ActionUpdate); err != nil {
			if models.IsKind(err, models.KindInvalid) {
				slog.Warn("data step 0019: tactic left with a stale also_applies_to", "code", t.Code, "error", err)
				continue
			}
			return err
		}
	}
	return nil
}
