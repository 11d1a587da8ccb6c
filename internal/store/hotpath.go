package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// The hot path's statements: tacticFast (tactics.go) reads a tactic by id through them, around
// GORM.

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
	// tacticDoc reads a tactic's version with its document and the version that was rendered at.
	tacticDoc, tacticDocPublished *sql.Stmt
	// generation reads the knowledge base's generation, which every list's revalidation asks for.
	generation *sql.Stmt
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
	const doc = `SELECT t.version, d.version, d.doc FROM tactics t
		LEFT JOIN tactic_docs d ON d.tactic_id = t.id WHERE t.id = ?`
	if h.tacticDoc, err = prep(doc); err != nil {
		return fmt.Errorf("store: prepare: %w", err)
	}
	if h.tacticDocPublished, err = prep(doc + " AND t.status = 'published'"); err != nil {
		return fmt.Errorf("store: prepare: %w", err)
	}
	if h.generation, err = prep("SELECT n FROM kb_generation WHERE id = 1"); err != nil {
		return fmt.Errorf("store: prepare: %w", err)
	}
	s.hot = h
	return nil
}

func (h *hotStatements) close() {
	for _, st := range []*sql.Stmt{h.tactic, h.tacticPublished, h.tacticTags, h.tacticDoc, h.tacticDocPublished, h.generation} {
		if st != nil {
			st.Close()
		}
	}
}
