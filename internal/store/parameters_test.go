package store_test

import (
	"context"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

func f64(x float64) *float64 { return &x }

func i64(x int64) *int64 { return &x }

// newParameterStore is a store with a chain of two stages to hang parameters on.
func newParameterStore(t *testing.T) (*store.Store, context.Context) {
	t.Helper()
	s := newTestStore(t)
	ctx := context.Background()
	c, err := s.CreateChain(ctx, &models.ChainInput{Slug: "sex-trafficking", Name: "Sex trafficking"})
	if err != nil {
		t.Fatal(err)
	}
	for i, slug := range []string{"wholesaler", "retailer"} {
		pos := i
		if _, err := s.CreateStage(ctx, &models.StageInput{ChainID: &c.ID, Slug: slug, Name: slug, Actor: "someone", Side: "demand", Position: &pos}); err != nil {
			t.Fatal(err)
		}
	}
	return s, ctx
}

func profitInput() *models.ParameterInput {
	stage := "retailer"
	py := 2009
	return &models.ParameterInput{Slug: "st-profit-in-2009", Symbol: "profit", InputSet: "kara-2009-india", Central: f64(12900), High: f64(13000),
		Unit: "USD per victim-year", Currency: "USD", PriceYear: &py, Geography: "IN", Period: "2009", Chain: ptr("sex-trafficking"),
		Stage: &stage, Estimate: models.EstimateReported}
}

func TestParameterWrites(t *testing.T) {
	t.Parallel()
	s, ctx := newParameterStore(t)
	p, err := s.CreateParameter(ctx, profitInput())
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || p.Chain == nil || *p.Chain != "sex-trafficking" || p.Stage == nil || *p.Stage != "retailer" || p.Low != nil ||
		*p.Central != 12900 || *p.High != 13000 || p.Citations == nil {
		t.Fatalf("created %+v", p)
	}
	// By slug and by id.
	if got, err := s.Parameter(ctx, "st-profit-in-2009"); err != nil || got.ID != p.ID {
		t.Fatalf("by slug: %+v, %v", got, err)
	}
	// A duplicate slug is a conflict.
	if _, err := s.CreateParameter(ctx, profitInput()); !models.IsKind(err, models.KindConflict) {
		t.Errorf("duplicate slug: %v", err)
	}
	// Chain-wide: no stage.
	in := profitInput()
	in.Slug, in.Symbol, in.Stage, in.Geography, in.Period, in.InputSet, in.Unit = "st-total", "total_profits", nil, "global", "2010-2014", "europol-global", ""
	wide, err := s.CreateParameter(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if wide.Stage != nil || wide.StageID != nil {
		t.Errorf("chain-wide parameter has a stage: %+v", wide)
	}
	// Replace with a stale version fails; with the current one succeeds.
	in = profitInput()
	in.Central = f64(12950)
	if _, err := s.ReplaceParameter(ctx, "st-profit-in-2009", in, models.Precondition{Version: i64(7)}); !models.IsKind(err, models.KindPreconditionFailed) {
		t.Errorf("stale replace: %v", err)
	}
	p2, err := s.ReplaceParameter(ctx, "st-profit-in-2009", in, models.Precondition{Version: i64(1)})
	if err != nil || p2.Version != 2 || *p2.Central != 12950 {
		t.Fatalf("replace: %+v, %v", p2, err)
	}
	// Lists: filters.
	for _, c := range []struct {
		f    models.ParameterFilter
		want int
	}{
		{models.ParameterFilter{}, 2},
		{models.ParameterFilter{Chain: "sex-trafficking"}, 2},
		{models.ParameterFilter{Stage: "retailer"}, 1},
		{models.ParameterFilter{Symbol: "total_profits"}, 1},
		{models.ParameterFilter{Geography: "IN"}, 1},
		{models.ParameterFilter{Estimate: "assumption"}, 0},
		{models.ParameterFilter{Q: "KARA-2009"}, 1},
		{models.ParameterFilter{InputSet: "europol-global"}, 1},
	} {
		c.f.Limit = 10
		page, err := s.Parameters(ctx, c.f)
		if err != nil || len(page.Items) != c.want {
			t.Errorf("%+v: %d items, %v; want %d", c.f, len(page.Items), err, c.want)
		}
	}
	// A cursor walks the list one by one.
	page, err := s.Parameters(ctx, models.ParameterFilter{Page: models.Page{Limit: 1}})
	if err != nil || len(page.Items) != 1 || page.NextCursor == "" {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	next, err := s.Parameters(ctx, models.ParameterFilter{Page: models.Page{Limit: 1, Cursor: page.NextCursor}})
	if err != nil || len(next.Items) != 1 || next.Items[0].ID == page.Items[0].ID || next.NextCursor != "" {
		t.Fatalf("second page: %+v, %v", next, err)
	}
	// The model reads the chain, its stages in order and every parameter at once.
	m, err := s.ChainModel(ctx, "sex-trafficking")
	if err != nil || len(m.Stages) != 2 || m.Stages[0].Slug != "wholesaler" || len(m.Parameters) != 2 {
		t.Fatalf("chain model: %+v, %v", m, err)
	}
	// A stage with parameters cannot go, nor its chain.
	if err := s.DeleteStage(ctx, *p2.StageID, models.Precondition{}); !models.IsKind(err, models.KindConflict) {
		t.Errorf("delete a stage with a parameter: %v", err)
	}
	// Delete and restore.
	if err := s.DeleteParameter(ctx, "st-profit-in-2009", models.Precondition{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Parameter(ctx, "st-profit-in-2009"); !models.IsKind(err, models.KindNotFound) {
		t.Errorf("deleted parameter: %v", err)
	}
	revs, err := s.Revisions(ctx, models.EntityParameter, "st-profit-in-2009", models.Page{Limit: 10})
	if err != nil || len(revs.Items) != 3 {
		t.Fatalf("revisions: %+v, %v", revs, err)
	}
	back, err := s.RestoreParameter(ctx, "st-profit-in-2009", revs.Items[2].ID, models.Precondition{})
	if err != nil || back.ID != p.ID || back.Version != 3 || *back.Central != 12900 {
		t.Fatalf("restore the first revision: %+v, %v", back, err)
	}
}

func TestParameterValidation(t *testing.T) {
	t.Parallel()
	s, ctx := newParameterStore(t)
	bad := func(name string, edit func(*models.ParameterInput), fields ...string) {
		t.Helper()
		in := profitInput()
		edit(in)
		_, err := s.CreateParameter(ctx, in)
		e, ok := models.AsError(err)
		if !ok || e.Kind != models.KindInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
			return
		}
		for _, f := range fields {
			found := false
			for _, fe := range e.Fields {
				found = found || fe.Field == f
			}
			if !found {
				t.Errorf("%s: fields %+v, want %s", name, e.Fields, f)
			}
		}
	}
	bad("no value", func(in *models.ParameterInput) { in.Central, in.High = nil, nil }, "central")
	bad("unknown symbol", func(in *models.ParameterInput) { in.Symbol = "bribes" }, "symbol")
	bad("probability over 1", func(in *models.ParameterInput) { in.Symbol, in.Central, in.High = "p_conviction", f64(1.2), nil }, "central")
	bad("negative amount", func(in *models.ParameterInput) { in.Low = f64(-1) }, "low")
	bad("negative elasticity", func(in *models.ParameterInput) {
		in.Symbol, in.Low, in.Central, in.High = "price_elasticity", f64(-1.5), f64(-1), f64(-0.5)
	}, "low", "central", "high")
	bad("out of order", func(in *models.ParameterInput) { in.Low = f64(13500) }, "central", "high")
	bad("period", func(in *models.ParameterInput) { in.Period = "2009-05" }, "period")
	bad("currency", func(in *models.ParameterInput) { in.Currency = "usd" }, "currency")
	bad("geography", func(in *models.ParameterInput) { in.Geography = "Europe" }, "geography")
	bad("no input set", func(in *models.ParameterInput) { in.InputSet = "" }, "input_set")
	bad("money without a price year", func(in *models.ParameterInput) { in.PriceYear = nil }, "price_year")
	bad("money without a currency", func(in *models.ParameterInput) { in.Currency = "" }, "currency")
	bad("a unit the model does not read", func(in *models.ParameterInput) { in.Unit = "USD per month" }, "unit")
	bad("a penalty without its basis", func(in *models.ParameterInput) { in.Symbol = "fine" }, "basis")
	bad("a basis on a profit", func(in *models.ParameterInput) { in.Basis = "imposed" }, "basis")
	bad("per victim on a profit", func(in *models.ParameterInput) { in.PerVictim = true }, "per_victim")
	bad("a rate in a chain", func(in *models.ParameterInput) {
		in.Symbol, in.Currency, in.PriceYear, in.Stage, in.Unit = "exchange_rate", "INR", nil, nil, ""
	}, "chain", "input_set")
	if _, err := s.CreateParameter(ctx, profitInput()); err != nil {
		t.Fatal(err)
	}
	bad("a set for two areas", func(in *models.ParameterInput) { in.Slug, in.Geography = "other-area", "PK" }, "input_set")
	bad("chain", func(in *models.ParameterInput) { in.Chain = ptr("forced-labour") }, "chain")
	bad("stage", func(in *models.ParameterInput) { st := "employer"; in.Stage = &st }, "stage")
	bad("source", func(in *models.ParameterInput) {
		in.Citations = []models.Citation{{Source: "kara-2009", Supports: "supports"}}
	}, "citations/0/source")
	// Every shape of params.json: a lone low, a lone central, a range without a central, global.
	for i, v := range [][3]*float64{{f64(17.6e9), nil, nil}, {nil, f64(0.011), nil}, {f64(1), nil, f64(3)}, {f64(0), nil, f64(3)}} {
		in := profitInput()
		in.Slug = "shape-" + string(rune('a'+i))
		in.Symbol, in.Geography, in.Stage, in.InputSet = "confiscation_rate", "global", nil, "shapes"
		in.Currency, in.PriceYear, in.Unit = "", nil, ""
		if v[0] != nil && *v[0] > 1 || v[2] != nil && *v[2] > 1 {
			py := 2011
			in.Symbol, in.Currency, in.PriceYear = "total_profits", "USD", &py
		}
		in.Low, in.Central, in.High = v[0], v[1], v[2]
		if _, err := s.CreateParameter(ctx, in); err != nil {
			t.Errorf("shape %d: %v", i, err)
		}
	}
}
