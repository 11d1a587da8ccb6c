package handlers

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/models"
)

// Releases serves /api/v1/releases: cutting releases, their exports, diffs and citations, and the
// reads of the knowledge base as a release holds it.
type Releases struct {
	store *store.Store
}

// NewReleases returns the release handlers.
func NewReleases(st *store.Store) *Releases { return &Releases{store: st} }

// ReleaseList is every release, newest first.
//
//	@Description	Every release, newest first.
type ReleaseList struct {
	// The releases.
	Data []models.Release `json:"data"`
}

var versionParam = apidoc.Param{In: apidoc.InPath, Name: "version", Description: "The release's version", Example: "2026.12.0"}

var noRelease = apidoc.Fail(http.StatusNotFound, "No such release (code not_found)")

// ReleaseListDoc describes GET /releases.
var ReleaseListDoc = apidoc.Op{
	ID: "listReleases", Tag: "releases", Summary: "List the releases",
	Description: "Every release, newest first, each with its digest, the knowledge base's generation it holds, its counts and its changelog. A release is a fixed state of the published knowledge base that a researcher can cite: it never changes.",
	Responses:   []apidoc.Response{apidoc.OK("The releases", ReleaseList{}, nil)},
}

// List handles GET /api/v1/releases.
func (h *Releases) List(c *gin.Context) {
	if err := parseQuery(c).err(); err != nil {
		c.Error(err)
		return
	}
	rels, err := h.store.ListReleases(c.Request.Context())
	if err != nil {
		c.Error(err)
		return
	}
	c.JSON(http.StatusOK, ReleaseList{Data: rels})
}

// ReleaseCreateDoc describes POST /releases.
var ReleaseCreateDoc = apidoc.Op{
	ID: "createRelease", Tag: "releases", Summary: "Cut a release",
	Description: "Cuts a release of the published knowledge base as it is now: its bundle (what `GET /export` sends without a key) is kept byte for byte, with its SHA-256 digest, and a changelog lists what was added, changed (with the fields) and removed since the latest release. The release never changes and is never deleted; cutting it is an entry of the change feed (entity `release`).",
	Body:        &apidoc.Body{Description: "The release's version and notes", Schema: models.NewRelease{}},
	Responses: []apidoc.Response{
		{Status: http.StatusCreated, Description: "The release", Body: models.Release{}, Headers: map[string]string{"Location": "Path of the release", "ETag": "The release's digest"}},
		apidoc.BadJSON,
		apidoc.Fail(http.StatusConflict, "The version is taken (code duplicate_version)"),
		apidoc.NotJSON,
		apidoc.TooLarge,
		apidoc.Fail(http.StatusUnprocessableEntity, "Invalid values, such as a version that is not like 2026.12.0 (code validation_failed; errors names each field)"),
	},
}

// Create handles POST /api/v1/releases.
func (h *Releases) Create(c *gin.Context) {
	var in models.NewRelease
	if err := decodeCreate(c, &in); err != nil {
		c.Error(err)
		return
	}
	rel, err := h.store.CutRelease(c.Request.Context(), in)
	if err != nil {
		c.Error(err)
		return
	}
	c.Header("Location", "/api/v1/releases/"+url.PathEscape(rel.Version))
	c.Header("ETag", `"`+rel.Digest+`"`)
	c.JSON(http.StatusCreated, rel)
}

// ReleaseDoc describes GET /releases/{version}.
var ReleaseDoc = apidoc.Op{
	ID: "getRelease", Tag: "releases", Summary: "Get a release",
	Description: "A release: its version, notes, digest, the generation it holds, its counts and its changelog. Its citation is `/releases/{version}/citation`, its bundle `/releases/{version}/export`.",
	Params:      []apidoc.Param{versionParam, apidoc.IfNoneMatch},
	Responses: []apidoc.Response{
		apidoc.OK("The release", models.Release{}, map[string]string{"ETag": "The release's digest: it never changes"}),
		apidoc.NotModified,
		noRelease,
	},
}

// Get handles GET /api/v1/releases/{version}.
func (h *Releases) Get(c *gin.Context) {
	if err := parseQuery(c).err(); err != nil {
		c.Error(err)
		return
	}
	rel, err := h.store.GetRelease(c.Request.Context(), c.Param("version"))
	if err != nil {
		c.Error(err)
		return
	}
	if fixedETag(c, rel.Digest) {
		return
	}
	c.JSON(http.StatusOK, rel)
}

// fixedETag sets the ETag of what a release holds, which never changes, and answers 304 if
// If-None-Match names it (then it returns true).
func fixedETag(c *gin.Context, tag string) bool {
	return notModified(c, `"`+tag+`"`)
}

// ReleaseDeleteDoc describes DELETE /releases/{version}.
var ReleaseDeleteDoc = apidoc.Op{
	ID: "deleteRelease", Tag: "releases", Summary: "Delete a release (refused)",
	Description: "Always refused: a release is cited, and what a citation names must stay as it was. Cut a new release instead.",
	Params:      []apidoc.Param{versionParam},
	Responses:   []apidoc.Response{apidoc.Fail(http.StatusMethodNotAllowed, "Releases are never deleted (code release_immutable)")},
}

// Delete handles DELETE /api/v1/releases/{version}: always 405.
func (h *Releases) Delete(c *gin.Context) {
	c.Header("Allow", "GET, HEAD, OPTIONS")
	c.Error(&Problem{Status: http.StatusMethodNotAllowed, Code: "release_immutable",
		Detail: "a release never changes and is never deleted, since it is cited: cut a new release (POST /api/v1/releases) instead"})
}

// ReleaseExportDoc describes GET /releases/{version}/export.
var ReleaseExportDoc = apidoc.Op{
	ID: "exportRelease", Tag: "releases", Summary: "Export a release",
	Description: "The release's bundle, byte for byte as it was when the release was cut, whatever the knowledge base became since: its SHA-256 is the release's digest (also sent as `Repr-Digest`, RFC 9530). The bundle is `Bundle`, as `GET /export` writes it without a key.",
	Params:      []apidoc.Param{versionParam, apidoc.IfNoneMatch},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The release's bundle", Body: store.Bundle{}, Headers: map[string]string{"ETag": "The release's digest", "Repr-Digest": "sha-256 of the body (RFC 9530)"}},
		apidoc.NotModified,
		noRelease,
	},
}

// Export handles GET /api/v1/releases/{version}/export.
func (h *Releases) Export(c *gin.Context) {
	if err := parseQuery(c).err(); err != nil {
		c.Error(err)
		return
	}
	rel, b, err := h.store.ReleaseBundle(c.Request.Context(), c.Param("version"))
	if err != nil {
		c.Error(err)
		return
	}
	if fixedETag(c, rel.Digest) {
		return
	}
	sum := sha256.Sum256(b)
	c.Header("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	c.Header("Content-Disposition", `attachment; filename="chainkb-`+rel.Version+`.json"`)
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

// ReleaseDiffDoc describes GET /releases/{version}/diff/{other}.
var ReleaseDiffDoc = apidoc.Op{
	ID: "diffReleases", Tag: "releases", Summary: "Compare two releases",
	Description: "What differs between two releases, object by object (each by its key in a bundle: slug, chain/slug, code, or from type to) and field by field: objects only in `other` are added, only in `version` removed, and those in both whose fields differ are changed, each field with its value in each (versions aside, which every change moves).",
	Params: []apidoc.Param{versionParam,
		{In: apidoc.InPath, Name: "other", Description: "The release to compare it with", Example: "2027.1.0"}},
	Responses: []apidoc.Response{
		apidoc.OK("The differences", models.ReleaseDiff{}, nil),
		apidoc.Fail(http.StatusNotFound, "No such release, either of them (code not_found)"),
	},
}

// Diff handles GET /api/v1/releases/{version}/diff/{other}.
func (h *Releases) Diff(c *gin.Context) {
	if err := parseQuery(c).err(); err != nil {
		c.Error(err)
		return
	}
	d, err := h.store.DiffReleases(c.Request.Context(), c.Param("version"), c.Param("other"))
	if err != nil {
		c.Error(err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// The reads of the knowledge base as a release holds it. They answer the objects as the release's
// bundle holds them (named by slug and code, with their versions), since a release keeps no
// database ids; the live reads given ?release= redirect here (AtRelease).

// ReleaseChain is a chain as a release holds it.
//
//	@Description	A chain as a release holds it: its bundle form.
type ReleaseChain struct {
	// The release.
	Release string `json:"release" example:"2026.12.0"`
	// The chain.
	Chain models.ChainInput `json:"chain"`
}

// ReleaseTable is a chain's table as a release holds it: its stages in order, each with its
// tactics by kind.
//
//	@Description	A chain's table as a release holds it: its stages in order of position, each with its published tactics by kind (current efforts, recommended tactics, conditions), in order of position.
type ReleaseTable struct {
	// The release.
	Release string `json:"release" example:"2026.12.0"`
	// The chain.
	Chain models.ChainInput `json:"chain"`
	// The chain's stages, in order.
	Rows []ReleaseTableRow `json:"rows"`
}

// ReleaseTableRow is one stage of a release's table.
//
//	@Description	One stage of a release's table, with its tactics by kind.
type ReleaseTableRow struct {
	// The stage.
	Stage store.BundleStage `json:"stage"`
	// Current efforts.
	Current []store.BundleTactic `json:"current"`
	// Recommended tactics.
	Recommended []store.BundleTactic `json:"recommended"`
	// Conditions.
	Conditions []store.BundleTactic `json:"conditions"`
}

// ReleaseTactics is the tactics of a release.
//
//	@Description	The published tactics of a release, as its bundle holds them, in the bundle's order.
type ReleaseTactics struct {
	// The release.
	Release string `json:"release" example:"2026.12.0"`
	// The tactics.
	Data []store.BundleTactic `json:"data"`
}

// ReleaseTactic is one tactic of a release.
//
//	@Description	A tactic as a release holds it.
type ReleaseTactic struct {
	// The release.
	Release string `json:"release" example:"2026.12.0"`
	// The tactic.
	Tactic store.BundleTactic `json:"tactic"`
}

// ReleaseSources is the sources of a release.
//
//	@Description	The sources of a release, as its bundle holds them.
type ReleaseSources struct {
	// The release.
	Release string `json:"release" example:"2026.12.0"`
	// The sources.
	Data []models.SourceInput `json:"data"`
}

// ReleaseSource is one source of a release.
//
//	@Description	A source as a release holds it.
type ReleaseSource struct {
	// The release.
	Release string `json:"release" example:"2026.12.0"`
	// The source.
	Source models.SourceInput `json:"source"`
}

func releaseRead(id, summary, desc string, body any, params ...apidoc.Param) apidoc.Op {
	return apidoc.Op{ID: id, Tag: "releases", Summary: summary, Description: desc,
		Params: append([]apidoc.Param{versionParam}, append(params, apidoc.IfNoneMatch)...),
		Responses: []apidoc.Response{
			apidoc.OK(summary[4:], body, map[string]string{"ETag": "The release's digest and the request: it never changes"}),
			apidoc.NotModified,
			apidoc.Fail(http.StatusBadRequest, "A malformed key or query parameter (codes bad_path, bad_query)"),
			apidoc.Fail(http.StatusNotFound, "No such release, or no such object in it (code not_found)"),
		}}
}

var chainKeyParam = apidoc.Param{In: apidoc.InPath, Name: "id", Description: "Chain slug", Example: "sex-trafficking"}

// Docs of the reads at a release.
var (
	ReleaseChainDoc = releaseRead("getReleaseChain", "The chain at a release",
		"A chain as the release holds it (by slug: a release keeps no database ids). `GET /chains/{id}?release=` redirects here.", ReleaseChain{}, chainKeyParam)
	ReleaseTableDoc = releaseRead("getReleaseChainTable", "The chain's table at a release",
		"A chain's stages in order, each with its published tactics by kind, as the release holds them. `GET /chains/{id}/table?release=` redirects here.", ReleaseTable{}, chainKeyParam)
	ReleaseTacticsDoc = releaseRead("listReleaseTactics", "The tactics at a release",
		"The release's tactics (all published when it was cut), in the bundle's order, filtered by chain, stage and kind. `GET /tactics?release=` redirects here; the live list's other parameters (paging, sort, search, status) have no meaning at a release and are refused.", ReleaseTactics{},
		apidoc.Param{In: apidoc.InQuery, Name: "chain", Description: "Chain slug", Example: "sex-trafficking"},
		apidoc.Param{In: apidoc.InQuery, Name: "stage", Description: "Stage slug", Example: "retailer"},
		apidoc.Param{In: apidoc.InQuery, Name: "kind", Description: "current, recommended or condition", Enum: []string{models.KindCurrent, models.KindRecommended, models.KindCondition}, Example: "recommended"})
	ReleaseTacticDoc = releaseRead("getReleaseTactic", "The tactic at a release",
		"A tactic as the release holds it, by code. `GET /tactics/{id}?release=` redirects here.", ReleaseTactic{},
		apidoc.Param{In: apidoc.InPath, Name: "id", Description: "Tactic code", Example: "ST-R-R01"})
	ReleaseSourcesDoc = releaseRead("listReleaseSources", "The sources at a release",
		"The release's sources, in the bundle's order. `GET /sources?release=` redirects here.", ReleaseSources{})
	ReleaseSourceDoc = releaseRead("getReleaseSource", "The source at a release",
		"A source as the release holds it, by slug. `GET /sources/{id}?release=` redirects here.", ReleaseSource{},
		apidoc.Param{In: apidoc.InPath, Name: "id", Description: "Source slug", Example: "kara-2009-sex-trafficking"})
)

// view loads the release the path names, after checking the query; it records the error and
// returns nil on failure, or nil after a 304.
func (h *Releases) view(c *gin.Context, allowed ...string) (*store.ReleaseView, *query) {
	q := parseQuery(c, allowed...)
	if err := q.err(); err != nil {
		c.Error(err)
		return nil, nil
	}
	v, err := h.store.ReleaseAt(c.Request.Context(), c.Param("version"))
	if err != nil {
		c.Error(err)
		return nil, nil
	}
	if fixedETag(c, v.Release.Digest+";"+c.Request.URL.RequestURI()) {
		return nil, nil
	}
	return v, q
}

// Chain handles GET /api/v1/releases/{version}/chains/{id}.
func (h *Releases) Chain(c *gin.Context) {
	if v, ch := h.viewChain(c); ch != nil {
		c.JSON(http.StatusOK, ReleaseChain{Release: v.Release.Version, Chain: *ch})
	}
}

// Table handles GET /api/v1/releases/{version}/chains/{id}/table.
func (h *Releases) Table(c *gin.Context) {
	if v, ch := h.viewChain(c); ch != nil {
		c.JSON(http.StatusOK, ReleaseTableOf(v, ch))
	}
}

// viewChain loads the release and the chain the path names (view); it records the error and
// returns a nil chain on failure, or after a 304.
func (h *Releases) viewChain(c *gin.Context) (*store.ReleaseView, *models.ChainInput) {
	v, _ := h.view(c)
	if v == nil {
		return nil, nil
	}
	ch, err := releaseChain(v, c.Param("id"))
	if err != nil {
		c.Error(err)
		return nil, nil
	}
	return v, ch
}

func releaseChain(v *store.ReleaseView, slug string) (*models.ChainInput, error) {
	for i := range v.Bundle.Chains {
		if v.Bundle.Chains[i].Slug == slug {
			return &v.Bundle.Chains[i], nil
		}
	}
	return nil, models.NotFoundf("release %s has no chain %q (a release names chains by slug)", v.Release.Version, slug)
}

// ReleaseTableOf is a chain's table as a release holds it.
func ReleaseTableOf(v *store.ReleaseView, ch *models.ChainInput) ReleaseTable {
	t := ReleaseTable{Release: v.Release.Version, Chain: *ch, Rows: []ReleaseTableRow{}}
	at := map[string]int{}
	for _, st := range v.Bundle.Stages {
		if st.Chain == ch.Slug {
			at[st.Slug] = len(t.Rows)
			t.Rows = append(t.Rows, ReleaseTableRow{Stage: st, Current: []store.BundleTactic{}, Recommended: []store.BundleTactic{}, Conditions: []store.BundleTactic{}})
		}
	}
	slices.SortStableFunc(t.Rows, func(a, b ReleaseTableRow) int { return cmp.Compare(deref(a.Stage.Position), deref(b.Stage.Position)) })
	for i, r := range t.Rows {
		at[r.Stage.Slug] = i
	}
	for _, tc := range v.Bundle.Tactics {
		i, ok := at[tc.Stage]
		if tc.Chain != ch.Slug || !ok {
			continue
		}
		r := &t.Rows[i]
		switch tc.Kind {
		case models.KindCurrent:
			r.Current = append(r.Current, tc)
		case models.KindRecommended:
			r.Recommended = append(r.Recommended, tc)
		default:
			r.Conditions = append(r.Conditions, tc)
		}
	}
	for i := range t.Rows {
		for _, l := range []*[]store.BundleTactic{&t.Rows[i].Current, &t.Rows[i].Recommended, &t.Rows[i].Conditions} {
			slices.SortStableFunc(*l, func(a, b store.BundleTactic) int { return cmp.Compare(deref(a.Position), deref(b.Position)) })
		}
	}
	return t
}

func deref(p *int) int {
	if p == nil {
		return 1 << 30
	}
	return *p
}

// Tactics handles GET /api/v1/releases/{version}/tactics.
func (h *Releases) Tactics(c *gin.Context) {
	v, q := h.view(c, "chain", "stage", "kind")
	if v == nil {
		return
	}
	chain, stage := q.slug("chain"), q.slug("stage")
	kind := q.enum("kind", models.KindCurrent, models.KindRecommended, models.KindCondition)
	if err := q.err(); err != nil {
		c.Header("ETag", "")
		c.Error(err)
		return
	}
	out := ReleaseTactics{Release: v.Release.Version, Data: []store.BundleTactic{}}
	for _, t := range v.Bundle.Tactics {
		if (chain == "" || t.Chain == chain) && (stage == "" || t.Stage == stage) && (kind == "" || t.Kind == kind) {
			out.Data = append(out.Data, t)
		}
	}
	c.JSON(http.StatusOK, out)
}

// Tactic handles GET /api/v1/releases/{version}/tactics/{id}.
func (h *Releases) Tactic(c *gin.Context) {
	v, _ := h.view(c)
	if v == nil {
		return
	}
	code := c.Param("id")
	for _, t := range v.Bundle.Tactics {
		if t.Code == code {
			c.JSON(http.StatusOK, ReleaseTactic{Release: v.Release.Version, Tactic: t})
			return
		}
	}
	c.Header("ETag", "")
	c.Error(models.NotFoundf("release %s has no tactic %q (a release names tactics by code)", v.Release.Version, code))
}

// Sources handles GET /api/v1/releases/{version}/sources.
func (h *Releases) Sources(c *gin.Context) {
	if bibliographyAsked(c) {
		v, err := h.store.ReleaseAt(c.Request.Context(), c.Param("version"))
		if err != nil {
			c.Error(err)
			return
		}
		writeBibliography(c, "chainkb-"+v.Release.Version+"-sources", v.Bundle.Sources)
		return
	}
	v, _ := h.view(c)
	if v == nil {
		return
	}
	c.JSON(http.StatusOK, ReleaseSources{Release: v.Release.Version, Data: v.Bundle.Sources})
}

// Source handles GET /api/v1/releases/{version}/sources/{id}.
func (h *Releases) Source(c *gin.Context) {
	v, _ := h.view(c)
	if v == nil {
		return
	}
	slug := c.Param("id")
	for _, s := range v.Bundle.Sources {
		if s.Slug == slug {
			c.JSON(http.StatusOK, ReleaseSource{Release: v.Release.Version, Source: s})
			return
		}
	}
	c.Header("ETag", "")
	c.Error(models.NotFoundf("release %s has no source %q (a release names sources by slug)", v.Release.Version, slug))
}

// AtRelease wraps a live read that takes ?release=: given it, the answer is a 303 to the same
// read at the release (/api/v1/releases/{version}/<at>, at with the path's :id), the request's
// other parameters kept (the read at the release refuses those it does not take). Without it the
// live read answers. A numeric id names no object of a release (a release keeps no database
// ids): it is a 400 that says to use the slug or code.
func AtRelease(live gin.HandlerFunc, at string) gin.HandlerFunc {
	return func(c *gin.Context) {
		q := c.Request.URL.Query()
		vs, ok := q["release"]
		if !ok {
			// A read of one object takes no other parameter: refuse a misspelt one.
			if strings.HasSuffix(at, ":id") && len(q) > 0 {
				if err := parseQuery(c, "release").err(); err != nil {
					c.Error(err)
					return
				}
			}
			live(c)
			return
		}
		if len(vs) != 1 || !models.IsReleaseVersion(vs[0]) {
			c.Error(models.BadRequestf("bad_query", "release must be one release version such as 2026.12.0 (GET /api/v1/releases lists them)"))
			return
		}
		id := c.Param("id")
		if id != "" && strings.Trim(id, "0123456789") == "" {
			c.Error(models.BadRequestf("bad_path", "a release names objects by slug or code, not by database id: ask for %s by its slug or code with ?release=", id))
			return
		}
		q.Del("release")
		loc := "/api/v1/releases/" + url.PathEscape(vs[0]) + "/" + strings.ReplaceAll(at, ":id", url.PathEscape(id))
		if len(q) > 0 {
			loc += "?" + q.Encode()
		}
		c.Redirect(http.StatusSeeOther, loc)
	}
}

// ReleaseParam is the ?release= of the live reads that AtRelease wraps.
var ReleaseParam = apidoc.Param{In: apidoc.InQuery, Name: "release", Description: "A release's version, such as 2026.12.0 (GET /releases lists them): the answer is a 303 to the same read at that release (by slug or code: a release keeps no database ids)"}

// WithRelease adds ?release= and its 303 to the doc of a live read that AtRelease wraps.
func WithRelease(op apidoc.Op) apidoc.Op {
	op.Params = append(slices.Clone(op.Params), ReleaseParam)
	op.Responses = append(slices.Clone(op.Responses), apidoc.Response{Status: http.StatusSeeOther,
		Description: "?release= given: the same read at the release", Headers: map[string]string{"Location": "The read at the release: /api/v1/releases/{version}/..."}})
	op.Description += " With `release=<version>` it answers 303 to the same read at that release."
	return op
}
