package inforce

import (
	"slices"
	"testing"

	"chainkb/internal/economics"
	"chainkb/models"
)

// Rows whose D is unknown come last in every order, by code; the others follow the order asked.
func TestSortRowsUnknownLast(t *testing.T) {
	d := func(x float64) *Brief { return &Brief{Value: economics.Value{Low: x, Central: x, High: x}} }
	years := func(x float64) *models.Penalty { return &models.Penalty{PrisonMaxYears: &x} }
	rows := []ComparisonRow{
		{ISO: "ZW", Name: "Zimbabwe", Region: models.Region{Code: "014"}},
		{ISO: "NP", Name: "Nepal", Region: models.Region{Code: "034"}, Deterrence: d(0.5), ExpectedPenalty: d(50), Statute: years(20)},
		{ISO: "AL", Name: "Albania", Region: models.Region{Code: "039"}, Statute: &models.Penalty{LifeOrDeath: true}},
		{ISO: "DE", Name: "Germany", Region: models.Region{Code: "155"}, Deterrence: d(0.01), ExpectedPenalty: d(1), Statute: years(10)},
		{ISO: "IN", Name: "India", Region: models.Region{Code: "034"}, Deterrence: d(2), ExpectedPenalty: d(20)},
	}
	for sort, want := range map[string][]string{
		"deterrence_ratio":  {"DE", "NP", "IN", "AL", "ZW"},
		"-deterrence_ratio": {"IN", "NP", "DE", "AL", "ZW"},
		"expected_penalty":  {"DE", "IN", "NP", "AL", "ZW"},
		"-expected_penalty": {"NP", "IN", "DE", "AL", "ZW"},
		"iso":               {"DE", "IN", "NP", "AL", "ZW"},
		"-iso":              {"NP", "IN", "DE", "AL", "ZW"},
		"name":              {"DE", "IN", "NP", "AL", "ZW"},
		"region":            {"IN", "NP", "DE", "AL", "ZW"},
		"-region":           {"DE", "IN", "NP", "AL", "ZW"},
		"statute":           {"IN", "DE", "NP", "AL", "ZW"},
		"-statute":          {"NP", "DE", "IN", "AL", "ZW"},
	} {
		got := slices.Clone(rows)
		key, desc := sort, false
		if sort[0] == '-' {
			key, desc = sort[1:], true
		}
		sortRows(got, key, desc)
		var isos []string
		for _, r := range got {
			isos = append(isos, r.ISO)
		}
		if !slices.Equal(isos, want) {
			t.Errorf("sort=%s: %v, want %v", sort, isos, want)
		}
	}
}

// The heaviest statute: life or death first, then the longest maximum, then the longest minimum;
// only the chain's penalties count.
func TestStatute(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	c := &models.Country{Penalties: []models.Penalty{
		{Chain: "forced-labour", LifeOrDeath: true},
		{Chain: "sex-trafficking", PrisonMinYears: f(5), PrisonMaxYears: f(10)},
		{Chain: "sex-trafficking", PrisonMinYears: f(7), PrisonMaxYears: f(10)},
		{Chain: "sex-trafficking", PrisonMinYears: f(1), PrisonMaxYears: f(3)},
	}}
	if got := Statute(c, "sex-trafficking"); got == nil || *got.PrisonMinYears != 7 {
		t.Errorf("heaviest sex-trafficking statute = %+v, want 7-10 years", got)
	}
	if got := Statute(c, "forced-labour"); got == nil || !got.LifeOrDeath {
		t.Errorf("heaviest forced-labour statute = %+v, want life", got)
	}
	if got := Statute(c, "other"); got != nil {
		t.Errorf("a chain without penalties has statute %+v", got)
	}
}
