package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestSearchFindsCountries: a country is found by its English name (derived from its code, never
// stored by the client), by a word of its summary and by its statutes, with its ISO code as key
// and its name as title; type=country keeps only countries; filters only chains, stages or
// tactics have leave countries out.
func TestSearchFindsCountries(t *testing.T) {
	t.Parallel()
	s := newServer(t)

	hits := searchFor(t, s, "q=nepal&type=country", authAs(s, "anonymous")...).Data
	if len(hits) == 0 || hits[0].Type != "country" || hits[0].Key != "NP" || hits[0].Title != "Nepal" {
		t.Fatalf("q=nepal&type=country = %q, want country:NP first with the title Nepal", hitKeys(hits, -1))
	}
	for _, h := range hits {
		if h.Type != "country" {
			t.Errorf("type=country found %s:%s", h.Type, h.Key)
		}
	}
	if hits[0].Snippet == "" || hits[0].Score <= 0 {
		t.Errorf("the hit has no snippet or score: %+v", hits[0])
	}
	// Other countries' texts may name Nepal too (a neighbour's summary); the one named so ranks
	// above them all, the name weighing most.
	for _, h := range hits[1:] {
		if h.Score >= hits[0].Score {
			t.Errorf("%s scores %v, no less than Nepal itself (%v)", h.Key, h.Score, hits[0].Score)
		}
	}
	if !slices.Contains(hitKeys(searchFor(t, s, "q=nepal&limit=200").Data, -1), "country:NP") {
		t.Error("q=nepal over every type does not find country:NP")
	}

	for _, tt := range []struct{ q, want string }{
		{"HTTCA", "country:NP"},                            // its summary's abbreviation of the act
		{`"Bonded Labor (Prohibition) Act"`, "country:NP"}, // a penalty's instrument
		{"TIPLEAA", "country:NG"},                          // Nigeria's summary
		{`"Modern Slavery Act" "England"`, "country:GB"},   // summary words
		{"germany", "country:DE"},                          // a name the code alone does not say
		{`"united kingdom"`, "country:GB"},                 // CLDR's name of GB
		{"thailand", "country:TH"},
	} {
		got := hitKeys(searchFor(t, s, "type=country&q="+url.QueryEscape(tt.q)).Data, 1)
		if len(got) == 0 || got[0] != tt.want {
			t.Errorf("q=%s&type=country: first = %q, want %s", tt.q, got, tt.want)
		}
	}

	for _, f := range []string{"chain=sex-trafficking", "stage=1", "kind=current", "evidence_level=none"} {
		for _, h := range searchFor(t, s, "limit=200&q=trafficking&"+f).Data {
			if h.Type == "country" {
				t.Errorf("%s found country %s", f, h.Key)
			}
		}
	}
	if n := len(searchFor(t, s, "q=nepal&type=country&chain=sex-trafficking").Data); n != 0 {
		t.Errorf("type=country&chain= found %d countries, want 0", n)
	}
}

// TestSearchFollowsCountryWrites: a new country is found by its name and summary; a replaced or
// patched summary is found by its new words and no longer by its old; a deleted country leaves
// the index, and a restored one comes back.
func TestSearchFollowsCountryWrites(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	count := func(q string) int { return len(searchFor(t, s, "type=country&q="+q).Data) }

	var c struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	}
	s.do(t, "POST", "/api/v1/countries", obj{"iso": "FJ", "summary": "The zorblax statute is the main law."}).
		mustStatus(t, http.StatusCreated).decode(t, &c)
	if n := count("fiji"); n != 1 {
		t.Errorf("a new country is found by its name %d times, want 1", n)
	}
	if n := count("zorblax"); n != 1 {
		t.Errorf("a new country is found by its summary %d times, want 1", n)
	}

	s.do(t, "PUT", "/api/v1/countries/FJ", obj{"iso": "FJ", "summary": "The quintessa statute replaced it.", "version": c.Version}).
		mustStatus(t, http.StatusOK).decode(t, &c)
	if n := count("zorblax"); n != 0 {
		t.Errorf("the replaced summary's old word is still found (%d)", n)
	}
	if n := count("quintessa"); n != 1 {
		t.Errorf("the replaced summary's new word is found %d times, want 1", n)
	}

	s.do(t, "PATCH", "/api/v1/countries/fj", obj{"summary": "Now the wumpish act.", "version": c.Version}, "Content-Type", "application/merge-patch+json").
		mustStatus(t, http.StatusOK)
	if n := count("quintessa"); n != 0 {
		t.Errorf("the patched summary's old word is still found (%d)", n)
	}
	if n := count("wumpish"); n != 1 {
		t.Errorf("the patched summary's new word is found %d times, want 1", n)
	}

	s.do(t, "DELETE", "/api/v1/countries/FJ", nil, "If-Match", "*").mustStatus(t, http.StatusNoContent)
	for _, q := range []string{"fiji", "wumpish"} {
		if n := count(q); n != 0 {
			t.Errorf("a deleted country is found by %s (%d)", q, n)
		}
	}
	revs := revisionsOf(t, s, "countries", "FJ") // newest first: delete, update, update, create
	s.do(t, "POST", fmt.Sprintf("/api/v1/countries/FJ/revisions/%d/restore", revs[1].ID), nil).mustStatus(t, http.StatusOK)
	if n := count("fiji"); n != 1 {
		t.Errorf("a restored country is found by its name %d times, want 1", n)
	}
}
