package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/countries"
	"chainkb/internal/inforce"
	"chainkb/internal/rendercache"
	"chainkb/internal/store"
	"chainkb/models"
)

// Countries serves /api/v1/countries and a chain's comparison across countries (issue 27).
type Countries struct {
	store *store.Store
	*crud[models.Country, models.CountryInput]
	// answers keeps profiles and comparisons as rendered bytes until the knowledge base changes.
	answers *rendercache.Cache[string]
}

// NewCountries returns the country handlers.
func NewCountries(st *store.Store) *Countries {
	return &Countries{store: st, crud: newCrud(st.CountryObjects(), countryKey),
		answers: rendercache.New[string]("k", maxTables, maxTableBytes)}
}

// countryKey reads the {id} path parameter of a country: its id, or its ISO code in either case.
func countryKey(c *gin.Context) (string, error) {
	s := c.Param("id")
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return s, nil
	}
	if up := strings.ToUpper(s); models.IsCountry(up) {
		return up, nil
	}
	return "", pathError(s, "an id (a positive whole number) or an ISO 3166-1 alpha-2 country code such as IN")
}

// CountryDocs describes the country operations for the OpenAPI document.
var CountryDocs = apidoc.Resource{
	Tag: "countries", Name: "country",
	Object: models.Country{}, Input: models.CountryInput{}, Page: CountryList{}, RevisionPage: RevisionList{},
	ID:       apidoc.Param{Description: "Country id, or its ISO 3166-1 alpha-2 code (either case)", Example: "IN"},
	ListText: "Countries with their statutory penalties, enforcement figures and ratifications, in pages of `limit`, ordered by `sort` (default `iso`).",
	ListNote: "Below the editor role only published countries exist (here, in their profiles, the chains' comparisons, search, the change feed and the pages); editors list drafts with `status=draft`, which is 401 without a key and 403 with a key below editor.",
	Filters: []apidoc.Param{
		{In: apidoc.InQuery, Name: "region", Description: "UN M49 code of a continent or sub-region (three digits)", Example: "034"},
		{In: apidoc.InQuery, Name: "status", Description: "Publication status; draft and archived need an editor key (401 without a key, 403 below editor)", Enum: []string{"draft", "published", "archived"}, Example: "published"},
		{In: apidoc.InQuery, Name: "q", Description: "Text to find in the code or summary", MaxLength: 200, Example: "bonded"},
	},
	Sort: []string{"iso", "id", "created_at", "updated_at"}, SortDefault: "iso", SortExample: "-updated_at",
	CreateText: "Creates a country, named by its ISO 3166-1 alpha-2 code (an unknown code is 422); its name and M49 region come from CLDR. Every penalty, enforcement year and ratification names an existing source by slug with a locator; a figure no source gives is null, never 0; a penalty's chain must exist. It is a `draft`, seen only by editors, unless it says `\"status\": \"published\"`.",
	GetText:    "A country by id or ISO code, with its ETag. Its profile (tactics, risk-reward) is at /countries/{id}/profile.",
	DeleteText: "Deletes a country. Its history stays, and it can be restored.",
	PatchList:  "penalties, enforcement and ratifications", HistoryNote: "A deleted country keeps its history, by id or by its ISO code.",
	ListForbidden:   "status=draft or status=archived with a key below the editor role (code forbidden)",
	Conflict:        "The country exists already (code duplicate)",
	Invalid:         "Invalid values, an unknown ISO code, or a chain or cited source that does not exist; errors names each field, e.g. penalties/0/source (code validation_failed)",
	RestoreConflict: "The country's code is taken by another (duplicate)",
}

// CountryList is a page of countries.
//
//	@Description	A page of countries.
type CountryList struct {
	// The page's items.
	Data []models.Country `json:"data"`
	// Pass it as cursor to get the next page (the Link header has the URL); null on the last page.
	NextCursor *string `json:"next_cursor" extensions:"x-nullable" example:"eyJmIjoiYWJjIiwidiI6InNob3J0LXRlcm0iLCJpIjoxfQ"`
	// How many items match in all; only with include_total=true.
	Total *int64 `json:"total,omitempty" extensions:"x-omitempty" example:"1"`
}

// List handles GET /api/v1/countries.
func (h *Countries) List(c *gin.Context) {
	q := listQuery(c, "region", "status", "q")
	f := models.CountryFilter{Region: q.str("region"), Q: q.text("q"), Page: q.page(),
		Status: q.enum("status", models.StatusDraft, models.StatusPublished, models.StatusArchived)}
	if f.Region != "" && !models.IsRegion("M49:"+f.Region) {
		q.fail("region", "must be the three-digit UN M49 code of a region, such as 034 (Southern Asia) or 150 (Europe)")
	}
	answerList(c, q, f, func(ctx context.Context, f models.CountryFilter) (models.List[models.Country], error) {
		if f.Status != "" && f.Status != models.StatusPublished {
			if err := needsEditor(c, "status="+f.Status, "lists draft or archived countries"); err != nil {
				return models.List[models.Country]{}, err
			}
		}
		return h.store.Countries(ctx, f)
	})
}

// CountryProfileDoc describes GET /countries/{id}/profile.
var CountryProfileDoc = apidoc.Op{
	ID: "getCountryProfile", Tag: "countries", Summary: "A country's profile: law, enforcement, tactics and risk-reward",
	Description: "The country as curated, its enforcement figures by year (oldest first), its standing with each main instrument (unknown where nothing is recorded), the published tactics adopted there (with since and where), those whose jurisdictions name it, and the recommended tactics for it or for everywhere that are not adopted there; and for each chain its statutory penalties beside the risk-reward model's answer at the exploiter link: today's (`geo=<ISO>`: the country's latest input set, or the global one when it has none, said in `choice`; timeless assumptions listed in `fallbacks`; regional input sets that cover the country listed in `regional_sets`, not used) and each of the country's own input sets, oldest first, with every input named (India: Kara's 2009 illustration, `kara-2009-india`, beside today's `india-2013-law`). A figure the inputs cannot give is null and the verdict says why; nothing is derived from the statutes. Cached until the knowledge base changes.",
	Params: []apidoc.Param{
		{In: apidoc.InPath, Name: "id", Description: "Country id, or its ISO 3166-1 alpha-2 code (either case)", Example: "IN"},
		apidoc.IfNoneMatch,
	},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The profile", Body: countries.Profile{}, Headers: map[string]string{"ETag": "Hash of the answer's content"}},
		apidoc.NotModified,
		apidoc.Fail(http.StatusBadRequest, "Malformed id (code bad_path)"),
		apidoc.Fail(http.StatusNotFound, "No such country"),
	},
}

// Profile handles GET /api/v1/countries/{id}/profile.
func (h *Countries) Profile(c *gin.Context) {
	key, err := countryKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	h.serve(c, "p "+key, "application/json; charset=utf-8", "", func(ctx context.Context) ([]byte, error) {
		p, err := countries.Of(ctx, h.store, key)
		if err != nil {
			return nil, err
		}
		return json.Marshal(p)
	})
}

// serve answers a rendered body from the cache while nothing has changed, with its ETag.
// An editor's answer may hold draft countries, a reader's not: each is kept under its own key.
func (h *Countries) serve(c *gin.Context, key, media, filename string, render func(context.Context) ([]byte, error)) {
	ctx := c.Request.Context()
	key = strconv.FormatBool(models.PrincipalFrom(ctx).CanSeeHidden()) + "\x00" + key
	gen, err := h.store.Generation(ctx)
	if err != nil {
		c.Error(err)
		return
	}
	out, err := h.answers.Get(key, gen, func() ([]byte, error) { return render(context.WithoutCancel(ctx)) })
	if err != nil {
		c.Error(err)
		return
	}
	writeTagged(c, out.ETag, media, filename, out.Body)
}

// compareParams are the comparison's query parameters.
var compareParams = []apidoc.Param{
	{In: apidoc.InPath, Name: "id", Description: "Chain id or slug", Example: "sex-trafficking"},
	{In: apidoc.InQuery, Name: "sort", Description: "Order of the rows: deterrence_ratio (the default), expected_penalty, iso, name, region or statute (the heaviest statutory penalty), '-' in front for descending; rows whose D is unknown come last in every order, by ISO code", Example: "-deterrence_ratio"},
	{In: apidoc.InQuery, Name: "currency", Description: "ISO 4217 currency every amount is converted to; by default each row's set's profit's", Example: "USD"},
	{In: apidoc.InQuery, Name: "price_year", Type: "integer", Description: "Price year every amount is converted to; by default each row's set's profit's", Min: apidoc.Num(1800), Max: apidoc.Num(2200), Example: 2021},
	apidoc.IfNoneMatch,
}

const compareText = "For one chain, every country's expected penalty E[C] and deterrence ratio D = E[C]/π at the exploiter link, from the model's answer for the country (`geo=<ISO>`: its own latest input set, or the global one when it has none, said in each row's `choice` and `own`), its verdict, the penalty components not recorded, the lever whose change alone would need the least to reach D = 1, and beside them the heaviest statutory penalty the country records for the chain, with its source. What every row shares is stated once: the model's method and caveats, and the assumptions made (timeless assumptions that filled inputs). A figure the inputs cannot give is null (unknown), never 0; rows whose D is unknown come last in every order."

// CountryComparisonDoc describes GET /chains/{id}/countries.
var CountryComparisonDoc = apidoc.Op{
	ID: "getChainCountries", Tag: "countries", Summary: "Compare countries on one chain",
	Description: compareText + " `GET /chains/{id}/countries.csv` gives the rows as CSV. Cached until the knowledge base changes.",
	Params:      compareParams,
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The comparison", Body: inforce.Comparison{}, Headers: map[string]string{"ETag": "Hash of the answer's content"}},
		apidoc.NotModified,
		apidoc.Fail(http.StatusBadRequest, "Malformed id (code bad_path), or a bad sort, currency or price_year (code bad_query; errors names each)"),
		apidoc.Fail(http.StatusNotFound, "No such chain"),
	},
}

// CountryComparisonCSVDoc describes GET /chains/{id}/countries.csv.
var CountryComparisonCSVDoc = apidoc.Op{
	ID: "getChainCountriesCSV", Tag: "countries", Summary: "Compare countries on one chain, as CSV",
	Description: compareText + " RFC 4180 CSV, UTF-8 with a byte-order mark, one row per country with the columns iso, name, region, input_set, own, expected_penalty, expected_penalty_low, expected_penalty_high, expected_penalty_bound, deterrence_ratio, deterrence_ratio_low, deterrence_ratio_high, deterrence_ratio_bound, currency, price_year, verdict, missing, lever, statute_prison_min_years, statute_prison_max_years, statute_life_or_death, statute_fine_max, statute_currency, statute_instrument, statute_section, statute_source, statute_locator and choice; an unknown figure is an empty cell. The shared assumptions are in the JSON answer. A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.",
	Params:      compareParams,
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The comparison as CSV", Media: "text/csv", Headers: map[string]string{"ETag": "Hash of the CSV"}},
		apidoc.NotModified,
		apidoc.Fail(http.StatusBadRequest, "Malformed id (code bad_path), or a bad sort, currency or price_year (code bad_query; errors names each)"),
		apidoc.Fail(http.StatusNotFound, "No such chain"),
	},
}

// Compare handles GET /api/v1/chains/{id}/countries.
func (h *Countries) Compare(c *gin.Context) { h.compare(c, false) }

// CompareCSV handles GET /api/v1/chains/{id}/countries.csv.
func (h *Countries) CompareCSV(c *gin.Context) { h.compare(c, true) }

func (h *Countries) compare(c *gin.Context, asCSV bool) {
	key, err := pathKey(c)
	if err != nil {
		c.Error(err)
		return
	}
	q := parseQuery(c, "sort", "currency", "price_year")
	sort := q.str("sort")
	if name := strings.TrimPrefix(sort, "-"); sort != "" && !slices.Contains(inforce.ComparisonSorts, name) {
		q.fail("sort", "must be one of "+strings.Join(inforce.ComparisonSorts, ", ")+", with '-' in front for descending")
	}
	currency := q.str("currency")
	if currency != "" && !models.IsCurrency(currency) {
		q.fail("currency", "must be an ISO 4217 currency code such as USD")
	}
	priceYear := yearParam(q, "price_year", 1800, 2200)
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	media, name := "application/json; charset=utf-8", ""
	if asCSV {
		media, name = "text/csv; charset=utf-8; header=present", key+"-countries.csv"
	}
	ck := strings.Join([]string{"c", key, sort, currency, strconv.Itoa(priceYear), strconv.FormatBool(asCSV)}, "\x00")
	h.serve(c, ck, media, name, func(ctx context.Context) ([]byte, error) {
		cmp, err := countryComparison(ctx, h.store, key, sort, currency, priceYear)
		if err != nil {
			return nil, err
		}
		if asCSV {
			return comparisonCSV(cmp)
		}
		return json.Marshal(cmp)
	})
}

// countryComparison is countries.Comparison with a bad request as a 400 naming the parameter.
func countryComparison(ctx context.Context, st *store.Store, chain, sort, currency string, priceYear int) (*inforce.Comparison, error) {
	cmp, err := countries.Comparison(ctx, st, chain, sort, currency, priceYear)
	var bad *inforce.BadRequest
	if errors.As(err, &bad) {
		e := models.BadRequestf("bad_query", "1 query parameter(s) are invalid")
		e.Fields = []models.FieldError{{Field: bad.Field, Message: bad.Detail}}
		return nil, e
	}
	return cmp, err
}

// comparisonHeader names the comparison's CSV columns.
var comparisonHeader = []string{"iso", "name", "region", "input_set", "own", "expected_penalty", "expected_penalty_low",
	"expected_penalty_high", "expected_penalty_bound", "deterrence_ratio", "deterrence_ratio_low", "deterrence_ratio_high",
	"deterrence_ratio_bound", "currency", "price_year", "verdict", "missing", "lever", "statute_prison_min_years",
	"statute_prison_max_years", "statute_life_or_death", "statute_fine_max", "statute_currency", "statute_instrument",
	"statute_section", "statute_source", "statute_locator", "choice"}

// comparisonCSV renders the comparison's rows as RFC 4180 CSV, UTF-8 with a byte-order mark.
func comparisonCSV(cmp *inforce.Comparison) ([]byte, error) {
	w, err := newCSV(comparisonHeader)
	if err != nil {
		return nil, err
	}
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'g', -1, 64)
	}
	est := func(e *inforce.Brief) []string {
		if e == nil {
			return []string{"", "", "", ""}
		}
		return []string{num(&e.Central), num(&e.Low), num(&e.High), e.Bound}
	}
	for _, r := range cmp.Rows {
		set, py := "", ""
		if r.InputSet != nil {
			set = *r.InputSet
		}
		if r.PriceYear != nil {
			py = strconv.Itoa(*r.PriceYear)
		}
		rec := []string{r.ISO, r.Name, r.Region.Name, set, strconv.FormatBool(r.Own)}
		rec = append(rec, est(r.ExpectedPenalty)...)
		rec = append(rec, est(r.Deterrence)...)
		rec = append(rec, r.Currency, py, r.Verdict, strings.Join(r.Missing, "; "), r.Lever)
		if s := r.Statute; s != nil {
			rec = append(rec, num(s.PrisonMinYears), num(s.PrisonMaxYears), strconv.FormatBool(s.LifeOrDeath), num(s.FineMax),
				s.Currency, s.Instrument, s.Section, s.Source, s.Locator)
		} else {
			rec = append(rec, "", "", "", "", "", "", "", "", "")
		}
		rec = append(rec, r.Choice)
		if err := w.row(rec); err != nil {
			return nil, err
		}
	}
	return w.bytes()
}
