package models

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// checker is an input that checks itself.
type checker interface{ Validate() error }

// validateCase is one row of a Validate table: the input and the fields that must be reported
// bad, in order (none for a valid input).
type validateCase struct {
	name       string
	in         checker
	wantFields []string
}

func runValidate(t *testing.T, cases []validateCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.in.Validate()
			if len(tc.wantFields) == 0 {
				// A nil *Error in an error interface would be non-nil here.
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || e.Kind != KindInvalid || e.Code != "validation_failed" {
				t.Fatalf("Validate() = %#v, want an Invalid error", err)
			}
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Field)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Field)
				}
			}
			if !slices.Equal(got, tc.wantFields) {
				t.Errorf("fields = %v, want %v", got, tc.wantFields)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestChainInput_Validate(t *testing.T) {
	t.Parallel()
	runValidate(t, []validateCase{
		{"OK", &ChainInput{Slug: "forced-labour", Name: "Forced labour"}, nil},
		{"Empty", &ChainInput{}, []string{"slug", "name"}},
		{"SlugAllDigits", &ChainInput{Slug: "123", Name: "n"}, []string{"slug"}},
		{"SlugUppercase", &ChainInput{Slug: "Forced", Name: "n"}, []string{"slug"}},
		{"SlugTooLong", &ChainInput{Slug: strings.Repeat("a", 65), Name: "n"}, []string{"slug"}},
		{"NameTooLong", &ChainInput{Slug: "s", Name: strings.Repeat("n", 121)}, []string{"name"}},
		{"DescriptionTooLong", &ChainInput{Slug: "s", Name: "n", Description: strings.Repeat("d", 4001)}, []string{"description"}},
		{"VersionZero", &ChainInput{Slug: "s", Name: "n", Version: ptr(int64(0))}, []string{"version"}},
	})
}

func TestStageInput_Validate(t *testing.T) {
	t.Parallel()
	ok := func() *StageInput {
		return &StageInput{ChainID: ptr(int64(1)), Slug: "consumer", Name: "Consumer", Actor: "buyer", Side: SideDemand, Position: ptr(0)}
	}
	with := func(f func(*StageInput)) *StageInput { in := ok(); f(in); return in }
	runValidate(t, []validateCase{
		{"OK", ok(), nil},
		{"Empty", &StageInput{}, []string{"chain_id", "slug", "name", "actor", "side", "position"}},
		{"ChainIDZero", with(func(in *StageInput) { in.ChainID = ptr(int64(0)) }), []string{"chain_id"}},
		{"SideUnknown", with(func(in *StageInput) { in.Side = "middle" }), []string{"side"}},
		{"PositionNegative", with(func(in *StageInput) { in.Position = ptr(-1) }), []string{"position"}},
		{"PositionTooLarge", with(func(in *StageInput) { in.Position = ptr(1000001) }), []string{"position"}},
		{"ActorTooLong", with(func(in *StageInput) { in.Actor = strings.Repeat("a", 121) }), []string{"actor"}},
	})
}

func TestTagInput_Validate(t *testing.T) {
	t.Parallel()
	runValidate(t, []validateCase{
		{"OK", &TagInput{Slug: "short-term", Name: "Short term", Group: HorizonGroup}, nil},
		{"Empty", &TagInput{}, []string{"slug", "name", "group"}},
		{"GroupNotASlug", &TagInput{Slug: "s", Name: "n", Group: "Horizon Group"}, []string{"group"}},
		{"SlugWithSpace", &TagInput{Slug: "short term", Name: "n", Group: "g"}, []string{"slug"}},
	})
}

func TestTacticInput_Validate(t *testing.T) {
	t.Parallel()
	ok := func() *TacticInput {
		return &TacticInput{StageID: ptr(int64(3)), Kind: KindRecommended, Title: "Close venues", Summary: "Shut them."}
	}
	with := func(f func(*TacticInput)) *TacticInput { in := ok(); f(in); return in }
	many := func(n int) []TagRef {
		refs := make([]TagRef, n)
		for i := range refs {
			refs[i] = "tag"
		}
		return refs
	}
	runValidate(t, []validateCase{
		{"OK", ok(), nil},
		{"OKWithEverything", with(func(in *TacticInput) {
			in.Status = StatusPublished
			in.Tags = []TagRef{"short-term", "prosecution"}
			in.Code = "ST-R-R99"
			in.Attribution = AttributionKaraReading
			in.Evidence = &Evidence{Effect: Effect{Direction: "unknown"}, Level: "descriptive", Evaluation: "process", Cost: &Cost{Level: "low"}}
			in.Caveats = []Caveat{{Type: CaveatContested, Text: "Disputed.", Citations: []Citation{{Source: "a-source", Supports: SupportsContext}}}}
			in.Positions = []Position{{Stance: "for", Text: "Yes."}, {Stance: "against", Text: "No."}}
			in.Jurisdictions = []string{"IN", "global"}
			in.Actors = []string{"police", "courts"}
			in.Citations = []Citation{{Source: "kara-2009", Locator: "p. 202", Quote: "a short quotation", Supports: SupportsSupports}}
			in.ActsOn = []ActsOn{{Symbol: "fine", Direction: "raises"}}
			in.AlsoAppliesTo = []string{"wholesaler"}
			in.Position = ptr(0)
		}), nil},
		{"Empty", &TacticInput{}, []string{"stage_id", "kind", "title", "summary"}},
		{"KindUnknown", with(func(in *TacticInput) { in.Kind = "future" }), []string{"kind"}},
		{"StatusUnknown", with(func(in *TacticInput) { in.Status = "deleted" }), []string{"status"}},
		{"TagNotASlug", with(func(in *TacticInput) { in.Tags = []TagRef{"ok", "Not OK"} }), []string{"tags/1"}},
		{"TooManyTags", with(func(in *TacticInput) { in.Tags = many(21) }), []string{"tags"}},
		{"KindCondition", with(func(in *TacticInput) { in.Kind = KindCondition }), nil},
		{"CodeMalformed", with(func(in *TacticInput) { in.Code = "st-r-r01" }), []string{"code"}},
		{"CitationWithoutSource", with(func(in *TacticInput) { in.Citations = []Citation{{Supports: SupportsSupports}} }),
			[]string{"citations/0/source"}},
		{"CitationSupportsUnknown", with(func(in *TacticInput) {
			in.Citations = []Citation{{Source: "a", Supports: SupportsSupports}, {Source: "b", Supports: "maybe"}}
		}), []string{"citations/1/supports"}},
		{"QuoteOver40Words", with(func(in *TacticInput) {
			in.Citations = []Citation{{Source: "a", Supports: SupportsSupports, Quote: strings.Repeat("word ", 41)}}
		}), []string{"citations/0/quote"}},
		{"ContestedWithoutBothPositions", with(func(in *TacticInput) {
			in.Caveats = []Caveat{{Type: CaveatContested, Text: "Disputed."}}
			in.Positions = []Position{{Stance: "for", Text: "Yes."}}
		}), []string{"positions"}},
		{"CaveatTypeUnknownAndBlankText", with(func(in *TacticInput) { in.Caveats = []Caveat{{Type: "risk", Text: "  "}} }),
			[]string{"caveats/0/type", "caveats/0/text"}},
		{"JurisdictionUnknown", with(func(in *TacticInput) { in.Jurisdictions = []string{"IN", "EU", "in", "XX"} }),
			[]string{"jurisdictions/1", "jurisdictions/2", "jurisdictions/3"}},
		{"ActorUnknown", with(func(in *TacticInput) { in.Actors = []string{"police", "army"} }), []string{"actors/1"}},
		{"EvidenceLevelUnknown", with(func(in *TacticInput) {
			in.Evidence = &Evidence{Effect: Effect{Direction: "up"}, Level: "anecdote", Evaluation: "unevaluated"}
		}), []string{"evidence/effect/direction", "evidence/level"}},
		{"AttributionUnknown", with(func(in *TacticInput) { in.Attribution = "kara-ish" }), []string{"attribution"}},
		{"ActsOnUnknownSymbol", with(func(in *TacticInput) { in.ActsOn = []ActsOn{{Symbol: "luck", Direction: "raises"}} }),
			[]string{"acts_on/0/symbol"}},
		{"AdoptionOnARecommendation", with(func(in *TacticInput) { in.Adoption = &Adoption{Where: []string{"SE"}} }),
			[]string{"adoption"}},
		{"PositionTooLarge", with(func(in *TacticInput) { in.Position = ptr(1000001) }), []string{"position"}},
		{"TitleAndSummaryTooLong", with(func(in *TacticInput) {
			in.Title = strings.Repeat("t", 201)
			in.Summary = strings.Repeat("s", 501)
		}), []string{"title", "summary"}},
	})
}

// keyAt adapts KeyInput's Validate, which takes the time, to the table.
type keyAt struct {
	in  KeyInput
	now time.Time
}

func (k keyAt) Validate() error { return k.in.Validate(k.now) }

func TestKeyInput_Validate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	runValidate(t, []validateCase{
		{"OK", keyAt{KeyInput{Name: "Dashboard", Role: "reader"}, now}, nil},
		{"OKExpiring", keyAt{KeyInput{Name: "Dashboard", Role: "admin", ExpiresAt: ptr(now.Add(time.Hour))}, now}, nil},
		{"Empty", keyAt{KeyInput{}, now}, []string{"name", "role"}},
		{"RoleAnonymous", keyAt{KeyInput{Name: "n", Role: "anonymous"}, now}, []string{"role"}},
		{"Expired", keyAt{KeyInput{Name: "n", Role: "reader", ExpiresAt: ptr(now)}, now}, []string{"expires_at"}},
		{"EverythingBad", keyAt{KeyInput{ExpiresAt: ptr(now.Add(-time.Hour))}, now}, []string{"name", "role", "expires_at"}},
	})
}

func TestIsSlug(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"a", true}, {"short-term", true}, {"4p", true}, {"-", true},
		{"", false}, {"42", false}, {"Short", false}, {"a_b", false}, {strings.Repeat("a", 64), true}, {strings.Repeat("a", 65), false},
	} {
		if got := IsSlug(tc.s); got != tc.want {
			t.Errorf("IsSlug(%q) = %t, want %t", tc.s, got, tc.want)
		}
	}
}
