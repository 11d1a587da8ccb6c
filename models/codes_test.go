package models_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"chainkb/models"
)

// emittedCodes reads the module's Go source (tests and generated code aside) for every problem
// code the server can emit: the string literal given as Code: in a composite literal (Problem,
// Error) and the first argument of models.Conflictf and models.BadRequestf.
func emittedCodes(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	fset := token.NewFileSet()
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "docs" || name == "client" || name == "node_modules" ||
				name == "e2e" || name == "bench" || name == "clients") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		lit := func(e ast.Expr) {
			if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
				s, _ := strconv.Unquote(b.Value)
				found[s] = fset.Position(b.Pos()).String()
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Code" {
					lit(n.Value)
				}
			case *ast.CallExpr:
				var name string
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if (name == "Conflictf" || name == "BadRequestf") && len(n.Args) > 0 {
					lit(n.Args[0])
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestErrorCodesComplete checks that every code the server can emit is in models.ErrorCodes, the
// list the OpenAPI document and the README are checked against, and that the list has no code
// that nothing emits.
func TestErrorCodesComplete(t *testing.T) {
	emitted := emittedCodes(t)
	if len(emitted) < 10 {
		t.Fatalf("found only %d codes in the source: is the scan broken?", len(emitted))
	}
	for code, where := range emitted {
		if !slices.Contains(models.ErrorCodes, code) {
			t.Errorf("%s emits code %q, which is not in models.ErrorCodes", where, code)
		}
	}
	seen := map[string]bool{}
	for _, code := range models.ErrorCodes {
		if seen[code] {
			t.Errorf("models.ErrorCodes lists %q twice", code)
		}
		seen[code] = true
		if _, ok := emitted[code]; !ok {
			t.Errorf("models.ErrorCodes lists %q, which nothing in the source emits", code)
		}
	}
}

// TestREADMEErrorCodes checks that the README lists exactly the codes of models.ErrorCodes.
func TestREADMEErrorCodes(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start := strings.Index(text, "<!-- error codes -->")
	end := strings.Index(text, "<!-- /error codes -->")
	if start < 0 || end < start {
		t.Fatal("README.md has no <!-- error codes --> ... <!-- /error codes --> section")
	}
	var listed []string
	for _, part := range strings.Split(text[start:end], "`")[1:] {
		if part != "" && strings.Trim(part, "abcdefghijklmnopqrstuvwxyz_") == "" {
			listed = append(listed, part)
		}
	}
	for _, code := range models.ErrorCodes {
		if !slices.Contains(listed, code) {
			t.Errorf("README.md does not list the error code %q", code)
		}
	}
	for _, code := range listed {
		if !slices.Contains(models.ErrorCodes, code) {
			t.Errorf("README.md lists %q, which is not in models.ErrorCodes", code)
		}
	}
}
