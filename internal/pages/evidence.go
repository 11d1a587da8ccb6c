package pages

import (
	"context"
	"math"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// The evidence gap map page, /chains/{slug}/evidence, and the release and citation block that
// every page shows.

// evidenceData is the evidence map page's data.
type evidenceData struct {
	Chain   *chainView
	Map     models.EvidenceMap
	Rows    string // stage or lever
	Stage   string // the stage filter, or ""
	Level   string // the level filter, or ""
	Stages  []link // filter links: every stage, and all
	Levels  []link // every level, and all
	RowsBy  []link // stage, lever
	CSV     string // the map as CSV, with the same filters
	JSON    string
	Cells   [][]bubble // by row, then level
	Legend  []bubble
	MaxSize float64
}

// link is a filter as a plain link; Current marks the one shown.
type link struct {
	Label, Href string
	Current     bool
}

// bubble is a cell of the map drawn: its radius grows with the count (its area is proportional to
// it), and its mark says the direction of effect that most of its tactics have, so that the map
// reads without colour.
type bubble struct {
	Count   int
	R       float64
	Mark    string // message id of the mark: effect-mark.positive, ...
	Effect  string // the direction the mark is for, or mixed-directions
	Effects models.EffectCounts
	Tactics []models.EvidenceMapTactic
	Level   string
}

// effectOrder is the order in which a cell's dominant direction is picked when counts tie.
var effectOrder = []string{"negative", "positive", "mixed", "none", "unknown"}

func newBubble(c models.EvidenceMapCell, max int) bubble {
	b := bubble{Count: c.Count, Effects: c.Effects, Tactics: c.Tactics, Level: c.Level}
	if c.Count == 0 {
		return b
	}
	b.R = 4 + 16*math.Sqrt(float64(c.Count)/float64(max))
	counts := map[string]int{"positive": c.Effects.Positive, "mixed": c.Effects.Mixed, "none": c.Effects.None,
		"negative": c.Effects.Negative, "unknown": c.Effects.Unknown}
	best := ""
	for _, e := range effectOrder {
		if best == "" || counts[e] > counts[best] {
			best = e
		}
	}
	b.Effect = best
	b.Mark = "effect-mark." + best
	return b
}

// Evidence handles GET /chains/{slug}/evidence.
func (p *Pages) Evidence(c *gin.Context) {
	slug := c.Param("slug")
	q := c.Request.URL.Query()
	p.serve(c, func(s *site) page {
		ch := s.chainBySlug[slug]
		if ch == nil {
			return page{}
		}
		// Filters that name nothing known are dropped, as on the chain page.
		rows, stage, level := q.Get("rows"), q.Get("stage"), q.Get("level")
		if rows != "lever" {
			rows = "stage"
		}
		if !slices.ContainsFunc(ch.Stages, func(st *stageView) bool { return st.Slug == stage }) {
			stage = ""
		}
		if level != models.EvidenceUnassessed && !slices.Contains(models.EvidenceLevels, level) {
			level = ""
		}
		key := strings.Join([]string{"evidence", slug, rows, stage, level}, "|")
		return page{key, "evidence", func(ctx context.Context) (any, error) {
			b, err := p.store.PublishedBundle(ctx)
			if err != nil {
				return nil, err
			}
			m, err := store.EvidenceMapOf(b, slug, rows, stage, level)
			if err != nil {
				return nil, err
			}
			return newEvidenceData(ch, m, rows, stage, level), nil
		}}
	})
}

func newEvidenceData(ch *chainView, m models.EvidenceMap, rows, stage, level string) evidenceData {
	d := evidenceData{Chain: ch, Map: m, Rows: rows, Stage: stage, Level: level, MaxSize: 40}
	href := func(rows, stage, level string) string {
		v := url.Values{}
		if rows != "stage" {
			v.Set("rows", rows)
		}
		if stage != "" {
			v.Set("stage", stage)
		}
		if level != "" {
			v.Set("level", level)
		}
		if len(v) == 0 {
			return ""
		}
		return "?" + v.Encode()
	}
	base := "/chains/" + ch.Slug + "/evidence"
	d.Stages = append(d.Stages, link{Label: "", Href: base + href(rows, "", level), Current: stage == ""})
	for _, st := range ch.Stages {
		d.Stages = append(d.Stages, link{Label: st.Name, Href: base + href(rows, st.Slug, level), Current: st.Slug == stage})
	}
	d.Levels = append(d.Levels, link{Href: base + href(rows, stage, ""), Current: level == ""})
	for _, l := range append(slices.Clone(models.EvidenceLevels), models.EvidenceUnassessed) {
		d.Levels = append(d.Levels, link{Label: l, Href: base + href(rows, stage, l), Current: l == level})
	}
	d.RowsBy = []link{{Label: "stage", Href: base + href("stage", stage, level), Current: rows == "stage"},
		{Label: "lever", Href: base + href("lever", stage, level), Current: rows == "lever"}}
	api := "/api/v1/chains/" + ch.Slug + "/evidence-map"
	d.CSV, d.JSON = api+".csv"+href(rows, stage, level), api+href(rows, stage, level)
	max := 1
	for _, r := range m.Data {
		for _, c := range r.Cells {
			max = maxInt(max, c.Count)
		}
	}
	for _, r := range m.Data {
		row := make([]bubble, len(r.Cells))
		for i, c := range r.Cells {
			row[i] = newBubble(c, max)
		}
		d.Cells = append(d.Cells, row)
	}
	for _, e := range models.Effects {
		d.Legend = append(d.Legend, bubble{Count: 1, R: 10, Mark: "effect-mark." + e, Effect: e})
	}
	return d
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// releaseView is what every page says of the release it shows: the pages show the knowledge base
// as it is now, the latest release (if any), and whether anything changed since it.
type releaseView struct {
	Version, Date string
	Year          int
	Changed       bool // changes were made since the release
}

// releaseInfo is the template function "release": the latest release as of the site in memory,
// or nil.
func (p *Pages) releaseInfo() *releaseView {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.site == nil || p.site.release == nil {
		return nil
	}
	r := p.site.release
	// Cutting the release is itself a change (its revision is generation+1).
	return &releaseView{Version: r.Version, Date: r.CreatedAt.Format("2006-01-02"), Year: r.CreatedAt.Year(), Changed: p.gen > r.Generation+1}
}
