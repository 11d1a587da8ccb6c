package handlers

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/rendercache"
	"chainkb/internal/store"
	"chainkb/models"
)

// Tactics serves /api/v1/tactics.
type Tactics struct {
	store *store.Store
	*crud[models.Tactic, models.TacticInput]
	// searched keeps the pages of lists with q until the next write, as Search keeps its pages:
	// ranking the matches is most of such a page's cost, and the same searches come back.
	searched *rendercache.Cache[string]
}

// NewTactics returns the tactic handlers.
func NewTactics(st *store.Store) *Tactics {
	return &Tactics{store: st, crud: newCrud(st.TacticObjects(), tacticKey(st)),
		searched: rendercache.New[string]("q", maxSearchPages, maxSearchPageBytes)}
}

// TacticDocs describes the tactic operations for the OpenAPI document.
var TacticDocs = apidoc.Resource{
	Tag: "tactics", Name: "tactic",
	Object: models.Tactic{}, Input: models.TacticInput{}, Page: TacticList{}, RevisionPage: RevisionList{},
	ID:       apidoc.Param{Description: "Tactic id, or its code (a deleted tactic: its id)", Example: "ST-R-R01"},
	ListText: "Tactics in pages of `limit`, ordered by `sort` (default `id`; with `q` and no `sort`, by relevance).",
	ListNote: "Below the editor role only published tactics exist; editors list drafts with `status=draft`, which is 401 without a key and 403 with a key below editor. A filter value that names nothing (a chain or tag that does not exist) gives an empty list; a malformed one is 400.",
	Filters: []apidoc.Param{
		{In: apidoc.InQuery, Name: "chain", Description: "Chain id or slug", Example: "sex-trafficking"},
		{In: apidoc.InQuery, Name: "stage", Type: "integer", Description: "Stage id", Min: apidoc.Num(1), Example: 3},
		{In: apidoc.InQuery, Name: "kind", Description: "Current efforts, what should be done, or conditions that explain why current efforts fall short", Enum: []string{"current", "recommended", "condition"}, Example: "recommended"},
		{In: apidoc.InQuery, Name: "tag", Type: "array", Description: "Tag slug; repeat for several (all must match), at most 10", Example: "raise-exploiter-risk"},
		{In: apidoc.InQuery, Name: "horizon", Description: "Horizon tag slug: short-term or long-term", Example: "short-term"},
		{In: apidoc.InQuery, Name: "status", Description: "Publication status; draft and archived need an editor key (401 without a key, 403 below editor)", Enum: []string{"draft", "published", "archived"}, Example: "published"},
		{In: apidoc.InQuery, Name: "q", Description: "Words to find in title, summary or description, in the search query language (see GET /search); without sort, the best matches come first", MaxLength: 200, Example: "penalty"},
		{In: apidoc.InQuery, Name: "attribution", Description: "Who makes the claim", Enum: []string{"kara", "kara-reading", "other-source", "editorial"}, Example: "kara"},
		{In: apidoc.InQuery, Name: "evidence_level", Description: "The weakest evidence level to include: this level or a stronger one", Enum: []string{"none", "descriptive", "pre-post", "quasi-experimental", "rct", "systematic-review"}, Example: "none"},
		{In: apidoc.InQuery, Name: "review_due_before", Description: "Only tactics whose next review is due before this date (YYYY-MM-DD)", Format: "date", Example: "2028-01-01"},
	},
	Sort: []string{"id", "title", "position", "created_at", "updated_at"}, SortDefault: "id", SortExample: "-created_at",
	CreateText:      "Creates a tactic at a stage, with tags by slug. It is a `draft`, seen only by editors, unless it says `\"status\": \"published\"`.",
	GetText:         "A tactic by id, with its ETag. Draft and archived tactics exist only for editors: 404 below that role.",
	DeleteText:      "Deletes the tactic and its tag links. Its history stays, and it can be restored under its old id.",
	PatchList:       "tags",
	ListForbidden:   "status=draft or status=archived with a key below the editor role (code forbidden)",
	Conflict:        "The stage or a tag it names was deleted at the same moment (code in_use); retry",
	RestoreConflict: "What the tactic needs (its stage, its tags) is gone (code not_restorable or duplicate_slug)",
}

// tacticKey reads the {id} path parameter of a tactic as the store's key, its id: an id, or its
// code (e.g. ST-R-R01), which is looked up (404 if no tactic the caller may see has it; a deleted
// tactic is restored by id).
func tacticKey(st *store.Store) func(*gin.Context) (string, error) {
	return func(c *gin.Context) (string, error) {
		id, err := tacticID(c, st)
		return strconv.FormatInt(id, 10), err
	}
}

// tacticID reads the {id} path parameter of a tactic: an id, or a code looked up to its id.
func tacticID(c *gin.Context, st *store.Store) (int64, error) {
	s := c.Param("id")
	if models.IsCode(s) {
		return st.TacticID(c.Request.Context(), s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, pathError(s, "a positive whole number or a tactic code such as ST-R-R01")
	}
	return n, nil
}

// TacticList is a page of tactics.
//
//	@Description	A page of tactics.
type TacticList struct {
	// The page's items.
	Data []models.Tactic `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6MSwiaSI6MX0"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// List handles GET /api/v1/tactics.
func (h *Tactics) List(c *gin.Context) {
	q := listQuery(c, "chain", "stage", "kind", "tag", "horizon", "status", "q", "attribution", "evidence_level", "review_due_before")
	text, parsed := q.search("q")
	f := models.TacticFilter{Chain: q.key("chain"), StageID: q.id("stage"), Kind: q.enum("kind", models.KindCurrent, models.KindRecommended, models.KindCondition), Tags: q.slugs("tag"), Horizon: q.slug("horizon"),
		Status: q.enum("status", models.StatusDraft, models.StatusPublished, models.StatusArchived), Q: text, Parsed: parsed,
		Attribution:   q.enum("attribution", models.AttributionKara, models.AttributionKaraReading, models.AttributionOther, models.AttributionEditorial),
		EvidenceLevel: q.enum("evidence_level", models.EvidenceLevels...), ReviewDueBefore: q.date("review_due_before"), Page: q.page()}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	if f.Status != "" && f.Status != models.StatusPublished {
		if err := needsEditor(c, "status="+f.Status, "lists draft or archived tactics"); err != nil {
			c.Error(err)
			return
		}
	}
	ctx := c.Request.Context()
	if f.Q == "" {
		bp := listBuffers.Get().(*[]byte)
		b, page, err := h.store.AppendTacticDocs(ctx, f, append((*bp)[:0], `{"data":[`...))
		if err == nil {
			writeListBody(c, appendListEnd(b, page), page.NextCursor)
		} else {
			c.Error(err)
		}
		putListBuffer(bp, b)
		return
	}
	gen, ok := listGeneration(c)
	if !ok {
		var err error
		if gen, err = h.store.Generation(ctx); err != nil {
			c.Error(err)
			return
		}
	}
	key := f
	key.Parsed = nil // the same as Q, which the key holds
	key.Tags = slices.Compact(slices.Sorted(slices.Values(f.Tags)))
	due := ""
	if key.ReviewDueBefore != nil {
		due, key.ReviewDueBefore = key.ReviewDueBefore.String(), nil
	}
	page, err := h.searched.GetMeta(fmt.Sprintf("%t %q %#v", models.PrincipalFrom(ctx).CanSeeHidden(), due, key), gen, func() ([]byte, string, error) {
		// Others may be waiting for this page: it must not stop if this client goes away.
		page, err := h.store.TacticDocs(context.WithoutCancel(ctx), f)
		if err != nil {
			return nil, "", err
		}
		return docListBody(page), page.NextCursor, nil
	})
	if err != nil {
		c.Error(err)
		return
	}
	writeListBody(c, page.Body, page.Meta)
}

// Get handles GET /api/v1/tactics/{id}.
//
// It takes the route over from crud's Get: it sends the tactic's stored representation
// (store.TacticDoc) rather than encoding it.
func (h *Tactics) Get(c *gin.Context) {
	id, err := tacticID(c, h.store)
	if err != nil {
		c.Error(err)
		return
	}
	doc, err := h.store.TacticDoc(c.Request.Context(), id)
	if err != nil {
		c.Error(err)
		return
	}
	writeBody(c, http.StatusOK, doc.ID, doc.Version, doc.JSON)
}
