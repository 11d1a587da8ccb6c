package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// limitBody caps the request body at n bytes: a body declared larger is refused at once, and one
// that turns out larger while it is read fails with *http.MaxBytesError, which the handlers and the
// idempotency middleware answer with 413.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			writeProblem(c, http.StatusRequestEntityTooLarge, "body_too_large", tooLargeDetail(n), nil)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

func tooLargeDetail(limit int64) string {
	return "request body is larger than " + strconv.FormatInt(limit, 10) + " bytes, the most this server accepts"
}
