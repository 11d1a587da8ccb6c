package openapi

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// goField is what the fixes need of one JSON field of a Go struct that a schema was made from.
type goField struct {
	json     string // the JSON name
	validate string // the validate tag, as written
	pointer  bool   // a pointer: null and absence both leave it nil
	ignored  bool   // swaggerignore: accepted on input, not in swag's schema
	elemType string // the named element type of a slice ("models.TagRef"), or the field's own
	omitted  bool   // omitempty: a nil pointer is left out, never sent as null
}

// goStruct is one Go struct type: its JSON fields, those of embedded structs included.
type goStruct struct {
	fields []goField
}

// goTypes reads the Go structs that swag's definitions were made from, so that the fixes can read
// what swag does not carry over: validate tags, pointers, swaggerignore'd fields. root is the module
// root; a definition "models.TacticInput" is looked for in root/models, then root/internal/models.
// The result is keyed by swag's definition name.
func goTypes(root string, definitions []string) (map[string]*goStruct, error) {
	pkgs := map[string]map[string]*ast.StructType{} // package name -> type name -> struct
	load := func(pkg string) (map[string]*ast.StructType, error) {
		if m, ok := pkgs[pkg]; ok {
			return m, nil
		}
		m := map[string]*ast.StructType{}
		pkgs[pkg] = m
		for _, dir := range []string{filepath.Join(root, pkg), filepath.Join(root, "internal", pkg)} {
			entries, err := os.ReadDir(dir)
			if err != nil {
				continue
			}
			fset := token.NewFileSet()
			for _, e := range entries {
				name := e.Name()
				if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
					continue
				}
				f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
				if err != nil {
					return nil, fmt.Errorf("read the Go types: %w", err)
				}
				for _, d := range f.Decls {
					g, ok := d.(*ast.GenDecl)
					if !ok {
						continue
					}
					for _, s := range g.Specs {
						if ts, ok := s.(*ast.TypeSpec); ok {
							if st, ok := ts.Type.(*ast.StructType); ok {
								m[ts.Name.Name] = st
							}
						}
					}
				}
			}
			break
		}
		return m, nil
	}
	var fieldsOf func(pkg string, st *ast.StructType, depth int) []goField
	fieldsOf = func(pkg string, st *ast.StructType, depth int) []goField {
		var out []goField
		for _, fl := range st.Fields.List {
			tag := ""
			if fl.Tag != nil {
				tag = strings.Trim(fl.Tag.Value, "`")
			}
			stag := reflect.StructTag(tag)
			if len(fl.Names) == 0 { // embedded
				if id, ok := fl.Type.(*ast.Ident); ok && depth < 3 {
					if m, _ := load(pkg); m[id.Name] != nil {
						out = append(out, fieldsOf(pkg, m[id.Name], depth+1)...)
					}
				}
				continue
			}
			if !fl.Names[0].IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(stag.Get("json"), ",")
			if name == "-" || name == "" {
				continue
			}
			f := goField{json: name, validate: stag.Get("validate"), ignored: stag.Get("swaggerignore") == "true",
				omitted: strings.Contains(","+opts+",", ",omitempty,")}
			t := fl.Type
			if s, ok := t.(*ast.StarExpr); ok {
				f.pointer = true
				t = s.X
			}
			if a, ok := t.(*ast.ArrayType); ok {
				t = a.Elt
			}
			switch t := t.(type) {
			case *ast.Ident:
				f.elemType = pkg + "." + t.Name
			case *ast.SelectorExpr:
				if x, ok := t.X.(*ast.Ident); ok {
					f.elemType = x.Name + "." + t.Sel.Name
				}
			}
			out = append(out, f)
		}
		return out
	}
	out := map[string]*goStruct{}
	for _, def := range definitions {
		pkg, name, ok := strings.Cut(def, ".")
		if !ok {
			continue
		}
		m, err := load(pkg)
		if err != nil {
			return nil, err
		}
		if st := m[name]; st != nil {
			out[def] = &goStruct{fields: fieldsOf(pkg, st, 0)}
		}
	}
	return out, nil
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
