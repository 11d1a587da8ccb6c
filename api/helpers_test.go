package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"chainkb/api"
	"chainkb/handlers"
	"chainkb/internal/store"
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
// or a schema of its own in PostgreSQL when CHAINKB_TEST_POSTGRES is set (see testdb_test.go).
func newServer(t *testing.T) *testServer {
	t.Helper()
	db := newTestDB(t)
	st, err := store.Open(context.Background(), db.DSN)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if _, err := seeds.Load(context.Background(), st); err != nil {
		t.Fatalf("seed: %v", err)
	}
	srv := httptest.NewServer(api.New(st, slog.New(slog.NewTextHandler(io.Discard, nil))))
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
// a test can assert that a failed request changed nothing.
func (s *testServer) snapshot(t *testing.T) string {
	t.Helper()
	db := s.DB
	var b strings.Builder
	for _, table := range []string{"chains", "stages", "tactics", "tags", "tactic_tags", "seeds_applied", "schema_migrations", "revisions", "api_keys", "idempotency_keys"} {
		cols := "*"
		if table == "api_keys" {
			// A key's last use is noted on any request, failed or not; it is not content.
			cols = "id, name, role, prefix, hash, created_at, expires_at, revoked_at"
		}
		rows, err := db.Query("SELECT " + cols + " FROM " + table + " ORDER BY 1, 2")
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		names, _ := rows.Columns()
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("snapshot %s: %v", table, err)
			}
			fmt.Fprintf(&b, "%s %v\n", table, vals)
		}
		rows.Close()
	}
	return b.String()
}

// obj is a JSON object as a test reads or writes it.
type obj = map[string]any
