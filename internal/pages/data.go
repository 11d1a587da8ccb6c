package pages

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"chainkb/models"
)

// The data each page template gets.

type homeData struct {
	Chains []*chainView
}

type chainData struct {
	Chain   *chainView
	Rows    []rowData
	Filters []filterGroup
	Active  bool // some filter is on
	Shown   int  // what should be done, after the filters
	Total   int  // what should be done, in all
	Clear   string
}

// rowData is one stage of the table: its current efforts, its conditions, and what should be
// done there after the filters, each cut to perCell tactics; a cut list has a link to the rest.
type rowData struct {
	Stage                                        *stageView
	Current, Conditions, Recommended             []*tacticView
	CurrentMore, ConditionsMore, RecommendedMore *moreLink // nil when the list is whole
}

// moreLink is what a cut cell says: how many tactics it leaves out and where the whole list is.
type moreLink struct {
	N   int
	URL string
}

// perCell is the most tactics a cell of the chain page shows, as the JSON table's default, so that
// the page stays the same size whatever the size of the chain.
const perCell = models.DefaultPerCell

// more is what a cell that shows shown of its total tactics says: nil when it shows them all, or
// the number left out and a link to the whole list of the stage's tactics of that kind, with the
// filters that narrowed it.
func more(shown int, total int64, st *stageView, kind string, f filters) *moreLink {
	if total <= int64(shown) {
		return nil
	}
	v := url.Values{"stage": {strconv.FormatInt(st.ID, 10)}, "kind": {kind}, "sort": {"position"}}
	if f.Horizon != "" {
		v.Set("horizon", f.Horizon)
	}
	for _, tag := range []string{f.Lever, f.Function} {
		if tag != "" {
			v.Add("tag", tag)
		}
	}
	if f.Evidence != "" {
		v.Set("evidence_level", f.Evidence)
	}
	return &moreLink{N: int(total) - shown, URL: "/api/v1/tactics?" + v.Encode()}
}

type filterGroup struct {
	Param   string
	Label   string // message id
	Options []filterOption
}

type filterOption struct {
	Label   string // content (a tag's name) or, with Message, a message id
	Message bool
	URL     string
	Current bool
}

type tacticData struct {
	Tactic  *tacticView
	Sources map[string]*sourceView
	// Strongest is the tactic's best-checked verified source (read in full, or at the cited
	// passage); nil when none of its sources is verified.
	Strongest *strongestView
}

// strongestView is the source a tactic page names as its best-checked one, with its short label.
type strongestView struct {
	*sourceView
	Label string
}

// strongestSource is the verified source the tactic cites whose reading is the most direct, the
// first cited breaking ties; nil when none is verified. Citations of caveats and positions count
// too: they are the tactic's evidence as much as its own.
func strongestSource(t models.Tactic, sources map[string]*sourceView) *sourceView {
	cs := slices.Clone(t.Citations)
	for _, c := range t.Caveats {
		cs = append(cs, c.Citations...)
	}
	for _, p := range t.Positions {
		cs = append(cs, p.Citations...)
	}
	var best *sourceView
	for _, c := range cs {
		s := sources[c.Source]
		if s == nil || s.Verified == nil {
			continue
		}
		if best == nil || slices.Index(models.Readings, s.Check.Reading) < slices.Index(models.Readings, best.Check.Reading) {
			best = s
		}
	}
	return best
}

type sourcesData struct {
	Groups []sourceEntryGroup
	Count  int
}

type notFoundData struct{}

// citeView is a citation with a short name of its source.
type citeView struct {
	models.Citation
	Label string
	Title string // the source's title, where the whole reference is wanted
	// Reading is what was read of the source (its check), where the whole reference is wanted;
	// Verified says whether that makes it verified (read in full or at the cited passage).
	Reading  string
	Verified bool
}

// newChainData lays out the chain's page from its table (store.ChainTableFor, narrowed by f and
// cut to perCell). A stage of the table that the site does not know (made since the site was
// read) is left out.
func newChainData(s *site, ch *chainView, table *models.ChainTable, f filters) chainData {
	d := chainData{Chain: ch, Active: f.any(), Clear: "/chains/" + ch.Slug}
	for _, st := range ch.Stages {
		d.Total += st.Counts[models.KindRecommended]
	}
	views := func(ts []models.Tactic, st *stageView) []*tacticView {
		out := make([]*tacticView, len(ts))
		for i, t := range ts {
			out[i] = s.tacticView(t, st)
		}
		return out
	}
	for _, r := range table.Stages {
		st := s.stageByID[r.Stage.ID]
		if st == nil || st.Chain != ch {
			continue
		}
		row := rowData{Stage: st, Current: views(r.Current, st), Conditions: views(r.Conditions, st), Recommended: views(r.Recommended, st)}
		d.Shown += int(r.Cells.Recommended.Total)
		row.RecommendedMore = more(len(r.Recommended), r.Cells.Recommended.Total, st, models.KindRecommended, f)
		row.CurrentMore = more(len(r.Current), r.Cells.Current.Total, st, models.KindCurrent, filters{})
		row.ConditionsMore = more(len(r.Conditions), r.Cells.Conditions.Total, st, models.KindCondition, filters{})
		d.Rows = append(d.Rows, row)
	}
	link := func(g filters) string {
		if q := g.encode(); q != "" {
			return "/chains/" + ch.Slug + "?" + q + "#table"
		}
		return "/chains/" + ch.Slug + "#table"
	}
	for _, param := range filterParams {
		g := filterGroup{Param: param, Label: "filter." + param}
		g.Options = append(g.Options, filterOption{Label: "filter.all", Message: true, URL: link(f.with(param, "")), Current: f.get(param) == ""})
		if param == "evidence" {
			for _, level := range models.EvidenceLevels[1:] {
				g.Options = append(g.Options, filterOption{Label: "filter.evidence." + level, Message: true,
					URL: link(f.with(param, level)), Current: f.Evidence == level})
			}
		} else {
			group := param
			if param == "horizon" {
				group = models.HorizonGroup
			}
			for _, tg := range s.tags[group] {
				g.Options = append(g.Options, filterOption{Label: tg.Name, URL: link(f.with(param, tg.Slug)), Current: f.get(param) == tg.Slug})
			}
		}
		d.Filters = append(d.Filters, g)
	}
	return d
}

// funcs are the templates' functions; t looks messages up in msgs.
func funcs(msgs map[string]string) template.FuncMap {
	return template.FuncMap{
		// t is the message id's text, with args in its verbs (fmt); an unknown id is an error.
		"t": func(id string, args ...any) (string, error) {
			m, ok := msgs[id]
			if !ok {
				return "", fmt.Errorf("no message %q in the catalogue", id)
			}
			if len(args) > 0 {
				return fmt.Sprintf(m, args...), nil
			}
			return m, nil
		},
		// plural picks id+".one" for 1 and id+".other" otherwise, with n as its argument.
		"plural": func(id string, n int) (string, error) {
			key := id + ".other"
			if n == 1 {
				key = id + ".one"
			}
			m, ok := msgs[key]
			if !ok {
				return "", fmt.Errorf("no message %q in the catalogue", key)
			}
			return fmt.Sprintf(m, n), nil
		},
		"short": shortText,
		"add":   func(a, b float64) float64 { return a + b },
		"half":  func(a float64) float64 { return a / 2 },
		// num writes a number as stored, and numPtr an optional one or a default.
		"num": func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) },
		"numPtr": func(x *float64, def float64) string {
			if x == nil {
				return strconv.FormatFloat(def, 'g', -1, 64)
			}
			return strconv.FormatFloat(*x, 'g', -1, 64)
		},
		"join":    strings.Join,
		"sub":     func(a, b float64) float64 { return a - b },
		"authors": func(a []string) string { return strings.Join(a, "; ") },
		"cites": func(sources map[string]*sourceView, cs []models.Citation) []citeView {
			out := make([]citeView, len(cs))
			for i, c := range cs {
				out[i] = citeView{Citation: c, Label: citeLabel(msgs, sources, c.Source)}
			}
			return out
		},
		"cite1": func(sources map[string]*sourceView, c models.Citation) citeView {
			v := citeView{Citation: c, Label: citeLabel(msgs, sources, c.Source)}
			if s := sources[c.Source]; s != nil {
				v.Title = s.Title
				v.Reading, v.Verified = s.Check.Reading, s.Verified != nil
			}
			return v
		},
		"json": func(code string) string { return "/api/v1/tactics/" + code },
		// region names a country by its ISO 3166 code, in the catalogue's language.
		"region": func(code string) string {
			r, err := language.ParseRegion(code)
			if err != nil {
				return code
			}
			if name := display.Regions(language.Make(msgs["lang"])).Name(r); name != "" {
				return name
			}
			return code
		},
	}
}

// shortText is the first sentence or two of s, at most about 280 characters, cut at a word.
func shortText(s string) string {
	const max = 280
	if len(s) <= max {
		return s
	}
	if i := strings.Index(s[:max], ". "); i > 80 {
		return s[:i+1]
	}
	cut := strings.LastIndex(s[:max], " ")
	if cut < 0 {
		cut = max
	}
	return strings.TrimRight(s[:cut], ",;:") + "…"
}

// citeLabel names a source briefly: first author's family name, year; or its slug when it is
// not in the bibliography.
func citeLabel(msgs map[string]string, sources map[string]*sourceView, slug string) string {
	s := sources[slug]
	if s == nil {
		return slug
	}
	name := s.Title
	if len(s.Authors) > 0 {
		name, _, _ = strings.Cut(s.Authors[0], ",")
		if len(s.Authors) > 2 {
			name += msgs["cite.et-al"]
		} else if len(s.Authors) == 2 {
			second, _, _ := strings.Cut(s.Authors[1], ",")
			name += msgs["cite.and"] + second
		}
	}
	if s.Year != nil {
		name += " " + itoa(*s.Year)
	}
	return name
}
