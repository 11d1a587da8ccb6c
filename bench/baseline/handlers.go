package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"
)

// The response types have chainkb's JSON shape (models.Tactic, models.ChainTable, the list
// envelope), field for field.

type tagSummary struct {
	ID    int64  `json:"id"`
	Slug  string `json:"slug"`
	Name  string `json:"name"`
	Group string `json:"group"`
}

type tactic struct {
	ID          int64        `json:"id"`
	StageID     int64        `json:"stage_id"`
	ChainID     int64        `json:"chain_id"`
	Code        string       `json:"code"`
	Kind        string       `json:"kind"`
	Status      string       `json:"status"`
	Title       string       `json:"title"`
	Summary     string       `json:"summary"`
	Description string       `json:"description"`
	Tags        []tagSummary `json:"tags"`
	Attribution string       `json:"attribution"`
	// What the detail column holds, decoded (tacticDetail.setOn).
	Evidence      evidence   `json:"evidence"`
	Caveats       []caveat   `json:"caveats"`
	Positions     []position `json:"positions"`
	Jurisdictions []string   `json:"jurisdictions"`
	Actors        []string   `json:"actors"`
	Adoption      *adoption  `json:"adoption"`
	Review        review     `json:"review"`
	Citations     []citation `json:"citations"`
	ActsOn        []actsOn   `json:"acts_on"`
	AlsoAppliesTo []string   `json:"also_applies_to"`
	Position      int        `json:"position"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	Version       int64      `json:"version"`
}

// tacticDetail is the tactic's detail column, as chainkb stores it (internal/store tacticDetail).
type tacticDetail struct {
	Evidence      evidence   `json:"evidence"`
	Caveats       []caveat   `json:"caveats"`
	Positions     []position `json:"positions"`
	Jurisdictions []string   `json:"jurisdictions"`
	Actors        []string   `json:"actors"`
	Adoption      *adoption  `json:"adoption"`
	Review        review     `json:"review"`
	Citations     []citation `json:"citations"`
	ActsOn        []actsOn   `json:"acts_on"`
	AlsoAppliesTo []string   `json:"also_applies_to"`
}

// setOn copies d onto t as chainkb does: empty lists rather than nulls, and the defaults of a
// tactic that says nothing (nothing known of its effect, unevaluated, a draft review).
func (d tacticDetail) setOn(t *tactic) {
	if d.Evidence.Level == "" {
		d.Evidence = evidence{Effect: effect{Direction: "unknown"}, Level: "none", Evaluation: "unevaluated"}
	}
	if d.Review.State == "" {
		d.Review.State = "draft"
	}
	t.Evidence, t.Adoption, t.Review = d.Evidence, d.Adoption, d.Review
	t.Caveats = nonNil(d.Caveats)
	t.Positions = nonNil(d.Positions)
	t.Jurisdictions = nonNil(d.Jurisdictions)
	t.Actors = nonNil(d.Actors)
	t.Citations = nonNil(d.Citations)
	t.ActsOn = nonNil(d.ActsOn)
	for i := range t.ActsOn {
		t.ActsOn[i].Links = nonNil(t.ActsOn[i].Links)
	}
	t.AlsoAppliesTo = nonNil(d.AlsoAppliesTo)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type citation struct {
	Source   string `json:"source"`
	Locator  string `json:"locator"`
	Quote    string `json:"quote,omitempty"`
	Supports string `json:"supports"`
}

type evidence struct {
	Effect         effect `json:"effect"`
	Mechanism      string `json:"mechanism"`
	Moderators     string `json:"moderators"`
	Implementation string `json:"implementation"`
	Cost           *cost  `json:"cost"`
	Level          string `json:"level"`
	Evaluation     string `json:"evaluation"`
}

type effect struct {
	Direction string `json:"direction"`
	Outcome   string `json:"outcome"`
}

type cost struct {
	Level    string   `json:"level,omitempty"`
	Amount   *float64 `json:"amount,omitempty"`
	Currency string   `json:"currency,omitempty"`
	Year     int      `json:"year,omitempty"`
}

type caveat struct {
	Type      string     `json:"type"`
	Text      string     `json:"text"`
	Citations []citation `json:"citations"`
}

type position struct {
	Stance    string     `json:"stance"`
	Text      string     `json:"text"`
	Citations []citation `json:"citations"`
}

type adoption struct {
	Where []string `json:"where"`
	Since int      `json:"since,omitempty"`
	Note  string   `json:"note"`
}

// review's dates are stored as YYYY-MM-DD and sent as they are.
type review struct {
	State          string  `json:"state"`
	LastReviewedOn *string `json:"last_reviewed_on"`
	NextReviewDue  *string `json:"next_review_due"`
}

// actsOn is a tactic's effect on a model symbol: its links (never null), and its size, null
// when no source sizes it, as it was stored.
type actsOn struct {
	Symbol    string          `json:"symbol"`
	Direction string          `json:"direction"`
	Links     []string        `json:"links"`
	Effect    string          `json:"effect"`
	Size      json.RawMessage `json:"size"`
	Citations []citation      `json:"citations"`
}

type chain struct {
	ID          int64      `json:"id"`
	Slug        string     `json:"slug"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Citations   []citation `json:"citations"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Version     int64      `json:"version"`
}

type stage struct {
	ID          int64      `json:"id"`
	ChainID     int64      `json:"chain_id"`
	Slug        string     `json:"slug"`
	Name        string     `json:"name"`
	Actor       string     `json:"actor"`
	Side        string     `json:"side"`
	Position    int        `json:"position"`
	Role        string     `json:"role"`
	Description string     `json:"description"`
	Citations   []citation `json:"citations"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Version     int64      `json:"version"`
}

type tableRow struct {
	Stage       stage    `json:"stage"`
	Current     []tactic `json:"current"`
	Recommended []tactic `json:"recommended"`
	Conditions  []tactic `json:"conditions"`
	Cells       struct {
		Current     tableCell `json:"current"`
		Recommended tableCell `json:"recommended"`
		Conditions  tableCell `json:"conditions"`
	} `json:"cells"`
}

type tableCell struct {
	Total     int64  `json:"total"`
	Truncated bool   `json:"truncated"`
	Href      string `json:"href"`
}

type chainTable struct {
	Chain     chain      `json:"chain"`
	Stages    []tableRow `json:"stages"`
	PerCell   int        `json:"per_cell"`
	Truncated bool       `json:"truncated"`
}

type tacticList struct {
	Data       []tactic `json:"data"`
	NextCursor *string  `json:"next_cursor"`
}

// server holds the prepared queries.
type server struct{ q *queries }

// tactic serves GET /api/v1/tactics/{id}.
func (s *server) tactic(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		problem(w, http.StatusBadRequest, "bad id")
		return
	}
	t, err := s.q.tactic(r.Context(), id)
	if !reply(w, err) {
		return
	}
	body, err := json.Marshal(t)
	if err != nil {
		problem(w, http.StatusInternalServerError, err.Error())
		return
	}
	// chainkb's strong ETag: id, version and a digest of the body (handlers/request.go etag).
	w.Header().Set("ETag", `"`+strconv.FormatInt(t.ID, 10)+"."+strconv.FormatInt(t.Version, 10)+"-"+fmt.Sprintf("%016x", xxhash.Sum64(body))+`"`)
	writeBody(w, http.StatusOK, body)
}

// tactics serves GET /api/v1/tactics with the filters the benchmark uses: stage, horizon, q,
// limit and cursor. Its cursor is the last id of the previous page.
func (s *server) tactics(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	var f listFilter
	var bad []string
	if x := v.Get("stage"); x != "" {
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil || n < 1 {
			bad = append(bad, "stage")
		}
		f.stage = n
	}
	f.horizon = v.Get("horizon")
	f.q = strings.TrimSpace(v.Get("q"))
	f.limit = 50
	if x := v.Get("limit"); x != "" {
		n, err := strconv.Atoi(x)
		if err != nil || n < 1 || n > 200 {
			bad = append(bad, "limit")
		}
		f.limit = n
	}
	if x := v.Get("cursor"); x != "" {
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil || n < 1 {
			bad = append(bad, "cursor")
		}
		f.after = n
	}
	if len(bad) > 0 {
		problem(w, http.StatusBadRequest, "bad query parameter(s): "+strings.Join(bad, ", "))
		return
	}
	page, err := s.q.tactics(r.Context(), f)
	if !reply(w, err) {
		return
	}
	out := tacticList{Data: page}
	if len(page) > f.limit {
		out.Data = page[:f.limit]
		next := strconv.FormatInt(out.Data[f.limit-1].ID, 10)
		out.NextCursor = &next
	}
	writeJSON(w, http.StatusOK, out)
}

// table serves GET /api/v1/chains/{key}/table.
func (s *server) table(w http.ResponseWriter, r *http.Request) {
	t, err := s.q.table(r.Context(), r.PathValue("key"), r.URL.Query().Get("horizon"))
	if reply(w, err) {
		writeJSON(w, http.StatusOK, t)
	}
}

// reply writes the error response for err and reports whether there was none.
func reply(w http.ResponseWriter, err error) bool {
	switch {
	case err == nil:
		return true
	case errors.Is(err, sql.ErrNoRows):
		problem(w, http.StatusNotFound, "not found")
	default:
		problem(w, http.StatusInternalServerError, err.Error())
	}
	return false
}

func problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		problem(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeBody(w, status, body)
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
