package openapi

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"chainkb/internal/store"
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

// applyRules narrows a request schema's property by the validate rules that schema.go leaves to
// it: required strings are not empty, and the rules with a pattern get it.
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
func (b *builder) strictRequests(names []string) {
	for _, name := range names {
		ref := b.doc.Components.Schemas[name]
		facts, ok := b.schemas.fields[name]
		if ref == nil || ref.Value == nil || !ok {
			continue
		}
		s := ref.Value
		s.AdditionalProperties = openapi3.AdditionalProperties{Has: ptr(false)}
		for _, fl := range facts {
			if fl.ignored {
				if _, ok := s.Properties[fl.json]; !ok && fl.echo {
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
			if p.Ref != "" || p.Value.AllOf != nil {
				if nullable {
					s.Properties[fl.json] = orNull(p)
				}
				continue
			}
			v := p.Value
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
			if nullable {
				s.Properties[fl.json] = orNull(p)
			}
		}
	}
}

// nullableResponses lets, in the schemas that only responses use, the Go pointer fields be null:
// the server sends null for them (a tactic's adoption when it has none).
func (b *builder) nullableResponses(requests []string) {
	for name, facts := range b.schemas.fields {
		ref := b.doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil || slices.Contains(requests, name) {
			continue
		}
		for _, fl := range facts {
			p := ref.Value.Properties[fl.json]
			if !fl.pointer || fl.omitted || p == nil {
				continue
			}
			ref.Value.Properties[fl.json] = orNull(p)
		}
	}
}

// refOrNull is a reference or null. oapi-codegen would make a union type of the oneOf; the
// x-go-type extensions keep the Go client's field a plain pointer to the referred type, as it was
// when nullable stood beside the reference.
func refOrNull(ref *openapi3.SchemaRef, description string) *openapi3.SchemaRef {
	name := strings.TrimPrefix(ref.Ref, "#/components/schemas/")
	return &openapi3.SchemaRef{Value: &openapi3.Schema{Description: description, OneOf: openapi3.SchemaRefs{ref, nullSchema()},
		Extensions: map[string]any{"x-go-type": "*" + name, "x-go-type-skip-optional-pointer": true}}}
}

// nullSchema is the schema of null alone, which every reading accepts: OpenAPI 3.0's (nullable)
// and JSON Schema's (the enum).
func nullSchema() *openapi3.SchemaRef {
	return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Nullable: true, Enum: []any{nil}, Description: "null"}}
}

// orNull returns a schema that also lets null through, the same under OpenAPI 3.0's reading and
// JSON Schema's (a validator that knows nullable only beside a type, as Ajv does): a reference
// becomes oneOf the reference and null, since nullable beside allOf: [$ref] lets null through only
// where nullable is read as a whole-schema switch; an inline schema gets nullable beside its type,
// and null in its enum.
func orNull(p *openapi3.SchemaRef) *openapi3.SchemaRef {
	if p.Ref != "" {
		return refOrNull(p, "")
	}
	v := *p.Value
	if len(v.AllOf) == 1 && v.AllOf[0].Ref != "" && v.Type == nil {
		return refOrNull(v.AllOf[0], v.Description)
	}
	if v.Type == nil || len(*v.Type) == 0 {
		return &openapi3.SchemaRef{Value: &v} // no type: null is already allowed
	}
	v.Nullable = true
	if len(v.Enum) > 0 && !slices.Contains(v.Enum, nil) {
		v.Enum = append(slices.Clone(v.Enum), nil)
		// oapi-codegen would make null a constant "<nil>" of an enum type: a plain pointer instead.
		v.Extensions = map[string]any{"x-go-type": "string"}
	}
	return &openapi3.SchemaRef{Value: &v}
}

// requestSchemas returns the component schemas that request bodies refer to, transitively.
func (b *builder) requestSchemas() []string {
	seen := map[string]bool{}
	for _, item := range b.doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				b.reach(mt.Schema, seen)
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

// typeRevisions types the data of a revision: Revision becomes one variant per entity (its enum),
// each with that entity and the entity's schema (chain: Chain) as its data, or {"id": ...} where
// the change feed hides a tactic; the variants are told apart by entity.
// nameEntities adds the Entity schema, the enum of the store registry's entities, and refers every
// entity property to it (a revision's, an import report item's, a source use's): models.Entity is
// a string to Go, so the list comes from the one place that defines it.
func (b *builder) nameEntities() {
	schemas := b.doc.Components.Schemas
	entities := store.Entities()
	e := &openapi3.Schema{
		Type:        &openapi3.Types{openapi3.TypeString},
		Description: "A kind of object that has a history: " + strings.Join(entities, ", ") + ".",
		Example:     models.EntityTactic,
	}
	for _, name := range entities {
		e.Enum = append(e.Enum, name)
	}
	schemas["Entity"] = &openapi3.SchemaRef{Value: e}
	for _, s := range schemas {
		if s.Value == nil || s.Value.Properties["entity"] == nil {
			continue
		}
		p := s.Value.Properties["entity"]
		if p.Value == nil || !p.Value.Type.Is(openapi3.TypeString) || len(p.Value.Enum) > 0 {
			continue
		}
		s.Value.Properties["entity"] = &openapi3.SchemaRef{Value: &openapi3.Schema{
			Description: p.Value.Description,
			AllOf:       openapi3.SchemaRefs{{Ref: "#/components/schemas/Entity", Value: e}},
		}}
	}
}

func (b *builder) typeRevisions() error {
	schemas := b.doc.Components.Schemas
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
func (b *builder) fixProblem() {
	p := b.doc.Components.Schemas["Problem"]
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

func (b *builder) addHeaders() {
	h := func(desc, example string, integer bool) *openapi3.HeaderRef {
		s := stringSchema(example)
		if integer {
			s = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Min: ptr(0.0), Example: json.Number(example)}}
		}
		return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{Description: desc, Schema: s}}}
	}
	c := b.doc.Components
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
func (b *builder) requestExample(op *openapi3.Operation) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return
	}
	for _, mt := range op.RequestBody.Value.Content {
		name := strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
		base := strings.TrimSuffix(strings.TrimSuffix(name, "Input"), "Patch")
		in := b.doc.Components.Schemas[base+"Input"]
		if in == nil {
			in = b.doc.Components.Schemas[name]
		}
		if in == nil || in.Value == nil {
			continue
		}
		ex := b.exampleObject(in.Value, strings.ToLower(base), 0)
		if strings.HasSuffix(name, "Patch") {
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
}

// exampleObject builds an example of an object schema from its properties' examples: the required
// properties only, status draft if it may be one, slugs and texts that say they are examples.
func (b *builder) exampleObject(s *openapi3.Schema, entity string, depth int) map[string]any {
	out := map[string]any{}
	for _, prop := range s.Required {
		p := s.Properties[prop]
		// An object's version (an integer) is the precondition, not content: no example sends it.
		// A release's version is a string, its name.
		if p == nil || (prop == "version" && (p.Value == nil || !p.Value.Type.Is(openapi3.TypeString))) {
			continue
		}
		if v, ok := b.exampleValue(p, entity, prop, depth); ok {
			out[prop] = v
		}
	}
	if st := s.Properties["status"]; st != nil && st.Value != nil && slices.Contains(st.Value.Enum, any("draft")) {
		out["status"] = "draft"
	}
	return out
}

func (b *builder) exampleValue(p *openapi3.SchemaRef, entity, prop string, depth int) (any, bool) {
	v := p.Value
	if p.Ref != "" {
		v = b.doc.Components.Schemas[strings.TrimPrefix(p.Ref, "#/components/schemas/")].Value
	}
	if v == nil {
		return nil, false
	}
	if len(v.AllOf) == 1 {
		return b.exampleValue(v.AllOf[0], entity, prop, depth)
	}
	if len(v.OneOf) == 2 && v.OneOf[1].Value != nil && slices.Contains(v.OneOf[1].Value.Enum, nil) {
		return b.exampleValue(v.OneOf[0], entity, prop, depth) // a reference or null
	}
	switch {
	case v.Type.Is(openapi3.TypeObject):
		if depth > 3 {
			return nil, false
		}
		return b.exampleObject(v, entity, depth+1), true
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
