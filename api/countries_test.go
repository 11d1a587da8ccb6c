package api_test

// Countries (issue 27) through real HTTP on the seeded knowledge base, on both engines: the
// resource (versions, preconditions, revisions, the feed, unknown codes), a country of which
// nothing is known, the regional input sets, a chain's comparison and its order, and India's
// profile with Kara's 2009 illustration beside today's figures.

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"chainkb/models"
)

// countryJSON is a country as the tests read it.
type countryJSON struct {
	ID        int64  `json:"id"`
	ISO       string `json:"iso"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Region    struct{ Code, Name string }
	Subregion struct{ Code, Name string }
	Version   int64 `json:"version"`
	Penalties []struct {
		Chain          string   `json:"chain"`
		PrisonMaxYears *float64 `json:"prison_max_years"`
		Source         string   `json:"source"`
	} `json:"penalties"`
	Enforcement []struct {
		Year        *int   `json:"year"`
		Convictions *int64 `json:"convictions"`
	} `json:"enforcement"`
}

// profileChainJSON is one chain of a country's profile.
type profileChainJSON struct {
	Chain   struct{ Slug string } `json:"chain"`
	Statute []struct {
		Source string `json:"source"`
	} `json:"statute"`
	Today   countryChainJSON   `json:"today"`
	OwnSets []countryChainJSON `json:"own_sets"`
}

// briefJSON is a figure in brief.
type briefJSON struct {
	Central float64 `json:"central"`
	Display string  `json:"display"`
	Bound   string  `json:"bound"`
}

type countryChainJSON struct {
	Chain    struct{ Slug string } `json:"chain"`
	InputSet *struct {
		Slug      string `json:"slug"`
		Geography string `json:"geography"`
	} `json:"input_set"`
	Own          bool   `json:"own"`
	Choice       string `json:"choice"`
	RegionalSets []struct {
		Slug      string `json:"slug"`
		Geography string `json:"geography"`
	} `json:"regional_sets"`
	Exploiter *struct {
		Verdict struct {
			Status  string   `json:"status"`
			Missing []string `json:"missing"`
		} `json:"verdict"`
		Profit          *briefJSON `json:"profit"`
		ExpectedPenalty *briefJSON `json:"expected_penalty"`
		Deterrence      *briefJSON `json:"deterrence_ratio"`
		Inputs          []struct {
			Symbol    string `json:"symbol"`
			Parameter string `json:"parameter"`
			InputSet  string `json:"input_set"`
			Citations []struct {
				Source string `json:"source"`
			} `json:"citations"`
		} `json:"inputs"`
	} `json:"exploiter"`
	Economics string `json:"economics"`
}

type profileJSON struct {
	Country          countryJSON `json:"country"`
	EnforcementTrend []struct {
		Year *int `json:"year"`
	} `json:"enforcement_trend"`
	Ratifications []struct {
		Instrument string `json:"instrument"`
		Status     string `json:"status"`
	} `json:"ratifications"`
	Tactics struct {
		Adopted []struct {
			Code     string `json:"code"`
			Adoption *struct {
				Where []string `json:"where"`
				Since int      `json:"since"`
			} `json:"adoption"`
		} `json:"adopted"`
		Applying              []struct{ Code string } `json:"applying"`
		RecommendedNotAdopted []struct{ Code string } `json:"recommended_not_adopted"`
	} `json:"tactics"`
	Chains []profileChainJSON `json:"chains"`
}

type comparisonJSON struct {
	Sort        string              `json:"sort"`
	Assumptions []string            `json:"assumptions"`
	Rows        []comparisonRowJSON `json:"rows"`
}

// comparisonRowJSON is one country's row of a comparison.
type comparisonRowJSON struct {
	ISO             string     `json:"iso"`
	Own             bool       `json:"own"`
	InputSet        *string    `json:"input_set"`
	Deterrence      *briefJSON `json:"deterrence_ratio"`
	ExpectedPenalty *briefJSON `json:"expected_penalty"`
	Verdict         string     `json:"verdict"`
	Lever           string     `json:"lever"`
	Statute         *struct {
		Source string `json:"source"`
	} `json:"statute"`
}

// kenya is a country the seed does not hold, with one statutory penalty.
func kenya() obj {
	return obj{
		"iso":     "KE",
		"summary": "A test country: one statutory penalty, nothing else recorded.",
		"penalties": []obj{{
			"chain": "sex-trafficking", "offence": "trafficking in persons", "instrument": "A test act", "section": "s. 3",
			"prison_min_years": 30, "prison_max_years": nil, "fine_min": nil, "fine_max": 30000000, "currency": "KES",
			"life_or_death": true, "per_victim": false, "source": "kara-2009-sex-trafficking", "locator": "p. 1", "note": "",
		}},
		"enforcement": []obj{{
			"period": "2023", "year": 2023, "investigations": nil, "prosecutions": 10, "convictions": nil,
			"victims_identified": nil, "unit": "cases", "scope": "all forms", "source": "kara-2009-sex-trafficking", "locator": "p. 2", "note": "",
		}},
		"ratifications": []obj{{"instrument": "palermo-protocol", "status": "ratified", "date": "2005-01-05",
			"source": "kara-2009-sex-trafficking", "locator": "p. 3", "note": ""}},
	}
}

func TestCountriesResource(t *testing.T) {
	t.Parallel()
	s := newServer(t)

	// The seed's countries are listed in ISO order, each with its name and region from CLDR.
	all := collectAs[countryJSON](t, s, "/api/v1/countries?limit=200")
	if len(all) < 20 {
		t.Fatalf("the seed holds %d countries, want at least 20", len(all))
	}
	for i, c := range all {
		if i > 0 && all[i-1].ISO >= c.ISO {
			t.Errorf("countries out of ISO order: %s before %s", all[i-1].ISO, c.ISO)
		}
		if c.Name == "" || c.Region.Code == "" || c.Subregion.Code == "" {
			t.Errorf("%s: name %q, region %+v, subregion %+v: want all three", c.ISO, c.Name, c.Region, c.Subregion)
		}
		if len(c.Penalties) == 0 {
			t.Errorf("%s: no statutory penalty", c.ISO)
		}
	}
	asia := collectAs[countryJSON](t, s, "/api/v1/countries?region=034")
	for _, c := range asia {
		if c.Subregion.Code != "034" {
			t.Errorf("region=034 lists %s of %s", c.ISO, c.Subregion.Name)
		}
	}
	if !slices.ContainsFunc(asia, func(c countryJSON) bool { return c.ISO == "IN" }) {
		t.Errorf("region=034 (Southern Asia) does not list India")
	}
	s.do(t, "GET", "/api/v1/countries?region=999", nil).problem(t, 400)

	// Create: 201, Location, ETag; name and region derived from the code.
	res := s.do(t, "POST", "/api/v1/countries", kenya()).mustStatus(t, 201)
	var ke countryJSON
	res.decode(t, &ke)
	if ke.Name != "Kenya" || ke.Subregion.Code != "014" || ke.Region.Code != "002" || ke.Version != 1 {
		t.Fatalf("created %+v; want Kenya in Eastern Africa (014), Africa (002), version 1", ke)
	}
	if loc := res.Header.Get("Location"); loc == "" {
		t.Error("no Location")
	}
	// Twice is a conflict; by code in either case it is the same country.
	s.do(t, "POST", "/api/v1/countries", kenya()).problem(t, 409)
	got, tag := getObject(t, s, "/api/v1/countries/ke")
	if got["iso"] != "KE" {
		t.Fatalf("GET /countries/ke = %v", got["iso"])
	}

	// PUT needs a precondition; a stale one is 412; the GET's body (with its read-only fields) goes back as is.
	s.do(t, "PUT", "/api/v1/countries/KE", with(got, "version", absent{})).problem(t, 428)
	s.do(t, "PUT", "/api/v1/countries/KE", with(got, "summary", "Changed."), "If-Match", `"99"`).problem(t, 412)
	res = s.do(t, "PUT", "/api/v1/countries/KE", with(got, "summary", "Changed."), "If-Match", tag).mustStatus(t, 200)
	var put countryJSON
	res.decode(t, &put)
	if put.Version != 2 {
		t.Fatalf("version after PUT = %d, want 2", put.Version)
	}
	// PATCH replaces a list whole.
	res = s.do(t, "PATCH", "/api/v1/countries/KE", obj{"enforcement": []obj{}}, "If-Match", res.Header.Get("ETag"), "Content-Type", "application/merge-patch+json").mustStatus(t, 200)
	var patched countryJSON
	res.decode(t, &patched)
	if patched.Version != 3 || len(patched.Enforcement) != 0 || len(patched.Penalties) != 1 {
		t.Fatalf("after PATCH: version %d, %d enforcement, %d penalties; want 3, 0, 1", patched.Version, len(patched.Enforcement), len(patched.Penalties))
	}

	// The cited source knows it is cited by the country, and cannot be deleted meanwhile.
	var src struct {
		CitedBy []struct{ Entity, Key string } `json:"cited_by"`
	}
	s.do(t, "GET", "/api/v1/sources/kara-2009-sex-trafficking", nil).mustStatus(t, 200).decode(t, &src)
	if !slices.ContainsFunc(src.CitedBy, func(u struct{ Entity, Key string }) bool { return u.Entity == "country" && u.Key == "KE" }) {
		t.Errorf("the source's cited_by does not name country KE: %+v", src.CitedBy)
	}

	// Delete, history, restore; every change is in the feed as entity country.
	s.do(t, "DELETE", "/api/v1/countries/KE", nil).mustStatus(t, 204)
	s.do(t, "GET", "/api/v1/countries/KE", nil).problem(t, 404)
	revs := revisionsOf(t, s, "countries", "KE")
	if len(revs) != 4 || revs[0].Action != models.ActionDelete || revs[3].Action != models.ActionCreate {
		t.Fatalf("history of KE: %d revisions, newest %v; want 4, newest a delete", len(revs), revs)
	}
	s.do(t, "POST", "/api/v1/countries/KE/revisions/"+strconv.FormatInt(revs[3].ID, 10)+"/restore", nil).mustStatus(t, 200)
	_, _ = getObject(t, s, "/api/v1/countries/KE")
	var feed []models.Revision
	for _, r := range changeFeed(t, s, 200) {
		if r.Entity == models.EntityCountry && r.EntityID == ke.ID {
			feed = append(feed, r)
		}
	}
	if len(feed) != 5 {
		t.Errorf("the feed holds %d changes of KE, want 5 (create, update, update, delete, restore)", len(feed))
	}

	// The export holds the countries, by code: KE, created without a status, is a draft, which
	// only the export with drafts holds.
	for _, tt := range []struct {
		query string
		ke    bool
	}{{"", false}, {"?include=drafts", true}} {
		var bundle struct {
			Countries []struct{ ISO string } `json:"countries"`
		}
		s.do(t, "GET", "/api/v1/export"+tt.query, nil).mustStatus(t, 200).decode(t, &bundle)
		want := len(all)
		if tt.ke {
			want++
		}
		if has := slices.ContainsFunc(bundle.Countries, func(c struct{ ISO string }) bool { return c.ISO == "KE" }); has != tt.ke || len(bundle.Countries) != want {
			t.Errorf("export%s holds %d countries (KE in it: %t), want %d (%t)", tt.query, len(bundle.Countries), has, want, tt.ke)
		}
	}
}

func TestCountriesRefuseBadInput(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	before := s.snapshot(t)
	cases := map[string]struct {
		body  obj
		field string
	}{
		"unknown code":      {with(kenya(), "iso", "XX"), "iso"},
		"lower case":        {with(kenya(), "iso", "ke"), "iso"},
		"global":            {with(kenya(), "iso", "global"), "iso"},
		"a region":          {with(kenya(), "iso", "EU"), "iso"},
		"no such source":    {with(kenya(), "penalties", []obj{with(kenya()["penalties"].([]obj)[0], "source", "no-such-source")}), "penalties/0/source"},
		"no such chain":     {with(kenya(), "penalties", []obj{with(kenya()["penalties"].([]obj)[0], "chain", "no-such-chain")}), "penalties/0/chain"},
		"life with a term":  {with(kenya(), "penalties", []obj{with(kenya()["penalties"].([]obj)[0], "prison_max_years", 40)}), "penalties/0/prison_max_years"},
		"fine, no currency": {with(kenya(), "penalties", []obj{with(kenya()["penalties"].([]obj)[0], "currency", "")}), "penalties/0/currency"},
		"bad instrument":    {with(kenya(), "ratifications", []obj{with(kenya()["ratifications"].([]obj)[0], "instrument", "ilo-c999")}), "ratifications/0/instrument"},
		"bad date":          {with(kenya(), "ratifications", []obj{with(kenya()["ratifications"].([]obj)[0], "date", "2005")}), "ratifications/0/date"},
		"negative count":    {with(kenya(), "enforcement", []obj{with(kenya()["enforcement"].([]obj)[0], "prosecutions", -1)}), "enforcement/0/prosecutions"},
		"year not period":   {with(kenya(), "enforcement", []obj{with(kenya()["enforcement"].([]obj)[0], "year", 2020)}), "enforcement/0/year"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := s.do(t, "POST", "/api/v1/countries", tc.body).problem(t, 422)
			if !slices.ContainsFunc(p.Errors, func(e models.FieldError) bool { return e.Field == tc.field }) {
				t.Errorf("errors %+v do not name %s", p.Errors, tc.field)
			}
		})
	}
	s.do(t, "GET", "/api/v1/countries/X1", nil).problem(t, 400)
	s.do(t, "GET", "/api/v1/countries/XX", nil).problem(t, 400)
	s.do(t, "GET", "/api/v1/countries/KE/profile", nil).problem(t, 404)
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/countries?sort=speed", nil).problem(t, 400)
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/countries?currency=XYZ", nil).problem(t, 400)
	s.do(t, "GET", "/api/v1/chains/no-such-chain/countries", nil).problem(t, 404)
	if after := s.snapshot(t); after != before {
		t.Errorf("failed requests changed the database:\n%s", snapshotDiff(before, after))
	}
}

// A country of which nothing is recorded: every figure of its own unknown, no verdict, and the
// comparison says so.
func TestCountryWithNoData(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.do(t, "POST", "/api/v1/countries", obj{"iso": "KE", "summary": "", "penalties": []obj{}, "enforcement": []obj{}, "ratifications": []obj{}}).mustStatus(t, 201)
	var p profileJSON
	s.do(t, "GET", "/api/v1/countries/KE/profile", nil).mustStatus(t, 200).decode(t, &p)
	if len(p.EnforcementTrend) != 0 || len(p.Ratifications) != 6 {
		t.Fatalf("enforcement %d, ratifications %d; want none, and the six instruments", len(p.EnforcementTrend), len(p.Ratifications))
	}
	for _, r := range p.Ratifications {
		if r.Status != "unknown" {
			t.Errorf("%s: status %q with nothing recorded; want unknown", r.Instrument, r.Status)
		}
	}
	if len(p.Chains) != 2 {
		t.Fatalf("%d chains, want 2", len(p.Chains))
	}
	for _, ch := range p.Chains {
		today := ch.Today
		if len(ch.Statute) != 0 || today.Own || len(ch.OwnSets) != 0 {
			t.Errorf("%s: statute %d, own %v, own sets %d; want none", ch.Chain.Slug, len(ch.Statute), today.Own, len(ch.OwnSets))
		}
		if !strings.Contains(today.Choice, "no input set for KE") {
			t.Errorf("%s: choice %q does not say that KE has no input set of its own", ch.Chain.Slug, today.Choice)
		}
		if today.Exploiter == nil {
			t.Fatalf("%s: no exploiter link", ch.Chain.Slug)
		}
		if e := today.Exploiter; e.Deterrence != nil || e.ExpectedPenalty != nil || e.Verdict.Status != "unknown" || len(e.Verdict.Missing) == 0 {
			t.Errorf("%s: D %v, E[C] %v, verdict %q missing %v; want unknown, unknown, no verdict, the missing components named",
				ch.Chain.Slug, e.Deterrence, e.ExpectedPenalty, e.Verdict.Status, e.Verdict.Missing)
		}
	}
	var cmp comparisonJSON
	s.do(t, "GET", "/api/v1/chains/forced-labour/countries", nil).mustStatus(t, 200).decode(t, &cmp)
	i := slices.IndexFunc(cmp.Rows, func(r comparisonRowJSON) bool {
		return r.ISO == "KE"
	})
	if i < 0 {
		t.Fatal("the comparison has no row for KE")
	}
	if r := cmp.Rows[i]; r.Deterrence != nil || r.ExpectedPenalty != nil || r.Verdict != "unknown" || r.Statute != nil || r.Own {
		t.Errorf("KE's row: %+v; want D and E[C] unknown, verdict unknown, no statute, not its own set", r)
	}
}

// A country without a set of its own in a region with regional input sets: the global set is used
// (a regional value is never used for a country unless named), and the regional sets that cover it
// are listed; a country outside the region does not list them.
func TestCountryRegionalSets(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	regional := func(iso, chain string) countryChainJSON {
		var p profileJSON
		s.do(t, "GET", "/api/v1/countries/"+iso+"/profile", nil).mustStatus(t, 200).decode(t, &p)
		for _, ch := range p.Chains {
			if ch.Chain.Slug == chain {
				return ch.Today
			}
		}
		t.Fatalf("%s has no chain %s", iso, chain)
		return countryChainJSON{}
	}
	slugs := func(c countryChainJSON) []string {
		var out []string
		for _, r := range c.RegionalSets {
			out = append(out, r.Slug)
		}
		return out
	}
	de := regional("DE", "sex-trafficking")
	if de.Own || de.InputSet == nil || de.InputSet.Geography != "global" {
		t.Errorf("DE: own %v, set %+v; want the global set", de.Own, de.InputSet)
	}
	if got := slugs(de); !slices.Equal(got, []string{"europol-2016-eu", "kara-2009-western-europe"}) {
		t.Errorf("DE's regional sets = %v; want the EU's and Western Europe's", got)
	}
	// Sweden is in the EU and in Northern Europe: the EU's set covers it, Western Europe's does not.
	if got := slugs(regional("SE", "sex-trafficking")); !slices.Equal(got, []string{"europol-2016-eu"}) {
		t.Errorf("SE's regional sets = %v; want the EU's alone", got)
	}
	in := regional("IN", "forced-labour")
	if got := slugs(in); !slices.Equal(got, []string{"kara-2012-bonded", "kara-2016-rice-farmer"}) {
		t.Errorf("IN's forced-labour regional sets = %v; want Southern Asia's two", got)
	}
	if got := slugs(regional("US", "sex-trafficking")); len(got) != 0 {
		t.Errorf("US lists regional sets %v of regions it is not in", got)
	}
}

// The comparison's order: rows with a known D in the order asked, then those with D unknown, by
// ISO code, in every order; the CSV has the same rows in the same order.
func TestCountryComparisonOrder(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	// Two countries with input sets of their own (test figures), D = 0.1 and 0.5.
	for _, c := range []struct {
		iso  string
		fine float64
	}{{"KE", 100000}, {"TZ", 500000}} {
		s.do(t, "POST", "/api/v1/countries", with(kenya(), "iso", c.iso)).mustStatus(t, 201)
		set := strings.ToLower(c.iso) + "-test-2021"
		for _, p := range []obj{
			{"symbol": "profit", "central": 10000, "currency": "USD", "price_year": 2021},
			{"symbol": "p_conviction", "central": 0.01},
			{"symbol": "fine", "central": c.fine, "currency": "USD", "price_year": 2021, "basis": "statutory-maximum"},
		} {
			p = with(p, "slug", set+"-"+strings.ReplaceAll(p["symbol"].(string), "_", "-"), "input_set", set, "geography", c.iso,
				"period", "2021", "chain", "sex-trafficking", "stage", "retailer", "estimate", "reported",
				"citations", []obj{{"source": "kara-2009-sex-trafficking", "locator": "test", "supports": "context"}})
			s.do(t, "POST", "/api/v1/parameters", p).mustStatus(t, 201)
		}
	}
	order := func(sort string) []string {
		var cmp comparisonJSON
		s.do(t, "GET", "/api/v1/chains/sex-trafficking/countries?sort="+sort, nil).mustStatus(t, 200).decode(t, &cmp)
		var out []string
		for _, r := range cmp.Rows {
			out = append(out, r.ISO)
			if (r.ISO == "KE" || r.ISO == "TZ") != (r.Deterrence != nil) {
				t.Errorf("%s: D %v", r.ISO, r.Deterrence)
			}
		}
		if len(cmp.Assumptions) == 0 {
			t.Errorf("sort=%s: no shared assumptions stated", sort)
		}
		return out
	}
	var unknown []string
	for _, c := range collectAs[countryJSON](t, s, "/api/v1/countries?limit=200") {
		if c.ISO != "KE" && c.ISO != "TZ" {
			unknown = append(unknown, c.ISO) // in ISO order
		}
	}
	for sort, known := range map[string][]string{
		"":                  {"KE", "TZ"},
		"deterrence_ratio":  {"KE", "TZ"},
		"-deterrence_ratio": {"TZ", "KE"},
		"-expected_penalty": {"TZ", "KE"},
		"iso":               {"KE", "TZ"},
		"-iso":              {"TZ", "KE"},
		"name":              {"KE", "TZ"}, // Kenya, Tanzania
	} {
		if got, want := order(sort), append(slices.Clone(known), unknown...); !slices.Equal(got, want) {
			t.Errorf("sort=%q: %v\nwant %v", sort, got, want)
		}
	}
	var cmp comparisonJSON
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/countries", nil).mustStatus(t, 200).decode(t, &cmp)
	if r := cmp.Rows[0]; !r.Own || r.Deterrence.Central != 0.1 || r.Deterrence.Bound != "lower" || r.Statute == nil || r.Lever == "" {
		t.Errorf("KE's row: %+v; want its own set, D = 0.1 as a lower bound, its statute and a lever", r)
	}

	res := s.do(t, "GET", "/api/v1/chains/sex-trafficking/countries.csv?sort=-deterrence_ratio", nil).mustStatus(t, 200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("Content-Type %q", ct)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var isos []string
	for _, r := range recs[1:] {
		isos = append(isos, r[0])
	}
	if want := append([]string{"TZ", "KE"}, unknown...); recs[0][0] != "iso" || !slices.Equal(isos, want) {
		t.Errorf("CSV: header %v, rows %v; want %v", recs[0], isos, want)
	}
	if recs[1][9] != "0.5" || recs[len(recs)-1][9] != "" {
		t.Errorf("CSV deterrence_ratio cells: %q first, %q last; want 0.5 and empty (unknown)", recs[1][9], recs[len(recs)-1][9])
	}
}

// India's profile: Kara's 2009 illustration (kara-2009-india), its inputs named, beside today's
// figures (India's latest set), each the same as the economics API's answer for that set.
func TestCountryIndiaKara2009(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var p profileJSON
	s.do(t, "GET", "/api/v1/countries/IN/profile", nil).mustStatus(t, 200).decode(t, &p)
	if p.Country.Name != "India" || len(p.Country.Penalties) == 0 || len(p.Country.Enforcement) == 0 {
		t.Fatalf("India: %q with %d penalties and %d enforcement years", p.Country.Name, len(p.Country.Penalties), len(p.Country.Enforcement))
	}
	for i := 1; i < len(p.EnforcementTrend); i++ {
		a, b := p.EnforcementTrend[i-1].Year, p.EnforcementTrend[i].Year
		if a == nil && b != nil || a != nil && b != nil && *a > *b {
			t.Errorf("enforcement trend out of order at %d", i)
		}
	}
	if len(p.Tactics.Adopted) == 0 || len(p.Tactics.RecommendedNotAdopted) == 0 {
		t.Errorf("India: %d adopted tactics, %d recommended not adopted; the seed has some of each", len(p.Tactics.Adopted), len(p.Tactics.RecommendedNotAdopted))
	}
	for _, a := range p.Tactics.Adopted {
		if a.Adoption == nil || !slices.Contains(a.Adoption.Where, "IN") {
			t.Errorf("%s is listed as adopted in India; its adoption is %+v", a.Code, a.Adoption)
		}
	}
	var st *profileChainJSON
	for i := range p.Chains {
		if p.Chains[i].Chain.Slug == "sex-trafficking" {
			st = &p.Chains[i]
		}
	}
	if st == nil || len(st.OwnSets) < 2 {
		t.Fatalf("India's sex-trafficking: %+v; want its own sets", st)
	}
	kara := st.OwnSets[0]
	if kara.InputSet == nil || kara.InputSet.Slug != "kara-2009-india" || !kara.Own {
		t.Fatalf("the first of India's own sets is %+v; want kara-2009-india", kara.InputSet)
	}
	named := map[string]string{}
	for _, in := range kara.Exploiter.Inputs {
		named[in.Symbol] = in.Parameter
	}
	for sym, param := range map[string]string{"profit": "st-profit-in-2009", "fine": "st-fine-in-2009", "prison_years": "st-prison-years-in-itpa"} {
		if named[sym] != param {
			t.Errorf("Kara's illustration names %s as %q, want %s", sym, named[sym], param)
		}
	}
	if today := st.Today; today.InputSet == nil || today.InputSet.Slug == "kara-2009-india" || !today.Own {
		t.Errorf("today's figures come from %+v; want India's latest set, not Kara's 2009", today.InputSet)
	}
	// The same figures as the economics API's answer for that set.
	var e economicsJSON
	s.do(t, "GET", kara.Economics, nil).mustStatus(t, 200).decode(t, &e)
	for _, stage := range e.Stages {
		if stage.Stage.Role != "exploiter" {
			continue
		}
		if stage.Baseline.Profit == nil || kara.Exploiter.Profit == nil || stage.Baseline.Profit.Display != kara.Exploiter.Profit.Display || kara.Exploiter.Profit.Display != "12,900" {
			t.Errorf("Kara's profit: %+v in the profile, %+v in the economics answer; want 12,900 in both", kara.Exploiter.Profit, stage.Baseline.Profit)
		}
		if stage.Baseline.Verdict.Status != kara.Exploiter.Verdict.Status {
			t.Errorf("verdict %q in the profile, %q in the economics answer", kara.Exploiter.Verdict.Status, stage.Baseline.Verdict.Status)
		}
	}
}

// A country's profile lists every source its figures cite with what was read of it, as the
// sources say (not a copy that could drift); its page marks each figure whose source was not
// verified; and checking a source against the work itself shows at once in both.
func TestCountryCitedSources(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	type cited struct {
		Slug     string  `json:"slug"`
		Title    string  `json:"title"`
		Reading  string  `json:"reading"`
		Verified *string `json:"verified"`
	}
	profile := func(iso string) []cited {
		var p struct {
			Country struct {
				Penalties, Enforcement, Ratifications []struct {
					Source string `json:"source"`
				}
			} `json:"country"`
			Sources []cited `json:"sources"`
		}
		s.do(t, "GET", "/api/v1/countries/"+iso+"/profile", nil).mustStatus(t, 200).decode(t, &p)
		var want []string
		for _, list := range [][]struct {
			Source string `json:"source"`
		}{p.Country.Penalties, p.Country.Enforcement, p.Country.Ratifications} {
			for _, e := range list {
				want = append(want, e.Source)
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
		var got []string
		for _, c := range p.Sources {
			got = append(got, c.Slug)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: sources %v, want the cited ones in slug order %v", iso, got, want)
		}
		return p.Sources
	}
	var unverified, verified string
	for _, iso := range []string{"AL", "IN", "NG", "GB"} {
		for _, c := range profile(iso) {
			var src struct {
				Title string `json:"title"`
				Check struct {
					Reading string `json:"reading"`
				} `json:"check"`
				Verified *string `json:"verified"`
			}
			s.do(t, "GET", "/api/v1/sources/"+c.Slug, nil).mustStatus(t, 200).decode(t, &src)
			if c.Title != src.Title || c.Reading != src.Check.Reading || (c.Verified == nil) != (src.Verified == nil) ||
				(c.Verified != nil && *c.Verified != *src.Verified) {
				t.Errorf("%s cites %s as %+v; the source says title %q, reading %q, verified %v", iso, c.Slug, c, src.Title, src.Check.Reading, src.Verified)
			}
			page := string(s.do(t, "GET", "/countries/"+iso, nil, "Authorization", "").mustStatus(t, 200).Body)
			marked := regexp.MustCompile(`>` + regexp.QuoteMeta(c.Slug) + `</a>(, [^<]*)? <span class="unverified">`).MatchString(page)
			if marked != (c.Verified == nil) {
				t.Errorf("/countries/%s: %s marked not verified: %t; verified %v", iso, c.Slug, marked, c.Verified)
			}
			if c.Verified == nil && unverified == "" {
				unverified = iso + " " + c.Slug
			} else if c.Verified != nil && verified == "" {
				verified = c.Slug
			}
		}
	}
	if unverified == "" || verified == "" {
		t.Fatalf("the seed's countries cite no unverified (%q) or no verified (%q) source; the test needs both", unverified, verified)
	}
	// The editors read the passage itself: the country shows it verified at once.
	iso, slug, _ := strings.Cut(unverified, " ")
	res := s.do(t, "GET", "/api/v1/sources/"+slug, nil).mustStatus(t, 200)
	s.do(t, "PATCH", "/api/v1/sources/"+slug, obj{"check": obj{"reading": "excerpt", "on": "2026-12-07", "by": "An editor", "passage": "the cited paragraph"}},
		"If-Match", res.Header.Get("ETag"), "Content-Type", "application/merge-patch+json").mustStatus(t, 200)
	for _, c := range profile(iso) {
		if c.Slug == slug && (c.Verified == nil || *c.Verified != "2026-12-07" || c.Reading != "excerpt") {
			t.Errorf("after the check, %s in %s's profile = %+v; want verified 2026-12-07, excerpt", slug, iso, c)
		}
	}
	page := string(s.do(t, "GET", "/countries/"+iso, nil, "Authorization", "").mustStatus(t, 200).Body)
	if regexp.MustCompile(`>` + regexp.QuoteMeta(slug) + `</a>(, [^<]*)? <span class="unverified">`).MatchString(page) {
		t.Errorf("/countries/%s still marks %s not verified after its check", iso, slug)
	}
}
