package api_test

// The contract: the OpenAPI 3 document (docs/openapi.json) against the code. Every response that
// the HTTP tests see through s.do is validated against it (validateResponse, called by do in
// helpers_test.go), so that a response that does not match fails the test that produced it; the
// tests here check that the routes and the operations are the same set, that requests generated
// from the document's own constraints are refused cleanly, and that a client generated from it
// works.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"

	"chainkb/api"
	"chainkb/docs"
	"chainkb/internal/openapi"
	"chainkb/internal/pages"
)

// undocumented are the routes besides the pages for people that are deliberately not operations of
// the OpenAPI document: the documents themselves and Swagger UI. The pages (internal/pages) are
// none either, as the route table marks them (api.Route.Page). Everything else the server routes
// must be documented, and everything documented must be routed.
var undocumented = []string{"GET /swagger/*any", "GET /openapi.json", "GET /openapi.yaml"}

// isUndocumented reports whether route, "METHOD /gin/path", is meant to be no operation of the
// document: a page for people, or one of undocumented.
func isUndocumented(route string) bool {
	return routeTable()[route].Page || slices.Contains(undocumented, route)
}

// routeTable is api.Routes, built once.
var routeTable = sync.OnceValue(api.Routes)

var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// loadContract reads and validates the embedded OpenAPI 3 document once for the whole test run.
func loadContract() (*openapi3.T, routers.Router, error) {
	contract.once.Do(func() {
		doc, err := openapi.Load(docs.OpenAPIJSON)
		if err != nil {
			contract.err = err
			return
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			contract.err = fmt.Errorf("route the openapi document: %w", err)
			return
		}
		contract.doc, contract.router = doc, router
	})
	return contract.doc, contract.router, contract.err
}

func mustContract(t *testing.T) *openapi3.T {
	t.Helper()
	doc, _, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// validateResponse fails the test unless the response to req is one that docs/openapi.json
// declares for the operation: its status (undocumented statuses fail), its content type, its
// body's schema and its declared headers. A request that is no operation of the document (an
// unknown path or method) must have been answered with a problem. It uses t.Errorf, not Fatalf,
// because tests send requests from several goroutines.
func validateResponse(t *testing.T, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if err := checkResponse(req, status, header, body); err != nil {
		t.Errorf("contract: %v", err)
	}
}

// checkResponse is validateResponse's check.
func checkResponse(req *http.Request, status int, header http.Header, body []byte) error {
	path := req.URL.Path
	if req.Method == http.MethodOptions || path == "/" || strings.HasPrefix(path, "/swagger/") || path == "/openapi.json" || path == "/openapi.yaml" {
		return nil // CORS preflights, and the documents and Swagger UI, which the document does not describe
	}
	if path == "/sources" || path == "/countries" || strings.HasPrefix(path, "/countries/") || strings.HasPrefix(path, "/chains/") || strings.HasPrefix(path, "/tactics/") || path == pages.StylesheetPath || path == pages.FaviconPath {
		return nil // the HTML pages for people (internal/pages), which are not the API (pages_test.go checks them)
	}
	doc, router, err := loadContract()
	if err != nil {
		return err
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		if !errors.Is(err, routers.ErrPathNotFound) && !errors.Is(err, routers.ErrMethodNotAllowed) {
			return fmt.Errorf("find the operation of %s %s: %w", req.Method, path, err)
		}
		// Not an operation: only the router's own refusals (404 no_route, 405) come from here.
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			return fmt.Errorf("%s %s is no operation of docs/openapi.json, yet it was answered %d: document it", req.Method, path, status)
		}
		if err := validateProblem(doc, header, body); err != nil {
			return fmt.Errorf("the %d answer to %s %s: %w", status, req.Method, path, err)
		}
		return nil
	}
	if (route.Operation.OperationID == "getChainTable" || route.Operation.OperationID == "getEvidenceMap") && strings.HasPrefix(header.Get("Content-Type"), "text/csv") {
		// The table answers Accept: text/csv as table.csv does (api.md); the document describes
		// that answer once, at table.csv, so that the table's own 200 is JSON alone.
		alias := req.Clone(req.Context())
		alias.URL.Path += ".csv"
		if route, params, err = router.FindRoute(alias); err != nil {
			return fmt.Errorf("find table.csv for the CSV answer of %s: %w", path, err)
		}
		req = alias
	}
	// The status and the declared headers are checked on every answer; the body, the walk of its
	// schema, only the first time this body is the answer of this operation with this status
	// (bodyKey).
	key := bodyKey(route, status, header, body)
	_, seen := contractPassed.Load(key)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: seen},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("the %d answer to %s %s does not match operation %s of docs/openapi.json:\n%w\nbody: %.600s",
			status, req.Method, req.URL.RequestURI(), route.Operation.OperationID, err, body)
	}
	if seen {
		return nil
	}
	if err := checkJSONSchema(route, status, header, body); err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.RequestURI(), err)
	}
	contractPassed.Store(key, struct{}{})
	return nil
}

// contractPassed holds the bodies that passed checkResponse, each by bodyKey: the tests read the
// same pages again and again (the change feed to its end, whole lists, the seed's objects in
// every test's copy of the template), and walking the schema of a body already found valid for
// the same operation and status was a quarter of the HTTP suite's CPU. Only passes are kept: a
// failing body is checked in full every time, and says why.
var contractPassed sync.Map // [sha256.Size]byte → struct{}

// bodyKey identifies a body by everything the check of a body reads: the operation, the status,
// the Content-Type (which media type's schema applies, and how the body is decoded) and the body.
// The same key gets the same verdict.
func bodyKey(route *routers.Route, status int, header http.Header, body []byte) [sha256.Size]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s %d %q\n", route.Method, route.Path, status, header.Values("Content-Type"))
	h.Write(body)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key
}

// TestContractCatchesDrift checks the checker: responses that the document does not declare fail.
func TestContractCatchesDrift(t *testing.T) {
	get := func(path string) *http.Request {
		req, err := http.NewRequest("GET", "http://127.0.0.1"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return req
	}
	jsonHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	problemHeader := http.Header{"Content-Type": {"application/problem+json"}}
	chain := `{"id":1,"slug":"sex-trafficking","name":"Sex trafficking","description":"","citations":[],"created_at":"2026-11-25T12:00:00Z","updated_at":"2026-11-25T12:00:00Z","version":1}`
	problem := `{"type":"about:blank","title":"Not Found","status":404,"detail":"no such chain","code":"not_found","instance":"/api/v1/chains/1"}`
	for _, c := range []struct {
		name   string
		req    *http.Request
		status int
		header http.Header
		body   string
		ok     bool
	}{
		{"a documented answer", get("/api/v1/chains/1"), 200, jsonHeader, chain, true},
		{"a documented problem", get("/api/v1/chains/1"), 404, problemHeader, problem, true},
		{"the probe at the root", get("/healthz"), 200, jsonHeader, `{"status":"ok"}`, true},
		{"an undocumented status", get("/api/v1/chains/1"), 418, problemHeader, problem, false},
		{"a required field missing", get("/api/v1/chains/1"), 200, jsonHeader, strings.Replace(chain, `"version":1`, `"versio":1`, 1), false},
		{"a field of the wrong type", get("/api/v1/chains/1"), 200, jsonHeader, strings.Replace(chain, `"id":1`, `"id":"1"`, 1), false},
		{"an error as plain JSON", get("/api/v1/chains/1"), 404, jsonHeader, problem, false},
		{"a success as a problem", get("/api/v1/chains/1"), 200, problemHeader, chain, false},
		{"an undocumented path answered 200", get("/api/v1/nothing"), 200, jsonHeader, `{}`, false},
		{"an undocumented path answered with a problem", get("/api/v1/nothing"), 404, problemHeader, problem, true},
		{"an undocumented path answered with JSON", get("/api/v1/nothing"), 404, jsonHeader, problem, false},
	} {
		err := checkResponse(c.req, c.status, c.header, []byte(c.body))
		if (err == nil) != c.ok {
			t.Errorf("%s: checkResponse = %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

// validateProblem checks that a response is an RFC 9457 problem of the document's Problem schema.
func validateProblem(doc *openapi3.T, header http.Header, body []byte) error {
	if ct := header.Get("Content-Type"); ct != "application/problem+json" {
		return fmt.Errorf("Content-Type is %q, want application/problem+json", ct)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("body is not JSON: %v", err)
	}
	if err := doc.Components.Schemas["Problem"].Value.VisitJSON(v); err != nil {
		return fmt.Errorf("body is not a Problem: %v", err)
	}
	return nil
}

// operationRoutes lists the spec's operations as gin routes: "GET /api/v1/tactics/:id".
func operationRoutes(doc *openapi3.T) map[string]*openapi3.Operation {
	out := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		servers := doc.Servers
		if len(item.Servers) > 0 {
			servers = item.Servers
		}
		base := strings.TrimSuffix(servers[0].URL, "/")
		for method, op := range item.Operations() {
			out[method+" "+openapi.GinRoute(base, path)] = op
		}
	}
	return out
}

// TestSpecMatchesRoutes checks that the routes the server registers and the operations of the
// OpenAPI document are the same set: nothing undocumented, nothing documented that is not routed.
func TestSpecMatchesRoutes(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	doc := mustContract(t)
	engine, ok := api.New(s.Store, slog.New(slog.NewTextHandler(io.Discard, nil))).(*gin.Engine)
	if !ok {
		t.Fatal("api.New does not return a *gin.Engine")
	}
	routed := map[string]bool{}
	for _, r := range engine.Routes() {
		if r.Method == http.MethodHead || r.Method == http.MethodOptions {
			continue // derived from the GET rows and the paths, not operations: TestHeadAndOptions
		}
		routed[r.Method+" "+r.Path] = true
	}
	ops := operationRoutes(doc)
	for route := range routed {
		if _, ok := ops[route]; !ok && !isUndocumented(route) {
			t.Errorf("%s is routed but is no operation of docs/openapi.json: describe its operation in its route's row (apidoc.Op) and run go generate", route)
		}
	}
	for route := range ops {
		if !routed[route] {
			t.Errorf("docs/openapi.json documents %s, which the server does not route", route)
		}
		if isUndocumented(route) {
			t.Errorf("%s is documented, but is a page or listed as undocumented in contract_test.go", route)
		}
	}
	for _, route := range undocumented {
		if !routed[route] {
			t.Errorf("%s is listed as undocumented, but the server does not route it", route)
		}
	}
}

// TestOpenAPIServed checks that the server serves the committed OpenAPI document, as JSON and as
// YAML, and that Swagger UI is pointed at it.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	res := s.do(t, "GET", "/openapi.json", nil, "Authorization", "").mustStatus(t, 200)
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if !bytes.Equal(res.Body, docs.OpenAPIJSON) {
		t.Error("/openapi.json is not docs/openapi.json")
	}
	if _, err := openapi.Load(res.Body); err != nil {
		t.Error(err)
	}
	res = s.do(t, "GET", "/openapi.yaml", nil, "Authorization", "").mustStatus(t, 200)
	if ct := res.Header.Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type = %q", ct)
	}
	if _, err := openapi3.NewLoader().LoadFromData(res.Body); err != nil {
		t.Errorf("/openapi.yaml does not load: %v", err)
	}
	res = s.do(t, "GET", "/swagger/swagger-initializer.js", nil, "Authorization", "").mustStatus(t, 200)
	if !bytes.Contains(res.Body, []byte(`url: "/openapi.json"`)) || !bytes.Contains(res.Body, []byte(`persistAuthorization: true`)) {
		t.Errorf("Swagger UI is not pointed at /openapi.json with persistent authorization:\n%s", res.Body)
	}
	// gin-swagger's own address of the document serves the same OpenAPI 3 document.
	res = s.do(t, "GET", "/swagger/doc.json", nil, "Authorization", "").mustStatus(t, 200)
	if !bytes.Equal(res.Body, docs.OpenAPIJSON) {
		t.Error("/swagger/doc.json is not docs/openapi.json")
	}
	// Swagger UI 5: its bundle, from swaggo/files/v2, not version 4 from swaggo/files.
	res = s.do(t, "GET", "/swagger/swagger-ui-bundle.js", nil, "Authorization", "").mustStatus(t, 200)
	if ct := res.Header.Get("Content-Type"); ct != "application/javascript" || !bytes.Contains(res.Body, []byte(`"5.18.2"`)) {
		t.Errorf("/swagger/swagger-ui-bundle.js is %q, %d bytes, and not Swagger UI 5.18.2", ct, len(res.Body))
	}
}

// A negative case: a request made from the document's own constraints that must be refused.
type negCase struct {
	name, method, path string
	body               any
}

// TestSpecNegative sends, for every operation, requests that the document's constraints say are
// wrong: each path id malformed, each query parameter of the wrong type, off its enum, over its
// length or out of its range, and for each body each required field missing, each field of the
// wrong type, each string over its max length, each enum off its list, each number out of its
// range. Every one must be a 4xx problem (never a 5xx), and none may change anything.
func TestSpecNegative(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	doc := mustContract(t)
	before := s.snapshot(t)
	ops := operationRoutes(doc)
	routes := make([]string, 0, len(ops))
	for r := range ops {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	total := 0
	for _, route := range routes {
		op := ops[route]
		method, ginPath, _ := strings.Cut(route, " ")
		cases := negativeCases(t, doc, method, ginPath, op)
		total += len(cases)
		for _, c := range cases {
			headers := []string{"Authorization", "Bearer " + s.Keys["admin"]}
			if method == http.MethodPut || method == http.MethodPatch {
				// Let the precondition pass, so that the body is what is judged.
				headers = append(headers, "If-Match", "*")
			}
			if method == http.MethodPatch {
				headers = append(headers, "Content-Type", "application/merge-patch+json")
			}
			res := s.do(t, c.method, c.path, c.body, headers...)
			if res.Status < 400 || res.Status > 499 {
				t.Errorf("%s (%s %s): status %d, want 4xx; body: %.300s", c.name, c.method, c.path, res.Status, res.Body)
				continue
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s (%s %s): Content-Type %q, want application/problem+json", c.name, c.method, c.path, ct)
			}
		}
	}
	if total < 200 {
		t.Errorf("only %d negative cases were generated from the document; is it missing its constraints?", total)
	}
	t.Logf("%d negative requests over %d operations", total, len(ops))
	if after := s.snapshot(t); after != before {
		t.Errorf("refused requests changed the database:\n%s", diffLines(before, after))
	}
}

// negativeCases makes the bad requests for one operation.
func negativeCases(t *testing.T, doc *openapi3.T, method, ginPath string, op *openapi3.Operation) []negCase {
	t.Helper()
	// A valid path, from the path parameters' examples.
	params := map[string]*openapi3.Parameter{}
	var query []*openapi3.Parameter
	for _, p := range op.Parameters {
		switch p.Value.In {
		case openapi3.ParameterInPath:
			params[p.Value.Name] = p.Value
		case openapi3.ParameterInQuery:
			query = append(query, p.Value)
		}
	}
	fill := func(override map[string]string) string {
		segs := strings.Split(ginPath, "/")
		for i, seg := range segs {
			name, ok := strings.CutPrefix(seg, ":")
			if !ok {
				continue
			}
			p := params[name]
			if p == nil {
				t.Fatalf("%s %s: path parameter %s is not documented", method, ginPath, name)
			}
			v, ok := override[name]
			if !ok {
				v = fmt.Sprint(p.Example)
			}
			segs[i] = v
		}
		return strings.Join(segs, "/")
	}
	valid := fill(nil)
	var cases []negCase

	// Each path parameter malformed.
	for name, p := range params {
		bad := []string{"0", "-1", "abc", "1.5", "99999999999999999999", "%20"}
		if p.Schema.Value.Type.Is(openapi3.TypeString) {
			bad = []string{"0", "Not%20a%20slug", "UPPER", "a_b", strings.Repeat("a", 65), "%C3%A9"}
		}
		for _, v := range bad {
			cases = append(cases, negCase{"path " + name + "=" + v, method, fill(map[string]string{name: v}), nil})
		}
	}

	// Each query parameter wrong.
	for _, p := range query {
		for _, v := range badValues(p.Schema.Value) {
			cases = append(cases, negCase{"query " + p.Name + "=" + v, method, valid + "?" + url.Values{p.Name: {v}}.Encode(), nil})
		}
	}
	if method == http.MethodGet && len(query) > 0 {
		cases = append(cases, negCase{"unknown query parameter", method, valid + "?no_such_parameter=1", nil})
	}

	// The body.
	if op.RequestBody == nil {
		return cases
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil {
		t.Fatalf("%s %s: the body takes no application/json", method, ginPath)
	}
	schema := mt.Schema.Value
	base, ok := exampleOf(mt.Schema).(map[string]any)
	if !ok {
		t.Fatalf("%s %s: no example object can be made from the body's schema", method, ginPath)
	}
	delete(base, "version") // the If-Match: * precondition holds; a stale version would be a 412
	body := func(name string, mutate func(map[string]any)) {
		b := map[string]any{}
		if method != http.MethodPatch { // a patch changes only what it names
			for k, v := range base {
				b[k] = v
			}
		}
		mutate(b)
		cases = append(cases, negCase{name, method, valid, b})
	}
	for _, req := range schema.Required {
		body("body without "+req, func(b map[string]any) { delete(b, req) })
	}
	for name, p := range schema.Properties {
		ps := p.Value
		if len(ps.AllOf) == 1 {
			ps = ps.AllOf[0].Value
		}
		if ps.Type == nil || len(*ps.Type) == 0 {
			continue // any value is accepted: a read-only field echoed back from a GET, which is ignored
		}
		body("body "+name+" of the wrong type", func(b map[string]any) { b[name] = wrongType(ps) })
		if ps.MaxLength != nil {
			body("body "+name+" over its max length", func(b map[string]any) { b[name] = strings.Repeat("x", int(*ps.MaxLength)+1) })
		}
		if len(ps.Enum) > 0 {
			body("body "+name+" off its enum", func(b map[string]any) { b[name] = "not-in-the-enum" })
		}
		if ps.Min != nil {
			body("body "+name+" under its minimum", func(b map[string]any) { b[name] = *ps.Min - 1 })
		}
		if ps.Max != nil {
			body("body "+name+" over its maximum", func(b map[string]any) { b[name] = *ps.Max + 1 })
		}
		if ps.MaxItems != nil && ps.Items != nil {
			item := exampleOf(ps.Items)
			body("body "+name+" over its max items", func(b map[string]any) {
				list := make([]any, *ps.MaxItems+1)
				for i := range list {
					list[i] = item
				}
				b[name] = list
			})
		}
	}
	return cases
}

// badValues are query values that a parameter's schema refuses.
func badValues(s *openapi3.Schema) []string {
	var out []string
	switch {
	case s.Type.Is(openapi3.TypeInteger):
		out = append(out, "abc", "1.5")
	case s.Type.Is(openapi3.TypeBoolean):
		out = append(out, "maybe")
	case s.Type.Is(openapi3.TypeArray):
		out = append(out, "Not a slug")
	}
	if len(s.Enum) > 0 {
		out = append(out, "not-in-the-enum")
	}
	if s.MaxLength != nil {
		out = append(out, strings.Repeat("x", int(*s.MaxLength)+1))
	}
	if s.Min != nil {
		out = append(out, strconv.FormatFloat(*s.Min-1, 'f', -1, 64))
	}
	if s.Max != nil {
		out = append(out, strconv.FormatFloat(*s.Max+1, 'f', -1, 64))
	}
	return out
}

// wrongType is a JSON value of another type than the schema's.
func wrongType(s *openapi3.Schema) any {
	switch {
	case s.Type.Is(openapi3.TypeString):
		return 12345
	case s.Type.Is(openapi3.TypeArray):
		return "not a list"
	case s.Type.Is(openapi3.TypeObject):
		return []any{1}
	default: // integer, number, boolean
		return "not a number"
	}
}

// exampleOf builds a value from a schema's examples.
func exampleOf(ref *openapi3.SchemaRef) any {
	s := ref.Value
	if len(s.AllOf) == 1 {
		return exampleOf(s.AllOf[0])
	}
	if s.Example != nil {
		return s.Example
	}
	switch {
	case s.Type.Is(openapi3.TypeObject):
		out := map[string]any{}
		for name, p := range s.Properties {
			if v := exampleOf(p); v != nil {
				out[name] = v
			}
		}
		return out
	case s.Type.Is(openapi3.TypeArray):
		if v := exampleOf(s.Items); v != nil {
			return []any{v}
		}
	}
	return nil
}

// diffLines shows the lines that differ between two snapshots.
func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for _, l := range al {
		if !slices.Contains(bl, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range bl {
		if !slices.Contains(al, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// TestExamplesWork checks that every read, sent as Swagger UI's "Try it out" fills it in (every
// parameter at its example), answers 200, and a list answers with items: an editor who presses
// Execute sees what the operation does.
func TestExamplesWork(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	// A webhook subscription (at a public address nothing here calls: this API has no delivery
	// worker), owed one change, so that its examples find something.
	s.do(t, "POST", "/api/v1/webhooks", obj{"url": "https://93.184.216.34/hook"}, "Authorization", "Bearer "+s.Keys["admin"]).mustStatus(t, 201)
	s.do(t, "POST", "/api/v1/tags", obj{"slug": "owed", "name": "Owed", "group": "examples"}).mustStatus(t, 201)
	// The releases that the examples name.
	for _, v := range []string{"2026.12.0", "2027.1.0"} {
		s.do(t, "POST", "/api/v1/releases", obj{"version": v}).mustStatus(t, 201)
	}
	doc := mustContract(t)
	for route, op := range operationRoutes(doc) {
		method, ginPath, _ := strings.Cut(route, " ")
		// The stream never ends (TestChangeStream tries it).
		if method != http.MethodGet || route == "GET /metrics" || strings.HasSuffix(ginPath, "/changes/stream") {
			continue
		}
		path := ginPath
		q := url.Values{}
		for _, p := range op.Parameters {
			v := p.Value
			if v.Example == nil {
				continue
			}
			switch v.In {
			case openapi3.ParameterInPath:
				path = strings.Replace(path, ":"+v.Name, fmt.Sprint(v.Example), 1)
			case openapi3.ParameterInQuery:
				if list, ok := v.Example.([]any); ok {
					for _, x := range list {
						q.Add(v.Name, fmt.Sprint(x))
					}
				} else {
					q.Set(v.Name, fmt.Sprint(v.Example))
				}
			}
		}
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		res := s.do(t, "GET", path, nil, "Authorization", "Bearer "+s.Keys["admin"])
		if res.Status != http.StatusOK {
			t.Errorf("%s (%s): %d %s", op.OperationID, path, res.Status, res.Body)
			continue
		}
		var list struct {
			Data *[]json.RawMessage `json:"data"`
		}
		if json.Unmarshal(res.Body, &list) == nil && list.Data != nil && len(*list.Data) == 0 {
			t.Errorf("%s (%s): an empty list; make the parameters' examples find something", op.OperationID, path)
		}
	}
}
