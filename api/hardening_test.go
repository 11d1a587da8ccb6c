package api_test

// Regression tests for the hardening of issue 9 (items 1-8): each fails on the code before its fix.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"chainkb/api"
	"chainkb/models"
)

// An ETag changes whenever the representation does, also when only something derived changed: a
// tag renamed changes the ETag of every tactic that embeds it, so a cache's If-None-Match gets the
// new name, not a 304. If-Match still compares the version, in the new form and the old.
func TestETagFollowsRepresentation(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var l list[tactic]
	s.do(t, "GET", "/api/v1/tactics?tag=short-term&limit=1", nil).mustStatus(t, 200).decode(t, &l)
	if len(l.Data) == 0 {
		t.Fatal("no seeded tactic carries short-term")
	}
	tc := l.Data[0]
	path := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)
	_, tacticTag := getObject(t, s, path)
	tagObj, tagTag := getObject(t, s, "/api/v1/tags/short-term")
	s.do(t, "GET", path, nil, "If-None-Match", tacticTag).mustStatus(t, http.StatusNotModified)

	s.do(t, "PATCH", "/api/v1/tags/short-term", obj{"name": "Right now"}, "If-Match", tagTag).mustStatus(t, 200)
	res := s.do(t, "GET", path, nil, "If-None-Match", tacticTag).mustStatus(t, 200)
	var got tactic
	res.decode(t, &got)
	found := false
	for _, tg := range got.Tags {
		found = found || tg.Slug == "short-term" && tg.Name == "Right now"
	}
	if !found || res.Header.Get("ETag") == tacticTag {
		t.Fatalf("after the rename: tags %+v, ETag %s (was %s)", got.Tags, res.Header.Get("ETag"), tacticTag)
	}

	// A tag's tactic_count changes its ETag too: a new published tactic that carries it.
	_, tagTag = getObject(t, s, "/api/v1/tags/short-term")
	s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": tc.StageID, "kind": "recommended", "status": "published",
		"title": "Counted", "summary": "Counted.", "tags": []string{"short-term"}}).mustStatus(t, 201)
	res = s.do(t, "GET", "/api/v1/tags/short-term", nil, "If-None-Match", tagTag).mustStatus(t, 200)
	var tg tag
	res.decode(t, &tg)
	if tg.TacticCount != int64(tagObj["tactic_count"].(float64))+1 {
		t.Errorf("tactic_count = %d, want %v + 1", tg.TacticCount, tagObj["tactic_count"])
	}

	// If-Match: the version decides, in the new ETag form or the old "id.version".
	cur, curTag := getObject(t, s, path)
	version := int64(cur["version"].(float64))
	s.do(t, "PATCH", path, obj{"summary": "Old form."}, "If-Match", fmt.Sprintf(`"%d.%d"`, tc.ID, version)).mustStatus(t, 200)
	s.do(t, "PATCH", path, obj{"summary": "Stale."}, "If-Match", curTag).problem(t, http.StatusPreconditionFailed)
	_, curTag = getObject(t, s, path)
	s.do(t, "PATCH", path, obj{"summary": "New form."}, "If-Match", curTag).mustStatus(t, 200)
}

// A deleted object brought back by a restore keeps the created_at it had, in the answer, in a GET
// and in the revision that records the restore.
func TestRestoreKeepsCreatedAt(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var l list[tactic]
	s.do(t, "GET", "/api/v1/tactics?limit=1", nil).mustStatus(t, 200).decode(t, &l)
	chain := s.do(t, "POST", "/api/v1/chains", obj{"slug": "restored-chain", "name": "Restored"}).mustStatus(t, 201)
	var c obj
	chain.decode(t, &c)
	for _, tc := range []struct {
		res  string
		body obj
	}{
		{"chains", obj{"slug": "kept-chain", "name": "Kept"}},
		{"tags", obj{"slug": "kept-tag", "name": "Kept", "group": "lever"}},
		{"stages", obj{"chain_id": c["id"], "slug": "kept-stage", "name": "Kept", "actor": "Someone", "side": "supply", "position": 9}},
		{"tactics", obj{"stage_id": l.Data[0].StageID, "kind": "recommended", "title": "Kept", "summary": "Kept."}},
	} {
		t.Run(tc.res, func(t *testing.T) {
			var created obj
			s.do(t, "POST", "/api/v1/"+tc.res, tc.body).mustStatus(t, 201).decode(t, &created)
			path := fmt.Sprintf("/api/v1/%s/%v", tc.res, created["id"])
			time.Sleep(20 * time.Millisecond) // a restore at the same instant would hide the bug
			s.do(t, "DELETE", path, nil).mustStatus(t, 204)
			revs := revisionsOf(t, s, tc.res, fmt.Sprint(created["id"]))
			first := revs[len(revs)-1]
			var restored obj
			s.do(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, first.ID), nil).mustStatus(t, 200).decode(t, &restored)
			got, _ := getObject(t, s, path)
			if restored["created_at"] != created["created_at"] || got["created_at"] != created["created_at"] {
				t.Errorf("created_at: created %v, restore answered %v, GET %v", created["created_at"], restored["created_at"], got["created_at"])
			}
			if restored["updated_at"] == created["updated_at"] {
				t.Errorf("updated_at unchanged by the restore: %v", restored["updated_at"])
			}
			last := revisionsOf(t, s, tc.res, fmt.Sprint(created["id"]))[0]
			data := jsonObject(t, last.Data)
			if last.Action != "restore" || data["created_at"] != created["created_at"] {
				t.Errorf("restore revision %s records created_at %v, want %v", last.Action, data["created_at"], created["created_at"])
			}
		})
	}
}

// withLog returns a view of s served by a second API over the same store, whose log (every level)
// goes to the returned buffer.
func withLog(t *testing.T, s *testServer) (*testServer, *lockedBuffer) {
	t.Helper()
	var buf lockedBuffer
	srv := httptest.NewServer(api.New(s.Store, slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	t.Cleanup(srv.Close)
	view := *s
	view.URL = srv.URL
	return &view, &buf
}

// No key secret is stored anywhere: not in any table (the idempotency records included), not in a
// backup, not in the log. A retry of a key creation with its Idempotency-Key creates nothing and
// does not show the secret again: 409 key_already_created, with the key's Location.
func TestKeySecretsAtRest(t *testing.T) {
	t.Parallel()
	s0 := newServer(t)
	s, logBuf := withLog(t, s0)
	admin := authAs(s, "admin")
	issued := []string{}
	for _, k := range s.Keys {
		issued = append(issued, k)
	}
	create := func(name string, headers ...string) response {
		return s.do(t, "POST", "/api/v1/keys", obj{"name": name, "role": "reader"}, append(admin, headers...)...)
	}
	var first models.NewAPIKey
	res := create("idempotent", "Idempotency-Key", "create-key-1").mustStatus(t, 201)
	res.decode(t, &first)
	issued = append(issued, first.Key)
	before := len(collectAs[models.APIKey](t, s, "/api/v1/keys", admin...))
	for range 2 {
		retry := create("idempotent", "Idempotency-Key", "create-key-1")
		p := retry.problem(t, http.StatusConflict)
		if p.Code != "key_already_created" || retry.Header.Get("Location") != res.Header.Get("Location") {
			t.Errorf("retry: code %q, Location %q, want key_already_created at %q", p.Code, retry.Header.Get("Location"), res.Header.Get("Location"))
		}
		if strings.Contains(string(retry.Body), first.Key) || strings.Contains(string(retry.Body), "ckb_") && strings.Contains(string(retry.Body), first.Key[4:]) {
			t.Errorf("the retry shows the secret: %s", retry.Body)
		}
	}
	if after := len(collectAs[models.APIKey](t, s, "/api/v1/keys", admin...)); after != before {
		t.Errorf("the retries made keys: %d keys, then %d", before, after)
	}
	// Another request with another Idempotency-Key is another key; one without, too.
	var k models.NewAPIKey
	create("second", "Idempotency-Key", "create-key-2").mustStatus(t, 201).decode(t, &k)
	issued = append(issued, k.Key)
	create("third").mustStatus(t, 201).decode(t, &k)
	issued = append(issued, k.Key)
	// Each key works, and a request that fails after creation cannot leave it anywhere either.
	s.do(t, "GET", "/api/v1/tactics?limit=1", nil, "Authorization", "Bearer "+k.Key).mustStatus(t, 200)

	var dump strings.Builder
	for _, table := range s.DB.Tables(t) {
		eachRow(t, s.DB, "SELECT * FROM "+table, func(cols []string, vals []any) {
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&dump, "%s.%s=%v\n", table, cols[i], v)
			}
		})
	}
	sources := map[string]string{"database": dump.String(), "log": logBuf.String()}
	if !s.DB.Postgres {
		file := filepath.Join(t.TempDir(), "backup.db")
		if err := s.Store.Backup(context.Background(), file); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		sources["backup"] = string(raw)
	}
	if !strings.Contains(sources["database"], "create-key-1") {
		t.Fatal("the scan did not see the idempotency records")
	}
	for where, text := range sources {
		for _, key := range issued {
			if strings.Contains(text, key) || strings.Contains(text, key[4:]) {
				t.Errorf("the %s holds the secret of key %s...", where, key[:12])
			}
		}
	}
}

// raw sends a request without the contract check (HEAD and OPTIONS are no operations of the
// document) and returns the answer with its body.
func raw(t *testing.T, s *testServer, method, path string, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: body}
}

// streamHeaders GETs a stream that never ends and returns its status and headers, without a body.
func streamHeaders(t *testing.T, s *testServer, path string, headers ...string) response {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return response{Status: res.StatusCode, Header: res.Header}
}

// HEAD answers on every GET route (probes included) as GET does, without a body, with the same
// role policy; OPTIONS answers on every path with Allow.
func TestHeadAndOptions(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	byPath := map[string][]string{}
	for k := range api.Routes() {
		method, path, _ := strings.Cut(k, " ")
		byPath[path] = append(byPath[path], method)
	}
	// A webhook subscription, so that /webhooks/1 names one (made at a public address that nothing
	// here tries to reach: this API has no delivery worker).
	s.do(t, "POST", "/api/v1/webhooks", obj{"url": "https://93.184.216.34/hook"}, "Authorization", "Bearer "+s.Keys["admin"]).mustStatus(t, 201)
	s.do(t, "POST", "/api/v1/releases", obj{"version": "1.0.0"}).mustStatus(t, 201) // so that /releases/1.0.0/... names one
	for k, r := range api.Routes() {
		method, route, _ := strings.Cut(k, " ")
		if method != http.MethodGet {
			continue
		}
		path := strings.NewReplacer(":id", "1", ":slug", "sex-trafficking", ":code", "ST-R-R01", ":iso", "IN", "*any", "index.html").Replace(route)
		if strings.HasPrefix(route, "/api/v1/releases/") {
			// A release names its objects by slug and code.
			path = strings.NewReplacer(":version", "1.0.0", ":other", "1.0.0", "chains/:id", "chains/sex-trafficking",
				"tactics/:id", "tactics/ST-R-R01", "sources/:id", "sources/kara-2009-sex-trafficking").Replace(route)
		}
		if route == "/api/v1/search" {
			path += "?q=kara" // search needs words to find
		}
		t.Run(route, func(t *testing.T) {
			who := []string{"Authorization", "Bearer " + s.Keys["admin"]}
			if r.Role == models.RoleAnonymous {
				who = nil
			}
			var get response
			if route == "/api/v1/changes/stream" {
				get = streamHeaders(t, s, path, who...) // it never ends: its headers, then hang up
			} else {
				get = raw(t, s, "GET", path, who...)
			}
			head := raw(t, s, "HEAD", path, who...)
			if get.Status != http.StatusOK && get.Status != http.StatusFound {
				t.Fatalf("GET %s: %d %s", path, get.Status, get.Body)
			}
			if head.Status != get.Status || len(head.Body) != 0 {
				t.Errorf("HEAD %s: %d with %d bytes, want %d without a body", path, head.Status, len(head.Body), get.Status)
			}
			for _, h := range []string{"Content-Type", "Cache-Control", "ETag", "Location", "X-Content-Type-Options", "Content-Security-Policy"} {
				if route != "/metrics" && head.Header.Get(h) != get.Header.Get(h) {
					t.Errorf("HEAD %s: %s = %q, GET has %q", path, h, head.Header.Get(h), get.Header.Get(h))
				}
			}
			if tag := get.Header.Get("ETag"); tag != "" {
				raw(t, s, "HEAD", path, append(who, "If-None-Match", tag)...).mustStatus(t, http.StatusNotModified)
			}
			if r.Role > models.RoleAnonymous {
				if res := raw(t, s, "HEAD", path); res.Status != http.StatusUnauthorized || len(res.Body) != 0 {
					t.Errorf("anonymous HEAD %s: %d, want 401", path, res.Status)
				}
			}
		})
	}
	for route, methods := range byPath {
		path := strings.NewReplacer(":id", "1", ":revision", "1", ":delivery", "1", "*any", "index.html").Replace(route)
		want := append(slices.Clone(methods), http.MethodOptions)
		if slices.Contains(methods, http.MethodGet) {
			want = append(want, http.MethodHead)
		}
		slices.Sort(want)
		res := raw(t, s, "OPTIONS", path).mustStatus(t, http.StatusNoContent)
		if got := res.Header.Get("Allow"); got != strings.Join(want, ", ") {
			t.Errorf("OPTIONS %s: Allow %q, want %q", path, got, strings.Join(want, ", "))
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("OPTIONS %s without the security headers", path)
		}
	}
	// A method a path does not have is 405 with an Allow header that names HEAD and OPTIONS too.
	res := s.do(t, "PUT", "/api/v1/tactics", obj{})
	if res.Status != http.StatusMethodNotAllowed || !strings.Contains(res.Header.Get("Allow"), "HEAD") {
		t.Errorf("PUT /api/v1/tactics: %d, Allow %q", res.Status, res.Header.Get("Allow"))
	}
}

// Control characters other than tab, LF and CR are refused everywhere, the same on both engines
// (PostgreSQL answered 500 to a NUL): 400 naming the query or path parameter, 422 naming the body
// field by its JSON pointer; nothing changes, and tab, LF and CR still go through.
func TestControlCharacters(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var l list[tactic]
	s.do(t, "GET", "/api/v1/tactics?limit=1", nil).mustStatus(t, 200).decode(t, &l)
	tc := l.Data[0]
	tacticPath := fmt.Sprintf("/api/v1/tactics/%d", tc.ID)
	_, tagTag := getObject(t, s, "/api/v1/tags/short-term")
	newTactic := func(kv ...any) obj {
		return with(obj{"stage_id": tc.StageID, "kind": "recommended", "title": "T", "summary": "S."}, kv...)
	}
	anon := authAs(s, "anonymous")
	cases := []struct {
		name, method, path string
		body               any
		headers            []string
		status             int
		code, field        string
	}{
		{"q NUL anonymous", "GET", "/api/v1/tactics?q=%00", nil, anon, 400, "bad_query", "q"},
		{"q NUL chains", "GET", "/api/v1/chains?q=a%00b", nil, anon, 400, "bad_query", "q"},
		{"q ESC stages", "GET", "/api/v1/stages?q=%1b%5b2J", nil, anon, 400, "bad_query", "q"},
		{"q DEL tags", "GET", "/api/v1/tags?q=%7f", nil, anon, 400, "bad_query", "q"},
		{"q C1 tactics", "GET", "/api/v1/tactics?q=%c2%9b", nil, nil, 400, "bad_query", "q"},
		{"cursor NUL", "GET", "/api/v1/tactics?cursor=%00", nil, anon, 400, "bad_query", "cursor"},
		{"cursor NUL keys", "GET", "/api/v1/keys?cursor=x%00", nil, authAs(s, "admin"), 400, "bad_query", "cursor"},
		{"after NUL changes", "GET", "/api/v1/changes?after=%00", nil, authAs(s, "reader"), 400, "bad_query", "after"},
		{"filter NUL", "GET", "/api/v1/tactics?tag=a%00", nil, anon, 400, "bad_query", "tag"},
		{"revisions cursor NUL", "GET", tacticPath + "/revisions?cursor=%00", nil, nil, 400, "bad_query", "cursor"},
		{"path NUL tag", "GET", "/api/v1/tags/%00", nil, anon, 400, "bad_path", "id"},
		{"path ESC chain", "GET", "/api/v1/chains/a%1bb", nil, anon, 400, "bad_path", "id"},
		{"path NUL table", "GET", "/api/v1/chains/%00/table", nil, anon, 400, "bad_path", "id"},
		{"path NUL delete", "DELETE", "/api/v1/tactics/1%00", nil, nil, 400, "bad_path", "id"},
		{"body NUL title", "POST", "/api/v1/tactics", newTactic("title", "a\x00b"), nil, 422, "validation_failed", "title"},
		{"body ESC nested", "POST", "/api/v1/tactics", newTactic("caveats", []obj{{"type": "harm", "text": "x\x1b[31m", "citations": []obj{}}}), nil, 422, "validation_failed", "caveats/0/text"},
		{"body NUL tag in list", "POST", "/api/v1/tactics", newTactic("tags", []string{"short-term", "\x00"}), nil, 422, "validation_failed", "tags/1"},
		{"body C1 chain", "POST", "/api/v1/chains", obj{"slug": "c1", "name": "C\u0085"}, nil, 422, "validation_failed", "name"},
		{"body NUL tag description", "POST", "/api/v1/tags", obj{"slug": "nul", "name": "N", "group": "lever", "description": "\x00"}, nil, 422, "validation_failed", "description"},
		{"body NUL member name", "POST", "/api/v1/chains", `{"slug":"x","name":"X","\u0000":1}`, nil, 400, "unknown_field", ""},
		{"patch NUL", "PATCH", "/api/v1/tags/short-term", obj{"name": "x\x00"}, []string{"If-Match", tagTag}, 422, "validation_failed", "name"},
		{"put NUL", "PUT", tacticPath, newTactic("summary", "\x00", "version", tc.Version), nil, 422, "validation_failed", "summary"},
		{"key name ESC", "POST", "/api/v1/keys", obj{"name": "\x1b]0;pwned\x07", "role": "reader"}, authAs(s, "admin"), 422, "validation_failed", "name"},
		{"stage NUL actor", "POST", "/api/v1/stages", obj{"chain_id": tc.ChainID, "slug": "nul", "name": "N", "actor": "\x00", "side": "supply", "position": 1}, nil, 422, "validation_failed", "actor"},
	}
	before := s.snapshot(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := s.do(t, c.method, c.path, c.body, c.headers...)
			p := res.problem(t, c.status)
			if p.Code != c.code {
				t.Errorf("code %q, want %q: %s", p.Code, c.code, res.Body)
			}
			if c.field != "" && !slices.ContainsFunc(p.Errors, func(f models.FieldError) bool { return f.Field == c.field }) {
				t.Errorf("errors %+v do not name %q", p.Errors, c.field)
			}
		})
	}
	if diff := snapshotDiff(before, s.snapshot(t)); diff != "" {
		t.Errorf("refused requests changed the database:\n%s", diff)
	}
	// Tab, line feed and carriage return are text.
	var tg tag
	s.do(t, "POST", "/api/v1/tags", obj{"slug": "whitespace", "name": "Tab\there", "group": "lever", "description": "one\ntwo\r\nthree"}).mustStatus(t, 201).decode(t, &tg)
	if tg.Name != "Tab\there" {
		t.Errorf("name = %q", tg.Name)
	}
	s.do(t, "GET", "/api/v1/tactics?q=a%09b", nil).mustStatus(t, 200)
}

// Smaller holes of item 7: two Authorization headers, a key under any parameter name, blank
// required strings, control characters in key names (also through the store, as the CLI makes
// keys), and trailing-slash redirects without the security headers or an access-log line.
func TestSmallerHardening(t *testing.T) {
	t.Parallel()
	s0 := newServer(t)
	s, logBuf := withLog(t, s0)

	t.Run("TwoAuthorizationHeaders", func(t *testing.T) {
		req, _ := http.NewRequest("GET", s.URL+"/api/v1/tactics", nil)
		req.Header.Add("Authorization", "Bearer "+s.Keys["reader"])
		req.Header.Add("Authorization", "Bearer "+s.Keys["admin"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		validateResponse(t, req, res.StatusCode, res.Header, body)
		r := response{Status: res.StatusCode, Header: res.Header, Body: body}
		if p := r.problem(t, 400); p.Code != "bad_authorization" {
			t.Errorf("code %q", p.Code)
		}
	})
	t.Run("KeyUnderAnyName", func(t *testing.T) {
		for _, q := range []string{"q=" + s.Keys["reader"], "tag=x&secret=" + s.Keys["admin"], "q=prefix-" + s.Keys["editor"] + "-suffix"} {
			res := s.do(t, "GET", "/api/v1/tactics?"+q, nil, "Authorization", "")
			if p := res.problem(t, 400); p.Code != "key_in_url" {
				t.Errorf("?%s...: code %q", q[:8], p.Code)
			}
			if strings.Contains(string(res.Body), "ckb_") && strings.Contains(string(res.Body), s.Keys["reader"][4:]) {
				t.Error("the problem repeats the key")
			}
		}
		s.do(t, "GET", "/api/v1/tactics?q=ckb_", nil).mustStatus(t, 200)
	})
	t.Run("BlankRequiredStrings", func(t *testing.T) {
		var l list[tactic]
		s.do(t, "GET", "/api/v1/tactics?limit=1", nil).mustStatus(t, 200).decode(t, &l)
		chainID := l.Data[0].ChainID
		for _, c := range []struct {
			path  string
			body  obj
			field string
		}{
			{"/api/v1/chains", obj{"slug": "blank", "name": "   "}, "name"},
			{"/api/v1/tags", obj{"slug": "blank", "name": "\t\n", "group": "lever"}, "name"},
			{"/api/v1/stages", obj{"chain_id": chainID, "slug": "blank", "name": "B", "actor": " ", "side": "supply", "position": 1}, "actor"},
			{"/api/v1/tactics", obj{"stage_id": l.Data[0].StageID, "kind": "recommended", "title": "  ", "summary": "S."}, "title"},
			{"/api/v1/tactics", obj{"stage_id": l.Data[0].StageID, "kind": "recommended", "title": "T", "summary": "\r\n"}, "summary"},
			{"/api/v1/keys", obj{"name": "   ", "role": "reader"}, "name"},
		} {
			p := s.do(t, "POST", c.path, c.body, authAs(s, "admin")...).problem(t, 422)
			if !slices.ContainsFunc(p.Errors, func(f models.FieldError) bool { return f.Field == c.field }) {
				t.Errorf("POST %s: errors %+v do not name %s", c.path, p.Errors, c.field)
			}
		}
	})
	t.Run("KeyNamesWithoutControls", func(t *testing.T) {
		_, err := s.Store.CreateKey(context.Background(), &models.KeyInput{Name: "evil\x1b[2J", Role: "reader"})
		if e, ok := models.AsError(err); !ok || e.Kind != models.KindInvalid || len(e.Fields) != 1 || e.Fields[0].Field != "name" {
			t.Errorf("CreateKey with an escape in its name: %v", err)
		}
	})
	t.Run("TrailingSlashRedirect", func(t *testing.T) {
		for _, c := range []struct{ method, path, want string }{
			{"GET", "/api/v1/tactics/?limit=2", "/api/v1/tactics?limit=2"},
			{"GET", "/api/v1/chains/sex-trafficking/", "/api/v1/chains/sex-trafficking"},
			{"POST", "/api/v1/tags/", "/api/v1/tags"},
		} {
			res := raw(t, s, c.method, c.path, "Authorization", "Bearer "+s.Keys["editor"])
			if res.Status != http.StatusMovedPermanently && res.Status != http.StatusTemporaryRedirect || res.Header.Get("Location") != c.want {
				t.Errorf("%s %s: %d to %q, want a redirect to %q", c.method, c.path, res.Status, res.Header.Get("Location"), c.want)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Request-ID") == "" {
				t.Errorf("%s %s: redirect without the security headers: %v", c.method, c.path, res.Header)
			}
			if !strings.Contains(logBuf.String(), `"path":"`+strings.Split(c.path, "?")[0]+`"`) {
				t.Errorf("%s %s: no access-log line", c.method, c.path)
			}
		}
		raw(t, s, "GET", "/api/v1/nothing/").mustStatus(t, 404)
	})
}

// Below editor nothing depends on drafts: a tag's revisions, which the change feed gives readers,
// count published tactics only (an editor's rename recorded the count with drafts); and a new
// tactic goes after the published tactics of its stage and kind, so drafts leave no gap in the
// positions readers see.
func TestDraftsLeaveNoTrace(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var l list[tactic]
	s.do(t, "GET", "/api/v1/tactics?kind=recommended&limit=1", nil).mustStatus(t, 200).decode(t, &l)
	stageID := l.Data[0].StageID
	s.do(t, "POST", "/api/v1/tags", obj{"slug": "secretive", "name": "Secretive", "group": "lever"}).mustStatus(t, 201)
	reader := authAs(s, "reader")
	positions := func(who []string) []int {
		var ps []int
		for _, tc := range collectAs[tactic](t, s, fmt.Sprintf("/api/v1/tactics?stage=%d&kind=recommended&limit=200", stageID), who...) {
			ps = append(ps, tc.Position)
		}
		slices.Sort(ps)
		return ps
	}
	before := positions(reader)

	// Two drafts carry the tag; then an editor renames it.
	for i := range 2 {
		s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": stageID, "kind": "recommended", "status": "draft",
			"title": fmt.Sprintf("Draft %d", i), "summary": "Not yet.", "tags": []string{"secretive"}}).mustStatus(t, 201)
	}
	_, etag := getObject(t, s, "/api/v1/tags/secretive")
	s.do(t, "PATCH", "/api/v1/tags/secretive", obj{"name": "Still secretive"}, "If-Match", etag).mustStatus(t, 200)
	feed := changeFeed(t, s, 200, reader...)
	seen := 0
	for _, r := range feed {
		if r.Entity == models.EntityTag && jsonObject(t, r.Data)["slug"] == "secretive" {
			seen++
			if n := jsonObject(t, r.Data)["tactic_count"]; n != float64(0) {
				t.Errorf("revision %d (%s) of the tag tells readers tactic_count %v; no published tactic carries it", r.ID, r.Action, n)
			}
		}
	}
	if seen != 2 {
		t.Errorf("the reader's feed has %d revisions of the tag, want 2", seen)
	}

	// A published tactic added after the drafts takes the next position readers see.
	var pub tactic
	s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": stageID, "kind": "recommended", "status": "published",
		"title": "Published", "summary": "Now."}).mustStatus(t, 201).decode(t, &pub)
	after := positions(reader)
	want := 1
	if len(before) > 0 {
		want = before[len(before)-1] + 1
	}
	if pub.Position != want || len(after) != len(before)+1 {
		t.Errorf("readers saw positions %v, then %v: the new tactic is at %d, want %d", before, after, pub.Position, want)
	}
}
