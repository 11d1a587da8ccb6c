// Package e2e holds the Swagger UI browser test: a module of its own (chainkb/e2e, with
// replace chainkb => ..), so that chromedp and its protocol bindings are not dependencies of the
// service. Run it from e2e/: go test -race ./... (.ci/run does, with Chromium installed).
package e2e

import (
	"chainkb/api"
	"chainkb/internal/store"
	"chainkb/models"
	"chainkb/seeds"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"
)

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// TestSwaggerUIEditor drives Swagger UI in headless Chromium as an editor would: authorize with an
// editor key, list tactics and create one with "Try it out" and "Execute", and find the key still
// there after a reload. It keeps screenshots as artifacts: in $CHAINKB_ARTIFACTS when set, else
// in the test's temporary directory (the paths are logged).
func TestSwaggerUIEditor(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s, so Swagger UI is not tried in a browser (apt-get install chromium; .ci/run does)", chromiumPath)
	}
	s := newServer(t)
	artifacts := os.Getenv("CHAINKB_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	opts := browserOptions(t)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	defer cancelCtx()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	shot := 0
	// screenshot keeps a picture of the element sel, or of the whole page for "".
	screenshot := func(name, sel string) {
		t.Helper()
		action := chromedp.FullScreenshot(100)
		if sel != "" {
			action = chromedp.Screenshot(chromedp.CSS(sel))
		}
		png, err := chromedp.Run(ctx, action)
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		shot++
		path := filepath.Join(artifacts, fmt.Sprintf("swagger-ui-%d-%s.png", shot, name))
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			screenshot("failed", "")
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			screenshot("failed", "")
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	// tryOut expands an operation, presses "Try it out" and "Execute", and returns the status and
	// the body that Swagger UI shows.
	tryOut := func(opID string) (status, body string) {
		t.Helper()
		op := "#operations-" + opID
		do("try out "+opID,
			chromedp.ScrollIntoView(chromedp.CSS(op+" .opblock-summary")),
			chromedp.Click(chromedp.CSS(op+" .opblock-summary")),
			chromedp.WaitVisible(chromedp.CSS(op+" button.try-out__btn")),
			chromedp.Click(chromedp.CSS(op+" button.try-out__btn")),
			chromedp.WaitVisible(chromedp.CSS(op+" button.execute")),
			chromedp.Click(chromedp.CSS(op+" button.execute")),
			chromedp.WaitVisible(chromedp.CSS(op+" .live-responses-table tbody .response-col_status")),
		)
		return text(op + " .live-responses-table tbody .response-col_status"), text(op + " .live-responses-table tbody .response-col_description")
	}

	do("open Swagger UI",
		chromedp.Navigate(s.URL+"/swagger/index.html"),
		chromedp.WaitVisible(chromedp.CSS("#operations-tactics-listTactics")),
	)
	// The resources come in the order of the document's tags.
	sections, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".opblock-tag")].map(e => e.getAttribute("data-tag"))`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "chains stages tactics tags sources relations parameters countries search changes webhooks bundles releases keys operations"; strings.Join(sections, " ") != want {
		t.Errorf("sections = %v, want %s", sections, want)
	}
	screenshot("overview", "")

	do("authorize with an editor key",
		chromedp.Click(chromedp.CSS("button.btn.authorize")),
		chromedp.WaitVisible(chromedp.CSS(".modal-ux input")),
		chromedp.SendKeys(chromedp.CSS(".modal-ux input"), s.Keys["editor"]),
		chromedp.Click(chromedp.CSS(".modal-ux button.authorize")),
		chromedp.WaitVisible(chromedp.CSS(".modal-ux button.btn-done")),
		chromedp.Click(chromedp.CSS(".modal-ux button.btn-done")),
		chromedp.WaitNotPresent(chromedp.CSS(".modal-ux")),
	)

	status, body := tryOut("tactics-listTactics")
	if status != "200" || !strings.Contains(body, `"data"`) || !strings.Contains(body, `"title"`) {
		t.Errorf("list tactics in Swagger UI: status %q, body %.500s", status, body)
	}
	screenshot("list-tactics", "#operations-tactics-listTactics .live-responses-table")

	// Create: the body Swagger UI fills in from the schema's examples is a valid tactic.
	status, body = tryOut("tactics-createTactic")
	if status != "201" || !strings.Contains(body, `"id"`) {
		t.Errorf("create a tactic in Swagger UI: status %q, body %.500s", status, body)
	}
	screenshot("create-tactic-request", "#operations-tactics-createTactic .opblock-section-request-body")
	screenshot("create-tactic", "#operations-tactics-createTactic .live-responses-table")

	// The key survives a reload (persistAuthorization), and the tactic was made with it.
	do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#operations-tactics-listTactics")))
	locked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector("button.btn.authorize.locked")`))
	if err != nil {
		t.Fatal(err)
	}
	if !locked {
		t.Error("after a reload, Swagger UI no longer holds the key")
	}
	var list struct{ Total int }
	s.get(t, "/api/v1/tactics?q="+strings.ReplaceAll("Close venues where exploitation was proven", " ", "+")+"&include_total=true", &list)
	if list.Total != 1 {
		t.Errorf("the tactic created in Swagger UI: %d found, want 1", list.Total)
	}
	var created struct {
		Data []struct{ Status, Title string }
	}
	s.get(t, "/api/v1/tactics?q=Close+venues+where+exploitation+was+proven", &created)
	if len(created.Data) != 1 || created.Data[0].Status != "draft" || !strings.HasPrefix(created.Data[0].Title, "Example ") {
		t.Errorf("the tactic created from the example: %+v, want a draft whose title says it is an example", created.Data)
	}
}

// TestSwaggerUIUntouchedWritesAreHarmless presses "Try it out" and "Execute" on every write of the
// document (POST, PUT, PATCH, DELETE), as an editor, without touching what Swagger UI fills in,
// and checks that none of the content that was there before changed: updates without a version
// are 428, creates make drafts and objects named as examples, and deletes and restores have no
// example id, so Swagger UI asks for one and sends nothing.
func TestSwaggerUIUntouchedWritesAreHarmless(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s, so Swagger UI is not tried in a browser (apt-get install chromium; .ci/run does)", chromiumPath)
	}
	s := newServer(t)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserOptions(t)...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	defer cancelCtx()
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()

	var doc openAPIDoc
	s.get(t, "/openapi.json", &doc)
	collections := doc.collections(t)
	before := s.content(t, collections)
	t.Logf("comparing %d resources in %d collections before and after", len(before), len(collections))

	if err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/swagger/index.html"),
		chromedp.WaitVisible(chromedp.CSS("#operations-tactics-listTactics")),
		chromedp.Click(chromedp.CSS("button.btn.authorize")),
		chromedp.WaitVisible(chromedp.CSS(".modal-ux input")),
		chromedp.SendKeys(chromedp.CSS(".modal-ux input"), s.Keys["editor"]),
		chromedp.Click(chromedp.CSS(".modal-ux button.authorize")),
		chromedp.WaitVisible(chromedp.CSS(".modal-ux button.btn-done")),
		chromedp.Click(chromedp.CSS(".modal-ux button.btn-done")),
		chromedp.WaitNotPresent(chromedp.CSS(".modal-ux")),
	); err != nil {
		t.Fatalf("open Swagger UI and authorize: %v", err)
	}
	writes := 0
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			var op struct {
				OperationID string   `json:"operationId"`
				Tags        []string `json:"tags"`
			}
			if !slices.Contains([]string{"post", "put", "patch", "delete"}, method) {
				continue
			}
			if err := json.Unmarshal(raw, &op); err != nil || len(op.Tags) != 1 {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			writes++
			id := "#operations-" + op.Tags[0] + "-" + op.OperationID
			if err := chromedp.Do(ctx,
				chromedp.ScrollIntoView(chromedp.CSS(id+" .opblock-summary")),
				chromedp.Click(chromedp.CSS(id+" .opblock-summary")),
				chromedp.WaitVisible(chromedp.CSS(id+" button.try-out__btn")),
				chromedp.Click(chromedp.CSS(id+" button.try-out__btn")),
				chromedp.WaitVisible(chromedp.CSS(id+" button.execute")),
				chromedp.Click(chromedp.CSS(id+" button.execute")),
			); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			// Either a response comes, or Swagger UI refuses to send (a required field is empty).
			var status string
			for range 100 {
				st, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
					const op = document.querySelector(`+"`"+id+"`"+`);
					const s = op && op.querySelector(".live-responses-table tbody .response-col_status");
					if (s) return s.textContent.trim();
					return op && op.querySelector("input.invalid, .invalid input, textarea.invalid") ? "not sent" : "";
				})()`))
				if err != nil {
					t.Fatal(err)
				}
				if status = st; status != "" {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Logf("%s %s executed untouched: %s", strings.ToUpper(method), path, status)
			// Fold it again: a page of open operations makes every later step slower.
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(id+" .opblock-summary"))); err != nil {
				t.Fatal(err)
			}
			switch {
			case status == "":
				t.Errorf("%s %s: neither a response nor a refusal to send", method, path)
			case strings.HasPrefix(status, "2") && method != "post":
				t.Errorf("%s %s executed untouched succeeded (%s): it changed content", method, path, status)
			case method == "put" || method == "patch":
				// 428: no precondition was sent. 404: the example id names nothing yet (no
				// webhook subscription exists until one is made). Either changes nothing.
				if status != "428" && status != "404" {
					t.Errorf("%s %s executed untouched: %s, want 428 (no precondition) or 404", method, path, status)
				}
			}
		}
	}
	if writes < 10 {
		t.Fatalf("only %d writes in the document", writes)
	}

	after := s.content(t, collections)
	for key, was := range before {
		if now, ok := after[key]; !ok {
			t.Errorf("%s is gone after the untouched writes", key)
		} else if now != was {
			t.Errorf("%s changed after the untouched writes:\nbefore %s\nafter  %s", key, was, now)
		}
	}
	for key, now := range after {
		if _, ok := before[key]; !ok && !strings.Contains(strings.ToLower(now), "example") {
			t.Errorf("an untouched write made %s, which does not say it is an example: %s", key, now)
		}
	}
}

// openAPIDoc is what the test reads of the OpenAPI document: its paths, and the parameters they
// share by reference.
type openAPIDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Parameters map[string]json.RawMessage `json:"parameters"`
	} `json:"components"`
}

// collection is one of the API's collections of resources, as the document describes it.
type collection struct {
	Path     string   // "/tactics"
	Key      string   // the item path's parameter: "id", or "version" for releases
	Paged    bool     // it takes limit and cursor
	Statuses []string // the values of its status filter, if it has one: drafts are listed apart
}

// collections lists every collection of resources the document has: a path with a GET and an item
// path below it (/tactics and /tactics/{id}), so that a resource added to the API is compared
// without a list here to keep.
func (d *openAPIDoc) collections(t *testing.T) []collection {
	t.Helper()
	var out []collection
	for path, ops := range d.Paths {
		get, ok := ops["get"]
		if !ok || strings.Contains(path, "{") {
			continue
		}
		c := collection{Path: path}
		for item := range d.Paths {
			if rest, ok := strings.CutPrefix(item, path+"/{"); ok && strings.HasSuffix(rest, "}") && !strings.Contains(rest, "/") {
				c.Key = strings.TrimSuffix(rest, "}")
			}
		}
		if c.Key == "" {
			continue
		}
		var op struct {
			Parameters []json.RawMessage `json:"parameters"`
		}
		if err := json.Unmarshal(get, &op); err != nil {
			t.Fatalf("GET %s in the document: %v", path, err)
		}
		for _, raw := range op.Parameters {
			var p struct {
				Ref    string `json:"$ref"`
				Name   string `json:"name"`
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			}
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatal(err)
			}
			if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
				if err := json.Unmarshal(d.Components.Parameters[name], &p); err != nil {
					t.Fatalf("parameter %s: %v", p.Ref, err)
				}
			}
			switch p.Name {
			case "cursor":
				c.Paged = true
			case "status":
				c.Statuses = p.Schema.Enum
			}
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b collection) int { return strings.Compare(a.Path, b.Path) })
	var paths []string
	for _, c := range out {
		paths = append(paths, c.Path)
	}
	for _, want := range []string{"/chains", "/sources", "/tactics", "/countries"} {
		if !slices.Contains(paths, want) {
			t.Fatalf("the document's collections %v leave out %s", paths, want)
		}
	}
	return out
}

// content is every resource of every collection as an admin sees it (drafts and archived ones,
// keys and webhook subscriptions too), by "path key", as JSON: what the untouched writes must leave as it was. A key's last use
// is left out: every request notes it.
func (s *server) content(t *testing.T, collections []collection) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range collections {
		filters := []string{""}
		for _, st := range c.Statuses {
			filters = append(filters, "status="+st)
		}
		for _, filter := range filters {
			query := []string{}
			if c.Paged {
				query = append(query, "limit=200")
			}
			if filter != "" {
				query = append(query, filter)
			}
			cursor := ""
			for {
				q := slices.Clone(query)
				if cursor != "" {
					q = append(q, "cursor="+url.QueryEscape(cursor))
				}
				var page struct {
					Data       []map[string]any `json:"data"`
					NextCursor *string          `json:"next_cursor"`
				}
				s.getAs(t, "admin", "/api/v1"+c.Path+"?"+strings.Join(q, "&"), &page)
				for _, item := range page.Data {
					if item[c.Key] == nil {
						// Keyed by nothing, every item would land on one entry and go unchecked.
						t.Fatalf("an item of %s has no %q, the key its item path names: %v", c.Path, c.Key, item)
					}
					delete(item, "last_used_at")
					raw, err := json.Marshal(item)
					if err != nil {
						t.Fatal(err)
					}
					out[fmt.Sprintf("%s %v", c.Path, item[c.Key])] = string(raw)
				}
				if page.NextCursor == nil {
					break
				}
				cursor = *page.NextCursor
			}
		}
	}
	return out
}

// browserOptions are headless Chromium's options for the tests.
func browserOptions(t *testing.T) []chromedp.ExecAllocatorOption {
	// The network is closed: without the background-networking flags Chromium stalls on start.
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1600),
	}
}

func init() { gin.SetMode(gin.TestMode) }

// server is chainkb's API over real HTTP on a fresh, seeded SQLite file, with an editor key.
type server struct {
	URL  string
	Keys map[string]string // "editor", "admin"
}

func newServer(t *testing.T) *server {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chainkb.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if _, err := seeds.Load(ctx, st); err != nil {
		t.Fatalf("seed: %v", err)
	}
	keys := map[string]string{}
	for _, role := range []string{"editor", "admin"} {
		k, err := st.CreateKey(ctx, &models.KeyInput{Name: "test " + role, Role: role})
		if err != nil {
			t.Fatalf("create %s key: %v", role, err)
		}
		keys[role] = k.Key
	}
	srv := httptest.NewServer(api.New(st, slog.New(slog.DiscardHandler)))
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	return &server{URL: srv.URL, Keys: keys}
}

// get GETs path with the editor key, requires 200 and decodes the JSON body into v.
func (s *server) get(t *testing.T, path string, v any) {
	t.Helper()
	s.getAs(t, "editor", path, v)
}

// getAs is get with the key of role.
func (s *server) getAs(t *testing.T, role, path string, v any) {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Keys[role])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status = %d, want 200; body: %s", path, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}
