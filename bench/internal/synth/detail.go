package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"chainkb/models"
)

// Source is a source of the synthetic bibliography, which every citation of the dataset names.
type Source struct {
	Slug, Author, Title, Type string
	Year                      int
}

// Sources are the dataset's sources: four per author, of the types chainkb knows.
var Sources = func() []Source {
	types := []string{"primary-author", "peer-reviewed", "grey", "primary-official"}
	var out []Source
	for _, a := range authors {
		surname := strings.ToLower(strings.TrimSuffix(strings.Fields(a)[0], ","))
		for v := range 4 {
			year := 2000 + 6*v + len(surname)%6
			out = append(out, Source{
				Slug:   fmt.Sprintf("%s-%d-chains-%d", surname, year, v+1),
				Author: a, Year: year, Type: types[v],
				Title: fmt.Sprintf("Business chains of modern slavery, volume %d", v+1),
			})
		}
	}
	return out
}()

// Detail is what a tactic says beyond its plain columns (knowledge model v2): the fields and JSON
// field order of chainkb's detail column, which a create body carries as they are.
type Detail struct {
	Evidence      models.Evidence   `json:"evidence"`
	Caveats       []models.Caveat   `json:"caveats"`
	Positions     []models.Position `json:"positions"`
	Jurisdictions []string          `json:"jurisdictions"`
	Actors        []string          `json:"actors"`
	Adoption      *models.Adoption  `json:"adoption"`
	Review        models.Review     `json:"review"`
	Citations     []models.Citation `json:"citations"`
	ActsOn        []models.ActsOn   `json:"acts_on"`
	AlsoAppliesTo []string          `json:"also_applies_to"`
}

var (
	attributions  = []string{models.AttributionKara, models.AttributionKara, models.AttributionKaraReading, models.AttributionOther, models.AttributionEditorial}
	directions    = []string{"positive", "positive", "mixed", "none", "negative", "unknown"}
	evaluations   = []string{"unevaluated", "process", "outcome", "impact"}
	costLevels    = []string{"low", "medium", "high"}
	jurisdictions = []string{"global", "GB", "US", "IN", "NP", "TH", "NG", "RO", "BR", "PH"}
	symbols       = []string{"p_detect", "p_convict", "fine", "confiscation_rate", "prison_years", "buyer_price", "acquisition_cost"}
	outcomes      = []string{"convictions per year", "victims identified", "time under an exploiter's control",
		"recruitment by deception", "prices paid by buyers", "proceeds confiscated"}
	caveatTypes = []string{models.CaveatHarm, models.CaveatDataQuality, models.CaveatScope}
	reviewed    = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
)

// EmptyDetailEvery is how rare a tactic with an empty detail ('{}', as the migration to v2 left
// the tactics it found) is in the dataset: about one in EmptyDetailEvery.
const EmptyDetailEvery = 10

// Attribution draws who makes a tactic's claim.
func Attribution(r *rand.Rand) string { return pick(r, attributions) }

// NewDetail returns the detail of a tactic of the given kind, about the size of the seed's: its
// evidence, 0-2 caveats (a contested one with a position for and one against), where it applies
// and who carries it out, an adoption for a current effort, a review, 1-2 citations, 0-1
// parameter it acts on, and, when stage is not empty, 0-1 other stage of the chain.
func NewDetail(r *rand.Rand, kind, stage string) Detail {
	d := Detail{
		Evidence: models.Evidence{
			Effect:     models.Effect{Direction: pick(r, directions), Outcome: pick(r, outcomes)},
			Mechanism:  "It " + pick(r, clauses) + ".",
			Level:      pick(r, models.EvidenceLevels),
			Evaluation: pick(r, evaluations),
		},
		Caveats: []models.Caveat{}, Positions: []models.Position{}, ActsOn: []models.ActsOn{},
		AlsoAppliesTo: []string{},
	}
	if r.IntN(2) == 0 {
		d.Evidence.Cost = &models.Cost{Level: pick(r, costLevels)}
	}
	for range r.IntN(3) {
		d.Caveats = append(d.Caveats, models.Caveat{Type: pick(r, caveatTypes), Text: sentences(r, 120), Citations: citations(r, r.IntN(2))})
	}
	if r.IntN(5) == 0 {
		d.Caveats = append(d.Caveats, models.Caveat{Type: models.CaveatContested, Text: sentences(r, 120), Citations: citations(r, 1)})
		d.Positions = append(d.Positions,
			models.Position{Stance: "for", Text: sentences(r, 120), Citations: citations(r, 1)},
			models.Position{Stance: "against", Text: sentences(r, 120), Citations: citations(r, 1)})
	}
	d.Jurisdictions = draw(r, jurisdictions, 1+r.IntN(3))
	d.Actors = draw(r, models.Actors, 1+r.IntN(3))
	if kind == models.KindCurrent && r.IntN(10) < 7 {
		d.Adoption = &models.Adoption{Where: d.Jurisdictions, Since: 1995 + r.IntN(30), Note: ""}
	}
	d.Review = models.Review{State: models.ReviewDraft}
	if r.IntN(5) < 2 {
		last := reviewed.AddDate(0, 0, r.IntN(180))
		d.Review = models.Review{State: models.ReviewExpertChecked, LastReviewedOn: &models.Date{Time: last},
			NextReviewDue: &models.Date{Time: last.AddDate(1, 0, 0)}}
	}
	d.Citations = citations(r, 1+r.IntN(2))
	if r.IntN(2) == 0 {
		dir := "raises"
		if r.IntN(2) == 0 {
			dir = "lowers"
		}
		d.ActsOn = append(d.ActsOn, models.ActsOn{Symbol: pick(r, symbols), Direction: dir,
			Effect: "It " + pick(r, clauses) + ".", Citations: citations(r, r.IntN(2))})
	}
	if stage != "" && r.IntN(4) == 0 {
		other := Stages[r.IntN(len(Stages))].Slug
		if other != stage {
			d.AlsoAppliesTo = append(d.AlsoAppliesTo, other)
		}
	}
	return d
}

// CitedSources returns the slugs of the sources d cites, each once.
func (d Detail) CitedSources() []string {
	lists := [][]models.Citation{d.Citations}
	for _, c := range d.Caveats {
		lists = append(lists, c.Citations)
	}
	for _, p := range d.Positions {
		lists = append(lists, p.Citations)
	}
	for _, a := range d.ActsOn {
		lists = append(lists, a.Citations)
	}
	return models.CitedSources(lists...)
}

// Citations returns n citations of the dataset's sources, with page locators.
func Citations(r *rand.Rand, n int) []models.Citation { return citations(r, n) }

func citations(r *rand.Rand, n int) []models.Citation {
	out := make([]models.Citation, n)
	for i := range out {
		out[i] = models.Citation{Source: pick(r, Sources).Slug, Locator: fmt.Sprintf("p. %d", 1+r.IntN(400)), Supports: models.SupportsSupports}
	}
	return out
}

// draw returns n distinct items of xs, in the order of xs.
func draw(r *rand.Rand, xs []string, n int) []string {
	idx := r.Perm(len(xs))[:n]
	slices.Sort(idx)
	out := make([]string, n)
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}
