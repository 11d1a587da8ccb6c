package store

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"chainkb/models"
)

// ChainTable returns the chain laid out as Kara's table: stages in position order, each with its
// current efforts, its recommended tactics and its conditions, in position order, with their tags. horizon, when
// not empty, keeps only tactics with that horizon tag. Below editor, only published tactics show.
//
// Each of a stage's three lists (a cell) holds at most perCell tactics, its first in order of
// position and id; perCell < 1 means models.DefaultPerCell. Each cell says how many tactics it has
// in all and where the complete list is. Neither the counting nor the cut reads the chain's other
// tactics into memory: the database ranks and counts them (window functions, SQLite >= 3.25 and
// PostgreSQL), so that the table's cost follows perCell and the number of stages, not the chain's
// size.
//
// It runs four queries whatever the size of the chain (chain, stages, the cut tactics with their
// cells' totals, tags), in one read transaction so that they all see the same state. NotFound if
// there is no such chain.
func (s *Store) ChainTable(ctx context.Context, key, horizon string, perCell int) (*models.ChainTable, error) {
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
