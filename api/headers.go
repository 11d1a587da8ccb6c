package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"

	"chainkb/internal/pages"
)

// Content security policies. The API answers JSON, which no browser should run, frame or let
// load anything. Swagger UI is a page: its scripts and styles are its own ('self'), and it sets
// inline styles and uses data: images in its CSS; it has no inline scripts. The pages for people
// (routes flagged page) have a stricter one of their own, pages.CSP: their stylesheet and nothing else.
const (
	cspAPI  = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	cspDocs = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

// publicMaxAge is how long a cache may serve a published read without asking again. It is short
// because editors' corrections should reach partner apps soon; ETags make revalidation cheap.
const publicMaxAge = 60 * time.Second

// publicCacheControl is the Cache-Control of published reads, built once rather than on each.
var publicCacheControl = "public, max-age=" + strconv.Itoa(int(publicMaxAge.Seconds()))

// securityHeaders sets the headers every response carries, errors included (OWASP API8): no MIME
// sniffing, no framing, no Referer, a content security policy, HSTS over TLS; and Cache-Control:
// published reads (publicRead in the route table) by anonymous clients may be cached for a minute,
// answers to a key are "private, no-store", and errors and everything else "no-store". Responses
// vary by Authorization.
func securityHeaders(table routeTable) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		if strings.HasPrefix(c.Request.URL.Path, "/swagger/") {
			h.Set("Content-Security-Policy", cspDocs)
		} else if table[routeKey{http.MethodGet, c.FullPath()}].flags&page != 0 {
			h.Set("Content-Security-Policy", pages.CSP)
		} else {
			h.Set("Content-Security-Policy", cspAPI)
		}
		if c.Request.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		switch {
		case c.GetHeader("Authorization") != "":
			h.Set("Cache-Control", "private, no-store")
		case (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) &&
			table[routeKey{http.MethodGet, c.FullPath()}].cache == publicRead:
			h.Set("Cache-Control", publicCacheControl)
		default:
			h.Set("Cache-Control", "no-store")
		}
		c.Writer = &headerWriter{ResponseWriter: c.Writer}
		c.Next()
	}
}

// headerWriter settles the last headers when the status is known: an error is never stored, and
// Vary names Authorization even where the CORS middleware rewrote Vary.
type headerWriter struct {
	gin.ResponseWriter
}

func (w *headerWriter) settle(status int) {
	if w.Written() {
		return
	}
	h := w.Header()
	if status >= 400 {
		h.Set("Cache-Control", "no-store")
	}
	if !slices.ContainsFunc(h.Values("Vary"), func(v string) bool {
		return slices.ContainsFunc(strings.Split(v, ","), func(f string) bool { return strings.EqualFold(strings.TrimSpace(f), "Authorization") })
	}) {
		h.Add("Vary", "Authorization")
	}
}

func (w *headerWriter) WriteHeader(status int) {
	w.settle(status)
	w.ResponseWriter.WriteHeader(status)
}

func (w *headerWriter) WriteHeaderNow() {
	w.settle(w.Status())
	w.ResponseWriter.WriteHeaderNow()
}

func (w *headerWriter) Write(b []byte) (int, error) {
	w.settle(w.Status())
	return w.ResponseWriter.Write(b)
}

func (w *headerWriter) WriteString(s string) (int, error) {
	w.settle(w.Status())
	return w.ResponseWriter.WriteString(s)
}

// allowCORS lets browser pages on the allowed origins call the API (gin-contrib/cors), or returns
// nil when none is allowed. A request from any other origin gets no CORS headers at all, so the
// browser keeps the page from reading the answer; its preflight falls through to the router (405).
// Credentials are never allowed: keys travel in the Authorization header, not in cookies.
func allowCORS(origins []string) gin.HandlerFunc {
	if len(origins) == 0 {
		return nil
	}
	anyOrigin := slices.Contains(origins, "*")
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[strings.ToLower(o)] = true
	}
	config := cors.Config{
		AllowMethods: []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
		// Every request header the OpenAPI document describes, Last-Event-ID included: a page that
		// reads the change stream with fetch (EventSource cannot send a key) resumes with it.
		AllowHeaders: []string{"Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "X-Request-ID", "Last-Event-ID"},
		// Every response header the OpenAPI document describes that a browser would otherwise hide
		// from the page (TestCORS holds the two together): a release's Repr-Digest included, so that
		// a page can check the bundle it downloaded.
		ExposeHeaders: []string{"ETag", "Location", "Link", "X-Request-ID", "Retry-After", "WWW-Authenticate", "Allow",
			"Idempotent-Replayed", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Repr-Digest"},
		MaxAge: 10 * time.Minute,
	}
	if anyOrigin {
		config.AllowAllOrigins = true
	} else {
		config.AllowOrigins = origins
	}
	handle := cors.New(config)
	return func(c *gin.Context) {
		if !anyOrigin {
			// The answer depends on the origin, whether it is allowed or not.
			c.Writer.Header().Add("Vary", "Origin")
		}
		origin := c.GetHeader("Origin")
		if origin == "" || !(anyOrigin || allowed[strings.ToLower(origin)]) {
			return
		}
		handle(c)
	}
}
