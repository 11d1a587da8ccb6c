package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"chainkb/api"
	"chainkb/handlers"
	"chainkb/internal/store"
	"chainkb/internal/webhooks"
	"chainkb/models"
	"chainkb/seeds"
)

func init() { gin.SetMode(gin.TestMode) }

// testServer is chainkb over real HTTP on a real database, seeded, with a key for each role.
type testServer struct {
	URL   string
	Store *store.Store
	// DB is the test's own connection to the same database, for what no API offers: snapshots of
	// the whole content, set-ups such as an expired key.
	DB *testDB
	// Keys holds a key for each of "reader", "editor", "admin", and a "revoked" and an "expired"
	// editor key. Requests send the editor key unless they set Authorization themselves.
	Keys map[string]string
	// KeyIDs holds their ids.
	KeyIDs map[string]int64
}

// newServer starts chainkb on a fresh, seeded database: an SQLite file in a temporary directory,
// or a database of its own on PostgreSQL when CHAINKB_TEST_POSTGRES is set (see testdb_test.go),
// copied from the seeded template (template_test.go).
func newServer(t *testing.T) *testServer {
	t.Helper()
	// On SQLite a copy of the database seeded once per test binary (template_test.go): the seed
	// below finds it applied and does nothing.
	db := openTestDB(t, true)
	st, err := store.Open(context.Background(), db.DSN)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if _, err := seeds.Load(context.Background(), st); err != nil {
		t.Fatalf("seed: %v", err)
	}
	srv := httptest.NewServer(api.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), api.WithWebhookTargets(offlineTargets)))
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	s := &testServer{URL: srv.URL, Store: st, DB: db, Keys: map[string]string{}, KeyIDs: map[string]int64{}}
	for _, name := range []string{"reader", "editor", "admin", "revoked", "expired"} {
		role := name
		if name == "revoked" || name == "expired" {
			role = "editor"
		}
		in := &models.KeyInput{Name: "test " + name, Role: role}
		if name == "expired" {
			soon := time.Now().Add(time.Hour)
			in.ExpiresAt = &soon
		}
		k, err := st.CreateKey(context.Background(), in)
		if err != nil {
			t.Fatalf("create %s key: %v", name, err)
		}
		s.Keys[name], s.KeyIDs[name] = k.Key, k.ID
	}
	if err := st.RevokeKey(context.Background(), s.KeyIDs["revoked"]); err != nil {
		t.Fatal(err)
	}
	// No API makes a key that has already expired, so the test moves the expiry into the past.
	s.exec(t, "UPDATE api_keys SET expires_at = $1 WHERE id = $2", time.Now().Add(-time.Minute).UTC(), s.KeyIDs["expired"])
	return s
}

// offlineTargets is the default webhook policy (public addresses only) with a resolver that knows
// localhost alone, as a hosts file does: the tests send no DNS query off the machine.
var offlineTargets = webhooks.NewTargets(nil, hostsResolver{})

type hostsResolver struct{}

func (hostsResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if host == "localhost" {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")}, nil
	}
	return nil, &net.DNSError{Err: "no DNS in the tests", Name: host, IsNotFound: true}
}

// exec runs a statement through the test's own connection, for set-ups that no API offers.
// Placeholders are $1, $2..., which both engines read.
func (s *testServer) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := s.DB.Exec(query, args...); err != nil {
		t.Fatalf("exec %s: %v", query, err)
	}
}

// response is what a request got back.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request. body may be nil, a string (sent as is) or anything else (sent as JSON).
// headers are name, value pairs (an empty value removes the header); Content-Type defaults to
// application/json when there is a body, and Authorization to the editor key.
func (s *testServer) do(t *testing.T, method, path string, body any, headers ...string) response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal body: %v", err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+s.Keys["editor"])
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	validateResponse(t, res.Request, res.StatusCode, res.Header, raw) // against docs/openapi.json (contract_test.go)
	return response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// decode decodes the body into v, failing the test if it is not JSON of that shape.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// mustStatus fails the test unless the response has the given status.
func (r response) mustStatus(t *testing.T, want int) response {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status = %d, want %d; body: %s", r.Status, want, r.Body)
	}
	return r
}

// problem checks that the response is an RFC 9457 problem with the given status, and returns it.
func (r response) problem(t *testing.T, status int) handlers.Problem {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p handlers.Problem
	r.decode(t, &p)
	if p.Status != status || p.Title != http.StatusText(status) || p.Type != "about:blank" || p.Detail == "" {
		t.Fatalf("problem = %+v, want status %d with a title and a detail", p, status)
	}
	return p
}

// snapshot returns the whole content of the database, read through a separate connection, so that
// a test can assert that a failed request changed nothing: every table but the search indexes'
// (their shadow tables are written by triggers in the same statement as the rows they index), a
// line a row, sorted. A value longer than snapshotValueMax stands as its length and the start of
// its SHA-256: a revision's state or a rendered document changes the digest as surely as the
// text, and the diff of a failure stays readable.
func (s *testServer) snapshot(t *testing.T) string {
	t.Helper()
	var (
		b     strings.Builder
		line  []byte
		lines []string
	)
	for _, table := range s.DB.contentTables(t) {
		cols := "*"
		if table == "api_keys" {
			// A key's last use is noted on any request, failed or not; it is not content.
			cols = "id, name, role, prefix, hash, created_at, expires_at, revoked_at"
		}
		lines = lines[:0]
		eachRow(t, s.DB, "SELECT "+cols+" FROM "+table, func(_ []string, vals []any) {
			line = append(line[:0], table...)
			for _, v := range vals {
				line = appendSnapshotValue(append(line, ' '), v)
			}
			lines = append(lines, string(line))
		})
		slices.Sort(lines)
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// snapshotValueMax is the longest value a snapshot writes out in full.
const snapshotValueMax = 120

// appendSnapshotValue appends v as appendValue does or, when that is longer than
// snapshotValueMax, its length and the start of its SHA-256.
func appendSnapshotValue(b []byte, v any) []byte {
	start := len(b)
	b = appendValue(b, v)
	n := len(b) - start
	if n <= snapshotValueMax {
		return b
	}
	sum := sha256.Sum256(b[start:])
	b = fmt.Appendf(b[:start], "<%d bytes, sha256 ", n)
	return append(hex.AppendEncode(b, sum[:12]), '>')
}

// appendValue appends a value as the driver returned it, as fmt's %v writes it but without fmt's
// reflection: fmt made half the cost of the snapshots, which the failure tests take before and
// after each request.
func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "<nil>"...)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case float64:
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	case bool:
		return strconv.AppendBool(b, v)
	case string:
		return append(b, v...)
	case []byte:
		return append(b, v...)
	case time.Time:
		return v.AppendFormat(b, time.RFC3339Nano)
	default:
		return fmt.Append(b, v)
	}
}

// eachRow runs query on the test's own connection and calls fn with the column names and the
// values of each row, as the driver returns them.
func eachRow(t *testing.T, db *testDB, query string, fn func(cols []string, vals []any)) {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		fn(cols, vals)
	}
}

// snapshotDiff lists the rows that one snapshot has and the other has not.
func snapshotDiff(before, after string) string {
	var b strings.Builder
	was, is := strings.Split(before, "\n"), strings.Split(after, "\n")
	inWas, inIs := make(map[string]bool, len(was)), make(map[string]bool, len(is))
	for _, l := range was {
		inWas[l] = true
	}
	for _, l := range is {
		inIs[l] = true
	}
	for _, l := range was {
		if !inIs[l] {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range is {
		if !inWas[l] {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

// TestSnapshotSeesChanges checks the checker: a snapshot is the same when nothing was written, and
// a write shows in the diff as the row it added, with every value of it.
func TestSnapshotSeesChanges(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	before := s.snapshot(t)
	if !strings.Contains(before, "\ntactics ") || !strings.Contains(before, "\nrevisions ") {
		t.Fatalf("the snapshot of the seeded database holds no tactic or no revision:\n%.2000s", before)
	}
	if again := s.snapshot(t); again != before {
		t.Fatalf("two snapshots of an untouched database differ:\n%s", snapshotDiff(before, again))
	}
	s.do(t, "POST", "/api/v1/tags", obj{"slug": "snapshot-probe", "name": "Snapshot probe", "group": "lever"}).mustStatus(t, 201)
	diff := snapshotDiff(before, s.snapshot(t))
	if !regexp.MustCompile(`(?m)^\+ tags .* snapshot-probe Snapshot probe lever `).MatchString(diff) {
		t.Errorf("the new tag is not in the diff:\n%s", diff)
	}
	if !regexp.MustCompile(`(?m)^\+ revisions `).MatchString(diff) {
		t.Errorf("the new tag's revision is not in the diff:\n%s", diff)
	}
	// Every table that holds content is in it, the derived ones too: the rendered documents, the
	// citations.
	for _, table := range []string{"sources", "citations", "relations", "parameters", "countries", "tactic_docs", "kb_generation"} {
		if !strings.Contains(before, "\n"+table+" ") {
			t.Errorf("the snapshot holds no row of %s", table)
		}
	}
	// A change inside a long value, written as its digest, shows: a title edit rewrites tactic 1's
	// rendered document.
	var tc models.Tactic
	s.do(t, "GET", "/api/v1/tactics/1", nil).mustStatus(t, 200).decode(t, &tc)
	mid := s.snapshot(t)
	s.do(t, "PATCH", "/api/v1/tactics/1", obj{"title": tc.Title + " (snapshot edit)", "version": tc.Version}).mustStatus(t, 200)
	diff = snapshotDiff(mid, s.snapshot(t))
	if digest := `<\d+ bytes, sha256 [0-9a-f]{24}>`; !regexp.MustCompile(`(?m)^- tactic_docs 1 .*`+digest).MatchString(diff) || !regexp.MustCompile(`(?m)^\+ tactic_docs 1 .*`+digest).MatchString(diff) {
		t.Errorf("the edited tactic's document is not in the diff:\n%.3000s", diff)
	}
}

// obj is a JSON object as a test reads or writes it.
type obj = map[string]any

// absent, as a value given to with, removes the key.
type absent struct{}

// with returns a copy of o with the given key, value pairs set (or removed, for absent{}).
func with(o obj, kv ...any) obj {
	out := make(obj, len(o)+len(kv)/2)
	for k, v := range o {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		if _, ok := kv[i+1].(absent); ok {
			delete(out, k)
			continue
		}
		out[k] = kv[i+1]
	}
	return out
}

// getObject GETs one object and returns it with its ETag.
func getObject(t *testing.T, s *testServer, path string) (obj, string) {
	t.Helper()
	res := s.do(t, http.MethodGet, path, nil).mustStatus(t, http.StatusOK)
	var o obj
	res.decode(t, &o)
	tag := res.Header.Get("ETag")
	if tag == "" {
		t.Fatalf("GET %s: no ETag", path)
	}
	return o, tag
}

// lockedBuffer is an output (a log, say) that the server's goroutines write while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// authAs returns the headers that make a request as the given principal: "anonymous" sends no key.
func authAs(s *testServer, who string) []string {
	if who == "anonymous" {
		return []string{"Authorization", ""}
	}
	return []string{"Authorization", "Bearer " + s.Keys[who]}
}

// changeFeed replays the change feed from after=0 in pages of limit, following next_cursor as the
// next "after" until it is null, and returns every change. It fails the test unless the ids are
// strictly increasing and every page holds at most limit changes.
func changeFeed(t *testing.T, s *testServer, limit int, headers ...string) []models.Revision {
	t.Helper()
	var out []models.Revision
	after := "0"
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("the change feed does not end")
		}
		var l list[models.Revision]
		s.do(t, "GET", fmt.Sprintf("/api/v1/changes?after=%s&limit=%d", url.QueryEscape(after), limit), nil, headers...).mustStatus(t, 200).decode(t, &l)
		if len(l.Data) > limit {
			t.Fatalf("a page of the change feed holds %d changes, limit %d", len(l.Data), limit)
		}
		for _, r := range l.Data {
			if len(out) > 0 && r.ID <= out[len(out)-1].ID {
				t.Fatalf("change feed out of order: revision %d after %d", r.ID, out[len(out)-1].ID)
			}
			out = append(out, r)
		}
		if l.NextCursor == nil {
			return out
		}
		if len(l.Data) == 0 {
			t.Fatalf("an empty page of the change feed has next_cursor %q", *l.NextCursor)
		}
		after = *l.NextCursor
	}
}

// revisionCount is the number of revisions there are: the length of the editor's change feed.
func revisionCount(t *testing.T, s *testServer) int {
	t.Helper()
	return len(changeFeed(t, s, 200))
}

// revisionsOf returns an object's revisions, newest first, as GET /{res}/{key}/revisions gives them.
func revisionsOf(t *testing.T, s *testServer, res, key string) []models.Revision {
	t.Helper()
	return collect[models.Revision](t, s, "/api/v1/"+res+"/"+key+"/revisions?limit=200")
}

// collectAs is collect as another principal: every item of a list over all its pages.
func collectAs[T any](t *testing.T, s *testServer, path string, headers ...string) []T {
	t.Helper()
	var out []T
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		var l list[T]
		s.do(t, "GET", path, nil, headers...).mustStatus(t, 200).decode(t, &l)
		out = append(out, l.Data...)
		if l.NextCursor == nil {
			return out
		}
		u, err := url.Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("cursor", *l.NextCursor)
		u.RawQuery = q.Encode()
		path = u.String()
	}
}

// jsonObject decodes JSON into generic values, for comparisons that do not depend on Go types.
func jsonObject(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return m
}

// sameJSON reports whether two JSON documents hold the same values.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	return reflect.DeepEqual(jsonObject(t, a), jsonObject(t, b))
}

// makeChain makes a chain of four stages (two on each side) holding n published tactics, every
// other one recommended and short-term, for the tests that count statements against a chain's size.
func makeChain(t *testing.T, s *testServer, slug string, n int) {
	t.Helper()
	ctx := context.Background()
	c, err := s.Store.CreateChain(ctx, &models.ChainInput{Slug: slug, Name: slug})
	if err != nil {
		t.Fatal(err)
	}
	var stageIDs []int64
	for i, side := range []string{"supply", "supply", "demand", "demand"} {
		pos := i + 1
		st, err := s.Store.CreateStage(ctx, &models.StageInput{ChainID: &c.ID, Slug: fmt.Sprintf("s%d", pos), Name: "S", Actor: "A", Side: side, Position: &pos})
		if err != nil {
			t.Fatal(err)
		}
		stageIDs = append(stageIDs, st.ID)
	}
	for i := range n {
		kind, tags := "current", []models.TagRef{"prosecution"}
		if i%2 == 0 {
			kind, tags = "recommended", []models.TagRef{"short-term", "raise-exploiter-risk"}
		}
		_, err := s.Store.CreateTactic(ctx, &models.TacticInput{StageID: &stageIDs[i%4], Kind: kind,
			Status: models.StatusPublished, Title: fmt.Sprintf("Tactic %d", i), Summary: "A summary.", Tags: tags})
		if err != nil {
			t.Fatal(err)
		}
	}
}
