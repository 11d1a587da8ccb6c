// Package openapi makes the OpenAPI 3.0 document that chainkb serves at /openapi.json, for client
// generators and Swagger UI, from the route table (api.Routes): each route's operation as its
// handler describes it (an apidoc.Op), its role, rate limiting and revalidation, and the Go types
// of its bodies, whose doc comments and tags give the schemas.
//
// Besides what each operation says, it adds in this one place what every operation shares:
//
//   - security from the route's role: an anonymous route has optional security [{}, {BearerKey: []}];
//     the others name their least role in their description.
//   - errors are application/problem+json with the Problem schema; the answers that middleware gives
//     on any route (400 for a key in the URL, 401, 403 below the role, 409/422 for an
//     Idempotency-Key, 413, 429 where rate limits apply, 500) are declared on every operation they
//     can reach. Every POST takes an optional Idempotency-Key.
//   - a PATCH takes a JSON Merge Patch (application/merge-patch+json or application/json) of a
//     "<Name>Patch" schema made from the "<Name>Input" of its body: every field optional, null
//     clears one that is not required.
//   - schemas (schema.go, strict.go): request schemas as strict as the server's decoding and
//     validation; in schemas that only responses use, every property required unless its Go field
//     is omitempty, and pointer fields nullable; Revision one variant per entity; Problem.code the
//     enum of models.ErrorCodes.
//   - headers: X-Request-ID, RateLimit-*, the ETag of a 304, the weak ETag of a list.
//   - request examples that are harmless when Swagger UI executes them untouched.
//
// It refuses a document that breaks the rules for every operation (a summary, a description, an
// operationId, one tag; every parameter and property described, with an example where it is a
// scalar), so that the generator fails rather than publish a thinner spec.
package openapi

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"chainkb/api"
	"chainkb/handlers"
	"chainkb/internal/apidoc"
	"chainkb/models"
)

// SecurityScheme is the name of the API key's security scheme.
const SecurityScheme = "BearerKey"

// NoExample are the parameters that have no example, because Swagger UI fills a parameter's
// example in when a person tries an operation out, and no value of these is right for every
// request: a stale precondition would be a 412 (If-Match) or an empty 304 (If-None-Match), an
// Idempotency-Key reused for another request a 422, a cursor from another list a 400, a release
// that this server has not cut a 404 (and beside a live list's other filters, a 400), as is a
// bibliography's format beside the list's filters. Their descriptions say what to send.
var NoExample = []string{"If-Match", "If-None-Match", "Idempotency-Key", "cursor", "release", "format"}

// noExample reports whether a parameter of an operation must have no example: the path
// parameters of a write that needs no precondition (DELETE, a restore), so that Swagger UI, which
// pre-fills examples, cannot delete or restore real content on an untouched Execute: it asks for
// the id instead.
func noExample(method string, p *openapi3.Parameter) bool {
	return p.In == openapi3.ParameterInPath && (method == http.MethodDelete || method == http.MethodPost)
}

// RootTag is the tag of the operations served at the root of the server rather than under the
// API's base path: the probes and the metrics.
const RootTag = "operations"

const (
	mediaJSON       = "application/json"
	mediaProblem    = "application/problem+json"
	mediaMergePatch = "application/merge-patch+json"
)

// Build makes the document from the route table ("METHOD /gin/route" to the route, as api.Routes
// returns it): every route whose operation is described. root is the module's root directory,
// where the doc comments of the Go types are read.
func Build(routes map[string]api.Route, root string) (*openapi3.T, error) {
	b := &builder{schemas: newSchemas(root), routes: routes, patches: map[*openapi3.MediaType]string{}}
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{Title: title, Version: version, Description: description,
			License: &openapi3.License{Name: license}},
		Servers:    openapi3.Servers{{URL: Base, Description: "this server: the API is under " + Base}},
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: b.schemas.components, Headers: openapi3.Headers{}},
	}
	for _, t := range tags {
		doc.Tags = append(doc.Tags, &openapi3.Tag{Name: t[0], Description: t[1]})
	}
	b.doc = doc
	// Every error is a Problem.
	if _, err := b.schemas.ref(reflect.TypeOf(handlers.Problem{})); err != nil {
		return nil, err
	}
	b.addComponents()
	b.addHeaders()
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(routes)) {
		rt := routes[key]
		if !rt.Doc.Documented() {
			continue
		}
		method, ginPath, _ := strings.Cut(key, " ")
		if err := b.operation(method, ginPath, rt); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	// What is written out is what is checked: marshal, load back (which resolves the references)
	// and validate.
	raw, err := doc.MarshalJSON()
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

type builder struct {
	doc     *openapi3.T
	schemas *schemas
	routes  map[string]api.Route
	// patches are the PATCH bodies, to become merge patches of the named Input schema once the
	// request schemas are strict.
	patches map[*openapi3.MediaType]string
	// bodies are the operations with a request body, for the examples.
	bodies []*openapi3.Operation
}

// ginParam matches a path parameter in a gin route.
var ginParam = regexp.MustCompile(`[:*]([^/]+)`)

// openAPIPath returns the OpenAPI path of a gin route and whether it is under Base:
// "/api/v1/tactics/:id" is "/tactics/{id}".
func openAPIPath(ginPath string) (string, bool) {
	p, under := strings.CutPrefix(ginPath, Base)
	return ginParam.ReplaceAllString(p, "{$1}"), under
}

// oaParam matches a path parameter in an OpenAPI path.
var oaParam = regexp.MustCompile(`\{([^}]+)\}`)

// GinRoute returns the gin route pattern of an OpenAPI path served under base:
// "/tactics/{id}" under "/api/v1" is "/api/v1/tactics/:id".
func GinRoute(base, path string) string {
	return base + oaParam.ReplaceAllString(path, ":$1")
}

func problemContent() openapi3.Content {
	return openapi3.Content{mediaProblem: &openapi3.MediaType{Schema: &openapi3.SchemaRef{Ref: "#/components/schemas/Problem"}}}
}

func stringSchema(example string) *openapi3.SchemaRef {
	return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Example: example}}
}

// operation adds one route's operation to the document.
func (b *builder) operation(method, ginPath string, rt api.Route) error {
	d := rt.Doc
	path, underBase := openAPIPath(ginPath)
	item := b.doc.Paths.Value(path)
	if item == nil {
		item = &openapi3.PathItem{}
		b.doc.Paths.Set(path, item)
	}
	if !underBase {
		if d.Tag != RootTag {
			return fmt.Errorf("served at the root, so its tag must be %q, not %q", RootTag, d.Tag)
		}
		item.Servers = openapi3.Servers{{URL: "/", Description: "the probes are at the root, not under " + Base}}
	}
	op := &openapi3.Operation{OperationID: d.ID, Tags: []string{d.Tag}, Summary: d.Summary, Description: d.Description,
		Responses: openapi3.NewResponses()}
	op.Responses.Delete("default")
	item.SetOperation(method, op)

	// Security from the route table.
	key := openapi3.SecurityRequirement{SecurityScheme: []string{}}
	if rt.Role == models.RoleAnonymous {
		op.Security = &openapi3.SecurityRequirements{{}, key}
	} else {
		op.Security = &openapi3.SecurityRequirements{key}
		op.Description = strings.TrimSpace(op.Description) + "\n\nRole: `" + rt.Role.String() + "` or above."
	}

	for _, p := range d.Params {
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: parameter(method, p)})
	}
	if d.Body != nil {
		ref, err := b.schemas.ref(reflect.TypeOf(d.Body.Schema))
		if err != nil {
			return err
		}
		mt := &openapi3.MediaType{Schema: ref}
		rb := &openapi3.RequestBody{Description: d.Body.Description, Required: true, Content: openapi3.Content{mediaJSON: mt}}
		if method == http.MethodPatch {
			name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/")
			if !ok || !strings.HasSuffix(name, "Input") {
				return fmt.Errorf("a PATCH's body must be the resource's Input type (models.TacticInput), not %T", d.Body.Schema)
			}
			b.patches[mt] = name
			rb.Content[mediaMergePatch] = mt
		}
		op.RequestBody = &openapi3.RequestBodyRef{Value: rb}
		b.bodies = append(b.bodies, op)
	}
	if err := b.responses(op, d.Responses); err != nil {
		return err
	}
	for _, cb := range d.Callbacks {
		if err := b.callback(op, cb); err != nil {
			return fmt.Errorf("callback %s: %w", cb.Name, err)
		}
	}
	return b.shared(method, path, op, rt)
}

// responses adds the answers to an operation.
func (b *builder) responses(op *openapi3.Operation, rs []apidoc.Response) error {
	for _, r := range rs {
		resp, err := b.response(r)
		if err != nil {
			return err
		}
		code := strconv.Itoa(r.Status)
		if op.Responses.Value(code) != nil {
			return fmt.Errorf("answer %s is described twice: say both causes in one", code)
		}
		op.Responses.Set(code, &openapi3.ResponseRef{Value: resp})
	}
	return nil
}

// callback adds to an operation a request chainkb makes to the partner's server: a POST with a
// JSON body and headers. Its answers are the partner's, so none of the shared ones apply.
func (b *builder) callback(op *openapi3.Operation, cb apidoc.Callback) error {
	ref, err := b.schemas.ref(reflect.TypeOf(cb.Body))
	if err != nil {
		return err
	}
	// It has the operation's tag, and no security scheme of chainkb's: the request is signed.
	post := &openapi3.Operation{Tags: op.Tags, Summary: cb.Summary, Description: cb.Description, Responses: openapi3.NewResponses(),
		Security:    &openapi3.SecurityRequirements{},
		RequestBody: &openapi3.RequestBodyRef{Value: &openapi3.RequestBody{Required: true, Content: openapi3.Content{mediaJSON: &openapi3.MediaType{Schema: ref}}}}}
	post.Responses.Delete("default")
	for _, p := range cb.Params {
		post.Parameters = append(post.Parameters, &openapi3.ParameterRef{Value: parameter(http.MethodPost, p)})
	}
	if err := b.responses(post, cb.Responses); err != nil {
		return err
	}
	for _, r := range post.Responses.Map() {
		r.Value.Content = nil // what the partner's server answers with is its own; chainkb reads only the status
	}
	if op.Callbacks == nil {
		op.Callbacks = openapi3.Callbacks{}
	}
	op.Callbacks[cb.Name] = &openapi3.CallbackRef{Value: openapi3.NewCallback(openapi3.WithCallback(cb.URL, &openapi3.PathItem{Post: post}))}
	return nil
}

// parameter is the OpenAPI parameter of an apidoc.Param.
func parameter(method string, p apidoc.Param) *openapi3.Parameter {
	typ := p.Type
	if typ == "" {
		typ = openapi3.TypeString
	}
	s := &openapi3.Schema{Type: &openapi3.Types{typ}, Default: p.Default, Min: p.Min, Max: p.Max,
		Pattern: p.Pattern, Format: p.Format}
	if p.MaxLength > 0 {
		s.MaxLength = ptr(p.MaxLength)
	}
	enum := &s.Enum
	if typ == openapi3.TypeArray {
		items := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}}
		s.Items = &openapi3.SchemaRef{Value: items}
		enum = &items.Enum
	}
	for _, e := range p.Enum {
		*enum = append(*enum, e)
	}
	out := &openapi3.Parameter{Name: p.Name, In: p.In, Description: p.Description, Required: p.Required || p.In == apidoc.InPath,
		Schema: &openapi3.SchemaRef{Value: s}}
	if typ == openapi3.TypeArray {
		out.Explode = ptr(true)
		out.Style = "form"
	}
	if !noExample(method, out) {
		out.Example = p.Example
		if ex, ok := p.Example.(string); ok && typ == openapi3.TypeArray {
			out.Example = strings.Split(ex, ",")
		}
	}
	return out
}

// response is the OpenAPI response of an apidoc.Response.
func (b *builder) response(r apidoc.Response) (*openapi3.Response, error) {
	desc := r.Description
	out := &openapi3.Response{Description: &desc}
	switch {
	case r.Status >= 400:
		out.Content = problemContent()
	case r.Media != "":
		out.Content = openapi3.Content{r.Media: &openapi3.MediaType{Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}}}}}
	case r.Body != nil:
		ref, err := b.schemas.ref(reflect.TypeOf(r.Body))
		if err != nil {
			return nil, err
		}
		out.Content = openapi3.Content{mediaJSON: &openapi3.MediaType{Schema: ref}}
	}
	for _, alt := range r.Alt {
		if out.Content == nil {
			out.Content = openapi3.Content{}
		}
		schema := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}}}
		if alt.Body != nil {
			ref, err := b.schemas.ref(reflect.TypeOf(alt.Body))
			if err != nil {
				return nil, err
			}
			schema = ref
		}
		out.Content[alt.Media] = &openapi3.MediaType{Schema: schema}
	}
	for _, name := range slices.Sorted(maps.Keys(r.Headers)) {
		if out.Headers == nil {
			out.Headers = openapi3.Headers{}
		}
		out.Headers[name] = &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
			Description: r.Headers[name], Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}}}}}}
	}
	return out, nil
}

// The shared responses and parameters.
const (
	respBadRequest      = "BadRequest"
	respUnauthorized    = "Unauthorized"
	respForbidden       = "Forbidden"
	respTooManyRequests = "TooManyRequests"
	respInternal        = "InternalError"
	respTooLarge        = "RequestTooLarge"
	paramIdempotencyKey = "IdempotencyKey"
)

// shared adds to an operation what the middleware does on every route it can reach.
func (b *builder) shared(method, path string, op *openapi3.Operation, rt api.Route) error {
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
		addOrExtend(op, http.StatusBadRequest, "an API key in the URL (code `key_in_url`)")
		if method == http.MethodPost {
			addOrExtend(op, http.StatusBadRequest, "a malformed Idempotency-Key (code `bad_idempotency_key`)")
		}
	}
	add(http.StatusRequestEntityTooLarge, respTooLarge)
	op.Responses.Set("401", ref(respUnauthorized))
	if rt.Role > models.RoleReader {
		op.Responses.Set("403", ref(respForbidden))
	}
	// Below that, a 403 is the operation's own (a parameter that asks for drafts), as it declares.
	if rt.RateLimited {
		op.Responses.Set("429", ref(respTooManyRequests))
	}
	op.Responses.Set("500", ref(respInternal))
	if method == http.MethodPost && strings.HasSuffix(path, "/restore") {
		addOrExtend(op, http.StatusConflict, "the revision records a delete, which has no state to go back to (code `not_restorable`): restore the revision before it")
	}
	if method == http.MethodPost {
		addOrExtend(op, http.StatusConflict, "a request with the same Idempotency-Key is still running (code `idempotency_in_progress`)")
		addOrExtend(op, http.StatusUnprocessableEntity, "the Idempotency-Key was used for a different request (code `idempotency_key_reused`)")
	}
	if rt.Revalidated {
		revalidation(op)
	}
	responseHeaders(op, rt.RateLimited)
	return nil
}

// finish makes the schemas as strict as the server (strict.go), the PATCH bodies merge patches,
// and the request examples.
func (b *builder) finish() error {
	requests := b.requestSchemas()
	b.strictRequests(requests)
	b.nullableResponses(requests)
	for mt, input := range b.patches {
		mt.Schema = b.patchSchema(input)
	}
	for _, op := range b.bodies {
		b.requestExample(op)
	}
	b.requireResponseFields(requests)
	b.nameEntities()
	if err := b.typeRevisions(); err != nil {
		return err
	}
	b.fixProblem()
	requireAlwaysSent(b.doc.Components.Schemas["Problem"].Value, "code", "detail", "instance")
	return nil
}

func ptr[T any](v T) *T { return &v }

// patchSchema adds a "<Name>Patch" schema made from "<Name>Input", unless it is there, and returns
// a reference to it: the same fields, none required, each nullable but the required ones (in a
// merge patch, null removes a field, and removing a required one is 422).
func (b *builder) patchSchema(input string) *openapi3.SchemaRef {
	schemas := b.doc.Components.Schemas
	base := strings.TrimSuffix(input, "Input")
	out := &openapi3.SchemaRef{Ref: "#/components/schemas/" + base + "Patch"}
	if schemas[base+"Patch"] != nil {
		return out
	}
	in := schemas[input].Value
	patch := &openapi3.Schema{
		Type:                 in.Type,
		Description:          "A JSON Merge Patch (RFC 7396) of a " + strings.ToLower(base) + ": any of the fields of " + input + ", each optional; `null` clears a field that is not required. A list is replaced whole.",
		Properties:           openapi3.Schemas{},
		AdditionalProperties: in.AdditionalProperties,
	}
	for prop, p := range in.Properties {
		if slices.Contains(in.Required, prop) {
			patch.Properties[prop] = p
			continue
		}
		patch.Properties[prop] = orNull(p)
	}
	schemas[base+"Patch"] = &openapi3.SchemaRef{Value: patch}
	return out
}
func (b *builder) addComponents() {
	c := b.doc.Components
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
func addOrExtend(op *openapi3.Operation, status int, desc string) {
	code := strconv.Itoa(status)
	if r := op.Responses.Value(code); r != nil && r.Value != nil {
		d := strings.TrimSuffix(strings.TrimSpace(*r.Value.Description), ".") + "; or " + desc + "."
		r.Value.Description = &d
		return
	}
	d := strings.ToUpper(desc[:1]) + desc[1:] + "."
	op.Responses.Set(code, &openapi3.ResponseRef{Value: &openapi3.Response{Description: &d, Content: problemContent()}})
}

// requireResponseFields makes every property required in the schemas that only responses use,
// except those of omitempty Go fields: the server always sends the others.
func (b *builder) requireResponseFields(requests []string) {
	for name, ref := range b.doc.Components.Schemas {
		s := ref.Value
		facts, ok := b.schemas.fields[name]
		if s == nil || !ok || slices.Contains(requests, name) || len(s.Properties) == 0 {
			continue
		}
		var required []string
		for _, f := range facts {
			if s.Properties[f.json] != nil && !f.omitted {
				required = append(required, f.json)
			}
		}
		sort.Strings(required)
		s.Required = required
	}
}

// reach marks the component schemas that a schema refers to, transitively.
func (b *builder) reach(ref *openapi3.SchemaRef, seen map[string]bool) {
	if ref == nil {
		return
	}
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		if seen[name] {
			return
		}
		seen[name] = true
		b.reach(b.doc.Components.Schemas[name], seen)
		return
	}
	s := ref.Value
	if s == nil {
		return
	}
	for _, p := range s.Properties {
		b.reach(p, seen)
	}
	b.reach(s.Items, seen)
	for _, x := range slices.Concat(s.AllOf, s.AnyOf, s.OneOf) {
		b.reach(x, seen)
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
					if m, ok := mt.Example.(map[string]any); ok && m["version"] != nil && !isString(m["version"]) {
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
			for _, x := range slices.Concat(v.AllOf, v.OneOf) {
				if desc == "" && x.Ref != "" && x.Value != nil {
					desc = x.Value.Description // a reference, maybe or null: its schema's
				}
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

// isString reports whether an example's value is a string (a release's version, its name; an
// object's version, the precondition, is a number).
func isString(v any) bool {
	_, ok := v.(string)
	return ok
}
