package api_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"chainkb/api"
	"chainkb/internal/store"
	"chainkb/models"
)

// TestRoutePolicy checks every cell of the route × role policy, for every route the server
// registers: a route without a policy fails the test.
func TestRoutePolicy(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	engine := api.New(s.Store, slog.New(slog.DiscardHandler)).(*gin.Engine)
	policy := api.Policy()

	principals := []struct {
		name string
		role models.Role
		key  string
	}{
		{"anonymous", models.RoleAnonymous, ""},
		{"reader", models.RoleReader, s.Keys["reader"]},
		{"editor", models.RoleEditor, s.Keys["editor"]},
		{"admin", models.RoleAdmin, s.Keys["admin"]},
		{"revoked", -1, s.Keys["revoked"]},
		{"expired", -1, s.Keys["expired"]},
	}
	routes := engine.Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, r := range routes {
		if r.Method == http.MethodHead || r.Method == http.MethodOptions {
			continue // derived from the GET rows and the paths: TestHeadAndOptions
		}
		need, ok := policy[r.Method+" "+r.Path]
		if !ok {
			t.Errorf("%s %s has no policy", r.Method, r.Path)
			continue
		}
		// Ids that name nothing: an allowed request gets past the policy and fails on its own
		// terms (404, 422...), without changing anything that later cells rely on.
		path := strings.NewReplacer(":id", "999999", ":revision", "999999", ":delivery", "999999", "*any", "index.html").Replace(r.Path)
		if r.Path == "/api/v1/changes/stream" {
			// A stream does not end: a bad starting point makes an allowed request a 400.
			path += "?after=none"
		}
		for _, p := range principals {
			t.Run(r.Method+" "+r.Path+" as "+p.name, func(t *testing.T) {
				var body any
				if r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH" {
					body = "{}"
				}
				auth := ""
				if p.key != "" {
					auth = "Bearer " + p.key
				}
				res := s.do(t, r.Method, path, body, "Authorization", auth)
				switch {
				case p.role < 0: // a key that is no longer valid is refused everywhere
					res.problem(t, http.StatusUnauthorized)
					if res.Header.Get("WWW-Authenticate") == "" {
						t.Error("401 without WWW-Authenticate")
					}
				case p.role >= need:
					if res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden {
						t.Errorf("status %d for a %s; the policy allows %s and above: %s", res.Status, p.name, need, res.Body)
					}
				case p.role == models.RoleAnonymous:
					res.problem(t, http.StatusUnauthorized)
					if got := res.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
						t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", got)
					}
				default:
					res.problem(t, http.StatusForbidden)
				}
			})
		}
	}
	// Every policy entry names a real route: a stale entry would hide a renamed route's policy.
	registered := map[string]bool{}
	for _, r := range routes {
		registered[r.Method+" "+r.Path] = true
	}
	for route := range policy {
		if !registered[route] {
			t.Errorf("policy for %s, which is not a route", route)
		}
	}
}

// TestKeyLifecycle creates a key over the API, uses it, lists it, revokes it and checks that the
// revocation takes effect on the very next request.
func TestKeyLifecycle(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	admin := "Bearer " + s.Keys["admin"]

	res := s.do(t, "POST", "/api/v1/keys", obj{"name": "Dashboard", "role": "reader"}, "Authorization", admin).mustStatus(t, 201)
	var k models.NewAPIKey
	res.decode(t, &k)
	if !store.IsKeyFormat(k.Key) || !strings.HasPrefix(k.Key, k.Prefix) || k.Role != "reader" || k.RevokedAt != nil {
		t.Fatalf("created key = %+v", k)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control on a new key = %q, want no-store", cc)
	}

	// The new key reads the change feed, and is not an editor.
	reader := "Bearer " + k.Key
	s.do(t, "GET", "/api/v1/changes", nil, "Authorization", reader).mustStatus(t, 200)
	s.do(t, "POST", "/api/v1/tags", obj{"slug": "x", "name": "X", "group": "misc"}, "Authorization", reader).problem(t, 403)

	// The bare key works too (what Swagger UI sends when a person pastes only the key).
	s.do(t, "GET", "/api/v1/changes", nil, "Authorization", k.Key).mustStatus(t, 200)

	// Lists and gets never show a key or its hash; they show its last use.
	for _, path := range []string{"/api/v1/keys", fmt.Sprintf("/api/v1/keys/%d", k.ID)} {
		res := s.do(t, "GET", path, nil, "Authorization", admin).mustStatus(t, 200)
		if bytes.Contains(res.Body, []byte(k.Key)) || bytes.Contains(res.Body, []byte(`"hash"`)) || bytes.Contains(res.Body, []byte(`"key"`)) {
			t.Errorf("GET %s shows a secret: %s", path, res.Body)
		}
	}
	var got models.APIKey
	s.do(t, "GET", fmt.Sprintf("/api/v1/keys/%d", k.ID), nil, "Authorization", admin).mustStatus(t, 200).decode(t, &got)
	if got.LastUsedAt == nil {
		t.Error("last_used_at not set after the key was used")
	}

	// Editors cannot manage keys.
	s.do(t, "GET", "/api/v1/keys", nil).problem(t, 403)

	s.do(t, "DELETE", fmt.Sprintf("/api/v1/keys/%d", k.ID), nil, "Authorization", admin).mustStatus(t, 204)
	p := s.do(t, "GET", "/api/v1/changes", nil, "Authorization", reader).problem(t, 401)
	if !strings.Contains(p.Detail, "revoked") {
		t.Errorf("detail = %q, want it to say the key was revoked", p.Detail)
	}
	// A revoked key is refused even where no key is needed: it is a mistake to point out.
	s.do(t, "GET", "/api/v1/chains", nil, "Authorization", reader).problem(t, 401)
	s.do(t, "GET", "/api/v1/chains", nil, "Authorization", "Bearer ckb_notakey").problem(t, 401)
	s.do(t, "GET", "/api/v1/chains", nil, "Authorization", "Basic dXNlcjpwYXNz").problem(t, 401)

	// Bad key requests.
	s.do(t, "POST", "/api/v1/keys", obj{"name": "", "role": "superuser"}, "Authorization", admin).problem(t, 422)
	s.do(t, "POST", "/api/v1/keys", obj{"name": "Old", "role": "reader", "expires_at": "2001-01-01T00:00:00Z"}, "Authorization", admin).problem(t, 422)
	s.do(t, "DELETE", "/api/v1/keys/999999", nil, "Authorization", admin).problem(t, 404)
}

// TestKeysNeverInURL checks that a key in a query string is refused, not used.
func TestKeysNeverInURL(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, param := range []string{"api_key", "key", "token", "access_token"} {
		before := s.snapshot(t)
		p := s.do(t, "GET", "/api/v1/changes?"+param+"="+s.Keys["reader"], nil, "Authorization", "").problem(t, 400)
		if strings.Contains(p.Detail, s.Keys["reader"]) {
			t.Errorf("the problem repeats the key: %s", p.Detail)
		}
		if s.snapshot(t) != before {
			t.Errorf("%s in the URL changed the database", param)
		}
	}
}

// TestKeyHygiene scans every text column of the database for anything that looks like a key, and
// the server's log for any key, after keys were made and used, well and badly.
func TestKeyHygiene(t *testing.T) {
	t.Parallel()
	tdb := newTestDB(t)
	st, err := store.Open(context.Background(), tdb.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var logs bytes.Buffer
	srv := httptest.NewServer(api.New(st, slog.New(slog.NewTextHandler(&logs, nil))))
	defer srv.Close()

	var keys []string
	admin, err := st.CreateKey(context.Background(), &models.KeyInput{Name: "admin", Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	keys = append(keys, admin.Key)
	s := &testServer{URL: srv.URL, Store: st, DB: tdb, Keys: map[string]string{"editor": admin.Key}}
	for i := range 20 {
		var k models.NewAPIKey
		s.do(t, "POST", "/api/v1/keys", obj{"name": fmt.Sprintf("k%d", i), "role": []string{"reader", "editor", "admin"}[i%3]}).mustStatus(t, 201).decode(t, &k)
		keys = append(keys, k.Key)
		s.do(t, "GET", "/api/v1/chains", nil, "Authorization", "Bearer "+k.Key).mustStatus(t, 200)
		s.do(t, "GET", "/api/v1/chains?token="+k.Key, nil)
		s.do(t, "GET", "/api/v1/nowhere", nil, "Authorization", "Bearer "+k.Key)
	}
	bogus, _ := store.GenerateKey()
	s.do(t, "GET", "/api/v1/chains", nil, "Authorization", "Bearer "+bogus).problem(t, 401)
	keys = append(keys, bogus)

	keyLike := regexp.MustCompile(`ckb_[a-z2-7]{52}`)
	scanned := 0
	for _, table := range tdb.Tables(t) {
		eachRow(t, tdb, "SELECT * FROM "+table, func(cols []string, vals []any) {
			for i, v := range vals {
				scanned++
				if keyLike.MatchString(fmt.Sprint(v)) || (fmt.Sprintf("%T", v) == "[]uint8" && keyLike.Match(v.([]byte))) {
					t.Errorf("table %s column %s holds a plaintext key", table, cols[i])
				}
			}
		})
	}
	if scanned < 100 {
		t.Fatalf("scanned only %d values; the scan proves nothing", scanned)
	}
	for _, k := range keys {
		if strings.Contains(logs.String(), k) {
			t.Errorf("the log holds a key")
		}
	}
}
