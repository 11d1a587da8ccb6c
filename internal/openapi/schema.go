package openapi

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"chainkb/internal/apidoc"
)

// module is the Go module's path: the packages whose doc comments are read for descriptions.
const module = "chainkb"

// goField is what the document needs of one JSON field of a Go struct besides its schema.
type goField struct {
	json     string // the JSON name
	validate string // the validate tag, as written
	pointer  bool   // a pointer: null and absence both leave it nil
	ignored  bool   // swaggerignore: accepted on input, not described
	elemType string // the name of the element type of a slice ("TagRef"), or of the field's own
	omitted  bool   // omitempty: a nil pointer or empty value is left out, never sent as null
	// echo is a swaggerignore'd json.RawMessage or any (models.ReadOnly): what a GET returns there
	// is accepted on a write and ignored. (A swaggerignore'd field of another type hides a field of
	// an embedded struct: it is not described at all.)
	echo bool
}

// schemas makes the component schemas from Go types: one component per named struct type (named
// as the type, without its package) and per named string type with constants (an enum), the
// descriptions from the doc comments, and from the struct tags what swaggo's tags say: example,
// enums, format, swaggertype, swaggerignore, and the validate rules max, min, gte, lte and oneof.
type schemas struct {
	root       string
	components openapi3.Schemas
	fields     map[string][]goField    // by component name
	types      map[string]reflect.Type // by component name, to refuse two types of one name
	docs       map[string]*pkgDocs     // by package path
}

func newSchemas(root string) *schemas {
	return &schemas{root: root, components: openapi3.Schemas{}, fields: map[string][]goField{},
		types: map[string]reflect.Type{}, docs: map[string]*pkgDocs{}}
}

var (
	timeType      = reflect.TypeOf(time.Time{})
	rawType       = reflect.TypeOf(json.RawMessage{})
	marshalerType = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
)

// ref returns the schema of a value of Go type t: a reference to its component for a named
// struct or enum, else an inline schema.
func (g *schemas) ref(t reflect.Type) (*openapi3.SchemaRef, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Format: "date-time"}}, nil
	case t == rawType:
		return &openapi3.SchemaRef{Value: &openapi3.Schema{}}, nil
	case t.Kind() == reflect.Struct && t.Implements(marshalerType):
		// A struct that writes itself as a string (models.Date); its fields say the format.
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}}}, nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if t.Name() == "" {
			s, err := g.object(t)
			return &openapi3.SchemaRef{Value: s}, err
		}
		return g.component(t, g.object)
	case reflect.Slice, reflect.Array:
		items, err := g.ref(t.Elem())
		if err != nil {
			return nil, err
		}
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeArray}, Items: items}}, nil
	case reflect.Map:
		values, err := g.ref(t.Elem())
		if err != nil {
			return nil, err
		}
		return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, AdditionalProperties: openapi3.AdditionalProperties{Schema: values}}}, nil
	case reflect.Interface:
		return &openapi3.SchemaRef{Value: &openapi3.Schema{}}, nil
	}
	typ := primitive(t.Kind())
	if typ == "" {
		return nil, fmt.Errorf("%s: no JSON schema for a %s", t, t.Kind())
	}
	if t.Name() != "" && strings.HasPrefix(t.PkgPath(), module) {
		if consts := g.pkg(t.PkgPath()).consts[t.Name()]; len(consts) > 0 {
			return g.component(t, func(t reflect.Type) (*openapi3.Schema, error) { return g.enum(t, typ, consts) })
		}
	}
	return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{typ}}}, nil
}

func primitive(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return openapi3.TypeString
	case reflect.Bool:
		return openapi3.TypeBoolean
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return openapi3.TypeInteger
	case reflect.Float32, reflect.Float64:
		return openapi3.TypeNumber
	}
	return ""
}

// component makes the component of a named type once, and returns a reference to it.
func (g *schemas) component(t reflect.Type, make func(reflect.Type) (*openapi3.Schema, error)) (*openapi3.SchemaRef, error) {
	name := g.name(t)
	out := &openapi3.SchemaRef{Ref: "#/components/schemas/" + name}
	if other, ok := g.types[name]; ok {
		if other != t {
			return nil, fmt.Errorf("%s and %s would both be the schema %q: rename one of the Go types", other, t, name)
		}
		return out, nil
	}
	g.types[name] = t
	g.components[name] = &openapi3.SchemaRef{Value: &openapi3.Schema{}} // taken, for recursive types
	s, err := make(t)
	if err != nil {
		return nil, err
	}
	s.Description = g.pkg(t.PkgPath()).types[t.Name()]
	g.components[name].Value = s
	return out, nil
}

// name is the schema name of a named type: the type's name without its package, unless a
// "// @name Other" comment after the type gives another (to tell two types of one name apart).
func (g *schemas) name(t reflect.Type) string {
	if n := g.pkg(t.PkgPath()).names[t.Name()]; n != "" {
		return n
	}
	return t.Name()
}

// enum is the schema of a named type whose values are its constants.
func (g *schemas) enum(t reflect.Type, typ string, consts []constDoc) (*openapi3.Schema, error) {
	s := &openapi3.Schema{Type: &openapi3.Types{typ}}
	var names []any
	for _, c := range consts {
		v, err := typed(typ, c.value)
		if err != nil {
			return nil, fmt.Errorf("%s: constant %s: %w", t, c.name, err)
		}
		s.Enum = append(s.Enum, v)
		names = append(names, c.name)
	}
	// oapi-codegen names the Go constants of the enum after these.
	s.Extensions = map[string]any{"x-enum-varnames": names}
	return s, nil
}

// object is the schema of a struct: its JSON fields, those of embedded structs included (a field
// of the outer struct hides one of the same JSON name in an embedded one, as encoding/json does).
func (g *schemas) object(t reflect.Type) (*openapi3.Schema, error) {
	s := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Properties: openapi3.Schemas{}}
	var facts []goField
	seen := map[string]bool{}
	var walk func(t reflect.Type, depth int) error
	walk = func(t reflect.Type, depth int) error {
		type embedded struct{ t reflect.Type }
		var later []embedded
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct && depth < 4 {
					later = append(later, embedded{ft})
				}
				continue
			}
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			fact := goField{json: name, validate: f.Tag.Get("validate"), pointer: f.Type.Kind() == reflect.Pointer,
				ignored: f.Tag.Get("swaggerignore") == "true", omitted: strings.Contains(","+opts+",", ",omitempty,")}
			et := f.Type
			for et.Kind() == reflect.Pointer || et.Kind() == reflect.Slice {
				et = et.Elem()
			}
			fact.elemType = et.Name()
			fact.echo = fact.ignored && (f.Type == rawType || f.Type.Kind() == reflect.Interface)
			facts = append(facts, fact)
			if fact.ignored {
				continue
			}
			p, err := g.property(t, f)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
			}
			s.Properties[name] = p
			if own, _ := rules(fact.validate); contains(own, "required") {
				s.Required = append(s.Required, name)
			}
		}
		for _, e := range later {
			if err := walk(e.t, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(t, 0); err != nil {
		return nil, err
	}
	if r, ok := reflect.Zero(t).Interface().(apidoc.Requirer); ok {
		for _, name := range r.Required() {
			if s.Properties[name] == nil {
				return nil, fmt.Errorf("%s.Required names %q, which is not one of its JSON fields", t, name)
			}
			if !contains(s.Required, name) {
				s.Required = append(s.Required, name)
			}
		}
	}
	sort.Strings(s.Required)
	if t.Name() != "" {
		g.fields[g.name(t)] = facts
	}
	return s, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// property is the schema of a struct field: its type's, with the field's doc comment and tags.
func (g *schemas) property(owner reflect.Type, f reflect.StructField) (*openapi3.SchemaRef, error) {
	var ref *openapi3.SchemaRef
	var err error
	if st := f.Tag.Get("swaggertype"); st != "" {
		ref, err = swaggerType(st)
	} else {
		ref, err = g.ref(f.Type)
	}
	if err != nil {
		return nil, err
	}
	desc := g.pkg(owner.PkgPath()).fields[owner.Name()+"."+f.Name]
	s := ref.Value
	typ := "object"
	if ref.Ref != "" {
		_, hasExample := f.Tag.Lookup("example")
		if desc == "" && !hasExample && f.Tag.Get("enums") == "" {
			return ref, nil
		}
		// Nothing may stand beside a $ref in OpenAPI 3.0: the reference goes in an allOf, and the
		// field's description, enums and example beside it.
		target := g.components[strings.TrimPrefix(ref.Ref, "#/components/schemas/")].Value
		if target.Type != nil && len(*target.Type) == 1 {
			typ = (*target.Type)[0]
		}
		s = &openapi3.Schema{AllOf: openapi3.SchemaRefs{ref}}
		ref = &openapi3.SchemaRef{Value: s}
	} else if s.Type != nil && len(*s.Type) == 1 {
		typ = (*s.Type)[0]
	}
	s.Description = desc
	target := s // what enums, formats and examples apply to: an array's items
	itemType := typ
	if typ == openapi3.TypeArray && s.Items != nil && s.Items.Value != nil && s.Items.Ref == "" && s.Items.Value.Type != nil {
		target = s.Items.Value
		itemType = (*target.Type)[0]
	}
	if v := f.Tag.Get("format"); v != "" {
		target.Format = v
	}
	if v := f.Tag.Get("enums"); v != "" {
		for _, x := range strings.Split(v, ",") {
			e, err := typed(itemType, x)
			if err != nil {
				return nil, fmt.Errorf("enums: %w", err)
			}
			target.Enum = append(target.Enum, e)
		}
	}
	if v, ok := f.Tag.Lookup("example"); ok {
		if typ == openapi3.TypeArray {
			var ex []any
			for _, x := range strings.Split(v, ",") {
				e, err := typed(itemType, x)
				if err != nil {
					return nil, fmt.Errorf("example: %w", err)
				}
				ex = append(ex, e)
			}
			s.Example = ex
		} else if typ != openapi3.TypeObject {
			e, err := typed(typ, v)
			if err != nil {
				return nil, fmt.Errorf("example: %w", err)
			}
			s.Example = e
		}
	}
	if v := f.Tag.Get("default"); v != "" {
		d, err := typed(typ, v)
		if err != nil {
			return nil, fmt.Errorf("default: %w", err)
		}
		s.Default = d
	}
	own, _ := rules(f.Tag.Get("validate"))
	for _, r := range own {
		key, val, _ := strings.Cut(r, "=")
		switch key {
		case "max", "lte", "min", "gte":
			n, err := strconv.ParseFloat(val, 64)
			if err != nil {
				continue
			}
			upper := key == "max" || key == "lte"
			switch typ {
			case openapi3.TypeInteger, openapi3.TypeNumber:
				if upper {
					s.Max = &n
				} else {
					s.Min = &n
				}
			case openapi3.TypeString:
				if upper {
					s.MaxLength = ptr(uint64(n))
				} else {
					s.MinLength = uint64(n)
				}
			case openapi3.TypeArray:
				if upper {
					s.MaxItems = ptr(uint64(n))
				} else {
					s.MinItems = uint64(n)
				}
			}
		case "oneof":
			if len(target.Enum) > 0 {
				continue
			}
			for _, x := range strings.Fields(val) {
				e, err := typed(itemType, x)
				if err != nil {
					return nil, fmt.Errorf("oneof: %w", err)
				}
				target.Enum = append(target.Enum, e)
			}
		}
	}
	return ref, nil
}

// swaggerType is the schema a swaggertype tag names: "string", "object", "array,string".
func swaggerType(st string) (*openapi3.SchemaRef, error) {
	parts := strings.Split(st, ",")
	s := &openapi3.Schema{Type: &openapi3.Types{parts[0]}}
	switch {
	case parts[0] == openapi3.TypeArray && len(parts) == 2:
		s.Items = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{parts[1]}}}
	case len(parts) != 1:
		return nil, fmt.Errorf("swaggertype %q: only a type, or array and its items' type", st)
	}
	return &openapi3.SchemaRef{Value: s}, nil
}

// typed reads a tag's value as a value of a JSON type.
func typed(typ, v string) (any, error) {
	switch typ {
	case openapi3.TypeInteger:
		return strconv.ParseInt(v, 10, 64)
	case openapi3.TypeNumber:
		return strconv.ParseFloat(v, 64)
	case openapi3.TypeBoolean:
		return strconv.ParseBool(v)
	}
	return v, nil
}

// pkgDocs are the doc comments of one package: of its types, of their fields ("Type.Field"), and
// its constants by type.
type pkgDocs struct {
	types  map[string]string
	names  map[string]string // a schema name other than the type's ("} // @name ScenarioEffect")
	fields map[string]string
	consts map[string][]constDoc
}

type constDoc struct{ name, value string }

// pkg reads a package's doc comments from its source, once. A package outside the module has
// none.
func (g *schemas) pkg(path string) *pkgDocs {
	if d, ok := g.docs[path]; ok {
		return d
	}
	d := &pkgDocs{types: map[string]string{}, names: map[string]string{}, fields: map[string]string{}, consts: map[string][]constDoc{}}
	g.docs[path] = d
	rel, ok := strings.CutPrefix(path, module)
	if !ok {
		return d
	}
	dir := filepath.Join(g.root, filepath.FromSlash(strings.TrimPrefix(rel, "/")))
	entries, _ := os.ReadDir(dir)
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			continue // the compiler reports it
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					doc := spec.Doc
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc
					}
					d.types[spec.Name.Name] = typeDescription(doc)
					if spec.Comment != nil {
						if name, ok := strings.CutPrefix(strings.TrimSpace(spec.Comment.Text()), "@name"); ok {
							d.names[spec.Name.Name] = strings.TrimSpace(name)
						}
					}
					if st, ok := spec.Type.(*ast.StructType); ok {
						for _, fl := range st.Fields.List {
							text := ""
							if fl.Doc != nil {
								text = strings.TrimSpace(fl.Doc.Text())
							} else if fl.Comment != nil {
								text = strings.TrimSpace(fl.Comment.Text())
							}
							for _, n := range fl.Names {
								d.fields[spec.Name.Name+"."+n.Name] = text
							}
						}
					}
				case *ast.ValueSpec:
					typ, ok := spec.Type.(*ast.Ident)
					if gd.Tok != token.CONST || !ok {
						continue
					}
					for i, n := range spec.Names {
						if i < len(spec.Values) {
							if lit, ok := spec.Values[i].(*ast.BasicLit); ok {
								v := lit.Value
								if lit.Kind == token.STRING {
									v, _ = strconv.Unquote(v)
								}
								d.consts[typ.Name] = append(d.consts[typ.Name], constDoc{n.Name, v})
							}
						}
					}
				}
			}
		}
	}
	return d
}

// typeDescription is a type's description: its "@Description" lines when it has some (the text
// for readers of the API, apart from the Go doc comment for readers of the code), else its doc
// comment.
func typeDescription(doc *ast.CommentGroup) string {
	if doc == nil {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(doc.Text(), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "@Description"); ok {
			lines = append(lines, strings.TrimSpace(rest))
		}
	}
	if len(lines) > 0 {
		return strings.Join(lines, "\n")
	}
	return strings.TrimSpace(doc.Text())
}

// rules splits a validate tag into the rules of the field itself and those of its items (after
// "dive"): "max=20,dive,slug" is [max=20] and [slug].
func rules(validate string) (own, items []string) {
	if validate == "" {
		return nil, nil
	}
	all := strings.Split(validate, ",")
	for i, r := range all {
		if r == "dive" {
			return all[:i], all[i+1:]
		}
	}
	return all, nil
}
