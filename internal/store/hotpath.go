package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"chainkb/models"
)

// The hottest read, a tactic by id, goes around GORM: the profile of GET /tactics/{id} showed
// GORM's statement building and reflective scanning costing as much as SQLite's own work
// (bench/README.md). The SQL is the same as findTactic's; the statements are prepared once per
// connection by database/sql's statement cache.

const tacticColumns = "id, stage_id, chain_id, kind, status, title, summary, description, refs, position, created_at, updated_at, version"

// rebind turns ? placeholders into PostgreSQL's $1, $2... on PostgreSQL.
func (s *Store) rebind(query string) string {
	if s.dialect != dialectPostgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hotStatements are the prepared statements of the hot path, made once when the store opens.
type hotStatements struct {
	tactic, tacticPublished, tacticTags *sql.Stmt
}

func (s *Store) prepareHot(ctx context.Context) error {
	prep := func(q string) (*sql.Stmt, error) { return s.rSQL.PrepareContext(ctx, s.rebind(q)) }
	var err error
	h := &hotStatements{}
	if h.tactic, err = prep("SELECT " + tacticColumns + " FROM tactics WHERE id = ?"); err != nil {
		return fmt.Errorf("store: prepare: %w", err)
	}
	if h.tacticPublished, err = prep("SELECT " + tacticColumns + " FROM tactics WHERE id = ? AND status = 'published'"); err != nil {
		return fmt.Errorf("store: prepare: %w", err)
	}
	if h.tacticTags, err = prep(`SELECT t.id, t.slug, t.name, t.tag_group FROM tactic_tags tt
		JOIN tags t ON t.id = tt.tag_id WHERE tt.tactic_id = ? ORDER BY t.tag_group, t.slug`); err != nil {
		return fmt.Errorf("store: prepare: %w", err)
	}
	s.hot = h
	return nil
}

func (h *hotStatements) close() {
	for _, st := range []*sql.Stmt{h.tactic, h.tacticPublished, h.tacticTags} {
		if st != nil {
			st.Close()
		}
	}
}

// tacticFast is Tactic through the prepared statements.
func (s *Store) tacticFast(ctx context.Context, id int64, hidden bool) (*models.Tactic, error) {
	st := s.hot.tacticPublished
	if hidden {
		st = s.hot.tactic
	}
	var t models.Tactic
	err := st.QueryRowContext(ctx, id).Scan(&t.ID, &t.StageID, &t.ChainID, &t.Kind, &t.Status, &t.Title, &t.Summary,
		&t.Description, &t.References, &t.Position, &t.CreatedAt, &t.UpdatedAt, &t.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.NotFoundf("tactic %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find tactic: %w", err)
	}
	s.statements.Add(1)
	rows, err := s.hot.tacticTags.QueryContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("store: load tactic tags: %w", err)
	}
	defer rows.Close()
	s.statements.Add(1)
	t.Tags = []models.TagSummary{}
	for rows.Next() {
		var tg models.TagSummary
		if err := rows.Scan(&tg.ID, &tg.Slug, &tg.Name, &tg.Group); err != nil {
			return nil, fmt.Errorf("store: load tactic tags: %w", err)
		}
		t.Tags = append(t.Tags, tg)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: load tactic tags: %w", err)
	}
	return &t, nil
}
