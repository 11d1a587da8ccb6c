package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The SQL is chainkb's (internal/store): the same WHERE clauses and ORDER BY, hence the same
// indexes and query plans, so that the difference between the two servers is the Go side alone.
// The baseline answers as chainkb answers a request without a key: published tactics only.

const published = "tactics.status = 'published'"

const tacticCols = `tactics.id, tactics.stage_id, tactics.chain_id, tactics.code, tactics.kind, tactics.status,
	tactics.title, tactics.summary, tactics.description, tactics.attribution, tactics.detail, tactics.position,
	tactics.created_at, tactics.updated_at, tactics.version`

const horizonCond = `EXISTS (SELECT 1 FROM tactic_tags tt JOIN tags t ON t.id = tt.tag_id
	WHERE tt.tactic_id = tactics.id AND t.slug = ? AND t.tag_group = 'horizon')`

const tagCols = `SELECT tt.tactic_id, t.id, t.slug, t.name, t.tag_group
	FROM tactic_tags tt JOIN tags t ON t.id = tt.tag_id `

const tagOrder = ` ORDER BY tt.tactic_id, t.tag_group, t.slug`

// List filters, as bits of a statement index: each combination has its own prepared statement.
const (
	byStage = 1 << iota
	byHorizon
	byText
	afterCursor
	listShapes
)

// listFilter is a parsed list request.
type listFilter struct {
	stage      int64
	horizon, q string
	limit      int
	after      int64 // the id the page starts after (the cursor), 0 for the first page
}

// queries are the prepared statements of every request.
type queries struct {
	db                             *sql.DB
	tacticByID, tagsOfOne, tagsIn  *sql.Stmt
	list                           [listShapes]*sql.Stmt
	chainBySlug, chainByID, stages *sql.Stmt
	chainTactics, chainHorizon     *sql.Stmt
	chainTags                      *sql.Stmt
}

func prepare(ctx context.Context, db *sql.DB) (*queries, error) {
	q := &queries{db: db}
	stmts := map[**sql.Stmt]string{
		&q.tacticByID: "SELECT " + tacticCols + " FROM tactics WHERE tactics.id = ? AND " + published,
		&q.tagsOfOne:  tagCols + "WHERE tt.tactic_id = ?" + tagOrder,
		// A JSON array of ids keeps one prepared statement for pages of any length.
		&q.tagsIn:       tagCols + "WHERE tt.tactic_id IN (SELECT value FROM json_each(?))" + tagOrder,
		&q.chainBySlug:  "SELECT id, slug, name, description, citations, created_at, updated_at, version FROM chains WHERE slug = ?",
		&q.chainByID:    "SELECT id, slug, name, description, citations, created_at, updated_at, version FROM chains WHERE id = ?",
		&q.stages:       "SELECT id, chain_id, slug, name, actor, side, position, description, citations, created_at, updated_at, version FROM stages WHERE chain_id = ? ORDER BY position, id",
		&q.chainTactics: "SELECT " + tacticCols + " FROM tactics WHERE tactics.chain_id = ? AND " + published + " ORDER BY tactics.position, tactics.id",
		&q.chainHorizon: "SELECT " + tacticCols + " FROM tactics WHERE tactics.chain_id = ? AND " + published + " AND " + horizonCond + " ORDER BY tactics.position, tactics.id",
		&q.chainTags:    tagCols + "WHERE tt.tactic_id IN (SELECT id FROM tactics WHERE chain_id = ?)" + tagOrder,
	}
	for shape := range listShapes {
		stmts[&q.list[shape]] = listSQL(shape)
	}
	for dst, text := range stmts {
		s, err := db.PrepareContext(ctx, text)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", text, err)
		}
		*dst = s
	}
	return q, nil
}

// listSQL is the list query for one combination of filters; its arguments come in the order
// stage, horizon, q (three times), cursor, limit.
func listSQL(shape int) string {
	conds := []string{published}
	if shape&byStage != 0 {
		conds = append(conds, "tactics.stage_id = ?")
	}
	if shape&byHorizon != 0 {
		conds = append(conds, horizonCond)
	}
	if shape&byText != 0 {
		conds = append(conds, `(LOWER(tactics.title) LIKE ? ESCAPE '\' OR LOWER(tactics.summary) LIKE ? ESCAPE '\' OR LOWER(tactics.description) LIKE ? ESCAPE '\')`)
	}
	if shape&afterCursor != 0 {
		conds = append(conds, "tactics.id > ?")
	}
	return "SELECT " + tacticCols + " FROM tactics WHERE " + strings.Join(conds, " AND ") + " ORDER BY tactics.id LIMIT ?"
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(...any) error }

// scanTactic reads a row of tacticCols. The detail column is JSON text, decoded as chainkb decodes
// it (an empty text is an empty detail), then given chainkb's defaults.
func scanTactic(r rowScanner) (tactic, error) {
	var t tactic
	var detail string
	err := r.Scan(&t.ID, &t.StageID, &t.ChainID, &t.Code, &t.Kind, &t.Status, &t.Title, &t.Summary,
		&t.Description, &t.Attribution, &detail, &t.Position, &t.CreatedAt, &t.UpdatedAt, &t.Version)
	if err != nil {
		return t, err
	}
	var d tacticDetail
	if err := decodeJSON(detail, &d); err != nil {
		return t, err
	}
	d.setOn(&t)
	t.Tags = []tagSummary{}
	return t, nil
}

// decodeJSON decodes a JSON text column into dst; an empty text leaves dst as it is.
func decodeJSON(text string, dst any) error {
	if text == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(text), dst); err != nil {
		return fmt.Errorf("decode JSON column: %w", err)
	}
	return nil
}

func (q *queries) tactic(ctx context.Context, id int64) (*tactic, error) {
	t, err := scanTactic(q.tacticByID.QueryRowContext(ctx, id))
	if err != nil {
		return nil, err
	}
	one := []tactic{t}
	rows, err := q.tagsOfOne.QueryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := attachTags(rows, one); err != nil {
		return nil, err
	}
	return &one[0], nil
}

// tactics returns up to limit+1 tactics: one more than the page, to tell whether there is a next.
func (q *queries) tactics(ctx context.Context, f listFilter) ([]tactic, error) {
	shape := 0
	var args []any
	if f.stage != 0 {
		shape |= byStage
		args = append(args, f.stage)
	}
	if f.horizon != "" {
		shape |= byHorizon
		args = append(args, f.horizon)
	}
	if f.q != "" {
		shape |= byText
		p := likePattern(f.q)
		args = append(args, p, p, p)
	}
	if f.after != 0 {
		shape |= afterCursor
		args = append(args, f.after)
	}
	args = append(args, f.limit+1)
	rows, err := q.list[shape].QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	page, err := scanTactics(rows)
	if err != nil || len(page) == 0 {
		return page, err
	}
	ids := make([]byte, 0, 8*len(page))
	ids = append(ids, '[')
	for i, t := range page {
		if i > 0 {
			ids = append(ids, ',')
		}
		ids = strconv.AppendInt(ids, t.ID, 10)
	}
	ids = append(ids, ']')
	tagRows, err := q.tagsIn.QueryContext(ctx, string(ids))
	if err != nil {
		return nil, err
	}
	return page, attachTags(tagRows, page)
}

// table reads the chain table in one read transaction, so that its four queries see one state.
func (q *queries) table(ctx context.Context, key, horizon string) (*chainTable, error) {
	tx, err := q.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	find := q.chainBySlug
	var keyArg any = key
	if id, err := strconv.ParseInt(key, 10, 64); err == nil {
		find, keyArg = q.chainByID, id
	}
	var c chain
	var citations string
	err = tx.StmtContext(ctx, find).QueryRowContext(ctx, keyArg).
		Scan(&c.ID, &c.Slug, &c.Name, &c.Description, &citations, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	if err != nil {
		return nil, err
	}
	if err := decodeJSON(citations, &c.Citations); err != nil {
		return nil, err
	}
	out := &chainTable{Chain: c, Stages: []tableRow{}}
	rows, err := tx.StmtContext(ctx, q.stages).QueryContext(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	at := map[int64]int{}
	for rows.Next() {
		var s stage
		var citations string
		if err := rows.Scan(&s.ID, &s.ChainID, &s.Slug, &s.Name, &s.Actor, &s.Side, &s.Position,
			&s.Description, &citations, &s.CreatedAt, &s.UpdatedAt, &s.Version); err != nil {
			rows.Close()
			return nil, err
		}
		if err := decodeJSON(citations, &s.Citations); err != nil {
			rows.Close()
			return nil, err
		}
		at[s.ID] = len(out.Stages)
		out.Stages = append(out.Stages, tableRow{Stage: s, Current: []tactic{}, Recommended: []tactic{}, Conditions: []tactic{}})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	if horizon == "" {
		rows, err = tx.StmtContext(ctx, q.chainTactics).QueryContext(ctx, c.ID)
	} else {
		rows, err = tx.StmtContext(ctx, q.chainHorizon).QueryContext(ctx, c.ID, horizon)
	}
	if err != nil {
		return nil, err
	}
	tactics, err := scanTactics(rows)
	if err != nil {
		return nil, err
	}
	tagRows, err := tx.StmtContext(ctx, q.chainTags).QueryContext(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if err := attachTags(tagRows, tactics); err != nil {
		return nil, err
	}
	for _, t := range tactics {
		row := &out.Stages[at[t.StageID]]
		switch t.Kind {
		case "current":
			row.Current = append(row.Current, t)
		case "condition":
			row.Conditions = append(row.Conditions, t)
		default:
			row.Recommended = append(row.Recommended, t)
		}
	}
	return out, nil
}

func scanTactics(rows *sql.Rows) ([]tactic, error) {
	defer rows.Close()
	var out []tactic
	for rows.Next() {
		t, err := scanTactic(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// attachTags reads tag rows (tactic id, then the tag) onto the tactics they belong to; rows for
// other tactics are skipped.
func attachTags(rows *sql.Rows, tactics []tactic) error {
	defer rows.Close()
	at := make(map[int64]int, len(tactics))
	for i, t := range tactics {
		at[t.ID] = i
	}
	for rows.Next() {
		var id int64
		var tag tagSummary
		if err := rows.Scan(&id, &tag.ID, &tag.Slug, &tag.Name, &tag.Group); err != nil {
			return err
		}
		if i, ok := at[id]; ok {
			tactics[i].Tags = append(tactics[i].Tags, tag)
		}
	}
	return rows.Err()
}

// likePattern is chainkb's: q anywhere, lower-cased, with LIKE's wildcards taken literally.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(q)) + "%"
}
