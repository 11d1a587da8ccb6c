package openapi_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"chainkb/internal/openapi"
	"chainkb/models"
)

// TestRequestSchemasStrict checks, for every request schema of the document (so for resources
// added later too), what the generator derives from the Go types: no additional properties, every
// required string at least one character, nullable only where the field is not required.
func TestRequestSchemasStrict(t *testing.T) {
	doc, _ := convert(t)
	n := 0
	for name, ref := range doc.Components.Schemas {
		if !strings.HasSuffix(name, "Input") && !strings.HasSuffix(name, "Patch") {
			continue
		}
		n++
		s := ref.Value
		if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
			t.Errorf("%s allows additional properties; the server refuses unknown fields", name)
		}
		for prop, p := range s.Properties {
			v := p.Value
			if slices.Contains(s.Required, prop) {
				if v.Nullable {
					t.Errorf("%s.%s is required but nullable", name, prop)
				}
				if v.Type.Is(openapi3.TypeString) && v.MinLength < 1 {
					t.Errorf("%s.%s is a required string without minLength 1", name, prop)
				}
			}
		}
		if strings.HasSuffix(name, "Input") {
			if id := s.Properties["id"]; id == nil && name != "KeyInput" {
				t.Errorf("%s does not declare the read-only id that a GET returns and a PUT may echo", name)
			}
		}
	}
	if n < 8 {
		t.Fatalf("only %d request schemas", n)
	}
	slug := doc.Components.Schemas["StageInput"].Value.Properties["slug"].Value
	if slug.Pattern != openapi.SlugPattern || slug.MinLength != 1 || slug.MaxLength == nil || *slug.MaxLength != 64 {
		t.Errorf("StageInput.slug = pattern %q, length %d-%v; want the slug rule", slug.Pattern, slug.MinLength, slug.MaxLength)
	}
	url := doc.Components.Schemas["SourceInput"].Value.Properties["url"].Value
	if !strings.Contains(url.Pattern, "[hH][tT][tT][pP]") {
		t.Errorf("SourceInput.url has no http(s) rule: %q", url.Pattern)
	}
	tactic := doc.Components.Schemas["TacticInput"].Value
	if items := tactic.Properties["tags"].Value.Items.Value; len(items.OneOf) != 2 {
		t.Error("TacticInput.tags items are not a slug or a tag object")
	}
	if !tactic.Properties["position"].Value.Nullable || tactic.Properties["title"].Value.Nullable {
		t.Error("TacticInput: position (null: after the others) should be nullable and title not")
	}
}

// TestPatternsMatchValidators checks the document's patterns against the validators they copy.
func TestPatternsMatchValidators(t *testing.T) {
	slug := regexp.MustCompile(openapi.SlugPattern)
	for _, s := range []string{"a", "short-term", "4p-protection", "123", "", "A", "a_b", "-", "1-2"} {
		if got, want := slug.MatchString(s) && len(s) <= 64, models.IsSlug(s); got != want {
			t.Errorf("slug %q: pattern says %v, models.IsSlug %v", s, got, want)
		}
	}
	code := regexp.MustCompile(openapi.CodePattern)
	for _, s := range []string{"ST-R-R01", "ST-R-R9999", "st-r-r01", "ST-R-01", "STAGEXX-R-R01", ""} {
		if got, want := code.MatchString(s), models.IsCode(s); got != want {
			t.Errorf("code %q: pattern says %v, models.IsCode %v", s, got, want)
		}
	}
}

// TestSpecTellsTheTruth checks what the document says of issue 9, item 10.
func TestSpecTellsTheTruth(t *testing.T) {
	doc, _ := convert(t)
	schemas := doc.Components.Schemas

	// Problem.code is the one list of codes; what is always sent is required.
	problem := schemas["Problem"].Value
	var codes []string
	for _, c := range problem.Properties["code"].Value.Enum {
		codes = append(codes, c.(string))
	}
	if !slices.Equal(codes, models.ErrorCodes) {
		t.Errorf("Problem.code enum = %v, want models.ErrorCodes", codes)
	}
	for _, p := range []string{"code", "detail", "instance", "status", "title", "type"} {
		if !slices.Contains(problem.Required, p) {
			t.Errorf("Problem does not require %s, which is always sent", p)
		}
	}

	// Revision data is typed by entity.
	rev := schemas["Revision"].Value
	if rev.Discriminator == nil || rev.Discriminator.PropertyName != "entity" || len(rev.OneOf) < 4 {
		t.Fatal("Revision is not one variant per entity")
	}
	data := schemas["TacticRevision"].Value.Properties["data"].Value
	if len(data.AnyOf) != 2 || data.AnyOf[0].Ref != "#/components/schemas/Tactic" {
		t.Errorf("TacticRevision.data is not a Tactic (or its id)")
	}

	// The change feed's cursor round-trips.
	feed := doc.Paths.Value("/changes").Get
	after := feed.Parameters.GetByInAndName("query", "after").Schema.Value
	next := schemas["ChangeList"].Value.Properties["next_cursor"].Value
	if !after.Type.Is(openapi3.TypeString) || !next.Type.Is(openapi3.TypeString) {
		t.Errorf("after is %v and next_cursor %v: a cursor does not round-trip", after.Type, next.Type)
	}

	// Keys as they are.
	bearer := doc.Components.SecuritySchemes[openapi.SecurityScheme].Value
	if !strings.Contains(bearer.BearerFormat, "52 base32") {
		t.Errorf("bearerFormat = %q", bearer.BearerFormat)
	}
	if ex := schemas["NewAPIKey"].Value.Properties["key"].Value.Example; !regexp.MustCompile(`^ckb_[a-z2-7]{52}$`).MatchString(ex.(string)) {
		t.Errorf("the key example %q is not a key", ex)
	}

	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			where := method + " " + path
			for _, p := range op.Parameters {
				v := p.Value
				if v.In == "path" && v.Schema.Value.Type.Is(openapi3.TypeInteger) && (v.Schema.Value.Min == nil || *v.Schema.Value.Min != 1) {
					t.Errorf("%s: path id %s has no minimum 1", where, v.Name)
				}
				if v.In == "path" && (method == "DELETE" || method == "POST") && v.Example != nil {
					t.Errorf("%s: path parameter %s has an example, which an untouched Execute would act on", where, v.Name)
				}
			}
			if rb := op.RequestBody; rb != nil {
				for _, mt := range rb.Value.Content {
					// An object's version (a number) is a precondition no example may send; a
					// release's version (a string) is its name.
					if m, ok := mt.Example.(map[string]any); !ok || (m["version"] != nil && !isString(m["version"])) {
						t.Errorf("%s: the body example %v is missing or has a version", where, mt.Example)
					} else if s, ok := m["slug"].(string); ok && !strings.HasPrefix(s, "example-") {
						t.Errorf("%s: the example slug %q does not say it is an example", where, s)
					}
					if m, ok := mt.Example.(map[string]any); ok && method == "POST" {
						if st, ok := m["status"]; ok && st != "draft" {
							t.Errorf("%s: the example creates a %v object, not a draft", where, st)
						}
					}
				}
			}
			for code, r := range op.Responses.Map() {
				if r.Value == nil {
					continue
				}
				if r.Value.Headers["X-Request-ID"] == nil {
					t.Errorf("%s %s: no X-Request-ID header", where, code)
				}
				if code == "304" && r.Value.Headers["ETag"] == nil {
					t.Errorf("%s 304: no ETag header", where)
				}
			}
			if strings.HasSuffix(path, "/restore") {
				if d := *op.Responses.Value("409").Value.Description; !strings.Contains(d, "not_restorable") || !strings.Contains(d, "delete") {
					t.Errorf("%s: 409 does not say that a delete revision is not restorable: %s", where, d)
				}
			}
		}
	}
	if h := doc.Paths.Value("/tactics").Get.Responses.Value("200").Value.Headers; h["RateLimit-Remaining"] == nil {
		t.Error("a rate-limited route does not declare RateLimit-* headers")
	}
	if h := doc.Paths.Value("/readyz").Get.Responses.Value("200").Value.Headers; h["RateLimit-Remaining"] != nil {
		t.Error("the readiness probe, never rate limited, declares RateLimit-* headers")
	}
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}
