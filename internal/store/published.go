package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"chainkb/models"
)

// The reads of the pages for people (internal/pages). They show the published knowledge base only,
// whoever asks: it is the anonymous view. Each page reads what it shows and no more, so that a
// page's cost and memory follow what it shows, not the size of the knowledge base: the outline
// (curated objects, which grow with the editors' work), a chain's table cut like the JSON one
// (ChainTableFor), one tactic with its relations, and where each source is cited, cut too.

// Outline is the published knowledge base without its tactics and relations, as one reader sees
// it at one moment: every chain, stage, tag and source, the parameters of the risk-reward model,
// and how many published tactics each stage has of each kind.
type Outline struct {
	Chains  []models.Chain  // by slug
	Stages  []models.Stage  // by chain, then position
	Tags    []models.Tag    // by group, then slug
	Sources []models.Source // by slug
	// The parameters of the risk-reward model, of every chain, by chain then id: the pages show
	// each stage's figures from them (internal/inforce chooses those in force).
	Parameters []models.Parameter
	Counts     []TacticCount // by stage, then kind
}

// TacticCount is how many published tactics a stage has of a kind.
type TacticCount struct {
	StageID int64
	Kind    string
	N       int
}

// Outline reads the outline in one snapshot transaction, in six queries whatever its size. A
// count may be 0 (a stage whose tactics of a kind are all drafts).
func (s *Store) Outline(ctx context.Context) (*Outline, error) {
	o := &Outline{}
	err := inTx(s.read(ctx), func(tx *gorm.DB) error {
		if err := tx.Table("chains").Order("slug, id").Find(&o.Chains).Error; err != nil {
			return fmt.Errorf("store: outline chains: %w", err)
		}
		if err := tx.Table("stages").Order("chain_id, position, id").Find(&o.Stages).Error; err != nil {
			return fmt.Errorf("store: outline stages: %w", err)
		}
		if err := tx.Table("tags").Order("tag_group, slug").Find(&o.Tags).Error; err != nil {
			return fmt.Errorf("store: outline tags: %w", err)
		}
		var err error
		o.Sources, err = scanAll(tx.Table("sources").Select(sourceColumns).Order("sources.slug"),
			func(rows *sql.Rows) (*models.Source, error) { return scanSource(rows) })
		if err != nil {
			return fmt.Errorf("store: outline sources: %w", err)
		}
		var rows []parameterRow
		err = tx.Table("parameters").Select(parameterColumns).Order("parameters.chain_id, parameters.id").Find(&rows).Error
		if err != nil {
			return fmt.Errorf("store: outline parameters: %w", err)
		}
		if o.Parameters, err = mapRows(rows, (*parameterRow).parameter); err != nil {
			return err
		}
		// Counted over the index on (stage_id, kind, status, position), without reading a row: a
		// WHERE on status would pick the index on status and read every tactic's row.
		err = tx.Table("tactics").Select("stage_id, kind, COUNT(CASE WHEN status = ? THEN 1 END) AS n", models.StatusPublished).
			Group("stage_id, kind").Order("stage_id, kind").Find(&o.Counts).Error
		if err != nil {
			return fmt.Errorf("store: outline counts: %w", err)
		}
		return nil
	}, s.snapshotTx())
	if err != nil {
		return nil, err
	}
	return o, nil
}

// TacticLink is a relation between two published tactics as seen from one of them.
type TacticLink struct {
	Type     string
	Outgoing bool // the tactic is the relation's from
	Note     string
	// The tactic at the other end.
	Code, Title string
}

// PublishedTactic returns the published tactic with the given code, with its tags, and its
// relations to other published tactics in the order they were made: NotFound if there is none
// (a draft included, whoever asks). Three queries, in one snapshot transaction.
func (s *Store) PublishedTactic(ctx context.Context, code string) (*models.Tactic, []TacticLink, error) {
	var t *models.Tactic
	var links []TacticLink
	err := inTx(s.read(ctx), func(tx *gorm.DB) error {
		var ids []int64
		err := tx.Table("tactics").Where("code = ? AND status = ?", code, models.StatusPublished).Limit(1).Pluck("id", &ids).Error
		if err != nil {
			return fmt.Errorf("store: find tactic %s: %w", code, err)
		}
		if len(ids) == 0 {
			return models.NotFoundf("tactic %s not found", code)
		}
		if t, err = findTactic(tx, ids[0], false); err != nil {
			return err
		}
		err = tx.Raw(`SELECT r.type, r.from_id = ? AS outgoing, r.note, o.code, o.title
			FROM relations r JOIN tactics o ON o.id = CASE WHEN r.from_id = ? THEN r.to_id ELSE r.from_id END
			WHERE (r.from_id = ? OR r.to_id = ?) AND o.status = ?
			ORDER BY r.id`, t.ID, t.ID, t.ID, t.ID, models.StatusPublished).Scan(&links).Error
		if err != nil {
			return fmt.Errorf("store: relations of tactic %s: %w", code, err)
		}
		return nil
	}, s.snapshotTx())
	if err != nil {
		return nil, nil, err
	}
	return t, links, nil
}

// CitingTactic is a published tactic that cites a source.
type CitingTactic struct {
	ID, StageID int64
	Kind        string
	Position    int
	Code, Title string
}

// Citing is where a source is cited among the published tactics: the first of them (by id), and
// whether there are more.
type Citing struct {
	Tactics []CitingTactic
	More    bool
}

// CitingTactics returns, for each source cited by a published tactic (anywhere: in its
// citations, caveats, positions or effects), the first perSource of those tactics by id, and
// whether there are more. Each source's list is a walk of the citations index that stops after
// perSource+1 tactics, so that the cost follows the number of sources and perSource, not the
// number of tactics. The walks of up to citingBatch sources are one statement (a UNION ALL of
// them), all in one snapshot.
func (s *Store) CitingTactics(ctx context.Context, perSource int) (map[int64]Citing, error) {
	out := map[int64]Citing{}
	err := inTx(s.read(ctx), func(tx *gorm.DB) error {
		var ids []int64
		if err := tx.Table("sources").Order("id").Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("store: sources: %w", err)
		}
		const walk = `SELECT * FROM (SELECT ci.source_id, t.id, t.stage_id, t.kind, t.position, t.code, t.title
			FROM citations ci JOIN tactics t ON t.id = ci.entity_id
			WHERE ci.source_id = ? AND ci.entity = ? AND t.status = ? ORDER BY ci.entity_id LIMIT ?) AS w`
		for batch := range slices.Chunk(ids, citingBatch) {
			walks := make([]string, len(batch))
			var args []any
			for i, id := range batch {
				walks[i] = walk + strconv.Itoa(i)
				args = append(args, id, models.EntityTactic, models.StatusPublished, perSource+1)
			}
			var rows []citingRow
			if err := tx.Raw(strings.Join(walks, " UNION ALL "), args...).Scan(&rows).Error; err != nil {
				return fmt.Errorf("store: where sources are cited: %w", err)
			}
			// Each walk is in id order, but a UNION ALL need not keep the order of its terms.
			slices.SortFunc(rows, func(a, b citingRow) int {
				return cmp.Or(cmp.Compare(a.SourceID, b.SourceID), cmp.Compare(a.ID, b.ID))
			})
			for _, r := range rows {
				c := out[r.SourceID]
				if len(c.Tactics) == perSource {
					c.More = true
				} else {
					c.Tactics = append(c.Tactics, r.CitingTactic)
				}
				out[r.SourceID] = c
			}
		}
		return nil
	}, s.snapshotTx())
	if err != nil {
		return nil, err
	}
	return out, nil
}

// citingRow is a row of CitingTactics' walks.
type citingRow struct {
	SourceID int64
	CitingTactic
}

// citingBatch is how many sources' walks CitingTactics puts in one statement, well below the
// bound SQLite sets on the terms of a compound SELECT (500).
const citingBatch = 100
