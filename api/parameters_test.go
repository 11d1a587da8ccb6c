package api_test

// Parameters of the risk-reward model: content like the rest (issue 13).

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"chainkb/models"
	"chainkb/seeds"
)

// parameterJSON is a parameter as the tests read it.
type parameterJSON struct {
	ID        int64    `json:"id"`
	Slug      string   `json:"slug"`
	Symbol    string   `json:"symbol"`
	Low       *float64 `json:"low"`
	Central   *float64 `json:"central"`
	High      *float64 `json:"high"`
	Chain     string   `json:"chain"`
	ChainID   int64    `json:"chain_id"`
	Stage     *string  `json:"stage"`
	StageID   *int64   `json:"stage_id"`
	Geography string   `json:"geography"`
	Period    string   `json:"period"`
	Citations []struct {
		Source string `json:"source"`
	} `json:"citations"`
	Version int64 `json:"version"`
}

func TestParametersCRUD(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	dropParameters(t, s)
	// A source to cite: sources have no API on this branch yet, so the test writes the row.
	s.exec(t, `INSERT INTO sources (slug, title, type, created_at, updated_at) VALUES ('kara-2009', 'Sex Trafficking', 'primary-author', $1, $1)`, time.Now().UTC())

	in := with(param("st-profit-in-2009", "profit", "sex-trafficking", "retailer", 12900, "IN", "2009"),
		"high", 13000.0, "currency", "USD", "unit", "USD per victim-year",
		"citations", []obj{{"source": "kara-2009", "locator": "p. 19", "supports": "supports"}})
	res := s.do(t, http.MethodPost, "/api/v1/parameters", in).mustStatus(t, http.StatusCreated)
	var p parameterJSON
	res.decode(t, &p)
	if p.Version != 1 || p.Chain != "sex-trafficking" || p.ChainID == 0 || p.Stage == nil || *p.Stage != "retailer" || p.StageID == nil ||
		p.Low != nil || *p.Central != 12900 || *p.High != 13000 || len(p.Citations) != 1 {
		t.Fatalf("created %+v", p)
	}
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/parameters/%d", p.ID) {
		t.Errorf("Location = %q", loc)
	}
	etag := res.Header.Get("ETag")
	// The citation is indexed, so that the source knows where it is cited.
	var n int
	if err := s.DB.QueryRow(`SELECT COUNT(*) FROM citations WHERE entity = 'parameter' AND entity_id = $1`, p.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("citations indexed = %d (%v), want 1", n, err)
	}

	// Read by id and by slug; 304 for a current ETag; anyone may read.
	s.do(t, http.MethodGet, "/api/v1/parameters/st-profit-in-2009", nil, authAs(s, "anonymous")...).mustStatus(t, http.StatusOK)
	s.do(t, http.MethodGet, fmt.Sprintf("/api/v1/parameters/%d", p.ID), nil, "If-None-Match", etag).mustStatus(t, http.StatusNotModified)
	// Writes need an editor.
	s.do(t, http.MethodPost, "/api/v1/parameters", with(in, "slug", "other"), authAs(s, "reader")...).problem(t, http.StatusForbidden)

	// A chain-wide parameter with a range and no central value.
	s.do(t, http.MethodPost, "/api/v1/parameters", with(param("st-acq", "acquisition_cost", "sex-trafficking", nil, 0, "global", "2009"),
		"central", nil, "low", 200.0, "high", 1000.0)).mustStatus(t, http.StatusCreated)

	// Replace needs a precondition; a stale one is 412.
	put := with(in, "central", 12950.0)
	s.do(t, http.MethodPut, "/api/v1/parameters/st-profit-in-2009", put).problem(t, http.StatusPreconditionRequired)
	res = s.do(t, http.MethodPut, "/api/v1/parameters/st-profit-in-2009", put, "If-Match", etag).mustStatus(t, http.StatusOK)
	res.decode(t, &p)
	if p.Version != 2 || *p.Central != 12950 {
		t.Fatalf("replaced %+v", p)
	}
	s.do(t, http.MethodPut, "/api/v1/parameters/st-profit-in-2009", put, "If-Match", etag).problem(t, http.StatusPreconditionFailed)
	// PATCH: null clears a member; the citations go with an empty list.
	res = s.do(t, http.MethodPatch, "/api/v1/parameters/st-profit-in-2009", obj{"high": nil, "citations": []obj{}, "version": 2},
		"Content-Type", "application/merge-patch+json").mustStatus(t, http.StatusOK)
	res.decode(t, &p)
	if p.Version != 3 || p.High != nil || len(p.Citations) != 0 {
		t.Fatalf("patched %+v", p)
	}
	if err := s.DB.QueryRow(`SELECT COUNT(*) FROM citations WHERE entity = 'parameter' AND entity_id = $1`, p.ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("citations indexed after the patch = %d (%v), want 0", n, err)
	}

	// Lists: filters, q and cursors.
	all := collect[parameterJSON](t, s, "/api/v1/parameters?limit=1")
	if len(all) != 2 {
		t.Fatalf("listed %d parameters, want 2", len(all))
	}
	for q, want := range map[string][]string{
		"chain=sex-trafficking":           {"st-acq", "st-profit-in-2009"},
		"stage=retailer":                  {"st-profit-in-2009"},
		"symbol=acquisition_cost":         {"st-acq"},
		"geography=IN":                    {"st-profit-in-2009"},
		"estimate=reported":               {"st-acq", "st-profit-in-2009"},
		"estimate=assumption":             {},
		"q=in-2009":                       {"st-profit-in-2009"},
		"chain=forced-labour":             {},
		"sort=-symbol&chain=1":            {"st-profit-in-2009", "st-acq"},
		"geography=global&symbol=profit":  {},
		"symbol=profit&limit=1&sort=slug": {"st-profit-in-2009"},
	} {
		got := collect[parameterJSON](t, s, "/api/v1/parameters?"+q)
		var slugs []string
		for _, g := range got {
			slugs = append(slugs, g.Slug)
		}
		if strings.Join(slugs, ",") != strings.Join(want, ",") {
			t.Errorf("%s: %v, want %v", q, slugs, want)
		}
	}

	// A stage or chain with parameters cannot be deleted. (The stage is made through the store:
	// it is the set-up, not what is tested.)
	chainID := p.ChainID
	st, err := s.Store.CreateStage(context.Background(), &models.StageInput{ChainID: &chainID, Slug: "money-launderer",
		Name: "Money launderer", Actor: "Whoever launders the profits", Side: "supply", Position: ptr(9)})
	if err != nil {
		t.Fatal(err)
	}
	s.do(t, http.MethodPost, "/api/v1/parameters", param("ml-fine", "fine", "sex-trafficking", "money-launderer", 10, "global", "2010-2014")).mustStatus(t, http.StatusCreated)
	if pr := s.do(t, http.MethodDelete, fmt.Sprintf("/api/v1/stages/%d", st.ID), nil).problem(t, http.StatusConflict); pr.Code != "in_use" {
		t.Errorf("delete a stage with a parameter: %+v", pr)
	}

	// Delete, its revisions, the change feed, and restore.
	s.do(t, http.MethodDelete, "/api/v1/parameters/st-profit-in-2009", nil).mustStatus(t, http.StatusNoContent)
	s.do(t, http.MethodGet, "/api/v1/parameters/st-profit-in-2009", nil).problem(t, http.StatusNotFound)
	revs := revisionsOf(t, s, "parameters", "st-profit-in-2009")
	if len(revs) != 4 || revs[0].Action != "delete" || revs[3].Action != "create" || revs[0].Entity != "parameter" {
		t.Fatalf("history: %+v", revs)
	}
	feed := changeFeed(t, s, 200)
	var feedParams int
	for _, r := range feed {
		if r.Entity == "parameter" {
			feedParams++
		}
	}
	bundles, err := seeds.Bundles()
	if err != nil {
		t.Fatal(err)
	}
	seeded := 0
	for _, b := range bundles {
		seeded += len(b.Parameters)
	}
	// The seeded parameters and their deletes; 3 writes of st-profit-in-2009 and its delete, st-acq, ml-fine.
	if want := 2*seeded + 6; feedParams != want {
		t.Errorf("the change feed has %d parameter changes, want %d", feedParams, want)
	}
	res = s.do(t, http.MethodPost, fmt.Sprintf("/api/v1/parameters/st-profit-in-2009/revisions/%d/restore", revs[3].ID), nil).mustStatus(t, http.StatusOK)
	res.decode(t, &p)
	if p.Version != 4 || *p.Central != 12900 || len(p.Citations) != 1 || *p.High != 13000 {
		t.Fatalf("restored %+v", p)
	}
	if err := s.DB.QueryRow(`SELECT COUNT(*) FROM citations WHERE entity = 'parameter' AND entity_id = $1`, p.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("citations indexed after the restore = %d (%v), want 1", n, err)
	}
	// A restore takes the chain's and stage's current slugs.
	if p.Stage == nil || *p.Stage != "retailer" {
		t.Errorf("restored stage %v", p.Stage)
	}
}

func ptr[T any](v T) *T { return &v }
