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
// It runs four queries whatever the size of the chain (chain, stages, tactics, tags), in one read
// transaction so that they all see the same state. NotFound if there is no such chain.
func (s *Store) ChainTable(ctx context.Context, key, horizon string) (*models.ChainTable, error) {
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
		q := tx.Table("tactics").Where("tactics.chain_id = ?", chain.ID)
		if !canSeeHidden(ctx) {
			q = q.Where("tactics.status = ?", models.StatusPublished)
		}
		if horizon != "" {
			q = whereHorizon(q, horizon)
		}
		tactics, err := scanAll(q.Select(tacticColumnsOf("tactics")).Order("tactics.position, tactics.id"),
			func(rows *sql.Rows) (*models.Tactic, error) { return scanTactic(rows, 0) })
		if err != nil {
			return fmt.Errorf("store: table tactics: %w", err)
		}
		err = attachTags(tx.Where("tt.tactic_id IN (SELECT id FROM tactics WHERE chain_id = ?)", chain.ID), tactics)
		if err != nil {
			return err
		}

		table = &models.ChainTable{Chain: *chain, Stages: make([]models.TableRow, len(stages))}
		row := make(map[int64]*models.TableRow, len(stages))
		for i, st := range stages {
			table.Stages[i] = models.TableRow{Stage: st, Current: []models.Tactic{}, Recommended: []models.Tactic{}, Conditions: []models.Tactic{}}
			row[st.ID] = &table.Stages[i]
		}
		for _, t := range tactics {
			r := row[t.StageID]
			switch t.Kind {
			case models.KindCurrent:
				r.Current = append(r.Current, t)
			case models.KindCondition:
				r.Conditions = append(r.Conditions, t)
			default:
				r.Recommended = append(r.Recommended, t)
			}
		}
		return nil
	}, s.snapshotTx())
	if err != nil {
		return nil, err
	}
	return table, nil
}

// snapshotTx are the options of a read transaction whose queries must all see one state. SQLite's
// read transactions are snapshots already; PostgreSQL's default, READ COMMITTED, is not.
func (s *Store) snapshotTx() *sql.TxOptions {
	if s.dialect == dialectPostgres {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return nil
}
