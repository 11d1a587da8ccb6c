package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	ginSwagger "github.com/swaggo/gin-swagger"

	"chainkb/docs" // embeds the OpenAPI document, and registers it for /swagger/doc.json
	"chainkb/handlers"
	"chainkb/internal/apidoc"
	"chainkb/internal/pages"
	"chainkb/internal/store"
	"chainkb/internal/swaggerui"
	"chainkb/models"
)

// route is one row of the route table: everything the API knows about one route. The router, the
// role policy, caching, the access log, the rate limits and the OpenAPI document all read it here.
type route struct {
	method string
	path   string // Gin's full path, exactly as c.FullPath() reports it
	handle gin.HandlerFunc
	access access      // who may call it; the zero value is nobody
	cache  cachePolicy // whether anyone may cache the answers to anonymous clients
	flags  flags
	// doc describes the operation for the OpenAPI document (internal/openapi); a route without
	// one (the pages, Swagger UI, the documents themselves) is left out of it.
	doc apidoc.Op
}

// access is the least role that may call a route. Its zero value, nobody, is what a row that
// forgets to say gets: deny by default, and TestRoutePolicy fails.
type access int

const (
	nobody  access = iota
	anyone         // no key needed
	readers        // a key with the reader role or above
	editors        // editor or above
	admins         // admin
)

// role is the least role that may call a route with access a; ok is false for nobody.
func (a access) role() (r models.Role, ok bool) {
	switch a {
	case anyone:
		return models.RoleAnonymous, true
	case readers:
		return models.RoleReader, true
	case editors:
		return models.RoleEditor, true
	case admins:
		return models.RoleAdmin, true
	}
	return 0, false
}

// cachePolicy says whether a shared cache may keep a route's answers to anonymous clients.
// Answers to a key, errors, and everything not publicRead are never stored.
type cachePolicy int

const (
	noStore    cachePolicy = iota
	publicRead             // the published knowledge base: cacheable for publicMaxAge
)

// flags are how the middleware treats a route besides its role and cache policy.
type flags int

const (
	quiet     flags = 1 << iota // logged at debug level while it succeeds: scraped every few seconds, it would drown the rest
	unlimited                   // never rate limited
	secret                      // the answer holds a secret: never kept for an Idempotency-Key retry
	bulkBody                    // takes a body up to the import limit (WithMaxImportBytes), not the usual one
	page                        // an HTML page for people (internal/pages): its own content security policy
	// stream answers with a stream that does not end (Server-Sent Events): its HEAD answers the
	// headers alone rather than running the GET.
	stream
	// revalidated is a list of the knowledge base: it carries a weak ETag made from the knowledge
	// base's generation, and a GET whose If-None-Match names it is 304 without running the list.
	revalidated

	normal flags = 0 // logged at info level, rate limited
	// probe is a load balancer's or orchestrator's probe: quiet, and never rate limited, since a
	// load balancer that got 429 from /readyz would take a healthy instance out of service.
	probe = quiet | unlimited
)

// routes is the entire API surface, one row per route: method, path, handler, who may call it,
// its cache policy and its flags. Nothing else registers a route or says who may call one.
func routes(st *store.Store, metrics http.Handler, o options) []route {
	chains := handlers.NewChains(st)
	stages := handlers.NewStages(st)
	tactics := handlers.NewTactics(st)
	tags := handlers.NewTags(st)
	sources := handlers.NewSources(st)
	relations := handlers.NewRelations(st)
	parameters := handlers.NewParameters(st)
	countries := handlers.NewCountries(st)
	economics := handlers.NewEconomics(st)
	search := handlers.NewSearch(st)
	changes := handlers.NewChanges(st, o.stream)
	keys := handlers.NewKeys(st)
	hooks := handlers.NewWebhooks(st, o.webhookTargets)
	health := handlers.NewHealth(st)
	bundles := handlers.NewBundles(st)
	releases := handlers.NewReleases(st)
	site := pages.New(st)

	// The four content resources share one policy: anyone reads (tactics: only published ones
	// below editor); editors write and see the history.
	return []route{
		{"GET", "/api/v1/chains", chains.List, anyone, publicRead, revalidated, handlers.ChainDocs.List()},
		{"POST", "/api/v1/chains", chains.Create, editors, noStore, normal, handlers.ChainDocs.Create()},
		{"GET", "/api/v1/chains/:id", handlers.AtRelease(chains.Get, "chains/:id"), anyone, publicRead, normal, handlers.WithRelease(handlers.ChainDocs.Get())},
		{"PUT", "/api/v1/chains/:id", chains.Replace, editors, noStore, normal, handlers.ChainDocs.Replace()},
		{"PATCH", "/api/v1/chains/:id", chains.Patch, editors, noStore, normal, handlers.ChainDocs.Patch()},
		{"DELETE", "/api/v1/chains/:id", chains.Delete, editors, noStore, normal, handlers.ChainDocs.Delete()},
		{"GET", "/api/v1/chains/:id/revisions", chains.Revisions, editors, noStore, normal, handlers.ChainDocs.Revisions()},
		{"POST", "/api/v1/chains/:id/revisions/:revision/restore", chains.Restore, editors, noStore, normal, handlers.ChainDocs.Restore()},
		{"GET", "/api/v1/chains/:id/table", handlers.AtRelease(chains.Table, "chains/:id/table"), anyone, publicRead, normal, handlers.WithRelease(handlers.ChainTableDoc)},
		// The risk-reward model computed from the parameters; scenarios write nothing.
		{"GET", "/api/v1/chains/:id/economics", economics.Chain, anyone, publicRead, normal, handlers.ChainEconomicsDoc},
		{"GET", "/api/v1/chains/:id/table.csv", chains.TableCSV, anyone, publicRead, normal, handlers.ChainTableCSVDoc},
		// The evidence gap map: links (or levers) against the level of evidence.
		{"GET", "/api/v1/chains/:id/evidence-map", chains.EvidenceMap, anyone, publicRead, normal, handlers.EvidenceMapDoc},
		{"GET", "/api/v1/chains/:id/evidence-map.csv", chains.EvidenceMapCSV, anyone, publicRead, normal, handlers.EvidenceMapCSVDoc},
		// Every country's risk-reward for one chain, side by side.
		{"GET", "/api/v1/chains/:id/countries", countries.Compare, anyone, publicRead, normal, handlers.CountryComparisonDoc},
		{"GET", "/api/v1/chains/:id/countries.csv", countries.CompareCSV, anyone, publicRead, normal, handlers.CountryComparisonCSVDoc},

		{"GET", "/api/v1/stages", stages.List, anyone, publicRead, revalidated, handlers.StageDocs.List()},
		{"POST", "/api/v1/stages", stages.Create, editors, noStore, normal, handlers.StageDocs.Create()},
		{"GET", "/api/v1/stages/:id", stages.Get, anyone, publicRead, normal, handlers.StageDocs.Get()},
		{"PUT", "/api/v1/stages/:id", stages.Replace, editors, noStore, normal, handlers.StageDocs.Replace()},
		{"PATCH", "/api/v1/stages/:id", stages.Patch, editors, noStore, normal, handlers.StageDocs.Patch()},
		{"DELETE", "/api/v1/stages/:id", stages.Delete, editors, noStore, normal, handlers.StageDocs.Delete()},
		{"GET", "/api/v1/stages/:id/revisions", stages.Revisions, editors, noStore, normal, handlers.StageDocs.Revisions()},
		{"POST", "/api/v1/stages/:id/revisions/:revision/restore", stages.Restore, editors, noStore, normal, handlers.StageDocs.Restore()},

		{"GET", "/api/v1/tactics", handlers.AtRelease(tactics.List, "tactics"), anyone, publicRead, revalidated, handlers.WithRelease(handlers.TacticDocs.List())},
		{"POST", "/api/v1/tactics", tactics.Create, editors, noStore, normal, handlers.TacticDocs.Create()},
		{"GET", "/api/v1/tactics/:id", handlers.AtRelease(tactics.Get, "tactics/:id"), anyone, publicRead, normal, handlers.WithRelease(handlers.TacticDocs.Get())},
		{"PUT", "/api/v1/tactics/:id", tactics.Replace, editors, noStore, normal, handlers.TacticDocs.Replace()},
		{"PATCH", "/api/v1/tactics/:id", tactics.Patch, editors, noStore, normal, handlers.TacticDocs.Patch()},
		{"DELETE", "/api/v1/tactics/:id", tactics.Delete, editors, noStore, normal, handlers.TacticDocs.Delete()},
		{"GET", "/api/v1/tactics/:id/revisions", tactics.Revisions, editors, noStore, normal, handlers.TacticDocs.Revisions()},
		{"POST", "/api/v1/tactics/:id/revisions/:revision/restore", tactics.Restore, editors, noStore, normal, handlers.TacticDocs.Restore()},

		{"GET", "/api/v1/tags", tags.List, anyone, publicRead, revalidated, handlers.TagDocs.List()},
		{"POST", "/api/v1/tags", tags.Create, editors, noStore, normal, handlers.TagDocs.Create()},
		{"GET", "/api/v1/tags/:id", tags.Get, anyone, publicRead, normal, handlers.TagDocs.Get()},
		{"PUT", "/api/v1/tags/:id", tags.Replace, editors, noStore, normal, handlers.TagDocs.Replace()},
		{"PATCH", "/api/v1/tags/:id", tags.Patch, editors, noStore, normal, handlers.TagDocs.Patch()},
		{"DELETE", "/api/v1/tags/:id", tags.Delete, editors, noStore, normal, handlers.TagDocs.Delete()},
		{"GET", "/api/v1/tags/:id/revisions", tags.Revisions, editors, noStore, normal, handlers.TagDocs.Revisions()},
		{"POST", "/api/v1/tags/:id/revisions/:revision/restore", tags.Restore, editors, noStore, normal, handlers.TagDocs.Restore()},

		{"GET", "/api/v1/sources", handlers.AtRelease(sources.List, "sources"), anyone, publicRead, revalidated, handlers.WithBibliography(handlers.WithRelease(handlers.SourceDocs.List()))},
		{"POST", "/api/v1/sources", sources.Create, editors, noStore, normal, handlers.SourceDocs.Create()},
		{"GET", "/api/v1/sources/:id", handlers.AtRelease(sources.Get, "sources/:id"), anyone, publicRead, normal, handlers.WithRelease(handlers.SourceDocs.Get())},
		{"PUT", "/api/v1/sources/:id", sources.Replace, editors, noStore, normal, handlers.SourceDocs.Replace()},
		{"PATCH", "/api/v1/sources/:id", sources.Patch, editors, noStore, normal, handlers.SourceDocs.Patch()},
		{"DELETE", "/api/v1/sources/:id", sources.Delete, editors, noStore, normal, handlers.SourceDocs.Delete()},
		{"GET", "/api/v1/sources/:id/revisions", sources.Revisions, editors, noStore, normal, handlers.SourceDocs.Revisions()},
		{"POST", "/api/v1/sources/:id/revisions/:revision/restore", sources.Restore, editors, noStore, normal, handlers.SourceDocs.Restore()},

		// Relations between tactics: below editor, only those between published tactics exist.
		{"GET", "/api/v1/relations", relations.List, anyone, publicRead, revalidated, handlers.RelationDocs.List()},
		{"POST", "/api/v1/relations", relations.Create, editors, noStore, normal, handlers.RelationDocs.Create()},
		{"GET", "/api/v1/relations/:id", relations.Get, anyone, publicRead, normal, handlers.RelationDocs.Get()},
		{"PUT", "/api/v1/relations/:id", relations.Replace, editors, noStore, normal, handlers.RelationDocs.Replace()},
		{"PATCH", "/api/v1/relations/:id", relations.Patch, editors, noStore, normal, handlers.RelationDocs.Patch()},
		{"DELETE", "/api/v1/relations/:id", relations.Delete, editors, noStore, normal, handlers.RelationDocs.Delete()},
		{"GET", "/api/v1/relations/:id/revisions", relations.Revisions, editors, noStore, normal, handlers.RelationDocs.Revisions()},
		{"POST", "/api/v1/relations/:id/revisions/:revision/restore", relations.Restore, editors, noStore, normal, handlers.RelationDocs.Restore()},
		{"GET", "/api/v1/tactics/:id/relations", relations.OfTactic, anyone, publicRead, normal, handlers.TacticRelationsDoc},
		{"GET", "/api/v1/parameters", parameters.List, anyone, publicRead, revalidated, handlers.ParameterDocs.List()},
		{"POST", "/api/v1/parameters", parameters.Create, editors, noStore, normal, handlers.ParameterDocs.Create()},
		{"GET", "/api/v1/parameters/:id", parameters.Get, anyone, publicRead, normal, handlers.ParameterDocs.Get()},
		{"PUT", "/api/v1/parameters/:id", parameters.Replace, editors, noStore, normal, handlers.ParameterDocs.Replace()},
		{"PATCH", "/api/v1/parameters/:id", parameters.Patch, editors, noStore, normal, handlers.ParameterDocs.Patch()},
		{"DELETE", "/api/v1/parameters/:id", parameters.Delete, editors, noStore, normal, handlers.ParameterDocs.Delete()},
		{"GET", "/api/v1/parameters/:id/revisions", parameters.Revisions, editors, noStore, normal, handlers.ParameterDocs.Revisions()},
		{"POST", "/api/v1/parameters/:id/revisions/:revision/restore", parameters.Restore, editors, noStore, normal, handlers.ParameterDocs.Restore()},
		{"GET", "/api/v1/countries", countries.List, anyone, publicRead, revalidated, handlers.CountryDocs.List()},
		{"POST", "/api/v1/countries", countries.Create, editors, noStore, normal, handlers.CountryDocs.Create()},
		{"GET", "/api/v1/countries/:id", countries.Get, anyone, publicRead, normal, handlers.CountryDocs.Get()},
		{"PUT", "/api/v1/countries/:id", countries.Replace, editors, noStore, normal, handlers.CountryDocs.Replace()},
		{"PATCH", "/api/v1/countries/:id", countries.Patch, editors, noStore, normal, handlers.CountryDocs.Patch()},
		{"DELETE", "/api/v1/countries/:id", countries.Delete, editors, noStore, normal, handlers.CountryDocs.Delete()},
		{"GET", "/api/v1/countries/:id/revisions", countries.Revisions, editors, noStore, normal, handlers.CountryDocs.Revisions()},
		{"POST", "/api/v1/countries/:id/revisions/:revision/restore", countries.Restore, editors, noStore, normal, handlers.CountryDocs.Restore()},
		{"GET", "/api/v1/countries/:id/profile", countries.Profile, anyone, publicRead, normal, handlers.CountryProfileDoc},
		{"GET", "/api/v1/search", search.List, anyone, publicRead, revalidated, handlers.SearchDoc},

		{"GET", "/api/v1/changes", changes.List, readers, noStore, normal, handlers.ChangesDoc},
		{"GET", "/api/v1/changes/stream", changes.Stream, readers, noStore, stream, handlers.ChangeStreamDoc},

		// Webhook subscriptions: each key manages its own, admins every one (the store decides
		// which a key sees; another key's is 404).
		{"GET", "/api/v1/webhooks", hooks.List, readers, noStore, normal, handlers.WebhookListDoc},
		{"POST", "/api/v1/webhooks", hooks.Create, readers, noStore, secret, handlers.WebhookCreateDoc},
		{"GET", "/api/v1/webhooks/:id", hooks.Get, readers, noStore, normal, handlers.WebhookDoc},
		{"PATCH", "/api/v1/webhooks/:id", hooks.Patch, readers, noStore, normal, handlers.WebhookPatchDoc},
		{"DELETE", "/api/v1/webhooks/:id", hooks.Delete, readers, noStore, normal, handlers.WebhookDeleteDoc},
		{"GET", "/api/v1/webhooks/:id/deliveries", hooks.Deliveries, readers, noStore, normal, handlers.WebhookDeliveriesDoc},
		{"POST", "/api/v1/webhooks/:id/deliveries/:delivery/redeliver", hooks.Redeliver, readers, noStore, normal, handlers.RedeliverDoc},

		// The whole knowledge base as one bundle: anyone exports the published part (editors add
		// drafts with include=drafts); editors import.
		{"GET", "/api/v1/export", bundles.Export, anyone, publicRead, normal, handlers.ExportDoc},
		{"POST", "/api/v1/import", bundles.Import, editors, noStore, bulkBody, handlers.ImportDoc},

		// Releases: fixed, citable states of the published knowledge base. Anyone reads them;
		// editors cut them; nobody changes or deletes them.
		{"GET", "/api/v1/releases", releases.List, anyone, publicRead, normal, handlers.ReleaseListDoc},
		{"POST", "/api/v1/releases", releases.Create, editors, noStore, normal, handlers.ReleaseCreateDoc},
		{"GET", "/api/v1/releases/:version", releases.Get, anyone, publicRead, normal, handlers.ReleaseDoc},
		{"DELETE", "/api/v1/releases/:version", releases.Delete, anyone, noStore, normal, handlers.ReleaseDeleteDoc},
		{"GET", "/api/v1/releases/:version/export", releases.Export, anyone, publicRead, normal, handlers.ReleaseExportDoc},
		{"GET", "/api/v1/releases/:version/citation", releases.Citation, anyone, publicRead, normal, handlers.ReleaseCitationDoc},
		{"GET", "/api/v1/releases/:version/diff/:other", releases.Diff, anyone, publicRead, normal, handlers.ReleaseDiffDoc},
		{"GET", "/api/v1/releases/:version/chains/:id", releases.Chain, anyone, publicRead, normal, handlers.ReleaseChainDoc},
		{"GET", "/api/v1/releases/:version/chains/:id/table", releases.Table, anyone, publicRead, normal, handlers.ReleaseTableDoc},
		{"GET", "/api/v1/releases/:version/tactics", releases.Tactics, anyone, publicRead, normal, handlers.ReleaseTacticsDoc},
		{"GET", "/api/v1/releases/:version/tactics/:id", releases.Tactic, anyone, publicRead, normal, handlers.ReleaseTacticDoc},
		{"GET", "/api/v1/releases/:version/sources", releases.Sources, anyone, publicRead, normal, handlers.WithBibliography(handlers.ReleaseSourcesDoc)},
		{"GET", "/api/v1/releases/:version/sources/:id", releases.Source, anyone, publicRead, normal, handlers.ReleaseSourceDoc},

		{"GET", "/api/v1/keys", keys.List, admins, noStore, normal, handlers.KeyListDoc},
		{"POST", "/api/v1/keys", keys.Create, admins, noStore, secret, handlers.KeyCreateDoc},
		{"GET", "/api/v1/keys/:id", keys.Get, admins, noStore, normal, handlers.KeyDoc},
		{"DELETE", "/api/v1/keys/:id", keys.Revoke, admins, noStore, normal, handlers.KeyRevokeDoc},

		// Load balancers and orchestrators probe without credentials; the readiness answer says
		// only ready or not.
		{"GET", "/healthz", health.Live, anyone, noStore, probe, handlers.LivenessDoc},
		{"GET", "/readyz", health.Ready, anyone, noStore, probe, handlers.ReadinessDoc},
		// Metrics need a key: they tell traffic by route, error rates and the pools' saturation,
		// which helps whoever times an attack, and the API listens where anyone reaches it.
		// Prometheus sends a reader key ("authorization: {credentials_file: ...}" in its config).
		{"GET", "/metrics", handlers.Metrics(metrics), readers, noStore, quiet, handlers.MetricsDoc},

		// The OpenAPI 3 document, for client generators and for Swagger UI (5, internal/swaggerui),
		// also at /swagger/doc.json where gin-swagger serves it; made by "go generate" (see main.go)
		// and embedded.
		{"GET", "/openapi.json", serveDoc("application/json", docs.OpenAPIJSON), anyone, noStore, normal, undocumented},
		{"GET", "/openapi.yaml", serveDoc("application/yaml", docs.OpenAPIYAML), anyone, noStore, normal, undocumented},
		{"GET", "/swagger/*any", ginSwagger.WrapHandler(swaggerui.Handler,
			ginSwagger.URL("/openapi.json"), ginSwagger.PersistAuthorization(true)), anyone, noStore, normal, undocumented},

		// The pages for people (internal/pages): the published knowledge base as HTML, cached and
		// revalidated like the published reads. Swagger UI stays at /swagger/index.html, linked
		// from every page.
		{"GET", "/", site.Home, anyone, publicRead, page, undocumented},
		{"GET", "/chains/:slug", site.Chain, anyone, publicRead, page, undocumented},
		{"GET", "/chains/:slug/evidence", site.Evidence, anyone, publicRead, page, undocumented},
		{"GET", "/tactics/:code", site.Tactic, anyone, publicRead, page, undocumented},
		{"GET", "/sources", site.Sources, anyone, publicRead, page, undocumented},
		{"GET", "/countries", site.Countries, anyone, publicRead, page, undocumented},
		{"GET", "/countries/:iso", site.Country, anyone, publicRead, page, undocumented},
		{"GET", pages.StylesheetPath, site.Stylesheet, anyone, publicRead, page, undocumented},
		{"GET", pages.FaviconPath, site.Favicon, anyone, publicRead, page, undocumented},
	}
}

// undocumented is the doc of a route that is not in the OpenAPI document: the pages for people,
// Swagger UI and the documents themselves.
var undocumented apidoc.Op

// serveDoc answers with an embedded document.
func serveDoc(contentType string, body []byte) gin.HandlerFunc {
	return func(c *gin.Context) { c.Data(http.StatusOK, contentType, body) }
}

// withHeadAndOptions returns rows with the routes HTTP derives from them: HEAD on every GET route
// (probes included), answered by the GET handler, with the GET row's access, caching and flags
// (net/http sends no body to a HEAD); and OPTIONS on every path, answered with Allow by anyone.
// A CORS preflight from an allowed origin is answered before it reaches the router, as before.
func withHeadAndOptions(rows []route) []route {
	methods := map[string][]string{}
	var paths []string
	out := slices.Clone(rows)
	for _, r := range rows {
		if methods[r.path] == nil {
			paths = append(paths, r.path)
		}
		methods[r.path] = append(methods[r.path], r.method)
		if r.method == http.MethodGet {
			head := r
			head.method = http.MethodHead
			head.handle = asGet(r.handle)
			if r.flags&stream != 0 {
				head.handle = streamHead
			}
			methods[r.path] = append(methods[r.path], http.MethodHead)
			out = append(out, head)
		}
	}
	for _, path := range paths {
		allow := append(methods[path], http.MethodOptions)
		slices.Sort(allow)
		header := strings.Join(slices.Compact(allow), ", ")
		out = append(out, route{http.MethodOptions, path, func(c *gin.Context) {
			c.Header("Allow", header)
			c.Status(http.StatusNoContent)
		}, anyone, noStore, normal, undocumented})
	}
	return out
}

// streamHead answers a HEAD of a stream with the headers its GET starts with.
func streamHead(c *gin.Context) {
	c.Header("Content-Type", "text/event-stream")
	c.Status(http.StatusOK)
}

// asGet runs a GET handler for a HEAD request: the handler sees a GET (some, such as Swagger UI's,
// answer nothing else), while net/http, which keeps the original request, sends no body.
func asGet(handle gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		head := c.Request
		get := *head
		get.Method = http.MethodGet
		c.Request = &get
		defer func() { c.Request = head }()
		handle(c)
	}
}

// routeKey names a route as Gin matched it: the request's method and c.FullPath().
type routeKey struct{ method, path string }

// routeTable is the route table by method and path, for the middleware to look a request's route
// up in.
type routeTable map[routeKey]route

func newRouteTable(rows []route) routeTable {
	t := make(routeTable, len(rows))
	for _, r := range rows {
		t[routeKey{r.method, r.path}] = r
	}
	return t
}

// of returns the row of the route that c matched, or the zero route (nobody, noStore, normal) when
// it matched none.
func (t routeTable) of(c *gin.Context) route {
	return t[routeKey{c.Request.Method, c.FullPath()}]
}

// routes reports whether a route of the table answers method on path (a request path, not a
// pattern): ":name" matches one segment, "*name" the rest.
func (t routeTable) routes(method, path string) bool {
	for k := range t {
		if k.method == method && matchPath(k.path, path) {
			return true
		}
	}
	return false
}

func matchPath(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	for i, p := range ps {
		if strings.HasPrefix(p, "*") {
			return i < len(xs)
		}
		if i >= len(xs) || !(p == xs[i] || strings.HasPrefix(p, ":") && xs[i] != "") {
			return false
		}
	}
	return len(ps) == len(xs)
}

// Route is one row of the route table as the OpenAPI generator and the tests see it.
type Route struct {
	// Role is the least role that may call the route.
	Role models.Role
	// RateLimited is whether the rate limits apply to it (they do not to the probes).
	RateLimited bool
	// Revalidated is whether its answers carry a weak ETag from the knowledge base's generation,
	// and If-None-Match gets 304 (the lists).
	Revalidated bool
	// Page is whether it serves the pages for people (internal/pages): a page, or their
	// stylesheet or icon.
	Page bool
	// Doc describes the route's operation for the OpenAPI document; the zero Op for a route that
	// is not in it.
	Doc apidoc.Op
}

// Routes returns the route table without its handlers, keyed "METHOD /gin/path". A row that says
// nobody may call it is left out, as the policy refuses it to everyone.
func Routes() map[string]Route {
	out := map[string]Route{}
	for _, r := range routes(nil, nil, defaultOptions()) {
		if role, ok := r.access.role(); ok {
			out[r.method+" "+r.path] = Route{Role: role, RateLimited: r.flags&unlimited == 0, Revalidated: r.flags&revalidated != 0, Page: r.flags&page != 0, Doc: r.doc}
		}
	}
	return out
}

// Policy returns who may call each route, "METHOD /gin/path" to the least role, as the route
// table says: a view for the tests.
func Policy() map[string]models.Role {
	p := map[string]models.Role{}
	for k, r := range Routes() {
		p[k] = r.Role
	}
	return p
}
