// Package pages serves the knowledge base to people: server-rendered HTML pages (the chains, a
// chain as the source's table, a tactic, the bibliography) from html/template, with their
// stylesheet, all embedded in the binary. No script, no front-end build, nothing from another
// origin. The JSON API (handlers/) and the pages share the store and nothing else: the pages are
// their own job, with their own templates, stylesheet, message catalogue and cache.
//
// Every page shows the published knowledge base only, as an anonymous reader sees it, whoever
// asks. A page is rendered once per generation of the knowledge base (store.Generation) and then
// served from memory, with an ETag for revalidation.
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

	"chainkb/internal/store"
	"chainkb/models"
)

//go:embed templates/*.html static/pages.css
var files embed.FS

// StylesheetPath is where the pages' stylesheet is served.
const StylesheetPath = "/assets/pages.css"

// CSP is the pages' content security policy: their own stylesheet and nothing else; no script at
// all, no inline style, nothing from elsewhere.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// pageNames are the page templates; each is parsed with layout.html and defines "content".
var pageNames = []string{"home", "chain", "tactic", "sources", "notfound"}

// Pages serves the HTML pages.
type Pages struct {
	store     *store.Store
	templates map[string]*template.Template
	css       []byte
	cssETag   string

	mu      sync.Mutex
	gen     int64
	site    *site
	entries map[string]*rendered
	renders singleflight.Group
}

// maxPages bounds the cache of rendered pages; filter links make many keys per chain.
const maxPages = 512

type rendered struct {
	body []byte
	etag string
}

// New parses the templates (they are embedded: a template that does not parse is a bug, found by
// the tests) and returns the page handlers.
func New(st *store.Store) *Pages {
	css, err := files.ReadFile("static/pages.css")
	if err != nil {
		panic(err)
	}
	p := &Pages{store: st, templates: map[string]*template.Template{}, css: css, cssETag: etagOf(css),
		entries: map[string]*rendered{}}
	msgs := catalogue[defaultLang]
	for _, name := range pageNames {
		p.templates[name] = template.Must(template.New(name).Funcs(funcs(msgs)).
			ParseFS(files, "templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

// Home handles GET /: the chains, and where to go from here.
func (p *Pages) Home(c *gin.Context) {
	p.serve(c, func(s *site) (string, string, func() any) {
		return "home", "home", func() any { return homeData{Chains: s.chains} }
	})
}

// Chain handles GET /chains/{slug}: the chain as the source's table. The filters that name
// nothing known are dropped before the page is looked up, so that made-up query strings neither
// fill the cache nor show an empty table.
func (p *Pages) Chain(c *gin.Context) {
	slug := c.Param("slug")
	asked := parseFilters(c.Request.URL.Query())
	p.serve(c, func(s *site) (string, string, func() any) {
		ch := s.chainBySlug[slug]
		if ch == nil {
			return "", "", nil
		}
		f := asked.valid(s)
		return "chain|" + slug + "|" + f.encode(), "chain", func() any { return newChainData(s, ch, f) }
	})
}

// Tactic handles GET /tactics/{code}: one tactic with its evidence, caveats, relations and sources.
func (p *Pages) Tactic(c *gin.Context) {
	code := c.Param("code")
	p.serve(c, func(s *site) (string, string, func() any) {
		t := s.tactics[code]
		if t == nil {
			return "", "", nil
		}
		return "tactic|" + code, "tactic", func() any { return tacticData{Tactic: t, Sources: s.sources} }
	})
}

// Sources handles GET /sources: the bibliography by type, each source with where it is cited.
func (p *Pages) Sources(c *gin.Context) {
	p.serve(c, func(s *site) (string, string, func() any) {
		return "sources", "sources", func() any {
			n := 0
			for _, g := range s.sourceGroups {
				n += len(g.Sources)
			}
			return sourcesData{Groups: s.sourceGroups, Count: n}
		}
	})
}

// Stylesheet handles GET /assets/pages.css.
func (p *Pages) Stylesheet(c *gin.Context) {
	c.Header("ETag", p.cssETag)
	if noneMatch(c, p.cssETag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "text/css; charset=utf-8", p.css)
}

// serve answers with a page. page looks it up in the site: its cache key, its template and a
// function that makes the template's data; no data function means no such page (the 404 page).
// While the generation has not moved, the site and the rendered page come from memory.
func (p *Pages) serve(c *gin.Context, page func(*site) (key, name string, data func() any)) {
	ctx := c.Request.Context()
	gen, err := p.store.Generation(ctx)
	if err != nil {
		c.Error(err)
		return
	}
	s, err := p.siteAt(ctx, gen)
	if err != nil {
		c.Error(err)
		return
	}
	key, name, data := page(s)
	if data == nil {
		body, err := p.render("notfound", notFoundData{})
		if err != nil {
			c.Error(err)
			return
		}
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", body)
		return
	}
	if r, ok := p.cached(key, gen); ok {
		p.write(c, r)
		return
	}
	v, err, _ := p.renders.Do(fmt.Sprintf("%d|%s", gen, key), func() (any, error) {
		body, err := p.render(name, data())
		if err != nil {
			return nil, err
		}
		return p.put(key, gen, body), nil
	})
	if err != nil {
		c.Error(err)
		return
	}
	p.write(c, v.(*rendered))
}

func (p *Pages) write(c *gin.Context, r *rendered) {
	c.Header("ETag", r.etag)
	if noneMatch(c, r.etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", r.body)
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
	v, err, _ := p.renders.Do("site|"+strconv.FormatInt(gen, 10), func() (any, error) {
		// Others may be waiting for this read: it must not stop if this client goes away.
		kb, err := p.store.Published(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		s := newSite(kb)
		p.mu.Lock()
		defer p.mu.Unlock()
		if gen >= p.gen {
			if gen > p.gen {
				p.entries = map[string]*rendered{}
			}
			p.gen, p.site = gen, s
		}
		return s, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*site), nil
}

func (p *Pages) cached(key string, gen int64) (*rendered, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gen != gen {
		return nil, false
	}
	r, ok := p.entries[key]
	return r, ok
}

// put keeps body, rendered at generation gen, unless the cache has moved past gen meanwhile.
func (p *Pages) put(key string, gen int64, body []byte) *rendered {
	r := &rendered{body: body, etag: etagOf(body)}
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen {
		return r
	}
	if len(p.entries) >= maxPages {
		p.entries = map[string]*rendered{}
	}
	p.entries[key] = r
	return r
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"h-` + hex.EncodeToString(sum[:12]) + `"`
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

// keeps reports whether the tactic passes the filters.
func (f filters) keeps(t *tacticView) bool {
	has := func(tags []models.TagSummary, slug string) bool {
		if slug == "" {
			return true
		}
		for _, tg := range tags {
			if tg.Slug == slug {
				return true
			}
		}
		return false
	}
	if !has(t.Horizon, f.Horizon) || !has(t.Levers, f.Lever) || !has(t.Functions, f.Function) {
		return false
	}
	return f.Evidence == "" || models.EvidenceRank(t.Evidence.Level) >= models.EvidenceRank(f.Evidence)
}
