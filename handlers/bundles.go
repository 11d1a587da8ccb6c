package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/models"
)

// Bundles serves /api/v1/export and /api/v1/import: the whole knowledge base as one bundle.
type Bundles struct {
	store *store.Store
}

// NewBundles returns the export and import handlers.
func NewBundles(st *store.Store) *Bundles { return &Bundles{store: st} }

// ExportDoc describes GET /export.
var ExportDoc = apidoc.Op{
	ID: "exportBundle", Tag: "bundles", Summary: "Export the knowledge base",
	Description: "The whole knowledge base as one bundle (`format_version` 3): sources (each with its `check` record), tags, chains, stages, tactics and relations, keyed by slugs and codes, each object with its `version`; `POST /import` reads it back. Without a key it holds published tactics only (and the relations between them); an editor adds drafts and archived tactics with `include=drafts` (401 without a key, 403 with a key below editor). The bundle is streamed as it is read, from one consistent state of the knowledge base. The ETag is the knowledge base's generation: it changes with any write. Should the export fail after it began, the body ends early and is not valid JSON.",
	Params: []apidoc.Param{
		{In: apidoc.InQuery, Name: "include", Description: "drafts: add draft and archived tactics (editors only)", Enum: []string{"drafts"}, Example: "drafts"},
		{In: apidoc.InHeader, Name: "If-None-Match", Description: "ETag from an earlier export, as it came, with its quotes: the answer is 304 without a body while it is current"},
	},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The knowledge base as one bundle", Body: store.Bundle{}, Headers: map[string]string{"ETag": "The knowledge base's generation (and whether drafts are in)"}},
		apidoc.NotModified,
		{Status: http.StatusBadRequest, Description: "Bad query parameter (code bad_query)"},
		{Status: http.StatusForbidden, Description: "include=drafts with a key below the editor role (code forbidden)"},
	},
}

// Export handles GET /api/v1/export.
func (h *Bundles) Export(c *gin.Context) {
	q := parseQuery(c, "include")
	drafts := q.enum("include", "drafts") == "drafts"
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	if drafts {
		if err := needsEditor(c, "include=drafts", "exports draft and archived tactics"); err != nil {
			c.Error(err)
			return
		}
	}
	ctx := c.Request.Context()
	err := h.store.Export(ctx, c.Writer, drafts, func(gen int64) bool {
		tag := fmt.Sprintf(`"kb-%d"`, gen)
		if drafts {
			tag = fmt.Sprintf(`"kb-%d-drafts"`, gen)
		}
		if notModified(c, tag) {
			return false
		}
		c.Header("Content-Type", "application/json; charset=utf-8")
		c.Status(http.StatusOK)
		return true
	})
	if err != nil {
		// Once the body has begun, the error only reaches the log: the client gets a bundle that
		// ends early, which no JSON parser accepts. Before that, it is a problem without the ETag.
		if !c.Writer.Written() {
			c.Writer.Header().Del("ETag")
		}
		c.Error(err)
	}
}

// ImportDoc describes POST /import.
var ImportDoc = apidoc.Op{
	ID: "importBundle", Tag: "bundles", Summary: "Import a bundle",
	Description: "Applies a bundle (as `GET /export` writes it) in one transaction: each object is created, or updated, found by its slug (a stage by its chain and slug), its code (tactics) or its ends and type (relations). An object the same as in the database is left as it is, so importing a bundle twice changes nothing the second time. **Objects the bundle does not hold are left alone**: an import never deletes.\n\nThe whole bundle is checked first: a 422 lists every fault by JSON pointer (`/tactics/3/citations/0/source`): bad fields, unknown slugs and codes, relations to missing tactics, loops of `prerequisite-of`, objects held twice, an unknown `format_version` (3 is written; 2 is read too: its sources carry a bare `verified` date, recorded as a `not-read` check that keeps the date in its passage); at most 1,000 faults, and a last entry counting the rest. An object that changed since the `version` the bundle carries, and that the bundle would change, is a conflict: `mode=apply` answers 409 listing them and imports nothing; it never overwrites silently. An object without a `version` is created or updated as it stands. `mode=dry-run` writes nothing and answers what `apply` would do, object by object (create, update with the changed fields, unchanged, conflict). Each changed object gets one revision carrying the request's id. The body limit is its own (`-max-import-body`, 20 MiB unless configured).",
	Params: []apidoc.Param{
		{In: apidoc.InQuery, Name: "mode", Required: true, Description: "dry-run: check and report, write nothing; apply: import", Enum: []string{"dry-run", "apply"}, Example: "dry-run"},
	},
	Body: &apidoc.Body{Description: "The bundle", Schema: store.Bundle{}},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "What the import did, or in a dry run would do", Body: store.ImportReport{}},
		{Status: http.StatusBadRequest, Description: "Malformed JSON, unknown field, or a bad or missing mode"},
		{Status: http.StatusConflict, Description: "Objects changed since the versions the bundle carries (code import_conflict; errors lists them); nothing was imported"},
		{Status: http.StatusRequestEntityTooLarge, Description: "Body over the import limit (code body_too_large)"},
		{Status: http.StatusUnsupportedMediaType, Description: "Content-Type is not application/json"},
		{Status: http.StatusUnprocessableEntity, Description: "The bundle has faults (code validation_failed; errors lists them by JSON pointer); nothing was imported"},
	},
}

// Import handles POST /api/v1/import.
func (h *Bundles) Import(c *gin.Context) {
	q := parseQuery(c, "mode")
	mode := q.enum("mode", "dry-run", "apply")
	if mode == "" && q.err() == nil {
		q.fail("mode", "is required: dry-run or apply")
	}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	var b store.Bundle
	if err := decodeCreate(c, &b); err != nil {
		c.Error(asPointers(err))
		return
	}
	rep, err := h.store.Import(c.Request.Context(), &b, mode == "dry-run")
	if err != nil {
		c.Error(err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

// asPointers makes the fields of a decoding fault (a 422: a control character in a text) JSON
// pointers into the bundle, as every fault of an import is named: /tactics/0/title, not the
// tactics/0/title of a single object's field. A 400 names a field as the decoder does (an unknown
// field by its name alone), which is no pointer.
func asPointers(err error) error {
	e, ok := models.AsError(err)
	if !ok || e.Kind != models.KindInvalid || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]models.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if f.Field != "" && !strings.HasPrefix(f.Field, "/") {
			f.Field = "/" + strings.ReplaceAll(f.Field, ".", "/")
		}
		out.Fields[i] = f
	}
	return &out
}
