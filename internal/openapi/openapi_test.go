package openapi_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"chainkb/api"
	"chainkb/internal/openapi"
)

// convert makes the document from the committed swag output, as go generate does.
func convert(t *testing.T) (*openapi3.T, []byte) {
	t.Helper()
	in, err := os.ReadFile("../../docs/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi.Convert(in, api.Routes(), "../..")
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
// docs/swagger.json and the route table: a changed route table or fix without "go generate ." fails.
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

// TestFixes checks what the conversion alone gets wrong and Convert fixes.
func TestFixes(t *testing.T) {
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
	if patch := doc.Components.Schemas["TacticPatch"].Value; len(patch.Required) != 0 || patch.Properties["title"].Value.Nullable ||
		!patch.Properties["position"].Value.Nullable {
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

// TestConvertRefusesUnknownRoutes checks that an operation without a row in the route table, such as
// one whose @Router annotation is wrong, stops the generator.
func TestConvertRefusesUnknownRoutes(t *testing.T) {
	in, err := os.ReadFile("../../docs/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	routes := api.Routes()
	delete(routes, "GET /api/v1/tactics")
	if _, err := openapi.Convert(in, routes, "../.."); err == nil || !strings.Contains(err.Error(), "GET /api/v1/tactics") {
		t.Errorf("Convert without the route GET /api/v1/tactics: %v", err)
	}
}
