package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"chainkb/models"
)

// ChainTable returns the chain laid out as Kara's table: stages in position order, each with its
// current efforts, its recommended tactics and its conditions, in position order, with their tags. horizon, when
// not empty, keeps only tactics with that horizon tag. Below editor, only published tactics show.
// It is ChainTableFor with only a horizon and perCell.
func (s *Store) ChainTable(ctx context.Context, key, horizon string, perCell int) (*models.ChainTable, error) {
	return s.ChainTableFor(ctx, key, TableQuery{Horizon: horizon, PerCell: perCell})
}

// TableQuery says which tactics a chain table shows.
type TableQuery struct {
	// Horizon, when not empty, keeps in every cell only the tactics with that horizon tag (the
	// JSON table's filter).
	Horizon string
	// PerCell is the most tactics a cell holds; < 1 means models.DefaultPerCell.
	PerCell int
	// Recommended narrows the cells of what should be done, and only those (the filters of the
	// chain's page for people, which leave the current efforts and the conditions whole).
	Recommended Narrowing
}

// Narrowing keeps the tactics that pass all of its filters; its zero value keeps all.
type Narrowing struct {
	Horizon     string   // a horizon tag's slug
	Tags        []string // slugs of tags of any group, each required
	MinEvidence string   // an evidence level: this one or stronger
}

// where is the narrowing as a condition on tactics, and whether there is one.
func (n Narrowing) where() (string, []any, bool) {
	const hasTag = `EXISTS (SELECT 1 FROM tactic_tags tt JOIN tags t ON t.id = tt.tag_id WHERE tt.tactic_id = tactics.id AND t.slug = ?`
	var conds []string
	var args []any
	if n.Horizon != "" {
		conds, args = append(conds, hasTag+" AND t.tag_group = ?)"), append(args, n.Horizon, models.HorizonGroup)
	}
	for _, slug := range n.Tags {
		conds, args = append(conds, hasTag+")"), append(args, slug)
	}
	if n.MinEvidence != "" {
		conds, args = append(conds, "tactics.evidence_rank >= ?"), append(args, models.EvidenceRank(n.MinEvidence))
	}
	return strings.Join(conds, " AND "), args, len(conds) > 0
}

// ChainTableFor returns the chain's table as q asks for it. Below editor, only published tactics
// show.
//
// Each of a stage's three lists (a cell) holds at most q.PerCell tactics, its first in order of
// position and id. Each cell says how many tactics it has in all and where the complete list is.
// Neither the counting nor the cut reads the chain's other tactics into memory: the database ranks
// and counts them (window functions, SQLite >= 3.25 and PostgreSQL), so that the table's cost
// follows the cut and the number of stages, not the chain's size.
//
// It runs four queries whatever the size of the chain (chain, stages, the cut tactics with their
// cells' totals, tags), in one read transaction so that they all see the same state. NotFound if
// there is no such chain.
func (s *Store) ChainTableFor(ctx context.Context, key string, q TableQuery) (*models.ChainTable, error) {
	horizon, perCell := q.Horizon, q.PerCell
	if perCell < 1 {
		perCell = models.DefaultPerCell
	}
	var table *models.ChainTable
	err := inTx(s.read(ctx), func(tx *gorm.DB) error {
		chain, err := findChain(tx, key)
		if err != nil {
			return err
		}
		var stages []models.Stage
		if err := tx.Table("stages").Where("chain_id = ?", chain.ID).Order("position, id").Find(&stages).Error; err != nil {
			return fmt.Errorf("store: table stages: %w", err)
		}

		// ranked numbers the chain's visible tactics within their cell, in the table's order,
		// and counts each cell: ids and numbers only, the wide columns stay on disk.
		ranked := tx.Table("tactics").Where("tactics.chain_id = ?", chain.ID)
		if !canSeeHidden(ctx) {
			ranked = ranked.Where("tactics.status = ?", models.StatusPublished)
		}
		if horizon != "" {
			ranked = whereHorizon(ranked, horizon)
		}
		if cond, args, ok := q.Recommended.where(); ok {
			ranked = ranked.Where("(tactics.kind <> ? OR ("+cond+"))", append([]any{models.KindRecommended}, args...)...)
		}
		ranked = ranked.Select(`tactics.id,
			ROW_NUMBER() OVER (PARTITION BY tactics.stage_id, tactics.kind ORDER BY tactics.position, tactics.id) AS cell_rank,
			COUNT(*) OVER (PARTITION BY tactics.stage_id, tactics.kind) AS cell_total`)

		var tactics []models.Tactic
		var totals []int64
		rows, err := tx.Table("(?) AS ranked", ranked).
			Joins("JOIN tactics ON tactics.id = ranked.id").
			Where("ranked.cell_rank <= ?", perCell).
			Select(tacticColumnsOf("tactics") + ", ranked.cell_total").
			Order("tactics.position, tactics.id").Rows()
		if err != nil {
			return fmt.Errorf("store: table tactics: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var total int64
			t, err := scanTactic(withExtra{rows, []any{&total}}, 0)
			if err != nil {
				return fmt.Errorf("store: table tactics: %w", err)
			}
			tactics = append(tactics, *t)
			totals = append(totals, total)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: table tactics: %w", err)
		}
		rows.Close()

		shown := tx.Table("(?) AS ranked", ranked).Where("ranked.cell_rank <= ?", perCell).Select("ranked.id")
		if err := attachTags(tx.Where("tt.tactic_id IN (?)", shown), tactics); err != nil {
			return err
		}

		table = &models.ChainTable{Chain: *chain, Stages: make([]models.TableRow, len(stages)), PerCell: perCell}
		row := make(map[int64]*models.TableRow, len(stages))
		for i, st := range stages {
			r := models.TableRow{Stage: st, Current: []models.Tactic{}, Recommended: []models.Tactic{}, Conditions: []models.Tactic{}}
			r.Cells.Current.Href = models.TableCellHref(st.ID, models.KindCurrent, horizon)
			r.Cells.Recommended.Href = models.TableCellHref(st.ID, models.KindRecommended, horizon)
			r.Cells.Conditions.Href = models.TableCellHref(st.ID, models.KindCondition, horizon)
			table.Stages[i] = r
			row[st.ID] = &table.Stages[i]
		}
		for i, t := range tactics {
			r := row[t.StageID]
			var cell *models.TableCell
			switch t.Kind {
			case models.KindCurrent:
				r.Current = append(r.Current, t)
				cell = &r.Cells.Current
			case models.KindCondition:
				r.Conditions = append(r.Conditions, t)
				cell = &r.Cells.Conditions
			default:
				r.Recommended = append(r.Recommended, t)
				cell = &r.Cells.Recommended
			}
			cell.Total = totals[i]
			cell.Truncated = totals[i] > int64(perCell)
			table.Truncated = table.Truncated || cell.Truncated
		}
		return nil
	}, s.snapshotTx())
	if err != nil {
		return nil, err
	}
	return table, nil
}

// withExtra scans a row into a tactic's columns followed by extra ones.
type withExtra struct {
	rows  *sql.Rows
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.extra...)...) }

// snapshotTx are the options of a read transaction whose queries must all see one state. SQLite's
// read transactions are snapshots already; PostgreSQL's default, READ COMMITTED, is not.
func (s *Store) snapshotTx() *sql.TxOptions {
	if s.dialect == dialectPostgres {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return nil
}
