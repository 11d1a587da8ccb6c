package pages

import (
	"cmp"
	"slices"
	"strings"

	"chainkb/internal/store"
	"chainkb/models"
)

// site is the outline of the published knowledge base (store.Outline: chains, stages, tags,
// sources, the model's parameters and how many tactics each stage has), indexed for the pages:
// read once per generation, and small whatever the number of tactics. The tactics a page shows are
// read when the page is rendered: the chain's table, a tactic, where sources are cited (pages.go).
type site struct {
	chains       []*chainView
	chainBySlug  map[string]*chainView
	stageByID    map[int64]*stageView
	sources      map[string]*sourceView // by slug
	sourceGroups []sourceGroup
	tags         map[string][]models.Tag // by group
	release      *models.Release         // the latest release, or nil
}

type chainView struct {
	models.Chain
	Stages  []*stageView
	Tactics int        // published tactics
	Econ    *chainEcon // the risk-reward model's default answer
}

type stageView struct {
	models.Stage
	Chain  *chainView
	Counts map[string]int // published tactics by kind
	Econ   *econView      // the link's risk-reward figures and verdict
}

// tacticView is a published tactic with what its pages show beside it.
type tacticView struct {
	models.Tactic
	Chain     *chainView
	Stage     *stageView
	Horizon   []models.TagSummary
	Levers    []models.TagSummary
	Functions []models.TagSummary
	Contested bool
	For       []models.Position
	Against   []models.Position
	Relations []relationView
	Also      []*stageView // the other stages of its chain it also applies to
}

// relationView is one relation as seen from one of its tactics: Label is the message id of the
// relation's type read in that direction ("relation.out.complements", "relation.in.supersedes"),
// Code and Title those of the tactic at the other end.
type relationView struct {
	Label       string
	Code, Title string
	Note        string
}

type sourceView struct {
	models.Source
	Anchor string
}

// useView is one place a source is cited: Kind is a message id, URL the page (and anchor) where
// the citing object is shown.
type useView struct {
	Kind, Label, URL string
}

type sourceGroup struct {
	Type    string
	Sources []*sourceView
}

// newSite indexes o. Stages whose chain is missing (none, while the store's keys hold) are left
// out rather than shown without context.
func newSite(o *store.Outline) *site {
	s := &site{chainBySlug: map[string]*chainView{}, stageByID: map[int64]*stageView{},
		sources: map[string]*sourceView{}, tags: map[string][]models.Tag{}}
	chainByID := map[int64]*chainView{}
	for _, c := range o.Chains {
		cv := &chainView{Chain: c}
		s.chains = append(s.chains, cv)
		s.chainBySlug[c.Slug] = cv
		chainByID[c.ID] = cv
	}
	paramsOf := map[int64][]models.Parameter{} // by chain id
	var reference []models.Parameter           // exchange rates and price indices
	for _, pm := range o.Parameters {
		if pm.ChainID == nil {
			reference = append(reference, pm)
			continue
		}
		paramsOf[*pm.ChainID] = append(paramsOf[*pm.ChainID], pm)
	}
	stagesOf := map[int64][]models.Stage{}
	for _, st := range o.Stages {
		c := chainByID[st.ChainID]
		if c == nil {
			continue
		}
		sv := &stageView{Stage: st, Chain: c, Counts: map[string]int{}}
		c.Stages = append(c.Stages, sv)
		s.stageByID[st.ID] = sv
		stagesOf[c.ID] = append(stagesOf[c.ID], st)
	}
	for _, c := range s.chains {
		c.Econ = newChainEcon(chainInputs(c.Chain, stagesOf[c.ID], paramsOf[c.ID], reference))
		for _, sv := range c.Stages {
			if c.Econ != nil {
				sv.Econ = c.Econ.stages[sv.ID]
			}
		}
	}
	for _, n := range o.Counts {
		if sv := s.stageByID[n.StageID]; sv != nil {
			sv.Counts[n.Kind] += n.N
			sv.Chain.Tactics += n.N
		}
	}
	for _, tg := range o.Tags {
		s.tags[tg.Group] = append(s.tags[tg.Group], tg)
	}
	for _, src := range o.Sources {
		s.sources[src.Slug] = &sourceView{Source: src, Anchor: "src-" + src.Slug}
	}
	for _, typ := range models.SourceTypes {
		g := sourceGroup{Type: typ}
		for _, src := range o.Sources {
			if src.Type == typ {
				g.Sources = append(g.Sources, s.sources[src.Slug])
			}
		}
		if len(g.Sources) > 0 {
			slices.SortStableFunc(g.Sources, func(a, b *sourceView) int {
				return strings.Compare(sortKey(a), sortKey(b))
			})
			s.sourceGroups = append(s.sourceGroups, g)
		}
	}
	return s
}

// tacticView returns t as its pages show it, in the stage st of this site.
func (s *site) tacticView(t models.Tactic, st *stageView) *tacticView {
	tv := &tacticView{Tactic: t, Chain: st.Chain, Stage: st}
	for _, tg := range t.Tags {
		switch tg.Group {
		case models.HorizonGroup:
			tv.Horizon = append(tv.Horizon, tg)
		case "lever":
			tv.Levers = append(tv.Levers, tg)
		case "function":
			tv.Functions = append(tv.Functions, tg)
		}
	}
	for _, c := range t.Caveats {
		tv.Contested = tv.Contested || c.Type == models.CaveatContested
	}
	for _, pos := range t.Positions {
		if pos.Stance == "for" {
			tv.For = append(tv.For, pos)
		} else {
			tv.Against = append(tv.Against, pos)
		}
	}
	for _, slug := range t.AlsoAppliesTo {
		for _, other := range st.Chain.Stages {
			if other.Slug == slug {
				tv.Also = append(tv.Also, other)
			}
		}
	}
	return tv
}

// kindOrder is the order of a stage's lists on its row: current efforts, conditions, what should
// be done.
func kindOrder(kind string) int {
	switch kind {
	case models.KindCurrent:
		return 0
	case models.KindCondition:
		return 1
	}
	return 2
}

// sourceEntry is a source of the bibliography with where it is cited.
type sourceEntry struct {
	*sourceView
	Uses []useView
	More bool // more tactics cite it than Uses shows
}

// citedTactics is how many of the tactics that cite a source the bibliography names; the rest are
// in the source's JSON (cited_by).
const citedTactics = 50

// bibliography is the site's sources by type, each with where it is cited, in the order the pages
// show the citing objects: each chain, then each of its stages followed by its tactics in the
// order of the stage's row, then the tags. cited holds the tactics citing each source (by id).
func (s *site) bibliography(cited map[int64]store.Citing) []sourceEntryGroup {
	uses := map[string][]useView{} // by source slug
	cite := func(cs []models.Citation, u useView) {
		for _, slug := range models.CitedSources(cs) {
			if !slices.Contains(uses[slug], u) {
				uses[slug] = append(uses[slug], u)
			}
		}
	}
	tacticsOf := map[int64]map[string][]useView{} // by stage id, then source slug
	for _, src := range s.sources {
		c := cited[src.ID]
		slices.SortFunc(c.Tactics, func(a, b store.CitingTactic) int {
			return cmp.Or(cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)), cmp.Compare(a.Position, b.Position), cmp.Compare(a.ID, b.ID))
		})
		for _, t := range c.Tactics {
			if tacticsOf[t.StageID] == nil {
				tacticsOf[t.StageID] = map[string][]useView{}
			}
			tacticsOf[t.StageID][src.Slug] = append(tacticsOf[t.StageID][src.Slug],
				useView{Kind: "use.tactic", Label: t.Code + " " + t.Title, URL: "/tactics/" + t.Code})
		}
	}
	for _, c := range s.chains {
		cite(c.Citations, useView{Kind: "use.chain", Label: c.Name, URL: "/chains/" + c.Slug})
		for _, st := range c.Stages {
			cite(st.Citations, useView{Kind: "use.stage", Label: c.Name + ": " + st.Name, URL: "/chains/" + c.Slug + "#stage-" + st.Slug})
			for slug, us := range tacticsOf[st.ID] {
				uses[slug] = append(uses[slug], us...)
			}
		}
	}
	for _, group := range []string{models.HorizonGroup, "lever", "function"} {
		for _, tg := range s.tags[group] {
			cite(tg.Citations, useView{Kind: "use.tag", Label: tg.Name, URL: ""})
		}
	}
	groups := make([]sourceEntryGroup, len(s.sourceGroups))
	for i, g := range s.sourceGroups {
		groups[i] = sourceEntryGroup{Type: g.Type, Sources: make([]sourceEntry, len(g.Sources))}
		for j, src := range g.Sources {
			groups[i].Sources[j] = sourceEntry{sourceView: src, Uses: uses[src.Slug], More: cited[src.ID].More}
		}
	}
	return groups
}

type sourceEntryGroup struct {
	Type    string
	Sources []sourceEntry
}

// sortKey orders a bibliography: by first author, then year, then title.
func sortKey(s *sourceView) string {
	first := ""
	if len(s.Authors) > 0 {
		first = s.Authors[0]
	}
	year := "0000"
	if s.Year != nil {
		year = strings.Repeat("0", 4-len(itoa(*s.Year))) + itoa(*s.Year)
	}
	return strings.ToLower(first + "\x00" + year + "\x00" + s.Title)
}
