// Package countries composes a country's profile (issue 27): its law, enforcement trend and
// ratifications as curated, the published tactics adopted or applying there and the recommended
// ones not adopted, and each chain's risk-reward from the model (internal/inforce) for the
// country's own input sets and for today. The API (handlers) and the pages (internal/pages) both
// read it, so that a page shows what the API answers.
package countries

import (
	"context"
	"slices"

	"chainkb/internal/inforce"
	"chainkb/internal/store"
	"chainkb/models"
)

// Profile is a country with everything its page shows.
//
//	@Description	A country's profile: the country as curated (law, enforcement, ratifications), its enforcement figures by year, oldest first, its standing with each of the main instruments (unknown where nothing is recorded), the published tactics adopted or applying there and the recommended ones not adopted there, and for each chain the statutory penalties beside the model's risk-reward: today's (the country's latest input set, or the global one, said so) and each of the country's own input sets, inputs named.
type Profile struct {
	// The country as curated.
	Country models.Country `json:"country"`
	// Enforcement figures by year, oldest first (several sources for a year are all kept); undated ones last.
	EnforcementTrend []models.Enforcement `json:"enforcement_trend"`
	// Every main instrument, with the country's standing: ratified, not-ratified, or unknown where nothing is recorded.
	Ratifications []Standing `json:"ratifications"`
	// Published tactics adopted or applying in the country, and recommended ones not adopted there.
	Tactics Tactics `json:"tactics"`
	// Each chain: the statute beside the model.
	Chains []ChainProfile `json:"chains"`
	// Every source the country's law, enforcement figures and ratifications cite, in slug order, with what was read of it.
	Sources []CitedSource `json:"sources"`
}

// CitedSource is a source the country cites, with what was read of it: a figure read through a
// copy or somebody else's summary is shown as not verified beside the figure, not hidden.
//
//	@Description	A source that the country's law, enforcement figures or ratifications cite, with what the editors read of it (check.reading): verified (a date) only when the work's full text or the cited passage itself was read; a figure whose source was read through a third party's copy or summary is not verified.
type CitedSource struct {
	// The source's slug.
	Slug string `json:"slug" example:"us-dos-2023-tip-albania"`
	// Its title.
	Title string `json:"title" example:"2023 Trafficking in Persons Report: Albania"`
	// What was read of it (the source's check.reading).
	Reading string `json:"reading" enums:"full-text,excerpt,abstract,summary-by-other,not-read" example:"summary-by-other"`
	// The date it was checked against the work itself, or null when it was not (the source's verified).
	Verified *models.Date `json:"verified" swaggertype:"string" format:"date" extensions:"x-nullable" example:"2026-12-07"`
}

// Standing is a country's standing with one instrument.
//
//	@Description	A country's standing with one instrument: ratified, not-ratified, or unknown where nothing is recorded; with its date and source where recorded.
type Standing struct {
	// The instrument's code.
	Instrument string `json:"instrument" example:"ilo-c029"`
	// Its name.
	Name string `json:"name" example:"ILO Forced Labour Convention, 1930 (No. 29)"`
	// ratified, not-ratified or unknown.
	Status string `json:"status" enums:"ratified,not-ratified,unknown" example:"ratified"`
	// The record, when there is one.
	Record *models.Ratification `json:"record" extensions:"x-nullable"`
}

// TacticRef names a published tactic.
//
//	@Description	A published tactic, by code, with its chain and stage and, for an adopted one, where and since when.
type TacticRef struct {
	// Its code.
	Code string `json:"code" example:"ST-C-C04"`
	// Its title.
	Title string `json:"title" example:"Offences for knowingly using the services of a trafficked person"`
	// current, recommended or condition.
	Kind string `json:"kind" example:"current"`
	// Chain slug.
	Chain string `json:"chain" example:"sex-trafficking"`
	// Stage slug.
	Stage string `json:"stage" example:"consumer"`
	// Where and since when it is deployed (adopted tactics).
	Adoption *models.Adoption `json:"adoption,omitempty" extensions:"x-omitempty"`
}

// Tactics are the published tactics as they bear on one country.
//
//	@Description	The published tactics as they bear on one country: current efforts whose adoption names it (with since and where), tactics whose jurisdictions name it (not already adopted there), and recommended tactics for it or for everywhere that are not adopted there.
type Tactics struct {
	// Current efforts adopted in the country (its code is in adoption.where).
	Adopted []TacticRef `json:"adopted"`
	// Tactics whose jurisdictions name the country and that are not in adopted: efforts, recommendations and conditions that apply there.
	Applying []TacticRef `json:"applying"`
	// Recommended tactics whose jurisdictions name the country or global, which are not adopted there.
	RecommendedNotAdopted []TacticRef `json:"recommended_not_adopted"`
}

// ChainProfile is one chain for a country.
//
//	@Description	One chain for a country: its statutory penalties for the chain beside the model's risk-reward today and for each input set of the country's own (oldest first, inputs named: for India, Kara's 2009 illustration).
type ChainProfile struct {
	// The chain.
	Chain inforce.ChainRef `json:"chain"`
	// The country's statutory penalties for the chain.
	Statute []models.Penalty `json:"statute"`
	// Today's risk-reward: the country's latest input set, or the global one when it has none (said in choice).
	Today inforce.CountryChain `json:"today"`
	// The risk-reward from each of the country's own input sets, oldest first.
	OwnSets []inforce.CountryChain `json:"own_sets"`
}

// Models reads every chain's model, by chain slug order.
func Models(ctx context.Context, st *store.Store) ([]inforce.Chain, error) {
	o, err := st.Outline(ctx)
	if err != nil {
		return nil, err
	}
	var out []inforce.Chain
	for _, c := range o.Chains {
		m, err := st.ChainModel(ctx, c.Slug)
		if err != nil {
			return nil, err
		}
		out = append(out, inforce.Chain{ID: m.Chain.ID, Slug: m.Chain.Slug, Name: m.Chain.Name, Stages: m.Stages,
			Parameters: m.Parameters, Reference: m.Reference})
	}
	return out, nil
}

// Comparison reads a chain's model and every country and computes the chain's comparison
// across countries (inforce.Compare): NotFound for no such chain, a *inforce.BadRequest for a bad
// sort.
func Comparison(ctx context.Context, st *store.Store, chain, sort, currency string, priceYear int) (*inforce.Comparison, error) {
	m, err := st.ChainModel(ctx, chain)
	if err != nil {
		return nil, err
	}
	all, err := st.AllCountries(ctx)
	if err != nil {
		return nil, err
	}
	return inforce.Compare(inforce.Chain{ID: m.Chain.ID, Slug: m.Chain.Slug, Name: m.Chain.Name, Stages: m.Stages,
		Parameters: m.Parameters, Reference: m.Reference}, all, sort, currency, priceYear)
}

// Of reads and composes a country's profile: NotFound if there is no such country.
func Of(ctx context.Context, st *store.Store, key string) (*Profile, error) {
	c, err := st.Country(ctx, key)
	if err != nil {
		return nil, err
	}
	chains, err := Models(ctx, st)
	if err != nil {
		return nil, err
	}
	tactics, err := st.PublishedTacticScopes(ctx)
	if err != nil {
		return nil, err
	}
	p, err := Compose(c, chains, tactics)
	if err != nil {
		return nil, err
	}
	// Every citation names a source that exists: the store refuses any other, and a cited source
	// cannot be deleted.
	cited, err := st.SourcesBySlug(ctx, citedSlugs(c))
	if err != nil {
		return nil, err
	}
	for _, src := range cited {
		p.Sources = append(p.Sources, CitedSource{Slug: src.Slug, Title: src.Title, Reading: src.Check.Reading, Verified: src.Verified})
	}
	return p, nil
}

// citedSlugs lists the sources a country cites, each once, in slug order.
func citedSlugs(c *models.Country) []string {
	var slugs []string
	for _, p := range c.Penalties {
		slugs = append(slugs, p.Source)
	}
	for _, e := range c.Enforcement {
		slugs = append(slugs, e.Source)
	}
	for _, r := range c.Ratifications {
		slugs = append(slugs, r.Source)
	}
	slices.Sort(slugs)
	return slices.Compact(slugs)
}

// Compose makes a country's profile from the country, the chains' models and the published
// tactics' scopes.
func Compose(c *models.Country, chains []inforce.Chain, tactics []store.ScopedTactic) (*Profile, error) {
	p := &Profile{Country: *c, EnforcementTrend: slices.Clone(c.Enforcement), Chains: []ChainProfile{}, Sources: []CitedSource{}}
	// Dated years in order; entries whose source does not date them keep their place after those.
	slices.SortStableFunc(p.EnforcementTrend, func(a, b models.Enforcement) int {
		switch {
		case a.Year == nil && b.Year == nil:
			return 0
		case a.Year == nil:
			return 1
		case b.Year == nil:
			return -1
		}
		return *a.Year - *b.Year
	})
	for _, in := range models.Instruments {
		s := Standing{Instrument: in.Code, Name: in.Name, Status: "unknown"}
		for i := range c.Ratifications {
			if r := &c.Ratifications[i]; r.Instrument == in.Code {
				s.Status, s.Record = r.Status, r
			}
		}
		p.Ratifications = append(p.Ratifications, s)
	}
	p.Tactics = tacticsFor(c.ISO, tactics)
	for _, ch := range chains {
		cp := ChainProfile{Chain: inforce.ChainRef{ID: ch.ID, Slug: ch.Slug, Name: ch.Name}, Statute: []models.Penalty{},
			OwnSets: []inforce.CountryChain{}}
		for _, pen := range c.Penalties {
			if pen.Chain == ch.Slug {
				cp.Statute = append(cp.Statute, pen)
			}
		}
		today, err := inforce.ForCountry(ch, c.ISO, "", "", 0)
		if err != nil {
			return nil, err
		}
		cp.Today = *today
		for _, s := range inforce.OwnSets(ch, c.ISO) {
			cc, err := inforce.ForCountry(ch, c.ISO, s.Slug, "", 0)
			if err != nil {
				return nil, err
			}
			cp.OwnSets = append(cp.OwnSets, *cc)
		}
		p.Chains = append(p.Chains, cp)
	}
	return p, nil
}

// tacticsFor sorts the published tactics as they bear on the country iso.
func tacticsFor(iso string, tactics []store.ScopedTactic) Tactics {
	out := Tactics{Adopted: []TacticRef{}, Applying: []TacticRef{}, RecommendedNotAdopted: []TacticRef{}}
	for _, t := range tactics {
		ref := TacticRef{Code: t.Code, Title: t.Title, Kind: t.Kind, Chain: t.Chain, Stage: t.Stage}
		adopted := t.Adoption != nil && slices.Contains(t.Adoption.Where, iso)
		switch {
		case adopted:
			ref.Adoption = t.Adoption
			out.Adopted = append(out.Adopted, ref)
		case slices.Contains(t.Jurisdictions, iso):
			out.Applying = append(out.Applying, ref)
		}
		if t.Kind == models.KindRecommended && !adopted && (slices.Contains(t.Jurisdictions, iso) || slices.Contains(t.Jurisdictions, models.Global)) {
			out.RecommendedNotAdopted = append(out.RecommendedNotAdopted, ref)
		}
	}
	return out
}
