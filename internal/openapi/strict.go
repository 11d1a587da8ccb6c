package openapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"chainkb/models"
)

// The patterns of the validate rules that have one; the validators are in models/validate.go, and
// TestPatternsMatchValidators checks these against them.
const (
	// SlugPattern is a slug: lowercase letters, digits and hyphens, not all digits (1-64 by length).
	SlugPattern = `^[a-z0-9-]*[a-z-][a-z0-9-]*$`
	// CodePattern is a tactic's code, e.g. ST-R-R01.
	CodePattern = `^[A-Z][A-Z0-9]{0,5}-[A-Z][A-Z0-9]{0,5}-[A-Z][0-9]{1,4}$`
	// HTTPURLPattern is the http(s) rule of reference URLs.
	HTTPURLPattern = `^[hH][tT][tT][pP][sS]?://[^\s/?#]+`
	// DOIPattern is a DOI without its resolver.
	DOIPattern = `^10\.[0-9]{4,9}/\S+$`
	// NotBlankPattern is a string with something other than white space in it.
	NotBlankPattern = `\S`
)

// applyRules narrows a property's schema by the validate rules of its Go field that swag does not
// carry over: required strings are not empty, and the rules with a pattern get it.
func applyRules(s *openapi3.Schema, rs []string) {
	if s == nil || s.Type == nil || !s.Type.Is(openapi3.TypeString) {
		return
	}
	defer func() {
		// "omitempty": the empty string is left out, not checked.
		if slices.Contains(rs, "omitempty") && s.Pattern != "" && s.Pattern != NotBlankPattern {
			s.Pattern = "^$|" + s.Pattern
		}
	}()
	for _, r := range rs {
		switch r {
		case "required", "notblank":
			if s.MinLength < 1 {
				s.MinLength = 1
			}
			if r == "notblank" && s.Pattern == "" {
				s.Pattern = NotBlankPattern
			}
		case "slug":
			s.Pattern, s.MinLength, s.MaxLength = SlugPattern, 1, ptr(uint64(64))
		case "code":
			s.Pattern = CodePattern
		case "http_url":
			s.Pattern = HTTPURLPattern
		case "doi":
			s.Pattern = DOIPattern
		}
	}
}

// isRequired reports whether a Go field's own rules require it.
func isRequired(validate string) bool {
	own, _ := rules(validate)
	return slices.Contains(own, "required")
}

// refTypeSuffix names the Go types that a write accepts as a slug or as the object a GET returns
// (models.TagRef: "short-term" or {"slug": "short-term", ...}): a string type whose name ends in
// "Ref" and whose UnmarshalJSON reads either.
const refTypeSuffix = "Ref"

// strictRequests makes the schemas that request bodies use as strict as the server's decoding and
// validation, from the Go types they were made from: no additional properties (the server refuses
// unknown fields); the read-only fields a GET returns, which a write accepts and ignores, declared;
// nullable only on pointer fields that are not required (null there is the same as leaving the
// field out, which clears it); the validate rules as minLength and patterns; a "...Ref" item as a
// slug or the object a GET returns.
func (f *fixer) strictRequests(names []string) error {
	for _, name := range names {
		ref := f.doc.Components.Schemas[name]
		gs := f.types[name]
		if ref == nil || ref.Value == nil || gs == nil {
			continue
		}
		s := ref.Value
		s.AdditionalProperties = openapi3.AdditionalProperties{Has: ptr(false)}
		for _, fl := range gs.fields {
			if fl.ignored {
				if _, ok := s.Properties[fl.json]; !ok {
					s.Properties[fl.json] = &openapi3.SchemaRef{Value: &openapi3.Schema{
						Description: "Read-only: what a GET returns here is accepted and ignored, so that what you GET you can PUT back.",
					}}
				}
				continue
			}
			p := s.Properties[fl.json]
			if p == nil {
				continue
			}
			own, items := rules(fl.validate)
			nullable := fl.pointer && !slices.Contains(own, "required")
			if p.Ref != "" {
				if nullable {
					s.Properties[fl.json] = f.nullableRef(p)
				}
				continue
			}
			v := p.Value
			v.Nullable = false
			if nullable {
				f.setNullable(v)
			}
			applyRules(v, own)
			if v.Items != nil && v.Items.Value != nil && v.Items.Ref == "" {
				applyRules(v.Items.Value, items)
				if strings.HasSuffix(fl.elemType, refTypeSuffix) && v.Items.Value.Type.Is(openapi3.TypeString) {
					slug := v.Items.Value
					v.Items = &openapi3.SchemaRef{Value: &openapi3.Schema{
						OneOf: openapi3.SchemaRefs{{Value: slug}, {Value: &openapi3.Schema{
							Type:                 &openapi3.Types{openapi3.TypeObject},
							Description:          "The object as a GET returns it; only its slug counts.",
							Required:             []string{"slug"},
							Properties:           openapi3.Schemas{"slug": {Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Pattern: SlugPattern, MinLength: 1, MaxLength: ptr(uint64(64)), Description: "The slug that counts.", Example: slug.Example}}},
							AdditionalProperties: openapi3.AdditionalProperties{Has: ptr(true)},
						}}},
					}}
					if slug.Description == "" {
						slug.Description = "A slug."
					}
				}
			}
		}
	}
	return nil
}

// nullableResponses marks, in the schemas that only responses use, the Go pointer fields nullable:
// the server sends null for them (a tactic's adoption when it has none).
func (f *fixer) nullableResponses(requests []string) {
	for name, gs := range f.types {
		ref := f.doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil || slices.Contains(requests, name) {
			continue
		}
		for _, fl := range gs.fields {
			p := ref.Value.Properties[fl.json]
			if !fl.pointer || fl.omitted || p == nil {
				continue
			}
			if p.Ref != "" {
				ref.Value.Properties[fl.json] = f.nullableRef(p)
				continue
			}
			f.setNullable(p.Value)
		}
	}
}

// setNullable lets a schema be null: an untyped one already may; an allOf of one reference gets
// the type of the schema referred to, since OpenAPI 3.0 wants nullable next to a type.
func (f *fixer) setNullable(v *openapi3.Schema) {
	if v.Type == nil || len(*v.Type) == 0 {
		if len(v.AllOf) != 1 || v.AllOf[0].Ref == "" {
			return
		}
		target := f.doc.Components.Schemas[strings.TrimPrefix(v.AllOf[0].Ref, "#/components/schemas/")]
		if target == nil || target.Value == nil {
			return
		}
		v.Type = target.Value.Type
	}
	v.Nullable = true
}

// requestSchemas returns the component schemas that request bodies refer to, transitively.
func (f *fixer) requestSchemas() []string {
	seen := map[string]bool{}
	for _, item := range f.doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				f.reach(mt.Schema, seen)
			}
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for k := range seen {
			if !yield(k) {
				return
			}
		}
	})
}

// pathIDs gives integer path parameters minimum 1: ids start at 1, and 0 is 400 (bad_path).
func pathIDs(op *openapi3.Operation) {
	for _, p := range op.Parameters {
		if v := p.Value; v != nil && v.In == openapi3.ParameterInPath && v.Schema != nil && v.Schema.Value != nil &&
			v.Schema.Value.Type.Is(openapi3.TypeInteger) && v.Schema.Value.Min == nil {
			v.Schema.Value.Min = ptr(1.0)
		}
	}
}

// typeRevisions types the data of a revision: Revision becomes one variant per entity (its enum),
// each with that entity and the entity's schema (chain: Chain) as its data, or {"id": ...} where
// the change feed hides a tactic; the variants are told apart by entity.
func (f *fixer) typeRevisions() error {
	schemas := f.doc.Components.Schemas
	rev := schemas["Revision"]
	if rev == nil || rev.Value == nil || rev.Value.Properties["entity"] == nil || rev.Value.Properties["data"] == nil {
		return nil
	}
	base := rev.Value
	schemas["RevisionGone"] = &openapi3.SchemaRef{Value: &openapi3.Schema{
		Type:        &openapi3.Types{openapi3.TypeObject},
		Description: "In the change feed, an object that readers may no longer see (a tactic no longer published): only its id.",
		Required:    []string{"id"},
		Properties:  openapi3.Schemas{"id": {Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Description: "Id of the object.", Example: 7}}},
	}}
	mapping := map[string]openapi3.MappingRef{}
	var variants openapi3.SchemaRefs
	// The entities are models.Entity's constants, a schema of their own that entity refers to
	// (allOf, beside its description); or, written out, its own enum.
	entities := base.Properties["entity"].Value
	if len(entities.Enum) == 0 && len(entities.AllOf) == 1 && entities.AllOf[0].Value != nil {
		entities = entities.AllOf[0].Value
	}
	for _, e := range entities.Enum {
		entity, _ := e.(string)
		obj := strings.ToUpper(entity[:1]) + entity[1:]
		if schemas[obj] == nil {
			return fmt.Errorf("Revision.entity lists %q, but there is no %s schema for its data", entity, obj)
		}
		name := obj + "Revision"
		v := &openapi3.Schema{
			Type:        &openapi3.Types{openapi3.TypeObject},
			Description: "A change of a " + entity + ": " + base.Description,
			Properties:  openapi3.Schemas{},
			Required:    base.Required,
		}
		for prop, p := range base.Properties {
			v.Properties[prop] = p
		}
		v.Properties["entity"] = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString},
			Description: base.Properties["entity"].Value.Description, Enum: []any{entity}, Example: entity}}
		v.Properties["data"] = &openapi3.SchemaRef{Value: &openapi3.Schema{
			Description: base.Properties["data"].Value.Description,
			AnyOf:       openapi3.SchemaRefs{{Ref: "#/components/schemas/" + obj}, {Ref: "#/components/schemas/RevisionGone"}},
		}}
		schemas[name] = &openapi3.SchemaRef{Value: v}
		mapping[entity] = openapi3.MappingRef{Ref: "#/components/schemas/" + name}
		variants = append(variants, &openapi3.SchemaRef{Ref: "#/components/schemas/" + name})
	}
	schemas["Revision"] = &openapi3.SchemaRef{Value: &openapi3.Schema{
		Description:   base.Description + " One variant per entity: `entity` says which, and `data` is that object.",
		OneOf:         variants,
		Discriminator: &openapi3.Discriminator{PropertyName: "entity", Mapping: mapping},
	}}
	return nil
}

// fixProblem makes Problem.code the enum of models.ErrorCodes, and requires what writeProblem
// always sends.
func (f *fixer) fixProblem() {
	p := f.doc.Components.Schemas["Problem"]
	if p == nil || p.Value == nil {
		return
	}
	if c := p.Value.Properties["code"]; c != nil && c.Value != nil {
		c.Value.Enum = nil
		for _, code := range models.ErrorCodes {
			c.Value.Enum = append(c.Value.Enum, code)
		}
		c.Value.Description = "A stable machine-readable reason: one of the listed codes (the README says when each is given)."
	}
}

// requireAlwaysSent adds the properties that are always sent to a schema's required list.
func requireAlwaysSent(s *openapi3.Schema, props ...string) {
	for _, p := range props {
		if !slices.Contains(s.Required, p) && s.Properties[p] != nil {
			s.Required = append(s.Required, p)
		}
	}
	sort.Strings(s.Required)
}

// Response headers the middleware sends.
const (
	headerRequestID = "XRequestID"
	headerRLLimit   = "RateLimitLimit"
	headerRLRemain  = "RateLimitRemaining"
	headerRLReset   = "RateLimitReset"
	headerETag      = "ETag"
	headerListETag  = "ListETag"
)

func (f *fixer) addHeaders() {
	h := func(desc, example string, integer bool) *openapi3.HeaderRef {
		s := stringSchema(example)
		if integer {
			s = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Min: ptr(0.0), Example: json.Number(example)}}
		}
		return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{Description: desc, Schema: s}}}
	}
	c := f.doc.Components
	c.Headers[headerRequestID] = h("The request's id: the X-Request-ID you sent, if it was sane, or one the server made. The history records it.", "4f1c2a9e8b7d6c5f", false)
	c.Headers[headerRLLimit] = h("How many requests the client may make in a burst.", "20", true)
	c.Headers[headerRLRemain] = h("How many requests are left in the burst.", "19", true)
	c.Headers[headerRLReset] = h("Seconds until the burst is full again.", "1", true)
	c.Headers[headerETag] = h("Version of the object, for If-Match and If-None-Match; on a 304, the current one.", `"1.1"`, false)
	c.Headers[headerListETag] = h("Weak validator of a list: the knowledge base's generation, the request and whether drafts show. Send it as If-None-Match to revalidate: 304 while nothing has changed.", `W/"kb42-3f2a9c0d1e8b7a65"`, false)
	// The shared responses get the headers too.
	for _, r := range c.Responses {
		if r.Value.Headers == nil {
			r.Value.Headers = openapi3.Headers{}
		}
		r.Value.Headers["X-Request-ID"] = &openapi3.HeaderRef{Ref: "#/components/headers/" + headerRequestID}
	}
}

// responseHeaders declares, on every response of an operation, what the middleware adds: the
// X-Request-ID; the RateLimit-* fields where the route is rate limited; the ETag of a 304.
func responseHeaders(op *openapi3.Operation, rateLimited bool) {
	for code, r := range op.Responses.Map() {
		if r.Value == nil { // a shared response: addHeaders did it
			continue
		}
		if r.Value.Headers == nil {
			r.Value.Headers = openapi3.Headers{}
		}
		r.Value.Headers["X-Request-ID"] = &openapi3.HeaderRef{Ref: "#/components/headers/" + headerRequestID}
		if rateLimited {
			r.Value.Headers["RateLimit-Limit"] = &openapi3.HeaderRef{Ref: "#/components/headers/" + headerRLLimit}
			r.Value.Headers["RateLimit-Remaining"] = &openapi3.HeaderRef{Ref: "#/components/headers/" + headerRLRemain}
			r.Value.Headers["RateLimit-Reset"] = &openapi3.HeaderRef{Ref: "#/components/headers/" + headerRLReset}
		}
		if code == "304" {
			r.Value.Headers["ETag"] = &openapi3.HeaderRef{Ref: "#/components/headers/" + headerETag}
		}
	}
}

// requestExample sets the example of a write's body, which Swagger UI pre-fills: executed
// untouched, it must do no harm. It has no version, so that a PUT or PATCH without If-Match is 428;
// a create has only the required fields, is a draft where the object has a status, and names
// itself an example ("example-tactic" as slug, "Example: ..." as text), so that it cannot be
// mistaken for content nor clash with it.
func (f *fixer) requestExample(method, path string, op *openapi3.Operation) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return
	}
	for _, mt := range op.RequestBody.Value.Content {
		name := strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
		base := strings.TrimSuffix(strings.TrimSuffix(name, "Input"), "Patch")
		in := f.doc.Components.Schemas[base+"Input"]
		if in == nil {
			in = f.doc.Components.Schemas[name]
		}
		if in == nil || in.Value == nil {
			continue
		}
		ex := f.exampleObject(in.Value, strings.ToLower(base), 0)
		if method == http.MethodPatch {
			// A merge patch changes what it names: one field is example enough.
			small := map[string]any{}
			for _, k := range []string{"title", "name", "description"} {
				if v, ok := ex[k]; ok {
					small[k] = v
					break
				}
			}
			ex = small
		}
		mt.Example = ex
	}
	_ = path
}

// exampleObject builds an example of an object schema from its properties' examples: the required
// properties only, status draft if it may be one, slugs and texts that say they are examples.
func (f *fixer) exampleObject(s *openapi3.Schema, entity string, depth int) map[string]any {
	out := map[string]any{}
	for _, prop := range s.Required {
		p := s.Properties[prop]
		if p == nil || prop == "version" {
			continue
		}
		if v, ok := f.exampleValue(p, entity, prop, depth); ok {
			out[prop] = v
		}
	}
	if st := s.Properties["status"]; st != nil && st.Value != nil && slices.Contains(st.Value.Enum, any("draft")) {
		out["status"] = "draft"
	}
	return out
}

func (f *fixer) exampleValue(p *openapi3.SchemaRef, entity, prop string, depth int) (any, bool) {
	v := p.Value
	if p.Ref != "" {
		v = f.doc.Components.Schemas[strings.TrimPrefix(p.Ref, "#/components/schemas/")].Value
	}
	if v == nil {
		return nil, false
	}
	if len(v.AllOf) == 1 {
		return f.exampleValue(v.AllOf[0], entity, prop, depth)
	}
	switch {
	case v.Type.Is(openapi3.TypeObject):
		if depth > 3 {
			return nil, false
		}
		return f.exampleObject(v, entity, depth+1), true
	case v.Type.Is(openapi3.TypeArray):
		return []any{}, true
	case v.Type.Is(openapi3.TypeString):
		if v.Pattern == SlugPattern {
			return "example-" + entity, true
		}
		if ex, ok := v.Example.(string); ok && len(v.Enum) == 0 && v.Format == "" && ex != "" {
			text := "Example " + entity + " (made from the API documentation; safe to delete): " + ex
			if v.MaxLength != nil && uint64(len(text)) > *v.MaxLength {
				text = "Example " + entity
			}
			// A text rule (such as "not blank") still holds for the example; a format (a code, a
			// URL) is left to the field's own example.
			if v.Pattern == "" || regexp.MustCompile(v.Pattern).MatchString(text) {
				return text, true
			}
		}
		return v.Example, v.Example != nil
	}
	return v.Example, v.Example != nil
}

// nullableRef is a reference that may also be null: OpenAPI 3.0 cannot put nullable next to a
// $ref, so it is {type, nullable, allOf: [$ref]}, with the type of the schema referred to.
func (f *fixer) nullableRef(p *openapi3.SchemaRef) *openapi3.SchemaRef {
	out := &openapi3.Schema{AllOf: openapi3.SchemaRefs{p}, Nullable: true}
	if target := f.doc.Components.Schemas[strings.TrimPrefix(p.Ref, "#/components/schemas/")]; target != nil && target.Value != nil {
		out.Type = target.Value.Type
	}
	return &openapi3.SchemaRef{Value: out}
}
