package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"

	"chainkb/handlers"
	"chainkb/models"
)

// statusOf is the one table from error kind to HTTP status.
var statusOf = map[models.ErrorKind]int{
	models.KindInvalid:              http.StatusUnprocessableEntity,
	models.KindBadRequest:           http.StatusBadRequest,
	models.KindUnsupportedMedia:     http.StatusUnsupportedMediaType,
	models.KindNotFound:             http.StatusNotFound,
	models.KindConflict:             http.StatusConflict,
	models.KindPreconditionFailed:   http.StatusPreconditionFailed,
	models.KindPreconditionRequired: http.StatusPreconditionRequired,
	models.KindTooLarge:             http.StatusRequestEntityTooLarge,
	models.KindUnauthorized:         http.StatusUnauthorized,
	models.KindForbidden:            http.StatusForbidden,
}

// renderErrors writes the error a handler recorded with c.Error as problem+json. Domain errors
// (*models.Error) are shown as they are; any other error is internal: it is logged, and the client
// sees only that something failed on our side.
func renderErrors(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 || c.Writer.Written() {
			return
		}
		err := c.Errors.Last().Err
		if e, ok := models.AsError(err); ok {
			if status, ok := statusOf[e.Kind]; ok {
				writeProblem(c, status, e.Code, e.Detail, e.Fields)
				return
			}
		}
		log.ErrorContext(c.Request.Context(), "request failed", "request_id", models.RequestIDFrom(c.Request.Context()), "method", c.Request.Method, "path", c.Request.URL.Path, "error", err)
		writeProblem(c, http.StatusInternalServerError, "internal", "the server failed to complete the request; nothing was changed, and retrying may help", nil)
	}
}

// recoverPanics turns a panic in a handler into a logged 500 problem, with no internals in the body.
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
				writeProblem(c, http.StatusInternalServerError, "internal", "the server failed to complete the request; nothing was changed, and retrying may help", nil)
			}
			c.Abort()
		}()
		c.Next()
	}
}

func noRoute(c *gin.Context) {
	writeProblem(c, http.StatusNotFound, "no_route",
		fmt.Sprintf("there is no %s %s; the API is under /api/v1, documented at /swagger/index.html", c.Request.Method, c.Request.URL.Path), nil)
}

func noMethod(c *gin.Context) {
	writeProblem(c, http.StatusMethodNotAllowed, "method_not_allowed",
		fmt.Sprintf("%s is not allowed on %s; the Allow header lists what is", c.Request.Method, c.Request.URL.Path), nil)
}

// writeProblem writes an RFC 9457 problem detail.
func writeProblem(c *gin.Context, status int, code, detail string, fields []models.FieldError) {
	p := handlers.Problem{
		Type:     "about:blank",
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   detail,
		Instance: c.Request.URL.Path,
		Code:     code,
		Errors:   fields,
	}
	body, _ := json.Marshal(p) // strings, ints and a slice of string pairs always marshal
	c.Data(status, "application/problem+json", body)
	c.Abort()
}
