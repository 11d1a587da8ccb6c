package cite_test

import (
	"bytes"
	"os"
	"testing"

	"gopkg.in/yaml.v3"

	"chainkb/internal/cite"
)

// CITATION.cff at the repository's root is valid Citation File Format 1.2.0: YAML with the keys
// the format requires (cff-version, message, title, authors), a type it knows, and each author a
// person's family name or an entity's name. It names the same title and author as the releases'
// citations.
func TestCitationFile(t *testing.T) {
	raw, err := os.ReadFile("../../CITATION.cff")
	if err != nil {
		t.Fatal(err)
	}
	var cff struct {
		CFFVersion string `yaml:"cff-version"`
		Message    string `yaml:"message"`
		Title      string `yaml:"title"`
		Type       string `yaml:"type"`
		Authors    []struct {
			Name       string `yaml:"name"`
			FamilyName string `yaml:"family-names"`
		} `yaml:"authors"`
		Abstract string   `yaml:"abstract"`
		Keywords []string `yaml:"keywords"`
	}
	dec := yaml.NewDecoder(bytesReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&cff); err != nil {
		t.Fatalf("CITATION.cff: %v", err)
	}
	if cff.CFFVersion != "1.2.0" || cff.Message == "" || cff.Title != cite.Title || len(cff.Authors) == 0 {
		t.Errorf("CITATION.cff lacks a required key or differs from the releases' citation: %+v", cff)
	}
	if cff.Type != "software" && cff.Type != "dataset" {
		t.Errorf("type %q: CFF 1.2.0 knows software and dataset", cff.Type)
	}
	for _, a := range cff.Authors {
		if (a.Name == "") == (a.FamilyName == "") || (a.Name != "" && a.Name != cite.Editors) {
			t.Errorf("author %+v: an entity (name) or a person (family-names); chainkb's is %q", a, cite.Editors)
		}
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
