package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"chainkb/handlers"
)

// limitBody caps the request body at n bytes (bulk bytes for a route flagged bulkBody, the
// import): a body declared larger is refused at once, and one that turns out larger while it is
// read fails with *http.MaxBytesError, which handlers.ReadAll (in the handlers and the idempotency
// middleware) answers with the same 413, handlers.TooLarge.
func limitBody(table routeTable, n, bulk int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		n := n
		if table.of(c).flags&bulkBody != 0 {
			n = bulk
		}
		if c.Request.ContentLength > n {
			_ = c.Error(handlers.TooLarge(n))
			c.Abort()
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}
