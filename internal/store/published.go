package store

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"chainkb/models"
)

// Published is the published knowledge base as one reader sees it at one moment: every chain,
// stage, tag and source, the published tactics with their tags, the relations between
// published tactics and the parameters of the risk-reward model. The public pages (internal/pages) render from it.
type Published struct {
	Chains  []models.Chain    // by slug
	Stages  []models.Stage    // by chain, then position
	Tags    []models.Tag      // by group, then slug
	Tactics []models.Tactic   // published only; by chain, then position
	Sources []models.Source   // by slug
	Links   []models.Relation // relations whose two tactics are published, by id
	// The parameters of the risk-reward model, of every chain, by chain then id: the pages show
	// each stage's figures from them (internal/inforce chooses those in force).
	Parameters []models.Parameter
}

// Published reads the published knowledge base in one snapshot transaction, in eight queries
// whatever its size (chains, stages, tags, tactics, their tags, sources, relations, parameters). It shows only
// published tactics, whoever asks: it is the anonymous view.
func (s *Store) Published(ctx context.Context) (*Published, error) {
	p := &Published{}
	err := inTx(s.read(ctx), func(tx *gorm.DB) error {
		if err := tx.Table("chains").Order("slug, id").Find(&p.Chains).Error; err != nil {
			return fmt.Errorf("store: published chains: %w", err)
		}
		if err := tx.Table("stages").Order("chain_id, position, id").Find(&p.Stages).Error; err != nil {
			return fmt.Errorf("store: published stages: %w", err)
		}
		if err := tx.Table("tags").Order("tag_group, slug").Find(&p.Tags).Error; err != nil {
			return fmt.Errorf("store: published tags: %w", err)
		}
		published := tx.Table("tactics").Where("tactics.status = ?", models.StatusPublished)
		tactics, err := scanAll(published.Select(tacticColumnsOf("tactics")).Order("tactics.chain_id, tactics.position, tactics.id"),
			func(rows *sql.Rows) (*models.Tactic, error) { return scanTactic(rows, 0) })
		if err != nil {
			return fmt.Errorf("store: published tactics: %w", err)
		}
		p.Tactics = tactics
		err = attachTags(tx.Where("tt.tactic_id IN (SELECT id FROM tactics WHERE status = ?)", models.StatusPublished), p.Tactics)
		if err != nil {
			return err
		}
		p.Sources, err = scanAll(tx.Table("sources").Select(sourceColumns).Order("sources.slug"),
			func(rows *sql.Rows) (*models.Source, error) { return scanSource(rows) })
		if err != nil {
			return fmt.Errorf("store: published sources: %w", err)
		}
		q := joinEnds(tx.Table("relations")).Select(relationColumns).
			Where("f.status = ? AND t.status = ?", models.StatusPublished, models.StatusPublished).Order("relations.id")
		links, err := scanAll(q, scanRelation)
		if err != nil {
			return fmt.Errorf("store: published relations: %w", err)
		}
		for _, l := range links {
			p.Links = append(p.Links, l.Relation)
		}
		var rows []parameterRow
		err = tx.Table("parameters").Select(parameterColumns).Order("parameters.chain_id, parameters.id").Find(&rows).Error
		if err != nil {
			return fmt.Errorf("store: published parameters: %w", err)
		}
		p.Parameters = make([]models.Parameter, len(rows))
		for i := range rows {
			if p.Parameters[i], err = rows[i].parameter(); err != nil {
				return err
			}
		}
		return nil
	}, s.snapshotTx())
	if err != nil {
		return nil, err
	}
	return p, nil
}
