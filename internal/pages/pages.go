// Package pages serves the knowledge base to people: server-rendered HTML pages (the chains, a
// chain as the source's table, a tactic, the bibliography) from html/template, with their
// stylesheet, all embedded in the binary. No script, no front-end build, nothing from another
// origin. The JSON API (handlers/) and the pages share the store and nothing else: the pages are
// their own job, with their own templates, stylesheet, message catalogue and cache.
//
// Every page shows the published knowledge base only, as an anonymous reader sees it, whoever
// asks. A page reads what it shows and no more (store's reads for the pages, published.go), so its
// cost and memory follow the page, not the size of the knowledge base. It is rendered once per
// generation of the knowledge base (store.Generation) and then served from memory, with an ETag
// for revalidation.
package pages

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"

	"chainkb/internal/rendercache"
	"chainkb/internal/store"
	"chainkb/models"
)

//go:embed templates/*.html static/pages.css static/favicon.ico
var files embed.FS

// StylesheetPath is where the pages' stylesheet is served.
const StylesheetPath = "/assets/pages.css"

// FaviconPath is where browsers ask for the site's icon, whether a page names it or not.
const FaviconPath = "/favicon.ico"

// faviconMaxAge is how long a browser may keep the icon without asking again: it changes only
// with a release, and an old one for a day is harmless.
const faviconMaxAge = "86400"

// CSP is the pages' content security policy: their own stylesheet and nothing else; no script at
// all, no inline style, nothing from elsewhere.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// pageNames are the page templates; each is parsed with layout.html and defines "content".
var pageNames = []string{"home", "chain", "tactic", "sources", "countries", "country", "notfound", "evidence"}

// Pages serves the HTML pages.
type Pages struct {
	store     *store.Store
	templates map[string]*template.Template
	css       []byte
	cssETag   string
	icon      []byte
	iconETag  string
	pages     *rendercache.Cache[string] // rendered pages by key (see page)

	mu    sync.Mutex
	gen   int64
	site  *site
	sites singleflight.Group
}

// maxPages and maxPageBytes bound the cache of rendered pages: filter links make many keys per
// chain, and a chain's page is up to a few hundred KB.
const (
	maxPages     = 512
	maxPageBytes = 16 << 20
)

// New parses the templates (they are embedded: a template that does not parse is a bug, found by
// the tests) and returns the page handlers.
func New(st *store.Store) *Pages {
	css, err := files.ReadFile("static/pages.css")
	if err != nil {
		panic(err)
	}
	icon, err := files.ReadFile("static/favicon.ico")
	if err != nil {
		panic(err)
	}
	p := &Pages{store: st, templates: map[string]*template.Template{}, css: css, cssETag: etagOf(css),
		icon: icon, iconETag: etagOf(icon),
		pages: rendercache.New[string]("h", maxPages, maxPageBytes)}
	msgs := catalogue[defaultLang]
	for _, name := range pageNames {
		p.templates[name] = template.Must(template.New(name).Funcs(funcs(msgs)).Funcs(template.FuncMap{"release": p.releaseInfo}).
			ParseFS(files, "templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

// page is one page as a request names it: its cache key, its template, and how to make the
// template's data. data reads the store with ctx, which is the anonymous reader's whoever asks;
// a NotFound error from it is the 404 page. A page without data is the 404 page too.
type page struct {
	key, template string
	data          func(ctx context.Context) (any, error)
}

// Home handles GET /: the chains, and where to go from here.
func (p *Pages) Home(c *gin.Context) {
	p.serve(c, func(s *site) page {
		return page{"home", "home", func(context.Context) (any, error) { return homeData{Chains: s.chains}, nil }}
	})
}

// Chain handles GET /chains/{slug}: the chain as the source's table, each cell cut to perCell
// tactics. The filters that name nothing known are dropped before the page is looked up, so
// that made-up query strings neither fill the cache nor show an empty table.
func (p *Pages) Chain(c *gin.Context) {
	slug := c.Param("slug")
	asked := parseFilters(c.Request.URL.Query())
	p.serve(c, func(s *site) page {
		ch := s.chainBySlug[slug]
		if ch == nil {
			return page{}
		}
		f := asked.valid(s)
		return page{"chain|" + slug + "|" + f.encode(), "chain", func(ctx context.Context) (any, error) {
			table, err := p.store.ChainTableFor(ctx, slug, store.TableQuery{PerCell: perCell, Recommended: f.narrowing()})
			if err != nil {
				return nil, err
			}
			return newChainData(s, ch, table, f), nil
		}}
	})
}

// Tactic handles GET /tactics/{code}: one tactic with its evidence, caveats, relations and sources.
func (p *Pages) Tactic(c *gin.Context) {
	code := c.Param("code")
	p.serve(c, func(s *site) page {
		return page{"tactic|" + code, "tactic", func(ctx context.Context) (any, error) {
			t, links, err := p.store.PublishedTactic(ctx, code)
			if err != nil {
				return nil, err
			}
			st := s.stageByID[t.StageID]
			if st == nil { // a stage made since the site was read: the next generation shows it
				return nil, models.NotFoundf("tactic %s not found", code)
			}
			tv := s.tacticView(*t, st)
			for _, l := range links {
				label := "relation.in." + l.Type
				if l.Outgoing {
					label = "relation.out." + l.Type
				}
				tv.Relations = append(tv.Relations, relationView{Label: label, Code: l.Code, Title: l.Title, Note: l.Note})
			}
			d := tacticData{Tactic: tv, Sources: s.sources}
			if best := strongestSource(*t, s.sources); best != nil {
				d.Strongest = &strongestView{sourceView: best, Label: citeLabel(catalogue[defaultLang], s.sources, best.Slug)}
			}
			return d, nil
		}}
	})
}

// Sources handles GET /sources: the bibliography by type, each source with where it is cited
// (at most citedTactics of the tactics citing it).
func (p *Pages) Sources(c *gin.Context) {
	p.serve(c, func(s *site) page {
		return page{"sources", "sources", func(ctx context.Context) (any, error) {
			cited, err := p.store.CitingTactics(ctx, citedTactics)
			if err != nil {
				return nil, err
			}
			return sourcesData{Groups: s.bibliography(cited), Count: len(s.sources)}, nil
		}}
	})
}

// Stylesheet handles GET /assets/pages.css.
func (p *Pages) Stylesheet(c *gin.Context) {
	writeTagged(c, p.cssETag, "text/css; charset=utf-8", p.css)
}

// Favicon handles GET /favicon.ico: a 16-pixel icon (an ICO holding a PNG), embedded, so that
// the browser's request for it is not a 404 in every log. Cached for a day, and revalidated by
// its ETag.
func (p *Pages) Favicon(c *gin.Context) {
	if c.GetHeader("Authorization") == "" {
		c.Header("Cache-Control", "public, max-age="+faviconMaxAge)
	}
	writeTagged(c, p.iconETag, "image/x-icon", p.icon)
}

// serve answers with a page, which find looks up in the site. While the generation has not
// moved, the site and the rendered page come from memory.
func (p *Pages) serve(c *gin.Context, find func(*site) page) {
	ctx := c.Request.Context()
	gen, err := p.store.Generation(ctx)
	if err != nil {
		c.Error(err)
		return
	}
	// The reads of a render serve everyone waiting for it: they must not stop if this client goes
	// away, and they are the anonymous reader's whoever asks.
	anon := models.WithPrincipal(context.WithoutCancel(ctx), models.Anonymous)
	s, err := p.siteAt(anon, gen)
	if err != nil {
		c.Error(err)
		return
	}
	pg := find(s)
	if pg.data == nil {
		p.notFound(c)
		return
	}
	r, err := p.pages.Get(pg.key, gen, func() ([]byte, error) {
		data, err := pg.data(anon)
		if err != nil {
			return nil, err
		}
		return p.render(pg.template, data)
	})
	if e, ok := models.AsError(err); ok && e.Kind == models.KindNotFound {
		p.notFound(c)
		return
	}
	if err != nil {
		c.Error(err)
		return
	}
	writeTagged(c, r.ETag, "text/html; charset=utf-8", r.Body)
}

// notFound answers with the 404 page.
func (p *Pages) notFound(c *gin.Context) {
	body, err := p.render("notfound", notFoundData{})
	if err != nil {
		c.Error(err)
		return
	}
	c.Data(http.StatusNotFound, "text/html; charset=utf-8", body)
}

func (p *Pages) render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := p.templates[name].ExecuteTemplate(&b, "layout", data); err != nil {
		return nil, fmt.Errorf("pages: render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// siteAt returns the site as of generation gen: the one in memory, or one read afresh (once,
// however many requests want it at the same moment).
func (p *Pages) siteAt(ctx context.Context, gen int64) (*site, error) {
	p.mu.Lock()
	if p.site != nil && p.gen == gen {
		s := p.site
		p.mu.Unlock()
		return s, nil
	}
	p.mu.Unlock()
	v, err, _ := p.sites.Do(strconv.FormatInt(gen, 10), func() (any, error) {
		o, err := p.store.Outline(ctx)
		if err != nil {
			return nil, err
		}
		s := newSite(o)
		if s.release, err = p.store.LatestRelease(ctx); err != nil {
			return nil, err
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if gen >= p.gen {
			p.gen, p.site = gen, s
		}
		return s, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*site), nil
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"h-` + hex.EncodeToString(sum[:12]) + `"`
}

// writeTagged sends body, as media, with its ETag tag, or 304 if If-None-Match names the tag.
func writeTagged(c *gin.Context, tag, media string, body []byte) {
	c.Header("ETag", tag)
	if noneMatch(c, tag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, media, body)
}

// noneMatch reports whether If-None-Match names tag (or is *).
func noneMatch(c *gin.Context, tag string) bool {
	for _, t := range strings.Split(c.GetHeader("If-None-Match"), ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

// filters narrow the chain table's "what should be done" column; the zero value shows all.
type filters struct {
	Horizon, Lever, Function, Evidence string
}

// filterParams are the query parameters of the filters, in the order the page shows them.
var filterParams = []string{"horizon", "lever", "function", "evidence"}

func parseFilters(q url.Values) filters {
	return filters{Horizon: q.Get("horizon"), Lever: q.Get("lever"), Function: q.Get("function"), Evidence: q.Get("evidence")}
}

// valid drops the values that name no tag of the group or no evidence level, so that a mistyped
// link shows the whole table rather than an empty one.
func (f filters) valid(s *site) filters {
	has := func(group, slug string) bool {
		for _, tg := range s.tags[group] {
			if tg.Slug == slug {
				return true
			}
		}
		return false
	}
	if !has(models.HorizonGroup, f.Horizon) {
		f.Horizon = ""
	}
	if !has("lever", f.Lever) {
		f.Lever = ""
	}
	if !has("function", f.Function) {
		f.Function = ""
	}
	if models.EvidenceRank(f.Evidence) < 0 {
		f.Evidence = ""
	}
	return f
}

func (f filters) get(param string) string {
	switch param {
	case "horizon":
		return f.Horizon
	case "lever":
		return f.Lever
	case "function":
		return f.Function
	}
	return f.Evidence
}

func (f filters) with(param, value string) filters {
	switch param {
	case "horizon":
		f.Horizon = value
	case "lever":
		f.Lever = value
	case "function":
		f.Function = value
	default:
		f.Evidence = value
	}
	return f
}

// encode is the filters as a query string, parameters in a fixed order, empty ones left out.
func (f filters) encode() string {
	var parts []string
	for _, param := range filterParams {
		if v := f.get(param); v != "" {
			parts = append(parts, param+"="+url.QueryEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

func (f filters) any() bool { return f != filters{} }

// narrowing is the filters as the store applies them to the cells of what should be done.
func (f filters) narrowing() store.Narrowing {
	n := store.Narrowing{Horizon: f.Horizon, MinEvidence: f.Evidence}
	for _, tag := range []string{f.Lever, f.Function} {
		if tag != "" {
			n.Tags = append(n.Tags, tag)
		}
	}
	return n
}
