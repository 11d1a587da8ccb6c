package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

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

// sortField is a field a list may be sorted by.
type sortField struct {
	column string
	kind   columnKind
}

// listSpec is how one collection can be ordered.
type listSpec struct {
	table        string
	selectSQL    string               // the columns a page selects; "" for all of the table's
	sorts        map[string]sortField // by API field name
	defaultSort  string
	sortableList string // for error messages
}

func newListSpec(table, defaultSort string, sorts map[string]sortField) listSpec {
	names := make([]string, 0, len(sorts))
	for name := range sorts {
		names = append(names, name)
	}
	slices.Sort(names)
	return listSpec{table: table, sorts: sorts, defaultSort: defaultSort, sortableList: strings.Join(names, ", ")}
}

// ordering is a parsed sort parameter.
type ordering struct {
	name  string
	field sortField
	desc  bool
}

func (sp listSpec) ordering(sort string) (ordering, error) {
	if sort == "" {
		sort = sp.defaultSort
	}
	name, desc := strings.CutPrefix(sort, "-")
	f, ok := sp.sorts[name]
	if !ok {
		return ordering{}, models.BadRequestf("bad_sort", "sort %q is not supported; use one of %s, with '-' in front for descending", sort, sp.sortableList)
	}
	return ordering{name: name, field: f, desc: desc}, nil
}

// cursor is what a next_cursor encodes. Fingerprint ties it to the filters and sort it was made
// for, so that a cursor reused with other parameters is refused instead of silently skipping rows.
type cursor struct {
	Fingerprint string          `json:"f"`
	Value       json.RawMessage `json:"v"`
	ID          int64           `json:"i"`
}

func fingerprint(filters string, o ordering) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%t", filters, o.name, o.desc)
	return fmt.Sprintf("%x", h.Sum64())
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c) // a struct of a string, raw JSON and an int cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

var errBadCursor = models.BadRequestf("bad_cursor", "cursor is not valid; use the next_cursor of a previous page unchanged")

func decodeCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, errBadCursor
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c cursor
	if err := dec.Decode(&c); err != nil || c.Fingerprint == "" || c.ID <= 0 || len(c.Value) == 0 {
		return cursor{}, errBadCursor
	}
	return c, nil
}

// keysetValue is the value of the sort column in a cursor, converted back for the query.
func (o ordering) keysetValue(raw json.RawMessage) (any, error) {
	switch o.field.kind {
	case intColumn:
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, errBadCursor
		}
		return n, nil
	case timeColumn:
		var t time.Time
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, errBadCursor
		}
		return t.UTC(), nil
	default:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errBadCursor
		}
		return s, nil
	}
}

// paginate runs one page of a list. filter applies the list's WHERE clauses (it is applied twice
// when a total is asked for, so it must not keep state); filters is a canonical string of those
// filters for the cursor fingerprint; key returns a row's value of the named sort field, and its id.
func paginate[T any](db *gorm.DB, spec listSpec, p models.Page, filters string,
	filter func(*gorm.DB) *gorm.DB, key func(row *T, sortField string) (any, int64)) (models.List[T], error) {
	var out models.List[T]
	o, err := spec.ordering(p.Sort)
	if err != nil {
		return out, err
	}
	fp := fingerprint(filters, o)

	q := filter(db.Table(spec.table))
	if p.Cursor != "" {
		c, err := decodeCursor(p.Cursor)
		if err != nil {
			return out, err
		}
		if c.Fingerprint != fp {
			return out, models.BadRequestf("cursor_mismatch", "cursor was made for other filters or another sort; repeat the first request's parameters with the cursor, or drop the cursor to start again")
		}
		v, err := o.keysetValue(c.Value)
		if err != nil {
			return out, err
		}
		col := spec.table + "." + o.field.column
		idCol := spec.table + ".id"
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
	order := spec.table + "." + o.field.column + dir
	if o.field.column != "id" {
		order += ", " + spec.table + ".id" + dir
	}
	if spec.selectSQL != "" {
		q = q.Select(spec.selectSQL)
	}
	var rows []T
	if err := q.Order(order).Limit(p.Limit + 1).Find(&rows).Error; err != nil {
		return out, err
	}
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
		v, id := key(&rows[len(rows)-1], o.name)
		raw, err := json.Marshal(v)
		if err != nil {
			return out, err
		}
		out.NextCursor = encodeCursor(cursor{Fingerprint: fp, Value: raw, ID: id})
	}
	out.Items = rows
	if p.IncludeTotal {
		var n int64
		if err := filter(db.Table(spec.table)).Count(&n).Error; err != nil {
			return out, err
		}
		out.Total = &n
	}
	return out, nil
}
