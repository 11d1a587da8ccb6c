package search

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in, canon, fts5, tsquery string
	}{
		{"debt bondage", "debt bondage", `("debt" AND "bondage")`, "('debt' & 'bondage')"},
		{"  Prosecute  ", "prosecute", `"prosecute"`, "('prosecute')"},
		{`"debt bondage"`, `"debt bondage"`, `"debt bondage"`, "(('debt' <-> 'bondage'))"},
		{"traff*", "traff*", `"traff" *`, "('traff':*)"},
		{"trafficking -brothel", "trafficking -brothel", `(("trafficking") NOT "brothel")`, "('trafficking' & !'brothel')"},
		{`raid OR "labour inspection"`, `raid OR "labour inspection"`, `"raid" OR "labour inspection"`, "('raid') | (('labour' <-> 'inspection'))"},
		{"a b OR c -d", "a b OR c -d", `("a" AND "b") OR (("c") NOT "d")`, "('a' & 'b') | ('c' & !'d')"},
		{"confiscat*", "confiscat*", `("confiscat" * OR "confisc" *)`, "(('confiscat':* | 'confisc':*))"},
		{`"asset confiscat*"`, `"asset confiscat"`, `"asset confiscat"`, "(('asset' <-> 'confiscat'))"},
		{"asset_confiscat*", `"asset confiscat"*`, `("asset confiscat" * OR "asset confisc" *)`, "((('asset' <-> 'confiscat':*) | ('asset' <-> 'confisc':*)))"},
		{"tax_records", `"tax records"`, `"tax records"`, "(('tax' <-> 'records'))"},
		{"100%", "100", `"100"`, "('100')"},
		{"Café", "café", `"café"`, "('café')"},
		{"or and", "or and", `("or" AND "and")`, "('or' & 'and')"},
		{`-"sex work" trafficking`, `-"sex work" trafficking`, `(("trafficking") NOT "sex work")`, "(!('sex' <-> 'work') & 'trafficking')"},
		{"it's", `"it s"`, `"it s"`, "(('it' <-> 's'))"},
	}
	for _, tt := range tests {
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := q.String(); got != tt.canon {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.canon)
		}
		if got := q.FTS5(); got != tt.fts5 {
			t.Errorf("Parse(%q).FTS5() = %q, want %q", tt.in, got, tt.fts5)
		}
		if got := q.TSQuery(); got != tt.tsquery {
			t.Errorf("Parse(%q).TSQuery() = %q, want %q", tt.in, got, tt.tsquery)
		}
	}
}

// TestParseMalformed checks every malformed form: each is an *Error whose message says what is
// wrong.
func TestParseMalformed(t *testing.T) {
	tests := map[string]string{
		"":                       "is empty",
		"   ":                    "is empty",
		`"unclosed`:              "unclosed",
		`debt "bondage`:          "unclosed",
		"-":                      "lone '-'",
		"debt - bondage":         "lone '-'",
		"*":                      "lone '*'",
		"debt *":                 "lone '*'",
		"con*fiscate":            "may only end a word",
		"*fiscate":               "may only end a word",
		"debt**":                 "may only end a word",
		"tax_*":                  "may only end a word",
		"%":                      "no letters or digits",
		"\u0301":                 "no letters or digits",
		"-%":                     "no letters or digits",
		`""`:                     "phrase with no letters",
		`" ! "`:                  "phrase with no letters",
		"OR":                     "OR needs a term on each side",
		"OR debt":                "OR needs a term on each side (nothing before it)",
		"debt OR":                "OR needs a term on each side (nothing after it)",
		"debt OR OR bondage":     "OR needs a term on each side",
		"-brothel":               "only excluded terms",
		"debt OR -brothel":       "only excluded terms",
		strings.Repeat("a", 201): "longer than 200",
	}
	for in, want := range tests {
		_, err := Parse(in)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want an *Error", in, err)
			continue
		}
		if !strings.Contains(e.Message, want) {
			t.Errorf("Parse(%q) = %q, want a message with %q", in, e.Message, want)
		}
	}
}
