package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"chainkb/models"
)

// Page sizes for every list.
const (
	defaultLimit = 50
	maxLimit     = 200
)

// pageParams are the query parameters that every list takes.
var pageParams = []string{"limit", "cursor", "sort", "include_total"}

// query reads a list's query parameters and collects every problem with them, so that one 400
// names all the bad parameters at once.
type query struct {
	values url.Values
	bad    []models.FieldError
}

// parseQuery reads the request's query string. Parameters other than allowed are refused: a
// misspelt filter must not silently return everything.
func parseQuery(c *gin.Context, allowed ...string) *query {
	q := &query{values: c.Request.URL.Query()}
	for name := range q.values {
		if !slices.Contains(allowed, name) {
			msg := "is not a parameter of this request"
			if len(allowed) > 0 {
				msg = "is not a parameter of this request; use " + strings.Join(allowed, ", ")
			}
			q.fail(name, msg)
		}
	}
	slices.SortFunc(q.bad, func(a, b models.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return q
}

// listQuery reads a list's query string: its filters and the paging parameters.
func listQuery(c *gin.Context, filters ...string) *query {
	return parseQuery(c, append(filters, pageParams...)...)
}

func (q *query) fail(name, message string) {
	q.bad = append(q.bad, models.FieldError{Field: name, Message: message})
}

// str returns a single-valued parameter ("" when absent).
func (q *query) str(name string) string {
	v := q.values[name]
	if len(v) > 1 {
		q.fail(name, "must be given once")
	}
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// slug returns a parameter that must be a slug when present.
func (q *query) slug(name string) string {
	s := q.str(name)
	if s != "" && !models.IsSlug(s) {
		q.fail(name, models.SlugRule)
	}
	return s
}

// key returns a parameter that names an object by id or slug.
func (q *query) key(name string) string {
	s := q.str(name)
	if s != "" && !validKey(s) {
		q.fail(name, "must be an id (a positive whole number) or a slug")
	}
	return s
}

// id returns a parameter that must be a positive whole number when present (0 when absent).
func (q *query) id(name string) int64 {
	s := q.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		q.fail(name, "must be a positive whole number")
	}
	return n
}

// enum returns a parameter that must be one of values when present.
func (q *query) enum(name string, values ...string) string {
	s := q.str(name)
	if s != "" && !slices.Contains(values, s) {
		q.fail(name, "must be one of: "+strings.Join(values, ", "))
	}
	return s
}

// enumList returns a parameter given once as a comma-separated list, each item one of values;
// nil when absent.
func (q *query) enumList(name string, values ...string) []string {
	s := q.str(name)
	if s == "" {
		return nil
	}
	var out []string
	for _, v := range strings.Split(s, ",") {
		v = strings.TrimSpace(v)
		if !slices.Contains(values, v) {
			q.fail(name, "must be a comma-separated list of: "+strings.Join(values, ", "))
			return nil
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// boolean returns a parameter that must be true or false when present; nil when absent.
func (q *query) boolean(name string) *bool {
	s := q.str(name)
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.fail(name, "must be true or false")
		return nil
	}
	return &b
}

// text returns a free-text parameter, at most 200 characters.
func (q *query) text(name string) string {
	s := strings.TrimSpace(q.str(name))
	if len([]rune(s)) > 200 {
		q.fail(name, "must be at most 200 characters")
	}
	return s
}

// date reads a YYYY-MM-DD query parameter, or nil when it is absent.
func (q *query) date(name string) *models.Date {
	v := q.str(name)
	if v == "" {
		return nil
	}
	d, err := models.ParseDate(v)
	if err != nil {
		q.fail(name, "must be a date written YYYY-MM-DD")
		return nil
	}
	return &d
}

// slugs returns a repeatable parameter whose every value must be a slug.
func (q *query) slugs(name string) []string {
	v := q.values[name]
	for _, s := range v {
		if !models.IsSlug(s) {
			q.fail(name, models.SlugRule)
			break
		}
	}
	if len(v) > 10 {
		q.fail(name, "may be given at most 10 times")
	}
	return v
}

// intIn returns a parameter that must be a whole number from lo to hi when present (def when
// absent).
func (q *query) intIn(name string, lo, hi, def int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.fail(name, fmt.Sprintf("must be a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

// page reads limit, cursor, sort and include_total.
func (q *query) page() models.Page {
	p := models.Page{Limit: defaultLimit, Cursor: q.str("cursor"), Sort: q.str("sort")}
	if s := q.str("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			q.fail("limit", "must be a whole number from 1 to 200")
		} else {
			p.Limit = n
		}
	}
	if s := q.str("include_total"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			q.fail("include_total", "must be true or false")
		}
		p.IncludeTotal = b
	}
	return p
}

// err returns a 400 naming every bad parameter, or nil.
func (q *query) err() error {
	if len(q.bad) == 0 {
		return nil
	}
	e := models.BadRequestf("bad_query", "%d query parameter(s) are invalid", len(q.bad))
	e.Fields = q.bad
	return e
}

// validKey reports whether s can name an object: an id or a slug.
func validKey(s string) bool {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n > 0
	}
	return models.IsSlug(s)
}

// pathKey reads the {id} path parameter of a resource addressed by id or slug.
func pathKey(c *gin.Context) (string, error) {
	s := c.Param("id")
	if !validKey(s) {
		return "", pathError(s, "an id (a positive whole number) or a slug")
	}
	return s, nil
}

// pathID reads the {id} path parameter of a resource addressed by id only.
func pathID(c *gin.Context) (int64, error) {
	s := c.Param("id")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, pathError(s, "a positive whole number")
	}
	return n, nil
}

func pathError(got, want string) error {
	e := models.BadRequestf("bad_path", "%q in the path is not a valid id; it must be %s", got, want)
	e.Fields = []models.FieldError{{Field: "id", Message: "must be " + want}}
	return e
}

// answerList answers a list request: the query's errors if it has any, else the page that read
// gives for f. f is built from q before the call, so that every bad parameter is reported at once.
func answerList[F, T any](c *gin.Context, q *query, f F, read func(context.Context, F) (models.List[T], error)) {
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	page, err := read(c.Request.Context(), f)
	if err != nil {
		c.Error(err)
		return
	}
	writeList(c, page)
}

// writeList sends a page of a list, with a Link header to the next page.
func writeList[T any](c *gin.Context, page models.List[T]) { writePage(c, page, "cursor") }

// writePage sends a page whose next page is asked for with param set to its next_cursor.
func writePage[T any](c *gin.Context, page models.List[T], param string) {
	body := listBody[T]{Data: page.Items, Total: page.Total}
	if body.Data == nil {
		body.Data = []T{}
	}
	if page.NextCursor != "" {
		body.NextCursor = &page.NextCursor
		linkNext(c, param, page.NextCursor)
	}
	sendListETag(c)
	c.JSON(http.StatusOK, body)
}

// listVersionKey is where the revalidating middleware leaves what it read for a list: the
// knowledge base's generation and the list's ETag.
const listVersionKey = "chainkb.listVersion"

type listVersion struct {
	gen  int64
	etag string
}

// SetListVersion gives the list being answered the generation it is answered at and the ETag it
// is to carry.
func SetListVersion(c *gin.Context, gen int64, etag string) {
	c.Set(listVersionKey, listVersion{gen: gen, etag: etag})
}

// listGeneration is the generation the middleware read for this list, if it did.
func listGeneration(c *gin.Context) (int64, bool) {
	v, ok := c.Get(listVersionKey)
	if !ok {
		return 0, false
	}
	return v.(listVersion).gen, true
}

// sendListETag sends the ETag the middleware gave the list, if any: only with the list itself, not
// with a problem.
func sendListETag(c *gin.Context) {
	if v, ok := c.Get(listVersionKey); ok {
		c.Header("ETag", v.(listVersion).etag)
	}
}

// linkNext sends the Link header to the next page, asked for with param set to cursor.
func linkNext(c *gin.Context, param, cursor string) {
	next := *c.Request.URL
	v := next.Query()
	v.Set(param, cursor)
	next.RawQuery = v.Encode()
	c.Header("Link", "<"+next.RequestURI()+`>; rel="next"`)
}

// writeListBody sends a list's encoded body, with the Link header to its next page if it has one.
func writeListBody(c *gin.Context, body []byte, next string) {
	if next != "" {
		linkNext(c, "cursor", next)
	}
	sendListETag(c)
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

// docListBody is the list envelope around items already encoded.
func docListBody(page models.List[json.RawMessage]) []byte {
	// The envelope's own bytes are counted too (the cursor alone is about 100), so that the body is
	// allocated once: a larger page copied into a buffer grown at its end costs as much as the page.
	size := len(`{"data":[],"next_cursor":null,"total":}`) + len(page.NextCursor) + 2 + 20
	for _, d := range page.Items {
		size += len(d) + 1
	}
	b := make([]byte, 0, size)
	b = append(b, `{"data":[`...)
	for i, d := range page.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, d...)
	}
	return appendListEnd(b, page)
}

// appendListEnd ends a list's body after its items: its cursor and, if asked for, its total.
func appendListEnd(b []byte, page models.List[json.RawMessage]) []byte {
	b = append(b, `],"next_cursor":`...)
	if page.NextCursor != "" {
		b = strconv.AppendQuote(b, page.NextCursor) // base64url: nothing to escape
	} else {
		b = append(b, "null"...)
	}
	if page.Total != nil {
		b = append(b, `,"total":`...)
		b = strconv.AppendInt(b, *page.Total, 10)
	}
	return append(b, '}')
}

// listBuffers are the buffers list bodies are written into, kept between requests: a page of 50
// tactics is 75-150 KB, and allocating that afresh for every request kept the garbage collector
// busy for a fifth of a list's CPU (issue 30). A body is written to the connection before its
// buffer is put back (the writers on the way copy what they keep).
var listBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// putListBuffer puts back the buffer bp, now b, unless it grew larger than most pages: one very
// large page must not keep its memory for good.
func putListBuffer(bp *[]byte, b []byte) {
	if cap(b) > 1<<20 {
		return
	}
	*bp = b[:0]
	listBuffers.Put(bp)
}

// listBody is the list envelope on the wire; the documented types (ChainList etc.) have its shape.
type listBody[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
	Total      *int64  `json:"total,omitempty"`
}
