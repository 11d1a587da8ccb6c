package openapi_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"chainkb/api"
	"chainkb/internal/apidoc"
	"chainkb/internal/openapi"
)

// convert makes the document from the route table and the Go types, as go generate does.
func convert(t *testing.T) (*openapi3.T, []byte) {
	t.Helper()
	doc, err := openapi.Build(api.Routes(), "../..")
	if err != nil {
		t.Fatal(err)
	}
	out, err := openapi.MarshalJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, out
}

// TestCommittedDocumentIsCurrent checks that docs/openapi.json is what the generator makes from
// the route table and the Go types: a changed operation or type without "go generate ." fails.
func TestCommittedDocumentIsCurrent(t *testing.T) {
	_, out := convert(t)
	committed, err := os.ReadFile("../../docs/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, committed) {
		t.Error("docs/openapi.json is out of date: run go generate . at the module root and commit docs/ and internal/client/")
	}
}

// TestShared checks what the generator adds to every operation from the route table, and derives
// from the Go types.
func TestShared(t *testing.T) {
	doc, _ := convert(t)
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Errorf("servers = %v, want the relative /api/v1", doc.Servers)
	}
	if item := doc.Paths.Value("/healthz"); item == nil || len(item.Servers) != 1 || item.Servers[0].URL != "/" {
		t.Error("/healthz is not served at the root")
	}
	bearer := doc.Components.SecuritySchemes[openapi.SecurityScheme].Value
	if bearer.Type != "http" || bearer.Scheme != "bearer" {
		t.Errorf("security scheme = %s %s, want http bearer", bearer.Type, bearer.Scheme)
	}
	for name := range doc.Components.Schemas {
		if strings.Contains(name, ".") {
			t.Errorf("schema %s still has its Go package", name)
		}
	}

	read := doc.Paths.Value("/tactics").Get
	if sec := *read.Security; len(sec) != 2 || len(sec[0]) != 0 {
		t.Errorf("listTactics security = %v, want optional: [{}, {BearerKey: []}]", sec)
	}
	if doc.Paths.Value("/chains").Get.Responses.Value("403") != nil {
		t.Error("an anonymous read declares 403")
	}
	write := doc.Paths.Value("/tactics/{id}").Patch
	if sec := *write.Security; len(sec) != 1 || len(sec[0]) != 1 {
		t.Errorf("patchTactic security = %v, want [{BearerKey: []}]", sec)
	}
	body := write.RequestBody.Value.Content
	for _, mt := range []string{"application/merge-patch+json", "application/json"} {
		if body.Get(mt) == nil || body.Get(mt).Schema.Ref != "#/components/schemas/TacticPatch" {
			t.Errorf("patchTactic does not take %s as a TacticPatch", mt)
		}
	}
	if patch := doc.Components.Schemas["TacticPatch"].Value; len(patch.Required) != 0 || admitsNull(doc, patch.Properties["title"]) ||
		!admitsNull(doc, patch.Properties["position"]) || !admitsNull(doc, patch.Properties["adoption"]) {
		t.Error("TacticPatch has required fields, or null is allowed where it would clear a required field (title), or refused where it clears (position)")
	}
	for code, r := range write.Responses.Map() {
		if code[0] < '4' {
			continue
		}
		if r.Value.Content.Get("application/problem+json") == nil || r.Value.Content.Get("application/json") != nil {
			t.Errorf("patchTactic %s is not only application/problem+json", code)
		}
	}
	for _, code := range []string{"400", "401", "403", "404", "412", "413", "415", "422", "428", "429", "500"} {
		if write.Responses.Value(code) == nil {
			t.Errorf("patchTactic does not declare %s", code)
		}
	}
	if doc.Paths.Value("/readyz").Get.Responses.Value("429") != nil {
		t.Error("the readiness probe, never rate limited, declares 429")
	}
	if got := doc.Components.Schemas["Tactic"].Value.Required; len(got) != len(doc.Components.Schemas["Tactic"].Value.Properties) {
		t.Errorf("Tactic requires %v, want every property (the server always sends them)", got)
	}
	if got := doc.Components.Schemas["TacticList"].Value.Required; strings.Join(got, ",") != "data,next_cursor" {
		t.Errorf("TacticList requires %v, want data and next_cursor (total is omitted unless asked for)", got)
	}
}

// TestBuildRefusesAThinOperation checks that an operation without a description or an example
// stops the generator rather than thin the document.
func TestBuildRefusesAThinOperation(t *testing.T) {
	routes := api.Routes()
	rt := routes["GET /api/v1/tactics"]
	rt.Doc.Description = ""
	rt.Doc.Params = append([]apidoc.Param{{In: apidoc.InQuery, Name: "undescribed"}}, rt.Doc.Params...)
	routes["GET /api/v1/tactics"] = rt
	_, err := openapi.Build(routes, "../..")
	if err == nil || !strings.Contains(err.Error(), "GET /tactics: needs a summary, a description") ||
		!strings.Contains(err.Error(), "parameter undescribed has no description") {
		t.Errorf("Build with an operation without a description: %v", err)
	}
}

// TestOneOperationOneDescription checks that every documented route's operation is where its
// route is, once: the operationIds are unique and each names its route's path.
func TestOneOperationOneDescription(t *testing.T) {
	doc, _ := convert(t)
	seen := map[string]string{}
	n := 0
	for key, rt := range api.Routes() {
		if !rt.Doc.Documented() {
			continue
		}
		n++
		if other, ok := seen[rt.Doc.ID]; ok {
			t.Errorf("operationId %s describes both %s and %s", rt.Doc.ID, other, key)
		}
		seen[rt.Doc.ID] = key
	}
	ops := 0
	for _, item := range doc.Paths.Map() {
		ops += len(item.Operations())
	}
	if ops != n || n < 70 {
		t.Errorf("the document has %d operations, the route table describes %d", ops, n)
	}
}

// TestIssue25Items checks the spec's answers to issue 25: the bundle's required fields (11), path
// ids as strings everywhere (15), the chain table's 200 JSON only (16), and null written so that
// every reading lets it through (14: oneOf a reference and null, never nullable beside allOf).
func TestIssue25Items(t *testing.T) {
	doc, _ := convert(t)
	schemas := doc.Components.Schemas
	if got := schemas["Bundle"].Value.Required; !slices.Contains(got, "format_version") {
		t.Errorf("Bundle requires %v, want format_version among them", got)
	}
	if got := schemas["BundleTactic"].Value.Required; !slices.Contains(got, "code") {
		t.Errorf("BundleTactic requires %v, want code among them: the import finds a tactic by it", got)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, p := range op.Parameters {
				if v := p.Value; v != nil && v.In == openapi3.ParameterInPath && !v.Schema.Value.Type.Is(openapi3.TypeString) {
					t.Errorf("%s %s: path parameter %s is %v, want a string (an id, code or slug)", method, path, v.Name, v.Schema.Value.Type)
				}
			}
		}
	}
	table := doc.Paths.Value("/chains/{id}/table").Get.Responses.Status(200).Value.Content
	if len(table) != 1 || table.Get("application/json") == nil {
		t.Errorf("getChainTable's 200 has %d media types, want application/json alone (CSV is table.csv's)", len(table))
	}
	if csv := doc.Paths.Value("/chains/{id}/table.csv").Get.Responses.Status(200).Value.Content; csv.Get("text/csv") == nil {
		t.Error("getChainTableCSV's 200 is not text/csv")
	}
	var walk func(where string, s *openapi3.SchemaRef)
	walk = func(where string, s *openapi3.SchemaRef) {
		if s == nil || s.Ref != "" || s.Value == nil {
			return
		}
		v := s.Value
		if v.Nullable && len(v.AllOf) > 0 {
			t.Errorf("%s: nullable beside allOf, which a JSON-Schema validator reads as not nullable", where)
		}
		if v.Nullable && len(v.Enum) > 0 && !slices.Contains(v.Enum, nil) {
			t.Errorf("%s: a nullable enum without null, which a JSON-Schema validator refuses", where)
		}
		for name, p := range v.Properties {
			walk(where+"."+name, p)
		}
		walk(where+"[]", v.Items)
		for _, x := range slices.Concat(v.AllOf, v.OneOf, v.AnyOf) {
			walk(where, x)
		}
	}
	for name, s := range schemas {
		walk(name, s)
	}
	if !admitsNull(doc, schemas["Tactic"].Value.Properties["adoption"]) || !admitsNull(doc, schemas["Evidence"].Value.Properties["cost"]) {
		t.Error("Tactic.adoption or Evidence.cost does not let null through")
	}
}

// admitsNull reports whether a property's schema lets null through under OpenAPI 3.0's reading.
func admitsNull(doc *openapi3.T, p *openapi3.SchemaRef) bool {
	return p.Value.VisitJSON(nil) == nil
}
