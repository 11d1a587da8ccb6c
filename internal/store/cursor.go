package store

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"chainkb/internal/search"
	"chainkb/models"
)

// Lists page by keyset, not offset: a cursor holds the sort value and id of the last row served,
// and the next page starts strictly after it. Page 1,000 then costs what page 1 costs.

type columnKind int

const (
	intColumn columnKind = iota
	textColumn
	timeColumn
)

// sortField is a field a list of T may be sorted by: its column, and its value in a row, which
// the next page's cursor carries.
type sortField[T any] struct {
	column string
	kind   columnKind
	value  func(*T) any
}

// listSpec is everything one collection's lists need: the table, how a filter F narrows it, how
// the rows can be ordered, and what ties a cursor to its filter. Each resource declares one.
type listSpec[T, F any] struct {
	table string
	// columns is what a page sorted by the sort field named sort selects ("" for a ranked page,
	// which needs no sort value); nil selects all of the table's columns.
	columns func(f F, sort string) string
	// where applies f's WHERE clauses. It runs twice when a total is asked for, so it must keep
	// no state.
	where func(q *gorm.DB, f F) *gorm.DB
	// filterKey is a canonical string of f, for the cursor's fingerprint: a cursor made for one
	// filter is refused with another.
	filterKey func(f F) string
	// sorts are the fields a list may be sorted by, by API field name; defaultSort is used when
	// the client names none ("-" in front for descending).
	sorts       map[string]sortField[T]
	defaultSort string
	// id is a row's id, the tie-breaker of every order.
	id func(*T) int64
	// scan, if set, reads one row of what columns selects; nil lets GORM map the columns by name.
	scan func(rows *sql.Rows) (*T, error)
	// search, if set, is the table's full-text index: text(f), in the search query language, is
	// matched with it, and a list with text and no sort is in order of relevance.
	search *searchable
	text   func(F) string
	// parsed is f's text as the caller parsed it, if it did (nil: query parses it here).
	parsed func(F) *search.Query
}

// ordering is a parsed sort parameter.
type ordering[T any] struct {
	name  string
	field sortField[T]
	desc  bool
}

func (sp *listSpec[T, F]) ordering(sort string) (ordering[T], error) {
	if sort == "" {
		sort = sp.defaultSort
	}
	name, desc := strings.CutPrefix(sort, "-")
	f, ok := sp.sorts[name]
	if !ok {
		names := make([]string, 0, len(sp.sorts))
		for n := range sp.sorts {
			names = append(names, n)
		}
		slices.Sort(names)
		return ordering[T]{}, models.BadRequestf("bad_sort", "sort %q is not supported; use one of %s, with '-' in front for descending", sort, strings.Join(names, ", "))
	}
	return ordering[T]{name: name, field: f, desc: desc}, nil
}

// cursor is what a next_cursor encodes. Fingerprint ties it to the filters and sort it was made
// for, so that a cursor reused with other parameters is refused instead of silently skipping rows.
type cursor struct {
	Fingerprint string          `json:"f"`
	Value       json.RawMessage `json:"v"`
	ID          int64           `json:"i"`
}

func fingerprint[T any](filters string, o ordering[T]) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%t", filters, o.name, o.desc)
	return fmt.Sprintf("%x", h.Sum64())
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c) // a struct of a string, raw JSON and an int cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// errBadCursor reports a cursor that was not made by this server, or was changed. It is made
// afresh each time: a shared *models.Error could be changed by any caller.
func errBadCursor() error {
	return models.BadRequestf("bad_cursor", "cursor is not valid; use the next_cursor of a previous page unchanged")
}

func decodeCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, errBadCursor()
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c cursor
	if err := dec.Decode(&c); err != nil || c.Fingerprint == "" || c.ID <= 0 || len(c.Value) == 0 {
		return cursor{}, errBadCursor()
	}
	return c, nil
}

// keysetValue is the value of the sort column in a cursor, converted back for the query.
func (o ordering[T]) keysetValue(raw json.RawMessage) (any, error) {
	switch o.field.kind {
	case intColumn:
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, errBadCursor()
		}
		return n, nil
	case timeColumn:
		var t time.Time
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, errBadCursor()
		}
		return t.UTC(), nil
	default:
		var s string
		// No text either engine stores holds a NUL (PostgreSQL cannot, and the API refuses one on
		// both): a cursor whose value does was not made by us, and PostgreSQL would fail on it.
		if err := json.Unmarshal(raw, &s); err != nil || strings.ContainsRune(s, 0) {
			return nil, errBadCursor()
		}
		return s, nil
	}
}

// find runs q and reads its rows, with scan if the spec has one.
func (sp *listSpec[T, F]) find(q *gorm.DB) ([]T, error) {
	if sp.scan == nil {
		var rows []T
		err := q.Find(&rows).Error
		return rows, err
	}
	return scanAll(q, sp.scan)
}

// mapList makes a page of rows into a page of what the API sends, with the row's cursor and total.
func mapList[R, T any](page models.List[R], conv func(*R) (T, error)) (models.List[T], error) {
	items, err := mapRows(page.Items, conv)
	return models.List[T]{NextCursor: page.NextCursor, Total: page.Total, Items: items}, err
}

// scanAll runs q and reads every row with scan.
func scanAll[T any](q *gorm.DB, scan func(*sql.Rows) (*T, error)) ([]T, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// page runs one page of a list filtered by f. It returns a BadRequest error for an unknown sort
// (bad_sort), a cursor that is not one of ours (bad_cursor) or one made for another filter or
// sort (cursor_mismatch); any other error is internal.
func (sp *listSpec[T, F]) page(db *gorm.DB, f F, p models.Page) (models.List[T], error) {
	var out models.List[T]
	pq, err := sp.query(f)
	if err != nil {
		return out, err
	}
	if pq != nil && p.Sort == "" {
		return sp.rankedPage(db, f, pq, p)
	}
	q, o, fp, err := sp.keysetQuery(db, f, pq, p)
	if err != nil {
		return out, err
	}
	rows, err := sp.find(q)
	if err != nil {
		return out, fmt.Errorf("store: list %s: %w", sp.table, err)
	}
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
		if out.NextCursor, err = sp.cursorAfter(o, fp, &rows[len(rows)-1]); err != nil {
			return out, err
		}
	}
	out.Items = rows
	return out, sp.total(db, f, pq, p, &out)
}

// cursorAfter is the cursor to the page after the row last, in the ordering o of the filter
// whose fingerprint is fp.
func (sp *listSpec[T, F]) cursorAfter(o ordering[T], fp string, last *T) (string, error) {
	raw, err := json.Marshal(o.field.value(last))
	if err != nil {
		return "", fmt.Errorf("store: list %s: cursor: %w", sp.table, err)
	}
	return encodeCursor(cursor{Fingerprint: fp, Value: raw, ID: sp.id(last)}), nil
}

// keysetQuery is the query of a page in the order p asks for (not ranked): the rows f and pq
// select after p's cursor, in order, limit+1 of them (the last one only says there is a next
// page), with the ordering and the fingerprint that the page's cursor carries.
func (sp *listSpec[T, F]) keysetQuery(db *gorm.DB, f F, pq *search.Query, p models.Page) (*gorm.DB, ordering[T], string, error) {
	o, err := sp.ordering(p.Sort)
	if err != nil {
		return nil, o, "", err
	}
	fp := fingerprint(sp.filterKey(f), o)

	q := sp.matching(db, f, pq)
	if p.Cursor != "" {
		c, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, o, "", err
		}
		if c.Fingerprint != fp {
			return nil, o, "", errCursorMismatch()
		}
		v, err := o.keysetValue(c.Value)
		if err != nil {
			return nil, o, "", err
		}
		col := sp.table + "." + o.field.column
		idCol := sp.table + ".id"
		cmp := ">"
		if o.desc {
			cmp = "<"
		}
		if o.field.column == "id" {
			q = q.Where(idCol+" "+cmp+" ?", c.ID)
		} else {
			q = q.Where("("+col+" "+cmp+" ? OR ("+col+" = ? AND "+idCol+" "+cmp+" ?))", v, v, c.ID)
		}
	}
	dir := " ASC"
	if o.desc {
		dir = " DESC"
	}
	order := sp.table + "." + o.field.column + dir
	if o.field.column != "id" {
		order += ", " + sp.table + ".id" + dir
	}
	if sp.columns != nil {
		q = q.Select(sp.columns(f, o.name))
	}
	return q.Order(order).Limit(p.Limit + 1), o, fp, nil
}

// total counts the matches of f when p asks for it.
func (sp *listSpec[T, F]) total(db *gorm.DB, f F, pq *search.Query, p models.Page, out *models.List[T]) error {
	if !p.IncludeTotal {
		return nil
	}
	var n int64
	if err := sp.matching(db, f, pq).Count(&n).Error; err != nil {
		return fmt.Errorf("store: count %s: %w", sp.table, err)
	}
	out.Total = &n
	return nil
}

// query parses f's search text: nil when the list has no full-text index or f has no text;
// BadRequest (bad_query) for a malformed one.
func (sp *listSpec[T, F]) query(f F) (*search.Query, error) {
	if sp.search == nil || sp.text(f) == "" {
		return nil, nil
	}
	return parsedQuery(sp.text(f), sp.parsed(f))
}

// matching is the table narrowed by f, and by the search query pq unless it is nil.
func (sp *listSpec[T, F]) matching(db *gorm.DB, f F, pq *search.Query) *gorm.DB {
	q := sp.where(db.Table(sp.table), f)
	if pq != nil {
		q = sp.search.match(q, pq)
	}
	return q
}

// rankedPage is a page of the rows that match pq, best first, ties broken by id. A relevance
// score is no key to step past, so its cursor holds how many rows were served, tied like every
// cursor to its filters.
func (sp *listSpec[T, F]) rankedPage(db *gorm.DB, f F, pq *search.Query, p models.Page) (models.List[T], error) {
	var out models.List[T]
	fp := fingerprint(sp.filterKey(f), ordering[T]{name: "relevance", desc: true})
	offset, err := offsetOf(p.Cursor, fp)
	if err != nil {
		return out, err
	}
	best, err := sp.search.best(db, pq, func(q *gorm.DB) *gorm.DB { return sp.where(q, f) }, offset+p.Limit+1)
	if err != nil {
		return out, fmt.Errorf("store: search %s: %w", sp.table, err)
	}
	best = best[min(offset, len(best)):]
	more := len(best) > p.Limit
	if more {
		best = best[:p.Limit]
	}
	// The page's rows, read by id, in one query, and put in the ranking's order. A row deleted
	// since it was ranked is left out, as a read a moment later would.
	ids := make([]int64, len(best))
	for i, b := range best {
		ids[i] = b.ID
	}
	var rows []T
	if len(ids) > 0 {
		cols := sp.table + ".*"
		if sp.columns != nil {
			cols = sp.columns(f, "")
		}
		read, err := sp.find(db.Table(sp.table).Select(cols).Where(sp.table+".id IN ?", ids))
		if err != nil {
			return out, fmt.Errorf("store: search %s: %w", sp.table, err)
		}
		at := make(map[int64]int, len(ids))
		for i, id := range ids {
			at[id] = i
		}
		slices.SortFunc(read, func(a, b T) int { return at[sp.id(&a)] - at[sp.id(&b)] })
		rows = read
	}
	if more && len(rows) > 0 {
		raw, _ := json.Marshal(offset + p.Limit) // an int cannot fail
		out.NextCursor = encodeCursor(cursor{Fingerprint: fp, Value: raw, ID: sp.id(&rows[len(rows)-1])})
	}
	out.Items = rows
	return out, sp.total(db, f, pq, p, &out)
}
