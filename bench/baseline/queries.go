package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
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

// perCell is chainkb's default cap on the tactics of a table cell (models.DefaultPerCell).
const perCell = 25

// rankedSQL numbers and counts a chain's published tactics within their table cell (stage and
// kind), as chainkb's table does; cond narrows them further.
func rankedSQL(cond string) string {
	return `SELECT tactics.id,
		ROW_NUMBER() OVER (PARTITION BY tactics.stage_id, tactics.kind ORDER BY tactics.position, tactics.id) AS cell_rank,
		COUNT(*) OVER (PARTITION BY tactics.stage_id, tactics.kind) AS cell_total
		FROM tactics WHERE tactics.chain_id = ? AND ` + published + cond
}

// queries are the prepared statements of every request.
type queries struct {
	db                             *sql.DB
	tacticByID, tagsOfOne, tagsIn  *sql.Stmt
	list                           [listShapes]*sql.Stmt
	chainBySlug, chainByID, stages *sql.Stmt
	chainTactics, chainHorizon     *sql.Stmt
	chainTags, chainTagsH          *sql.Stmt
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
		&q.stages:       "SELECT id, chain_id, slug, name, actor, side, position, role, description, citations, created_at, updated_at, version FROM stages WHERE chain_id = ? ORDER BY position, id",
		&q.chainTactics: "SELECT " + tacticCols + ", ranked.cell_total FROM (" + rankedSQL("") + ") AS ranked JOIN tactics ON tactics.id = ranked.id WHERE ranked.cell_rank <= ? ORDER BY tactics.position, tactics.id",
		&q.chainHorizon: "SELECT " + tacticCols + ", ranked.cell_total FROM (" + rankedSQL(" AND "+horizonCond) + ") AS ranked JOIN tactics ON tactics.id = ranked.id WHERE ranked.cell_rank <= ? ORDER BY tactics.position, tactics.id",
		&q.chainTags:    tagCols + "WHERE tt.tactic_id IN (SELECT ranked.id FROM (" + rankedSQL("") + ") AS ranked WHERE ranked.cell_rank <= ?)" + tagOrder,
		&q.chainTagsH:   tagCols + "WHERE tt.tactic_id IN (SELECT ranked.id FROM (" + rankedSQL(" AND "+horizonCond) + ") AS ranked WHERE ranked.cell_rank <= ?)" + tagOrder,
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
		if err := rows.Scan(&s.ID, &s.ChainID, &s.Slug, &s.Name, &s.Actor, &s.Side, &s.Position, &s.Role,
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

	args := []any{c.ID}
	tacticsStmt, tagsStmt := q.chainTactics, q.chainTags
	if horizon != "" {
		args = append(args, horizon)
		tacticsStmt, tagsStmt = q.chainHorizon, q.chainTagsH
	}
	args = append(args, perCell)
	rows, err = tx.StmtContext(ctx, tacticsStmt).QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	var tactics []tactic
	var totals []int64
	for rows.Next() {
		var total int64
		t, err := scanTactic(withTotal{rows, &total})
		if err != nil {
			rows.Close()
			return nil, err
		}
		tactics = append(tactics, t)
		totals = append(totals, total)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	tagRows, err := tx.StmtContext(ctx, tagsStmt).QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	if err := attachTags(tagRows, tactics); err != nil {
		return nil, err
	}
	out.PerCell = perCell
	for i := range out.Stages {
		row := &out.Stages[i]
		row.Cells.Current.Href = cellHref(row.Stage.ID, "current", horizon)
		row.Cells.Recommended.Href = cellHref(row.Stage.ID, "recommended", horizon)
		row.Cells.Conditions.Href = cellHref(row.Stage.ID, "condition", horizon)
	}
	for i, t := range tactics {
		row := &out.Stages[at[t.StageID]]
		var cell *tableCell
		switch t.Kind {
		case "current":
			row.Current = append(row.Current, t)
			cell = &row.Cells.Current
		case "condition":
			row.Conditions = append(row.Conditions, t)
			cell = &row.Cells.Conditions
		default:
			row.Recommended = append(row.Recommended, t)
			cell = &row.Cells.Recommended
		}
		cell.Total, cell.Truncated = totals[i], totals[i] > int64(perCell)
		out.Truncated = out.Truncated || cell.Truncated
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

// withTotal scans a row of tacticCols followed by its cell's total.
type withTotal struct {
	rows  *sql.Rows
	total *int64
}

func (w withTotal) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.total)...) }

// cellHref is the complete list of a table cell, as chainkb links it (models.TableCellHref).
func cellHref(stageID int64, kind, horizon string) string {
	v := url.Values{"stage": {strconv.FormatInt(stageID, 10)}, "kind": {kind}, "sort": {"position"}}
	if horizon != "" {
		v.Set("horizon", horizon)
	}
	return "/api/v1/tactics?" + v.Encode()
}
