package api_test

// The contract read as JSON Schema. kin-openapi reads OpenAPI 3.0's `nullable` as a switch on the
// whole schema; a JSON-Schema validator that knows OpenAPI 3.0 (Ajv, which partner apps use) reads
// it only as widening the `type` beside it. Every JSON answer the HTTP tests see is checked under
// that reading too (checkJSONSchema, called by checkResponse), with santhosh-tekuri/jsonschema, so
// that a schema that lets null through for one and not for the other fails the test that met it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"chainkb/docs"
)

// jsonSchemaURL is where the document is, for the JSON-Schema compiler: nothing is fetched.
const jsonSchemaURL = "https://chainkb.invalid/openapi.json"

var jsonSchemas struct {
	once     sync.Once
	compiler *jsonschema.Compiler
	doc      map[string]any
	err      error
	mu       sync.Mutex
	compiled map[string]*jsonschema.Schema
}

// asJSONSchema rewrites an OpenAPI 3.0 document in place the way a JSON-Schema validator with
// OpenAPI 3.0 support reads it: `nullable: true` adds "null" to the `type` beside it and does
// nothing where there is none; every other OpenAPI keyword (example, discriminator, x-...) is an
// annotation.
func asJSONSchema(v any) {
	switch v := v.(type) {
	case map[string]any:
		if v["nullable"] == true {
			if t, ok := v["type"].(string); ok {
				v["type"] = []any{t, "null"}
			}
		}
		delete(v, "nullable")
		for _, x := range v {
			asJSONSchema(x)
		}
	case []any:
		for _, x := range v {
			asJSONSchema(x)
		}
	}
}

// loadJSONSchemas reads the embedded document for the JSON-Schema reading, once.
func loadJSONSchemas() error {
	jsonSchemas.once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(docs.OpenAPIJSON))
		if err != nil {
			jsonSchemas.err = err
			return
		}
		asJSONSchema(doc)
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		if err := c.AddResource(jsonSchemaURL, doc); err != nil {
			jsonSchemas.err = err
			return
		}
		jsonSchemas.compiler, jsonSchemas.doc = c, doc.(map[string]any)
		jsonSchemas.compiled = map[string]*jsonschema.Schema{}
	})
	return jsonSchemas.err
}

// pointerToken escapes one token of a JSON pointer in a URL fragment.
func pointerToken(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
	return strings.NewReplacer("{", "%7B", "}", "%7D", "+", "%2B").Replace(s)
}

// responseSchema compiles, once, the JSON Schema of an operation's answer with a status and media
// type; nil when the document declares no such JSON body.
func responseSchema(path, method string, status int, media string) (*jsonschema.Schema, error) {
	if err := loadJSONSchemas(); err != nil {
		return nil, err
	}
	ops, _ := jsonSchemas.doc["paths"].(map[string]any)[path].(map[string]any)
	op, _ := ops[strings.ToLower(method)].(map[string]any)
	resp, _ := op["responses"].(map[string]any)[strconv.Itoa(status)].(map[string]any)
	if resp == nil {
		return nil, nil // kin-openapi has said so already
	}
	loc := jsonSchemaURL + "#/paths/" + pointerToken(path) + "/" + strings.ToLower(method) + "/responses/" + strconv.Itoa(status)
	if ref, ok := resp["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/responses/")
		resp, _ = jsonSchemas.doc["components"].(map[string]any)["responses"].(map[string]any)[name].(map[string]any)
		loc = jsonSchemaURL + "#/components/responses/" + pointerToken(name)
	}
	content, _ := resp["content"].(map[string]any)
	if content[media] == nil {
		return nil, nil
	}
	loc += "/content/" + pointerToken(media) + "/schema"
	jsonSchemas.mu.Lock()
	defer jsonSchemas.mu.Unlock()
	if s, ok := jsonSchemas.compiled[loc]; ok {
		return s, nil
	}
	s, err := jsonSchemas.compiler.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("compile %s as JSON Schema: %w", loc, err)
	}
	jsonSchemas.compiled[loc] = s
	return s, nil
}

// jsonSchemaChecks is how many answers of each operation and status are checked as JSON Schema:
// where the two readings differ is the schema's shape, which the first answers show (a tactic
// without adoption is among the first of any list), and checking every answer of the paging and
// feed tests twice made the HTTP suite a third slower.
const jsonSchemaChecks = 50

var jsonSchemaCount = struct {
	sync.Mutex
	n map[string]int
}{n: map[string]int{}}

// jsonSchemaTurn reports whether this answer of an operation with a status is one to check.
func jsonSchemaTurn(operation string, status int) bool {
	jsonSchemaCount.Lock()
	defer jsonSchemaCount.Unlock()
	key := operation + " " + strconv.Itoa(status)
	jsonSchemaCount.n[key]++
	return jsonSchemaCount.n[key] <= jsonSchemaChecks
}

// checkJSONSchema checks a JSON answer against its schema read as JSON Schema.
func checkJSONSchema(route *routers.Route, status int, header http.Header, body []byte) error {
	media, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	if len(body) == 0 || !strings.HasSuffix(media, "json") {
		return nil
	}
	s, err := responseSchema(route.Path, route.Method, status, media)
	if err != nil || s == nil || !jsonSchemaTurn(route.Operation.OperationID, status) {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("the body is not JSON: %w", err)
	}
	if err := s.Validate(inst); err != nil {
		return fmt.Errorf("the %d answer of operation %s does not match its schema read as JSON Schema (as Ajv reads it):\n%v\nbody: %.600s",
			status, route.Operation.OperationID, err, body)
	}
	return nil
}

// TestJSONSchemaReading checks the reading itself: nullable beside allOf lets null through for
// kin-openapi but not as JSON Schema, while oneOf a reference and null (what the document writes)
// lets it through for both.
func TestJSONSchemaReading(t *testing.T) {
	doc := map[string]any{}
	if err := json.Unmarshal([]byte(`{"components": {"schemas": {
		"Adoption": {"type": "object", "properties": {"since": {"type": "integer"}}},
		"Old": {"type": "object", "properties": {"adoption": {"nullable": true, "type": "object", "allOf": [{"$ref": "#/components/schemas/Adoption"}]}}},
		"New": {"type": "object", "properties": {"adoption": {"oneOf": [{"$ref": "#/components/schemas/Adoption"}, {"type": "object", "nullable": true, "enum": [null]}]}}},
		"Enum": {"type": "object", "properties": {"status": {"type": "string", "nullable": true, "enum": ["draft", null]}}}
	}}}`), &doc); err != nil {
		t.Fatal(err)
	}
	asJSONSchema(doc)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("https://x.invalid/d.json", doc); err != nil {
		t.Fatal(err)
	}
	valid := func(schema, instance string) bool {
		s, err := c.Compile("https://x.invalid/d.json#/components/schemas/" + schema)
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(instance))
		if err != nil {
			t.Fatal(err)
		}
		return s.Validate(v) == nil
	}
	for _, c := range []struct {
		schema, instance string
		want             bool
	}{
		{"Old", `{"adoption": null}`, false}, // the bug of issue 25 item 14
		{"Old", `{"adoption": {"since": 1999}}`, true},
		{"New", `{"adoption": null}`, true},
		{"New", `{"adoption": {"since": 1999}}`, true},
		{"New", `{"adoption": {"since": "1999"}}`, false},
		{"New", `{"adoption": 3}`, false},
		{"Enum", `{"status": null}`, true},
		{"Enum", `{"status": "gone"}`, false},
	} {
		if got := valid(c.schema, c.instance); got != c.want {
			t.Errorf("%s %s: valid %v, want %v", c.schema, c.instance, got, c.want)
		}
	}
}
