package pages

import (
	"testing"

	"chainkb/models"
)

func TestAmountAndDecade(t *testing.T) {
	for x, want := range map[float64]string{27252: "27,252", 1234567.8: "1,234,568", 100: "100", 44.24: "44.2",
		0.27878796: "0.279", 0.0034: "0.0034", 1: "1", 0: "0", 12.0: "12"} {
		if got := amount(x); got != want {
			t.Errorf("amount(%g) = %q, want %q", x, got, want)
		}
	}
	for e, want := range map[int]string{-2: "0.01", -1: "0.1", 0: "1", 2: "100", 3: "1k", 5: "100k", 6: "1M", 9: "1G"} {
		if got := decade(e); got != want {
			t.Errorf("decade(%d) = %q, want %q", e, got, want)
		}
	}
}

// TestEconView checks a stage's figures and chart from parameters: the choice of the API's
// default answer (global, latest), the log axis in whole decades, and nothing without figures.
func TestEconView(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	stage := int64(7)
	params := []models.Parameter{
		{Slug: "profit-old", Symbol: "profit", Central: f(1), Currency: "USD", Geography: "global", Period: "1999", StageID: &stage},
		{Slug: "profit", Symbol: "profit", Low: f(1000), Central: f(2000), High: f(5000), Currency: "USD", Geography: "global", Period: "2020", StageID: &stage},
		{Slug: "profit-in", Symbol: "profit", Central: f(9), Currency: "USD", Geography: "IN", Period: "2021", StageID: &stage},
		{Slug: "p", Symbol: "p_conviction", Central: f(0.001), Geography: "global", Period: "2020"},
		{Slug: "fine", Symbol: "fine", Central: f(100), Currency: "USD", Geography: "global", Period: "2020", StageID: &stage},
	}
	v := newEconView(params, stage)
	if v == nil || v.Profit == nil || v.Cost == nil {
		t.Fatalf("view = %+v", v)
	}
	if v.Currency != "USD" || v.Profit.Central != "2,000" || !v.Profit.Ranged || v.Profit.Low != "1,000" || v.Profit.High != "5,000" {
		t.Errorf("profit = %+v %s", v.Profit, v.Currency)
	}
	if v.Cost.Central != "0.1" || v.Cost.Ranged || v.Verdict != "econ.pays" {
		t.Errorf("cost = %+v, verdict %q", v.Cost, v.Verdict)
	}
	// The axis runs from 0.1 to 10,000: five decades over the plot's width.
	ticks := v.Chart.Ticks
	if len(ticks) != 6 || ticks[0].X != chartLeft || ticks[5].X != chartRight || ticks[0].Label != "0.1" || ticks[5].Label != "10k" {
		t.Errorf("ticks = %+v", ticks)
	}
	if !(v.Cost.X == chartLeft && v.Profit.X1 < v.Profit.X && v.Profit.X < v.Profit.X2 && v.Profit.X2 < chartRight) {
		t.Errorf("positions: cost %+v, profit %+v", v.Cost, v.Profit)
	}
	// Another stage has the chain's p alone: no profit, and an expected penalty of 0 (no
	// penalty recorded), drawn at the axis's left end.
	if o := newEconView(params, stage+1); o == nil || o.Profit != nil || o.Cost == nil || o.Cost.Central != "0" || o.Cost.X != chartLeft || o.Verdict != "" {
		t.Errorf("a stage with the chain's p alone: %+v", o)
	}
	if v := newEconView(nil, stage); v != nil {
		t.Errorf("a stage without parameters has figures: %+v", v)
	}
}
