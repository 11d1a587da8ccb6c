// Package openapi makes the OpenAPI 3.0 document that chainkb serves at /openapi.json for client
// generators, from the Swagger 2.0 document that swag generates from the handlers' annotations
// (docs/swagger.json).
//
// kin-openapi's openapi2conv does the conversion; this package then fixes, in this one place, what
// the conversion cannot know or what Swagger 2.0 cannot say:
//
//   - servers: the relative "/api/v1" (swag has no host); operations tagged "operations" (the
//     probes) are served at the root, so their paths get a server of their own, "/".
//   - security: the key is an HTTP bearer token (Swagger 2.0 knows only apiKey); which operations
//     need it, and with which role, comes from the route table (api.Routes), so that the document
//     cannot disagree with the code: an anonymous route has optional security [{}, {BearerKey: []}].
//   - responses: every error (4xx, 5xx) is application/problem+json with the Problem schema; the
//     answers that middleware gives on any route (400 for a key in the URL, 401 for a key that is not
//     valid, 403 below the role, 409/422 for an Idempotency-Key, 429 where rate limits apply, 500)
//     are declared on every operation they can reach, from the route table, not repeated in
//     annotations.
//   - request bodies: a PATCH takes a JSON Merge Patch (application/merge-patch+json or
//     application/json) of a "<Name>Patch" schema made from the "<Name>Input" its annotation names:
//     every field optional, null clears one. Every POST takes an optional Idempotency-Key.
//   - schemas: named without their Go package ("Tactic", not "models.Tactic"), so that generated
//     clients get plain type names; in schemas that only responses use, every property is required
//     (the server always sends it) unless its Go field is omitempty, which the annotation marks with
//     the extension x-omitempty.
//   - parameter examples, which openapi2conv drops.
//   - what the server does that swag cannot say (strict.go), derived from the Go types the schemas
//     were made from (gotypes.go reads their source: validate tags, pointers, swaggerignore'd
//     fields), from models.ErrorCodes and from the route table, so that a new resource gets it
//     without more work: request schemas without additional properties, with the read-only fields
//     a GET returns, nullable only where null clears, the slug/code/URL/DOI patterns and minLength
//     1 on required strings; a "...Ref" item as a slug or the object a GET returns; pointer fields
//     of responses nullable; minimum 1 on path ids; Revision one variant per entity with its object
//     as data; Problem.code the enum of models.ErrorCodes; X-Request-ID, RateLimit-* and the ETag
//     of a 304 declared; request examples that are harmless when Swagger UI executes them
//     untouched (no version, drafts named as examples, no example ids on DELETE and restores).
//   - the text/csv answer of the chain table (Accept: text/csv), which table.csv documents.
//   - the database ids that a bundle's stages and tactics hide (they name chains and stages by slug).
//
// It also refuses a document that breaks the rules the issue sets for every operation (a summary,
// a description, an operationId, one tag; every parameter and property described, with an example
// where it is a scalar), so that the generator fails rather than publish a thinner spec.
package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"

	"chainkb/api"
	"chainkb/models"
)

// SecurityScheme is the name of the API key's security scheme.
const SecurityScheme = "BearerKey"

// NoExample are the parameters that have no example, because Swagger UI fills a parameter's
// example in when a person tries an operation out, and no value of these is right for every
// request: a stale precondition would be a 412 (If-Match) or an empty 304 (If-None-Match), an
// Idempotency-Key reused for another request a 422, a cursor from another list a 400. Their
// descriptions say what to send.
var NoExample = []string{"If-Match", "If-None-Match", "Idempotency-Key", "cursor"}

// noExample reports whether a parameter of an operation must have no example: the path
// parameters of a write that needs no precondition (DELETE, a restore), so that Swagger UI, which
// pre-fills examples, cannot delete or restore real content on an untouched Execute: it asks for
// the id instead.
func noExample(method string, p *openapi3.Parameter) bool {
	return p.In == openapi3.ParameterInPath && (method == http.MethodDelete || method == http.MethodPost)
}

// RootTag is the tag of the operations served at the root of the server rather than under the
// API's base path: the probes.
const RootTag = "operations"

const (
	mediaJSON       = "application/json"
	mediaProblem    = "application/problem+json"
	mediaMergePatch = "application/merge-patch+json"
)

// Convert turns swag's Swagger 2.0 JSON into chainkb's OpenAPI 3.0 document. routes is the route
// table ("METHOD /gin/route" to the route's role and rate limiting, as api.Routes returns it); every
// documented operation must be in it.
//
// root is the module's root directory: the Go types the schemas were made from are read there, for
// what swag does not carry over (validate rules, pointers, fields it was told to ignore).
func Convert(swagger2 []byte, routes map[string]api.Route, root string) (*openapi3.T, error) {
	renamed, names, err := renameDefinitions(swagger2)
	if err != nil {
		return nil, err
	}
	gts, err := goTypes(root, slices.Collect(maps.Keys(names)))
	if err != nil {
		return nil, err
	}
	types := map[string]*goStruct{}
	for old, gs := range gts {
		types[names[old]] = gs
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(renamed, &doc2); err != nil {
		return nil, fmt.Errorf("read swagger 2.0: %w", err)
	}
	paramExamples, err := readParamExamples(renamed)
	if err != nil {
		return nil, err
	}
	doc, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("convert to openapi 3: %w", err)
	}
	base := strings.TrimSuffix(doc2.BasePath, "/")
	f := &fixer{doc: doc, base: base, routes: routes, paramExamples: paramExamples, types: types}
	if err := f.fix(); err != nil {
		return nil, err
	}
	// What is written out is what is checked: marshal, load back (which resolves the references
	// the fixes added) and validate.
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	out, err := Load(raw)
	if err != nil {
		return nil, err
	}
	if err := check(out); err != nil {
		return nil, err
	}
	return out, nil
}

// Load reads an OpenAPI 3 document and validates it with kin-openapi's own rules.
func Load(raw []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("load openapi 3: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi 3 document is not valid: %w", err)
	}
	return doc, nil
}

// renameDefinitions drops the Go package from swag's definition names ("models.Tactic" becomes
// "Tactic") in the definitions and in every $ref to them.
func renameDefinitions(swagger2 []byte) ([]byte, map[string]string, error) {
	var tree map[string]any
	if err := json.Unmarshal(swagger2, &tree); err != nil {
		return nil, nil, fmt.Errorf("read swagger 2.0: %w", err)
	}
	defs, _ := tree["definitions"].(map[string]any)
	names := map[string]string{}
	renamed := map[string]any{}
	for old, def := range defs {
		name := old[strings.LastIndex(old, ".")+1:]
		if _, taken := renamed[name]; taken {
			return nil, nil, fmt.Errorf("definitions %q and another both become %q: rename one of the Go types", old, name)
		}
		names[old] = name
		renamed[name] = def
	}
	tree["definitions"] = renamed
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "$ref" {
					if old, ok := strings.CutPrefix(s, "#/definitions/"); ok && names[old] != "" {
						v[k] = "#/definitions/" + names[old]
					}
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(tree)
	out, err := json.Marshal(tree)
	return out, names, err
}

// paramKey names a parameter of an operation: "GET /tactics/{id} path id".
func paramKey(method, path, in, name string) string {
	return method + " " + path + " " + in + " " + name
}

// readParamExamples collects the examples of swag's non-body parameters, which openapi2conv drops.
func readParamExamples(swagger2 []byte) (map[string]any, error) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name    string `json:"name"`
				In      string `json:"in"`
				Example any    `json:"example"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(swagger2, &doc); err != nil {
		return nil, fmt.Errorf("read swagger 2.0 parameters: %w", err)
	}
	out := map[string]any{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			for _, p := range op.Parameters {
				if p.Example != nil {
					out[paramKey(strings.ToUpper(method), path, p.In, p.Name)] = p.Example
				}
			}
		}
	}
	return out, nil
}

type fixer struct {
	doc           *openapi3.T
	base          string
	routes        map[string]api.Route
	paramExamples map[string]any
	types         map[string]*goStruct // the Go structs of the schemas, by schema name
}

func (f *fixer) fix() error {
	doc := f.doc
	if c := doc.Info.Contact; c != nil && c.Name == "" && c.URL == "" && c.Email == "" {
		doc.Info.Contact = nil
	}
	doc.Servers = openapi3.Servers{{URL: f.base, Description: "this server: the API is under " + f.base}}
	f.addComponents()
	f.addHeaders()
	requests := f.requestSchemas()
	if err := f.strictRequests(requests); err != nil {
		return err
	}
	f.nullableResponses(requests)
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		base := f.base
		if root := rootPath(item); root {
			base = ""
			item.Servers = openapi3.Servers{{URL: "/", Description: "the probes are at the root, not under " + f.base}}
		}
		for _, method := range sortedMethods(item) {
			op := item.GetOperation(method)
			if err := f.fixOperation(method, path, base, op); err != nil {
				return fmt.Errorf("%s %s: %w", method, path, err)
			}
		}
	}
	f.hideShadowedIDs()
	f.alsoCSV()
	f.requireResponseFields()
	f.typeNullableRefs()
	if err := f.typeRevisions(); err != nil {
		return err
	}
	f.fixProblem()
	requireAlwaysSent(f.doc.Components.Schemas["Problem"].Value, "code", "detail", "instance")
	return nil
}

// typeNullableRefs gives a nullable property that is a reference (allOf of one $ref, as swag and
// patchSchema write a nullable reference) the type of what it refers to: OpenAPI 3.0 ignores
// nullable without a type beside it.
func (f *fixer) typeNullableRefs() {
	schemas := f.doc.Components.Schemas
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		s := schemas[name].Value
		if s == nil {
			continue
		}
		for _, p := range s.Properties {
			v := p.Value
			if p.Ref != "" || v == nil || !v.Nullable || v.Type != nil || len(v.AllOf) != 1 {
				continue
			}
			target := schemas[strings.TrimPrefix(v.AllOf[0].Ref, "#/components/schemas/")]
			if target != nil && target.Value != nil && target.Value.Type != nil {
				t := *target.Value.Type
				v.Type = &t
			}
		}
	}
}

// shadowedIDs are the database ids that a bundle's types hide behind a field of their own (swag
// cannot tell that an outer field hides an embedded one): a bundle names chains and stages by slug.
var shadowedIDs = map[string]string{"BundleStage": "chain_id", "BundleTactic": "stage_id"}

// csvTwins are operations that also answer text/csv (with Accept: text/csv) as their twin does,
// which Swagger 2.0 cannot say: one schema serves every media type of a response there.
var csvTwins = map[string]string{"getChainTable": "getChainTableCSV"}

// alsoCSV adds the twin's text/csv answer to the 200 of each operation in csvTwins.
func (f *fixer) alsoCSV() {
	ops := map[string]*openapi3.Operation{}
	for _, path := range f.doc.Paths.InMatchingOrder() {
		for _, op := range f.doc.Paths.Value(path).Operations() {
			ops[op.OperationID] = op
		}
	}
	for id, twin := range csvTwins {
		op, tw := ops[id], ops[twin]
		if op == nil || tw == nil {
			continue
		}
		from, to := tw.Responses.Status(http.StatusOK), op.Responses.Status(http.StatusOK)
		if from == nil || to == nil || from.Value == nil || to.Value == nil {
			continue
		}
		if mt := from.Value.Content.Get("text/csv"); mt != nil {
			to.Value.Content["text/csv"] = mt
		}
	}
}

// hideShadowedIDs drops the hidden ids from the bundle's schemas.
func (f *fixer) hideShadowedIDs() {
	for name, prop := range shadowedIDs {
		s, ok := f.doc.Components.Schemas[name]
		if !ok || s.Value == nil {
			continue
		}
		delete(s.Value.Properties, prop)
		s.Value.Required = slices.DeleteFunc(s.Value.Required, func(r string) bool { return r == prop })
	}
}

// rootPath reports whether the operations of a path are served at the root (tagged RootTag).
func rootPath(item *openapi3.PathItem) bool {
	for _, op := range item.Operations() {
		if !slices.Contains(op.Tags, RootTag) {
			return false
		}
	}
	return len(item.Operations()) > 0
}

func sortedMethods(item *openapi3.PathItem) []string {
	return slices.Sorted(maps.Keys(item.Operations()))
}

// roleSentence matches an annotation's own "Role: editor." at the end of a description.
var roleSentence = regexp.MustCompile(`\s*Role: [a-z]+\.\s*$`)

// ginParam matches a path parameter in an OpenAPI path.
var ginParam = regexp.MustCompile(`\{([^}]+)\}`)

// GinRoute returns the gin route pattern of an OpenAPI path served under base:
// "/tactics/{id}" under "/api/v1" is "/api/v1/tactics/:id".
func GinRoute(base, path string) string {
	return base + ginParam.ReplaceAllString(path, ":$1")
}

func problemContent() openapi3.Content {
	return openapi3.Content{mediaProblem: &openapi3.MediaType{Schema: &openapi3.SchemaRef{Ref: "#/components/schemas/Problem"}}}
}

func stringSchema(example string) *openapi3.SchemaRef {
	return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Example: example}}
}

// The shared responses and parameters the fixes refer to.
const (
	respBadRequest      = "BadRequest"
	respUnauthorized    = "Unauthorized"
	respForbidden       = "Forbidden"
	respTooManyRequests = "TooManyRequests"
	respInternal        = "InternalError"
	respTooLarge        = "RequestTooLarge"
	paramIdempotencyKey = "IdempotencyKey"
)

func (f *fixer) addComponents() {
	c := f.doc.Components
	c.SecuritySchemes = openapi3.SecuritySchemes{SecurityScheme: {Value: &openapi3.SecurityScheme{
		Type:         "http",
		Scheme:       "bearer",
		BearerFormat: "ckb_ followed by 52 base32 characters (a-z, 2-7)",
		Description: "An API key, sent as `Authorization: Bearer <key>` (never in the URL). Its role decides what it may do: " +
			"`reader` (partner apps: also the change feed), `editor` (also writes, drafts and history), `admin` (also keys). " +
			"Reads need no key; a key that is sent must be valid, even on a read. In Swagger UI, paste the key alone: the UI adds `Bearer `.",
	}}}
	resp := func(desc string, headers openapi3.Headers) *openapi3.ResponseRef {
		return &openapi3.ResponseRef{Value: &openapi3.Response{Description: &desc, Headers: headers, Content: problemContent()}}
	}
	header := func(desc, example string) *openapi3.HeaderRef {
		return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{Description: desc, Schema: stringSchema(example)}}}
	}
	c.Responses = openapi3.ResponseBodies{
		respBadRequest: resp("Malformed request: an API key in the URL (code `key_in_url`), or a malformed Idempotency-Key.", nil),
		respUnauthorized: resp("No key where one is needed, or a key that is unknown, revoked or expired (code `unauthorized`).",
			openapi3.Headers{"WWW-Authenticate": header("The challenge: send a bearer key", `Bearer realm="chainkb"`)}),
		respForbidden: resp("The key's role may not do this (code `forbidden`).", nil),
		respTooManyRequests: resp("Too many requests from this client; retry after the time Retry-After gives.",
			openapi3.Headers{"Retry-After": header("Seconds to wait before retrying", "1")}),
		respTooLarge: resp("The request body is over the limit (1 MiB unless configured; code `body_too_large`).", nil),
		respInternal: resp("The server failed (code `internal`); nothing was changed, and retrying may help. Always a bug.", nil),
	}
	c.Headers = openapi3.Headers{"IdempotentReplayed": {Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Description: "true when this is the kept response to an earlier request with the same Idempotency-Key",
		Schema:      stringSchema("true"),
	}}}}
	c.Parameters = openapi3.ParametersMap{paramIdempotencyKey: {Value: &openapi3.Parameter{
		Name: "Idempotency-Key",
		In:   openapi3.ParameterInHeader,
		Description: "Makes the POST safe to retry: the first successful response is kept for 24 hours per key holder and replayed " +
			"(with `Idempotent-Replayed: true`) to a retry with the same key, creating nothing new. The same key with a different " +
			"request is 422; while the first is still running, 409. 1-255 visible ASCII characters; a UUID is a good choice.",
		Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, MinLength: 1, MaxLength: ptr(uint64(255))}},
	}}}
}

func ptr[T any](v T) *T { return &v }

// patchSchema adds a "<Name>Patch" schema made from "<Name>Input", unless it is there, and returns
// a reference to it: the same fields, none required, each nullable (in a merge patch, null removes
// a field).
func (f *fixer) patchSchema(inputRef string) (*openapi3.SchemaRef, error) {
	schemas := f.doc.Components.Schemas
	name := strings.TrimPrefix(inputRef, "#/components/schemas/")
	base, ok := strings.CutSuffix(name, "Input")
	if ref := schemas[name]; !ok || ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("a PATCH's body must be annotated as the resource's Input type, e.g. \"@Param patch body models.TacticInput true ...\", not %q", inputRef)
	}
	out := &openapi3.SchemaRef{Ref: "#/components/schemas/" + base + "Patch"}
	if schemas[base+"Patch"] != nil {
		return out, nil
	}
	in := schemas[name].Value
	{
		patch := &openapi3.Schema{
			Type:        in.Type,
			Description: "A JSON Merge Patch (RFC 7396) of a " + strings.ToLower(base) + ": any of the fields of " + name + ", each optional; `null` clears a field that is not required. A list is replaced whole.",
			Properties:  openapi3.Schemas{},
		}
		patch.AdditionalProperties = in.AdditionalProperties
		for prop, p := range in.Properties {
			if slices.Contains(in.Required, prop) {
				// null would clear a required field, which is 422: not nullable.
				patch.Properties[prop] = p
				continue
			}
			if p.Ref != "" {
				patch.Properties[prop] = f.nullableRef(p)
				continue
			}
			v := *p.Value
			f.setNullable(&v)
			patch.Properties[prop] = &openapi3.SchemaRef{Value: &v}
		}
		schemas[base+"Patch"] = &openapi3.SchemaRef{Value: patch}
	}
	return out, nil
}

func (f *fixer) fixOperation(method, path, base string, op *openapi3.Operation) error {
	route := method + " " + GinRoute(base, path)
	rt, ok := f.routes[route]
	if !ok {
		return fmt.Errorf("the route %q has no role in the route table (api/routes.go): is the @Router annotation right?", route)
	}
	need := rt.Role

	// Security from the route table.
	key := openapi3.SecurityRequirement{SecurityScheme: []string{}}
	if need == models.RoleAnonymous {
		op.Security = &openapi3.SecurityRequirements{{}, key}
	} else {
		op.Security = &openapi3.SecurityRequirements{key}
		// The route table says which role; an annotation that says it too is dropped for it.
		op.Description = strings.TrimSpace(roleSentence.ReplaceAllString(op.Description, "")) + "\n\nRole: `" + need.String() + "` or above."
	}

	// Parameter examples that the conversion dropped.
	for _, p := range op.Parameters {
		if p.Value == nil {
			continue
		}
		if noExample(method, p.Value) {
			continue
		}
		if ex, ok := f.paramExamples[paramKey(method, path, p.Value.In, p.Value.Name)]; ok {
			p.Value.Example = coerceExample(ex, p.Value.Schema)
		}
	}
	pathIDs(op)

	// Request bodies: a PATCH is a merge patch of the <Name>Patch schema.
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		rb := op.RequestBody.Value
		rb.Required = true
		delete(rb.Extensions, "x-originalParamName")
		if method == http.MethodPatch {
			mt := rb.Content.Get(mediaJSON)
			if mt == nil || mt.Schema == nil {
				return errors.New("a PATCH needs a JSON body")
			}
			patch, err := f.patchSchema(mt.Schema.Ref)
			if err != nil {
				return err
			}
			rb.Content = openapi3.Content{
				mediaMergePatch: &openapi3.MediaType{Schema: patch},
				mediaJSON:       &openapi3.MediaType{Schema: patch},
			}
		}
	}

	f.requestExample(method, path, op)

	// Every POST may carry an Idempotency-Key, and its success may be a replay.
	if method == http.MethodPost {
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Ref: "#/components/parameters/" + paramIdempotencyKey})
		for code, r := range op.Responses.Map() {
			if r.Value != nil && code[0] == '2' {
				if r.Value.Headers == nil {
					r.Value.Headers = openapi3.Headers{}
				}
				r.Value.Headers["Idempotent-Replayed"] = &openapi3.HeaderRef{Ref: "#/components/headers/IdempotentReplayed"}
			}
		}
	}

	// Errors are problem+json.
	for code, r := range op.Responses.Map() {
		if r.Value == nil || len(code) != 3 || code[0] < '4' {
			continue
		}
		r.Value.Content = problemContent()
	}

	// What middleware answers on any route.
	ref := func(name string) *openapi3.ResponseRef {
		return &openapi3.ResponseRef{Ref: "#/components/responses/" + name}
	}
	add := func(status int, name string) {
		if op.Responses.Value(strconv.Itoa(status)) == nil {
			op.Responses.Set(strconv.Itoa(status), ref(name))
		}
	}
	if op.Responses.Value("400") == nil {
		op.Responses.Set("400", ref(respBadRequest))
	} else {
		f.addOrExtend(op, http.StatusBadRequest, "an API key in the URL (code `key_in_url`)")
		if method == http.MethodPost {
			f.addOrExtend(op, http.StatusBadRequest, "a malformed Idempotency-Key (code `bad_idempotency_key`)")
		}
	}
	add(http.StatusRequestEntityTooLarge, respTooLarge)
	op.Responses.Set("401", ref(respUnauthorized))
	if need > models.RoleReader {
		op.Responses.Set("403", ref(respForbidden))
	}
	// Below that, a 403 is the handler's own (a parameter that asks for drafts), as declared.
	if rt.RateLimited {
		op.Responses.Set("429", ref(respTooManyRequests))
	}
	op.Responses.Set("500", ref(respInternal))
	if method == http.MethodPost && strings.HasSuffix(path, "/restore") {
		f.addOrExtend(op, http.StatusConflict, "the revision records a delete, which has no state to go back to (code `not_restorable`): restore the revision before it")
	}
	if method == http.MethodPost {
		f.addOrExtend(op, http.StatusConflict, "a request with the same Idempotency-Key is still running (code `idempotency_in_progress`)")
		f.addOrExtend(op, http.StatusUnprocessableEntity, "the Idempotency-Key was used for a different request (code `idempotency_key_reused`)")
	}
	if rt.Revalidated {
		revalidation(op)
	}
	responseHeaders(op, rt.RateLimited)
	return nil
}

// revalidation declares what the middleware does for a list (api.revalidate): its answer carries
// a weak ETag, and If-None-Match naming it gets 304 while the knowledge base has not changed.
func revalidation(op *openapi3.Operation) {
	if op.Parameters.GetByInAndName(openapi3.ParameterInHeader, "If-None-Match") == nil {
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: &openapi3.Parameter{
			Name: "If-None-Match", In: openapi3.ParameterInHeader,
			Description: "ETag of an earlier answer to the same request, as it came, W/ and quotes included: the answer is 304 without a body while nothing in the knowledge base has changed",
			Schema:      stringSchema(`W/"kb42-3f2a9c0d1e8b7a65"`),
		}})
	}
	if ok := op.Responses.Value("200"); ok != nil && ok.Value != nil {
		if ok.Value.Headers == nil {
			ok.Value.Headers = openapi3.Headers{}
		}
		ok.Value.Headers["ETag"] = &openapi3.HeaderRef{Ref: "#/components/headers/" + headerListETag}
	}
	if op.Responses.Value("304") == nil {
		d := "Not modified: nothing in the knowledge base has changed since the ETag in If-None-Match"
		op.Responses.Set("304", &openapi3.ResponseRef{Value: &openapi3.Response{Description: &d}})
	}
}

// addOrExtend declares a problem response for one more cause (desc, lowercase, no full stop), or
// adds the cause to the response that is there.
func (f *fixer) addOrExtend(op *openapi3.Operation, status int, desc string) {
	code := strconv.Itoa(status)
	if r := op.Responses.Value(code); r != nil && r.Value != nil {
		d := strings.TrimSuffix(strings.TrimSpace(*r.Value.Description), ".") + "; or " + desc + "."
		r.Value.Description = &d
		return
	}
	d := strings.ToUpper(desc[:1]) + desc[1:] + "."
	op.Responses.Set(code, &openapi3.ResponseRef{Value: &openapi3.Response{Description: &d, Content: problemContent()}})
}

// coerceExample turns swag's example (a string, as it read it from the comment) into the type of
// the parameter's schema.
func coerceExample(ex any, schema *openapi3.SchemaRef) any {
	s, ok := ex.(string)
	if !ok || schema == nil || schema.Value == nil {
		return ex
	}
	t := schema.Value.Type
	switch {
	case t.Is(openapi3.TypeInteger):
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	case t.Is(openapi3.TypeBoolean):
		if b, err := strconv.ParseBool(s); err == nil {
			return b
		}
	case t.Is(openapi3.TypeArray):
		return strings.Split(s, ",")
	}
	return s
}

// requireResponseFields makes every property required in the schemas that only responses use,
// except those marked x-omitempty; and removes the x-omitempty marks.
func (f *fixer) requireResponseFields() {
	inRequests := map[string]bool{}
	for _, item := range f.doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				f.reach(mt.Schema, inRequests)
			}
		}
	}
	for name, ref := range f.doc.Components.Schemas {
		s := ref.Value
		if s == nil {
			continue
		}
		var required []string
		for prop, p := range s.Properties {
			omit := false
			for _, x := range []*openapi3.SchemaRef{p} {
				if _, ok := x.Extensions["x-omitempty"]; ok {
					omit = true
					delete(x.Extensions, "x-omitempty")
				}
				if x.Value != nil {
					if _, ok := x.Value.Extensions["x-omitempty"]; ok {
						omit = true
						delete(x.Value.Extensions, "x-omitempty")
					}
				}
			}
			if !omit {
				required = append(required, prop)
			}
		}
		if !inRequests[name] && len(s.Properties) > 0 {
			sort.Strings(required)
			s.Required = required
		}
	}
}

// reach marks the component schemas that a schema refers to, transitively.
func (f *fixer) reach(ref *openapi3.SchemaRef, seen map[string]bool) {
	if ref == nil {
		return
	}
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		if seen[name] {
			return
		}
		seen[name] = true
		f.reach(f.doc.Components.Schemas[name], seen)
		return
	}
	s := ref.Value
	if s == nil {
		return
	}
	for _, p := range s.Properties {
		f.reach(p, seen)
	}
	f.reach(s.Items, seen)
	for _, x := range slices.Concat(s.AllOf, s.AnyOf, s.OneOf) {
		f.reach(x, seen)
	}
}

// check enforces what every operation, parameter and property must have.
func check(doc *openapi3.T) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			where := method + " " + path
			if op.Summary == "" || strings.TrimSpace(op.Description) == "" || op.OperationID == "" || len(op.Tags) != 1 {
				fail("%s: needs a summary, a description, an operationId (@ID) and one tag", where)
			}
			for _, p := range op.Parameters {
				v := p.Value
				if v.Description == "" {
					fail("%s: parameter %s has no description", where, v.Name)
				}
				if v.Example == nil && (v.Schema == nil || v.Schema.Value.Example == nil) && !slices.Contains(NoExample, v.Name) && !noExample(method, v) {
					fail("%s: parameter %s has no example", where, v.Name)
				}
			}
			if rb := op.RequestBody; rb != nil && rb.Value.Description == "" {
				fail("%s: the request body has no description", where)
			}
			if rb := op.RequestBody; rb != nil {
				for media, mt := range rb.Value.Content {
					if mt.Example == nil {
						fail("%s: the %s request body has no example", where, media)
					} else if err := mt.Schema.Value.VisitJSON(mt.Example, openapi3.VisitAsRequest()); err != nil {
						fail("%s: the %s request body's example does not fit its schema: %v", where, media, err)
					}
					if m, ok := mt.Example.(map[string]any); ok && m["version"] != nil {
						fail("%s: the request body's example has a version: executed untouched in Swagger UI it would overwrite content", where)
					}
				}
			}
			for code, r := range op.Responses.Map() {
				if r.Value.Description == nil || *r.Value.Description == "" {
					fail("%s: response %s has no description", where, code)
				}
			}
		}
	}
	for name, ref := range doc.Components.Schemas {
		if ref.Value.Description == "" {
			fail("schema %s has no description (a doc comment on its Go type)", name)
		}
		for prop, p := range ref.Value.Properties {
			v := p.Value
			desc := v.Description
			if desc == "" && len(v.AllOf) == 1 && v.AllOf[0].Value != nil {
				desc = v.AllOf[0].Value.Description
			}
			if desc == "" && p.Ref == "" {
				fail("schema %s: property %s has no description (a doc comment on the Go field)", name, prop)
			}
			scalar := v.Type != nil && (v.Type.Is(openapi3.TypeString) || v.Type.Is(openapi3.TypeInteger) || v.Type.Is(openapi3.TypeNumber) || v.Type.Is(openapi3.TypeBoolean))
			if scalar && v.Example == nil && v.Default == nil {
				fail("schema %s: property %s has no example (an example tag on the Go field)", name, prop)
			}
		}
	}
	return errors.Join(errs...)
}
