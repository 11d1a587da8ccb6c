package handlers

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/models"
)

// RevisionList is a page of an object's history, newest first.
//
//	@Description	A page of revisions of an object, newest first.
type RevisionList struct {
	// The page's items.
	Data []models.Revision `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6NDIsImkiOjQyfQ"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"3"`
}

// pathRevision reads the {revision} path parameter.
func pathRevision(c *gin.Context) (int64, error) {
	n, err := strconv.ParseInt(c.Param("revision"), 10, 64)
	if err != nil || n < 1 {
		e := models.BadRequestf("bad_path", "%q in the path is not a revision id; it must be a positive whole number", c.Param("revision"))
		e.Fields = []models.FieldError{{Field: "revision", Message: "must be a positive whole number"}}
		return 0, e
	}
	return n, nil
}
