package api

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"chainkb/handlers"
	"chainkb/internal/store"
	"chainkb/models"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// requestID takes the client's X-Request-ID if it is sane, or makes one, echoes it back, and puts
// it in the request's context, where logs and revisions find it.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		// The header's canonical spelling, X-Request-Id, spares canonicalising it on every request.
		id := c.GetHeader("X-Request-Id")
		if !requestIDPattern.MatchString(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return an error)
			id = hex.EncodeToString(b)
		}
		c.Writer.Header()["X-Request-Id"] = []string{id}
		c.Request = c.Request.WithContext(models.WithRequestID(c.Request.Context(), id))
		c.Next()
	}
}

// credentialParams are query parameters in which clients commonly put keys. Keys never travel in
// URLs, which end up in logs, histories and Referer headers.
var credentialParams = []string{"api_key", "apikey", "key", "token", "access_token"}

// authenticate finds who sends the request: the key in "Authorization: Bearer <key>", or nobody.
// A key that is sent but not valid is refused at once, whatever the route.
func authenticate(st *store.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		q := c.Request.URL.Query()
		for _, name := range credentialParams {
			if q.Has(name) {
				c.Error(models.BadRequestf("key_in_url", "API keys are never accepted in the URL (parameter %q); send Authorization: Bearer <key>, and revoke the key if it was real", name))
				c.Abort()
				return
			}
		}
		// Under any name: a value (or name) shaped like a key is one.
		for name, values := range q {
			if keyLike.MatchString(name) || slices.ContainsFunc(values, keyLike.MatchString) {
				c.Error(models.BadRequestf("key_in_url", "API keys are never accepted in the URL (parameter %q holds one); send Authorization: Bearer <key>, and revoke the key if it was real", keyLike.ReplaceAllString(name, "ckb_[redacted]")))
				c.Abort()
				return
			}
		}
		if n := len(c.Request.Header.Values("Authorization")); n > 1 {
			// Which one counts would depend on who reads the request: a proxy may check another.
			c.Error(models.BadRequestf("bad_authorization", "the request has %d Authorization headers; send exactly one", n))
			c.Abort()
			return
		}
		header := c.GetHeader("Authorization")
		if header == "" {
			c.Next()
			return
		}
		key, ok := bearerKey(header)
		if !ok {
			unauthorized(c, models.Unauthorizedf(`the Authorization header must be "Bearer <key>"`))
			return
		}
		p, err := st.Authenticate(c.Request.Context(), key)
		if err != nil {
			c.Error(err) // a 401 for a key that is not valid, a 500 for a database that fails
			c.Abort()
			return
		}
		c.Request = c.Request.WithContext(models.WithPrincipal(c.Request.Context(), p))
		c.Next()
	}
}

// bearerKey reads the key from an Authorization header: "Bearer <key>", or the bare key, which is
// what Swagger UI's Authorize box sends when a person pastes just the key.
func bearerKey(header string) (string, bool) {
	scheme, rest, found := strings.Cut(strings.TrimSpace(header), " ")
	if found && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(rest), true
	}
	if !found && store.IsKeyFormat(scheme) {
		return scheme, true
	}
	return "", false
}

// unauthorized answers 401 (renderErrors adds the WWW-Authenticate challenge RFC 9110 requires).
func unauthorized(c *gin.Context, err error) {
	c.Error(err)
	c.Abort()
}

// refuseControls refuses control characters other than tab, line feed and carriage return in
// query parameters (names and values: q, cursor, filters) and path parameters, with 400 naming
// the parameter: PostgreSQL cannot take NUL, and no parameter needs the others. Bodies are
// checked where they are decoded (422 naming the field).
func refuseControls() gin.HandlerFunc {
	return func(c *gin.Context) {
		var bad []models.FieldError
		for name, values := range c.Request.URL.Query() {
			if models.HasControl(name) || slices.ContainsFunc(values, models.HasControl) {
				bad = append(bad, models.FieldError{Field: name, Message: models.ControlRule})
			}
		}
		if len(bad) > 0 {
			slices.SortFunc(bad, func(a, b models.FieldError) int { return strings.Compare(a.Field, b.Field) })
			e := models.BadRequestf("bad_query", "%d query parameter(s) are invalid", len(bad))
			e.Fields = bad
			c.Error(e)
			c.Abort()
			return
		}
		for _, p := range c.Params {
			if models.HasControl(p.Value) {
				e := models.BadRequestf("bad_path", "the path parameter %q holds a control character", p.Key)
				e.Fields = []models.FieldError{{Field: p.Key, Message: models.ControlRule}}
				c.Error(e)
				c.Abort()
				return
			}
		}
		c.Next()
	}
}

// authorize enforces the route table's roles. A route without a role is refused to everyone.
func authorize(table routeTable) gin.HandlerFunc {
	return func(c *gin.Context) {
		route := c.FullPath()
		if route == "" {
			c.Next() // no such route: the 404 or 405 answers
			return
		}
		need, ok := table.of(c).access.role()
		p := models.PrincipalFrom(c.Request.Context())
		switch {
		case !ok:
			c.Error(models.Forbiddenf("%s %s has no access policy, so nobody may call it", c.Request.Method, route))
			c.Abort()
		case p.Role >= need:
			c.Next()
		case p.Role == models.RoleAnonymous:
			unauthorized(c, models.Unauthorizedf("%s %s needs a key with the %s role; send Authorization: Bearer <key>", c.Request.Method, route, need))
		default:
			c.Error(models.Forbiddenf("%s %s needs the %s role; your key has the %s role", c.Request.Method, route, need, p.Role))
			c.Abort()
		}
	}
}

// idempotency makes a POST with an Idempotency-Key safe to retry, as Stripe's API does: the first
// successful response is kept for 24 hours and replayed to a retry of the same request, which
// creates nothing new. The same key with a different request is 422.
//
// An answer that holds a secret (a new API key: the secret flag in the route table) is never
// kept: only its status and Location are, and a retry of the request gets 409
// (key_already_created) naming what the first request created, rather than the secret again.
func idempotency(st *store.Store, log *slog.Logger, table routeTable) gin.HandlerFunc {
	return func(c *gin.Context) {
		idemKey := c.GetHeader("Idempotency-Key")
		if c.Request.Method != http.MethodPost || idemKey == "" {
			c.Next()
			return
		}
		if len(idemKey) > 255 || strings.ContainsFunc(idemKey, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			c.Error(&models.Error{Kind: models.KindBadRequest, Code: "bad_idempotency_key",
				Detail: "Idempotency-Key must be 1-255 visible ASCII characters; a UUID is a good choice",
				Fields: []models.FieldError{{Field: "Idempotency-Key", Message: "must be 1-255 visible ASCII characters"}}})
			c.Abort()
			return
		}
		// limitBody has capped the body, so reading it whole is safe.
		body, err := handlers.ReadAll(c.Request.Body)
		if err != nil {
			c.Error(err)
			c.Abort()
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256([]byte(c.Request.Method + " " + c.Request.URL.RequestURI() + "\n" + c.GetHeader("Content-Type") + "\n" + string(body)))
		requestHash := hex.EncodeToString(sum[:])

		ctx := c.Request.Context()
		keyID := models.PrincipalFrom(ctx).KeyID
		stored, err := st.ReserveIdempotencyKey(ctx, keyID, idemKey, requestHash)
		if err != nil {
			c.Error(err)
			c.Abort()
			return
		}
		keepsSecret := table.of(c).flags&secret != 0
		if stored != nil && keepsSecret {
			loc := stored.Headers["Location"]
			if loc != "" {
				c.Header("Location", loc)
			}
			c.Error(models.Conflictf("key_already_created", "the first request with this Idempotency-Key created %s; "+
				"its secret was shown once, in that answer, and is kept nowhere else, so it cannot be shown again: "+
				"if that answer was lost, revoke or delete it (DELETE %s) and create another", loc, loc))
			c.Abort()
			return
		}
		if stored != nil {
			for name, value := range stored.Headers {
				c.Header(name, value)
			}
			c.Header("Idempotent-Replayed", "true")
			c.Data(stored.Status, stored.Headers["Content-Type"], stored.Body)
			c.Abort()
			return
		}

		rec := &recordingWriter{ResponseWriter: c.Writer}
		c.Writer = rec
		c.Next()
		c.Writer = rec.ResponseWriter

		status := rec.Status()
		if len(c.Errors) == 0 && status >= 200 && status < 300 {
			headers := map[string]string{}
			for _, name := range []string{"Content-Type", "Location", "ETag"} {
				if v := rec.Header().Get(name); v != "" {
					headers[name] = v
				}
			}
			resp := store.StoredResponse{Status: status, Headers: headers, Body: rec.body.Bytes()}
			if keepsSecret {
				resp = store.StoredResponse{Status: status, Headers: map[string]string{"Location": headers["Location"]}}
			}
			err = st.CompleteIdempotencyKey(ctx, keyID, idemKey, resp)
		} else {
			err = st.ReleaseIdempotencyKey(ctx, keyID, idemKey)
		}
		if err != nil {
			// The request itself is done; a retry will at worst be answered afresh or with 409.
			log.ErrorContext(ctx, "idempotency record", "error", err)
		}
	}
}

// recordingWriter keeps a copy of the response body for the idempotency record.
type recordingWriter struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) WriteString(s string) (int, error) {
	w.body.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

// revalidate answers a list's GET or HEAD with 304 while nothing in the knowledge base has
// changed since the ETag its If-None-Match names, at the cost of one indexed read; otherwise it
// hands the ETag to the handler, which sends it with the list (and a problem goes without one).
//
// The ETag is weak: it names the knowledge base's generation (moved on by every change, in the
// change's transaction), the request's path and query, and whether the caller sees drafts. The
// generation is read before the list runs, so a change that commits in between can only make the
// ETag older than the answer, and the next revalidation a 200: never a stale 304.
func revalidate(st *store.Store, table routeTable) gin.HandlerFunc {
	return func(c *gin.Context) {
		if table.of(c).flags&revalidated == 0 || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
			c.Next()
			return
		}
		gen, err := st.Generation(c.Request.Context())
		if err != nil {
			c.Error(err)
			c.Abort()
			return
		}
		sum := sha256.Sum256([]byte(fmt.Sprintf("%t %s", models.PrincipalFrom(c.Request.Context()).CanSeeHidden(), c.Request.URL.RequestURI())))
		tag := fmt.Sprintf(`W/"kb%d-%s"`, gen, hex.EncodeToString(sum[:8]))
		if handlers.NoneMatch(c, tag) {
			c.Header("ETag", tag)
			c.Status(http.StatusNotModified)
			c.Abort()
			return
		}
		handlers.SetListVersion(c, gen, tag)
		c.Next()
	}
}
