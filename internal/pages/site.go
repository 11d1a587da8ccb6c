package pages

import (
	"slices"
	"strings"

	"chainkb/internal/store"
	"chainkb/models"
)

// site is the published knowledge base indexed for the pages: built once per generation from one
// store.Published read, so that every page renders from memory.
type site struct {
	chains       []*chainView
	chainBySlug  map[string]*chainView
	tactics      map[string]*tacticView // by code
	sources      map[string]*sourceView // by slug
	sourceGroups []sourceGroup
	tags         map[string][]models.Tag // by group
}

type chainView struct {
	models.Chain
	Stages  []*stageView
	Tactics int // published tactics
}

type stageView struct {
	models.Stage
	Chain                            *chainView
	Current, Conditions, Recommended []*tacticView
	Econ                             *econView // profit against expected penalty; nil without figures
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
// relation's type read in that direction ("relation.out.complements", "relation.in.supersedes").
type relationView struct {
	Label string
	Other *tacticView
	Note  string
}

type sourceView struct {
	models.Source
	Anchor string
	Uses   []useView
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

// newSite indexes p. Tactics whose stage or chain is missing (none, while the store's keys hold)
// are left out rather than shown without context.
func newSite(p *store.Published) *site {
	s := &site{chainBySlug: map[string]*chainView{}, tactics: map[string]*tacticView{},
		sources: map[string]*sourceView{}, tags: map[string][]models.Tag{}}
	chainByID := map[int64]*chainView{}
	for _, c := range p.Chains {
		cv := &chainView{Chain: c}
		s.chains = append(s.chains, cv)
		s.chainBySlug[c.Slug] = cv
		chainByID[c.ID] = cv
	}
	paramsOf := map[int64][]models.Parameter{} // by chain id
	for _, pm := range p.Parameters {
		paramsOf[pm.ChainID] = append(paramsOf[pm.ChainID], pm)
	}
	stageByID := map[int64]*stageView{}
	for _, st := range p.Stages {
		c := chainByID[st.ChainID]
		if c == nil {
			continue
		}
		sv := &stageView{Stage: st, Chain: c, Econ: newEconView(paramsOf[c.ID], st.ID)}
		c.Stages = append(c.Stages, sv)
		stageByID[st.ID] = sv
	}
	for _, tg := range p.Tags {
		s.tags[tg.Group] = append(s.tags[tg.Group], tg)
	}
	byID := map[int64]*tacticView{}
	for _, t := range p.Tactics {
		st := stageByID[t.StageID]
		if st == nil {
			continue
		}
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
		switch t.Kind {
		case models.KindCurrent:
			st.Current = append(st.Current, tv)
		case models.KindCondition:
			st.Conditions = append(st.Conditions, tv)
		default:
			st.Recommended = append(st.Recommended, tv)
		}
		st.Chain.Tactics++
		byID[t.ID] = tv
		if t.Code != "" {
			s.tactics[t.Code] = tv
		}
	}
	for _, r := range p.Links {
		from, to := s.tactics[r.From], s.tactics[r.To]
		if from == nil || to == nil {
			continue
		}
		from.Relations = append(from.Relations, relationView{Label: "relation.out." + r.Type, Other: to, Note: r.Note})
		to.Relations = append(to.Relations, relationView{Label: "relation.in." + r.Type, Other: from, Note: r.Note})
	}

	for _, src := range p.Sources {
		sv := &sourceView{Source: src, Anchor: "src-" + src.Slug}
		s.sources[src.Slug] = sv
	}
	// Where each source is cited, in the order the pages show the citing objects.
	cite := func(cs []models.Citation, u useView) {
		for _, slug := range models.CitedSources(cs) {
			if sv := s.sources[slug]; sv != nil && !slices.Contains(sv.Uses, u) {
				sv.Uses = append(sv.Uses, u)
			}
		}
	}
	for _, c := range s.chains {
		cite(c.Citations, useView{Kind: "use.chain", Label: c.Name, URL: "/chains/" + c.Slug})
		for _, st := range c.Stages {
			u := useView{Kind: "use.stage", Label: c.Name + ": " + st.Name, URL: "/chains/" + c.Slug + "#stage-" + st.Slug}
			cite(st.Citations, u)
			for _, list := range [][]*tacticView{st.Current, st.Conditions, st.Recommended} {
				for _, t := range list {
					u := useView{Kind: "use.tactic", Label: t.Code + " " + t.Title, URL: "/tactics/" + t.Code}
					cite(t.Citations, u)
					for _, cv := range t.Caveats {
						cite(cv.Citations, u)
					}
					for _, pos := range t.Positions {
						cite(pos.Citations, u)
					}
					for _, a := range t.ActsOn {
						cite(a.Citations, u)
					}
				}
			}
		}
	}
	for _, group := range []string{models.HorizonGroup, "lever", "function"} {
		for _, tg := range s.tags[group] {
			cite(tg.Citations, useView{Kind: "use.tag", Label: tg.Name, URL: ""})
		}
	}
	for _, typ := range models.SourceTypes {
		g := sourceGroup{Type: typ}
		for _, src := range p.Sources {
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
