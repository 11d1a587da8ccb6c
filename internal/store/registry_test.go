package store_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// The registry of resources (registry.go) is the one list of resources: everything that treats
// every resource alike reads it. This test fails when a resource is missing from one of them, or
// when one of them lists a resource the registry does not hold.
func TestRegistry(t *testing.T) {
	t.Parallel()
	res := store.Resources()
	var plurals, entities []string
	for _, r := range res {
		plurals = append(plurals, r.Plural)
		entities = append(entities, r.Entity)
	}
	// Entities() is the registry's entities, then releases: the one kind of object in the change
	// feed that is no resource (a bundle does not hold releases).
	if want := append(slices.Clone(entities), models.EntityRelease); !slices.Equal(want, store.Entities()) {
		t.Fatalf("Entities() = %v, want Resources()' entities and release: %v", store.Entities(), want)
	}
	historied := store.Entities()

	// The bundle has one array per resource, in the registry's order, named by its plural.
	var fields []string
	bt := reflect.TypeFor[store.Bundle]()
	for i := range bt.NumField() {
		if name, _, _ := strings.Cut(bt.Field(i).Tag.Get("json"), ","); name != "format_version" {
			fields = append(fields, name)
		}
	}
	if !slices.Equal(fields, plurals) {
		t.Errorf("Bundle's arrays are %v; the registry's resources %v", fields, plurals)
	}

	// Package models declares a constant for each entity, and no other: the API document's Entity
	// enum is made from Entities() (the change feed's variants, an import report's entity), and
	// code names the entities by those constants.
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, "../../models", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, f := range pkgs["models"].Files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Entity" {
					for _, v := range vs.Values {
						if lit, ok := v.(*ast.BasicLit); ok {
							declared = append(declared, strings.Trim(lit.Value, `"`))
						}
					}
				}
			}
		}
	}
	slices.Sort(declared)
	if want := slices.Sorted(slices.Values(historied)); !slices.Equal(declared, want) {
		t.Errorf("package models declares the entities %v; the store's are %v", declared, want)
	}
	// A webhook subscription asks for changes of these entities, and of no other.
	f, _ := reflect.TypeFor[models.WebhookInput]().FieldByName("Entities")
	_, oneOf, _ := strings.Cut(f.Tag.Get("validate"), "oneof=")
	if got := slices.Sorted(slices.Values(strings.Fields(oneOf))); !slices.Equal(got, slices.Sorted(slices.Values(historied))) {
		t.Errorf("WebhookInput.Entities takes %v; the store's entities are %v", got, historied)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[models.Revision](), reflect.TypeFor[store.ImportItem]()} {
		if f, _ := typ.FieldByName("Entity"); f.Tag.Get("enums") != "" {
			t.Errorf("%s.Entity lists its own enum; it is models.Entity's", typ)
		}
	}

	s := seeded(t)
	raw := export(t, s)

	// The export writes every resource, and the seed has objects of each.
	var arrays map[string]json.RawMessage
	if err := json.Unmarshal(raw, &arrays); err != nil {
		t.Fatal(err)
	}
	for _, p := range plurals {
		var items []json.RawMessage
		if err := json.Unmarshal(arrays[p], &items); err != nil || len(items) == 0 {
			t.Errorf("the export's %q holds %d objects (%v); the seed has some of each resource", p, len(items), err)
		}
	}

	// The import refuses a bundle that holds an object of any resource twice, naming the copy.
	for _, p := range plurals {
		t.Run("twice "+p, func(t *testing.T) {
			var doc map[string]json.RawMessage
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			var items []json.RawMessage
			if err := json.Unmarshal(doc[p], &items); err != nil {
				t.Fatal(err)
			}
			items = append(items, items[0])
			doc[p], _ = json.Marshal(items)
			twice, _ := json.Marshal(doc)
			_, err := s.Import(editor(), decodeBundle(t, twice), true)
			e := wantKind(t, err, models.KindInvalid, "validation_failed")
			at := "/" + p + "/" + itoa(len(items)-1) + "/"
			if !slices.ContainsFunc(e.Fields, func(f models.FieldError) bool { return strings.HasPrefix(f.Field, at) }) {
				t.Errorf("faults %v; want one at %s...", e.Fields, at)
			}
		})
	}

	// A source's cited_by names every kind of object that cites it: parameters too.
	b := decodeBundle(t, raw)
	cited := false
	for _, p := range b.Parameters {
		if len(p.Citations) == 0 {
			continue
		}
		src, err := s.Source(editor(), p.Citations[0].Source)
		if err != nil {
			t.Fatal(err)
		}
		cited = slices.ContainsFunc(src.CitedBy, func(u models.SourceUse) bool { return u.Entity == models.EntityParameter && u.Key == p.Slug })
		if !cited {
			t.Errorf("source %s is cited by parameter %s, but its cited_by is %+v", src.Slug, p.Slug, src.CitedBy)
		}
		break
	}

	// Every resource has a history and a place in the change feed, under its entity.
	feed, err := s.Changes(editor(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	inFeed := map[string]int64{}
	for _, r := range feed.Items {
		inFeed[r.Entity] = r.EntityID
	}
	for _, e := range entities {
		id, ok := inFeed[e]
		if !ok {
			t.Errorf("the change feed has no %s", e)
			continue
		}
		hist, err := s.Revisions(editor(), e, itoa(int(id)), models.Page{Limit: 10})
		if err != nil || len(hist.Items) == 0 {
			t.Errorf("%s %d has no history: %v", e, id, err)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// The README's "Adding a resource" lists the files a new resource touches: at most 8, each one that
// exists for the resource it names as its example (relations).
func TestREADMEAddingAResource(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	i := strings.Index(text, "### Adding a resource")
	if i < 0 {
		t.Fatal("README.md has no Adding a resource section")
	}
	section := text[i+len("### Adding a resource"):]
	if j := strings.Index(section, "\n#"); j >= 0 {
		section = section[:j]
	}
	item := regexp.MustCompile("(?m)^\\d+\\. `([^`]+)`")
	var files []string
	for _, m := range item.FindAllStringSubmatch(section, -1) {
		files = append(files, m[1])
	}
	if len(files) == 0 || len(files) > 8 {
		t.Fatalf("the section lists %d files (%v); a resource must take at most 8", len(files), files)
	}
	for _, f := range files {
		path := strings.NewReplacer("<entity>", "relation", "<resources>", "*", "NNNN", "*").Replace(f)
		if strings.Contains(f, "<resources>") && !strings.Contains(f, "migrations") {
			path = strings.ReplaceAll(f, "<resources>", "relations")
		}
		matches, err := filepath.Glob(filepath.Join("../..", path))
		if err != nil || len(matches) == 0 {
			t.Errorf("the README lists %s, but %s names no file for relations", f, path)
		}
	}
}
