package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/gin-gonic/gin"

	"chainkb/handlers"
	"chainkb/models"
)

// statusOf is the one table from error kind to HTTP status; it has every kind of
// models.ErrorKinds (problem_internal_test.go), so that no kind is lost on the way to the client.
var statusOf = map[models.ErrorKind]int{
	models.KindInvalid:            http.StatusUnprocessableEntity,
	models.KindBadRequest:         http.StatusBadRequest,
	models.KindNotFound:           http.StatusNotFound,
	models.KindConflict:           http.StatusConflict,
	models.KindPreconditionFailed: http.StatusPreconditionFailed,
	models.KindUnauthorized:       http.StatusUnauthorized,
	models.KindForbidden:          http.StatusForbidden,
}

// internalDetail is all a client learns of a failure on our side.
const internalDetail = "the server failed to complete the request; nothing was changed, and retrying may help"

// renderErrors writes the error that a handler or middleware recorded with c.Error as problem+json;
// every error reaches the client this way. An HTTP failure (*handlers.Problem) is written as it is;
// a domain error (*models.Error) gets its status from statusOf; any other error is internal: it is
// logged, and the client sees only that something failed on our side.
func renderErrors(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 {
			return
		}
		err := c.Errors.Last().Err
		if c.Writer.Written() {
			// The answer had begun (an export that failed mid-stream): the client gets a body that
			// ends early, and the error goes to the log, never nowhere.
			log.ErrorContext(c.Request.Context(), "request failed after its answer began", "request_id", models.RequestIDFrom(c.Request.Context()),
				"method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(), "error", err)
			return
		}
		var p *handlers.Problem
		if errors.As(err, &p) {
			writeProblem(c, p)
			return
		}
		if e, ok := models.AsError(err); ok {
			if status, ok := statusOf[e.Kind]; ok {
				if status == http.StatusUnauthorized {
					// RFC 9110 §15.5.2: a 401 carries the challenge, wherever it was decided.
					c.Header("WWW-Authenticate", `Bearer realm="chainkb"`)
				}
				writeProblem(c, &handlers.Problem{Status: status, Code: e.Code, Detail: e.Detail, Errors: e.Fields})
				return
			}
		}
		log.ErrorContext(c.Request.Context(), "request failed", "request_id", models.RequestIDFrom(c.Request.Context()), "method", c.Request.Method, "path", c.Request.URL.Path, "error", err)
		writeProblem(c, &handlers.Problem{Status: http.StatusInternalServerError, Code: "internal", Detail: internalDetail})
	}
}

// recoverPanics turns a panic in a handler into a logged 500 problem, with no internals in the body.
// It runs outside renderErrors, so it writes the problem itself.
func recoverPanics(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler {
				panic(rec) // the client is gone; net/http handles this one quietly
			}
			log.ErrorContext(c.Request.Context(), "panic", "method", c.Request.Method, "path", c.Request.URL.Path,
				"panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				writeProblem(c, &handlers.Problem{Status: http.StatusInternalServerError, Code: "internal", Detail: internalDetail})
			}
			c.Abort()
		}()
		c.Next()
	}
}

// noRoute answers a path that no route has: a redirect to the same path without its trailing
// slash when that one is routed (301 for GET, 307 otherwise, as Gin would), else 404.
func noRoute(table routeTable) gin.HandlerFunc {
	return func(c *gin.Context) {
		path := c.Request.URL.Path
		if trimmed := strings.TrimRight(path, "/"); trimmed != path && trimmed != "" && table.routes(c.Request.Method, trimmed) {
			loc := trimmed
			if c.Request.URL.RawQuery != "" {
				loc += "?" + c.Request.URL.RawQuery
			}
			status := http.StatusMovedPermanently
			if c.Request.Method != http.MethodGet {
				status = http.StatusTemporaryRedirect
			}
			c.Redirect(status, loc)
			c.Abort()
			return
		}
		notFound(c)
	}
}

func notFound(c *gin.Context) {
	_ = c.Error(&handlers.Problem{Status: http.StatusNotFound, Code: "no_route",
		Detail: fmt.Sprintf("there is no %s %s; the API is under /api/v1, documented at /swagger/index.html", c.Request.Method, c.Request.URL.Path)})
	c.Abort()
}

func noMethod(c *gin.Context) {
	_ = c.Error(&handlers.Problem{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
		Detail: fmt.Sprintf("%s is not allowed on %s; the Allow header lists what is", c.Request.Method, c.Request.URL.Path)})
	c.Abort()
}

// writeProblem writes p as an RFC 9457 problem detail, with its type, title and instance.
func writeProblem(c *gin.Context, p *handlers.Problem) {
	out := *p
	out.Type = "about:blank"
	out.Title = http.StatusText(p.Status)
	out.Instance = c.Request.URL.Path
	body, _ := json.Marshal(out) // strings, ints and a slice of string pairs always marshal
	c.Data(p.Status, "application/problem+json", body)
	c.Abort()
}
