package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	"chainkb/docs" // registers swag's spec (/swagger/doc.json) and embeds the OpenAPI 3 document
	"chainkb/handlers"
	"chainkb/internal/store"
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

	normal flags = 0 // logged at info level, rate limited
	// probe is a load balancer's or orchestrator's probe: quiet, and never rate limited, since a
	// load balancer that got 429 from /readyz would take a healthy instance out of service.
	probe = quiet | unlimited
)

// routes is the entire API surface, one row per route: method, path, handler, who may call it,
// its cache policy and its flags. Nothing else registers a route or says who may call one.
func routes(st *store.Store, metrics http.Handler) []route {
	chains := handlers.NewChains(st)
	stages := handlers.NewStages(st)
	tactics := handlers.NewTactics(st)
	tags := handlers.NewTags(st)
	sources := handlers.NewSources(st)
	search := handlers.NewSearch(st)
	changes := handlers.NewChanges(st)
	keys := handlers.NewKeys(st)
	health := handlers.NewHealth(st)

	// The four content resources share one policy: anyone reads (tactics: only published ones
	// below editor); editors write and see the history.
	return []route{
		{"GET", "/api/v1/chains", chains.List, anyone, publicRead, normal},
		{"POST", "/api/v1/chains", chains.Create, editors, noStore, normal},
		{"GET", "/api/v1/chains/:id", chains.Get, anyone, publicRead, normal},
		{"PUT", "/api/v1/chains/:id", chains.Replace, editors, noStore, normal},
		{"PATCH", "/api/v1/chains/:id", chains.Patch, editors, noStore, normal},
		{"DELETE", "/api/v1/chains/:id", chains.Delete, editors, noStore, normal},
		{"GET", "/api/v1/chains/:id/revisions", chains.Revisions, editors, noStore, normal},
		{"POST", "/api/v1/chains/:id/revisions/:revision/restore", chains.Restore, editors, noStore, normal},
		{"GET", "/api/v1/chains/:id/table", chains.Table, anyone, publicRead, normal},

		{"GET", "/api/v1/stages", stages.List, anyone, publicRead, normal},
		{"POST", "/api/v1/stages", stages.Create, editors, noStore, normal},
		{"GET", "/api/v1/stages/:id", stages.Get, anyone, publicRead, normal},
		{"PUT", "/api/v1/stages/:id", stages.Replace, editors, noStore, normal},
		{"PATCH", "/api/v1/stages/:id", stages.Patch, editors, noStore, normal},
		{"DELETE", "/api/v1/stages/:id", stages.Delete, editors, noStore, normal},
		{"GET", "/api/v1/stages/:id/revisions", stages.Revisions, editors, noStore, normal},
		{"POST", "/api/v1/stages/:id/revisions/:revision/restore", stages.Restore, editors, noStore, normal},

		{"GET", "/api/v1/tactics", tactics.List, anyone, publicRead, normal},
		{"POST", "/api/v1/tactics", tactics.Create, editors, noStore, normal},
		{"GET", "/api/v1/tactics/:id", tactics.Get, anyone, publicRead, normal},
		{"PUT", "/api/v1/tactics/:id", tactics.Replace, editors, noStore, normal},
		{"PATCH", "/api/v1/tactics/:id", tactics.Patch, editors, noStore, normal},
		{"DELETE", "/api/v1/tactics/:id", tactics.Delete, editors, noStore, normal},
		{"GET", "/api/v1/tactics/:id/revisions", tactics.Revisions, editors, noStore, normal},
		{"POST", "/api/v1/tactics/:id/revisions/:revision/restore", tactics.Restore, editors, noStore, normal},

		{"GET", "/api/v1/tags", tags.List, anyone, publicRead, normal},
		{"POST", "/api/v1/tags", tags.Create, editors, noStore, normal},
		{"GET", "/api/v1/tags/:id", tags.Get, anyone, publicRead, normal},
		{"PUT", "/api/v1/tags/:id", tags.Replace, editors, noStore, normal},
		{"PATCH", "/api/v1/tags/:id", tags.Patch, editors, noStore, normal},
		{"DELETE", "/api/v1/tags/:id", tags.Delete, editors, noStore, normal},
		{"GET", "/api/v1/tags/:id/revisions", tags.Revisions, editors, noStore, normal},
		{"POST", "/api/v1/tags/:id/revisions/:revision/restore", tags.Restore, editors, noStore, normal},

		{"GET", "/api/v1/sources", sources.List, anyone, publicRead, normal},
		{"POST", "/api/v1/sources", sources.Create, editors, noStore, normal},
		{"GET", "/api/v1/sources/:id", sources.Get, anyone, publicRead, normal},
		{"PUT", "/api/v1/sources/:id", sources.Replace, editors, noStore, normal},
		{"PATCH", "/api/v1/sources/:id", sources.Patch, editors, noStore, normal},
		{"DELETE", "/api/v1/sources/:id", sources.Delete, editors, noStore, normal},
		{"GET", "/api/v1/sources/:id/revisions", sources.Revisions, editors, noStore, normal},
		{"POST", "/api/v1/sources/:id/revisions/:revision/restore", sources.Restore, editors, noStore, normal},

		{"GET", "/api/v1/search", search.List, anyone, publicRead, normal},

		{"GET", "/api/v1/changes", changes.List, readers, noStore, normal},

		{"GET", "/api/v1/keys", keys.List, admins, noStore, normal},
		{"POST", "/api/v1/keys", keys.Create, admins, noStore, normal},
		{"GET", "/api/v1/keys/:id", keys.Get, admins, noStore, normal},
		{"DELETE", "/api/v1/keys/:id", keys.Revoke, admins, noStore, normal},

		// Load balancers and orchestrators probe without credentials; the readiness answer says
		// only ready or not.
		{"GET", "/healthz", health.Live, anyone, noStore, probe},
		{"GET", "/readyz", health.Ready, anyone, noStore, probe},
		// Metrics need a key: they tell traffic by route, error rates and the pools' saturation,
		// which helps whoever times an attack, and the API listens where anyone reaches it.
		// Prometheus sends a reader key ("authorization: {credentials_file: ...}" in its config).
		{"GET", "/metrics", handlers.Metrics(metrics), readers, noStore, quiet},

		// The OpenAPI 3 document, for client generators and for Swagger UI; swag's Swagger 2.0
		// original stays at /swagger/doc.json. Both are made by "go generate" (see main.go) and
		// embedded.
		{"GET", "/openapi.json", serveDoc("application/json", docs.OpenAPIJSON), anyone, noStore, normal},
		{"GET", "/openapi.yaml", serveDoc("application/yaml", docs.OpenAPIYAML), anyone, noStore, normal},
		{"GET", "/swagger/*any", ginSwagger.WrapHandler(swaggerFiles.Handler,
			ginSwagger.URL("/openapi.json"), ginSwagger.PersistAuthorization(true)), anyone, noStore, normal},
		{"GET", "/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/swagger/index.html") }, anyone, noStore, normal},
	}
}

// serveDoc answers with an embedded document.
func serveDoc(contentType string, body []byte) gin.HandlerFunc {
	return func(c *gin.Context) { c.Data(http.StatusOK, contentType, body) }
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

// Route is one row of the route table as the OpenAPI generator and the tests see it.
type Route struct {
	// Role is the least role that may call the route.
	Role models.Role
	// RateLimited is whether the rate limits apply to it (they do not to the probes).
	RateLimited bool
}

// Routes returns the route table without its handlers, keyed "METHOD /gin/path". A row that says
// nobody may call it is left out, as the policy refuses it to everyone.
func Routes() map[string]Route {
	out := map[string]Route{}
	for _, r := range routes(nil, nil) {
		if role, ok := r.access.role(); ok {
			out[r.method+" "+r.path] = Route{Role: role, RateLimited: r.flags&unlimited == 0}
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
