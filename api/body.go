package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"chainkb/handlers"
)

// limitBody caps the request body at n bytes: a body declared larger is refused at once, and one
// that turns out larger while it is read fails with *http.MaxBytesError, which handlers.ReadAll
// (in the handlers and the idempotency middleware) answers with the same 413, handlers.TooLarge.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			_ = c.Error(handlers.TooLarge(n))
			c.Abort()
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}
