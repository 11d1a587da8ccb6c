package economics

import (
	"errors"
	"strings"
	"testing"
)

func TestParseOverride(t *testing.T) {
	ok := []struct {
		symbol, raw string
		want        Value
	}{
		{"p_conviction", "0.01", Point(0.01)},
		{"fine", "5000", Point(5000)},
		{"fine", " 5e3 ", Point(5000)},
		{"p_conviction", "0", Point(0)},
		{"p_conviction", "1", Point(1)},
		{"profit", "12900,12950,13000", Value{12900, 12950, 13000}},
	}
	for _, tt := range ok {
		got, err := ParseOverride(tt.symbol, tt.raw)
		if err != nil || got != tt.want {
			t.Errorf("ParseOverride(%q, %q) = %+v, %v; want %+v", tt.symbol, tt.raw, got, err, tt.want)
		}
	}

	bad := []struct {
		symbol, raw string
		kind        error
		detail      string
	}{
		{"bogus", "1", ErrUnknownSymbol, `"bogus" is not a symbol of the model; use one of: profit, acquisition_cost`},
		{"fine", "abc", ErrNotNumber, `"abc" is not a number`},
		{"fine", "$5,000", ErrNotNumber, "give one number, or three"},
		{"fine", "5000$", ErrNotNumber, "no currency signs"},
		{"fine", "", ErrNotNumber, "a value is empty"},
		{"fine", "1,2", ErrNotNumber, "three comma-separated"},
		{"fine", "NaN", ErrNotFinite, `"NaN" is not a finite number`},
		{"fine", "Inf", ErrNotFinite, "not a finite number"},
		{"fine", "-Infinity", ErrNotFinite, "not a finite number"},
		{"fine", "1e400", ErrNotFinite, "too large"},
		{"fine", "1_000", ErrNotNumber, "no currency signs, percent signs, underscores"},
		{"fine", "5_000.5", ErrNotNumber, "underscores"},
		{"fine", "0x1p3", ErrNotNumber, "hex"},
		{"price_index", "100", ErrUnknownSymbol, "not a symbol of the model"},
		{"p_conviction", "1.5", ErrOutOfRange, "p_conviction is a probability and must be between 0 and 1 (for 1% give 0.01); got 1.5"},
		{"confiscation_rate", "-0.1", ErrOutOfRange, "between 0 and 1"},
		{"p_detect", "0.5,0.2,2", ErrOutOfRange, "between 0 and 1"},
		{"fine", "-5", ErrOutOfRange, "fine is an amount and cannot be negative; got -5"},
		{"profit", "3,2,1", ErrOutOfRange, "low ≤ central ≤ high"},
	}
	for _, tt := range bad {
		t.Run(tt.symbol+"="+tt.raw, func(t *testing.T) {
			_, err := ParseOverride(tt.symbol, tt.raw)
			var oe *OverrideError
			if !errors.As(err, &oe) {
				t.Fatalf("err = %v, want an *OverrideError", err)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("err = %v, want kind %v", err, tt.kind)
			}
			if got, want := oe.Param, "set."+tt.symbol; got != want {
				t.Errorf("Param = %q, want %q", got, want)
			}
			if !strings.Contains(oe.Detail, tt.detail) {
				t.Errorf("Detail = %q, want it to contain %q", oe.Detail, tt.detail)
			}
			if !strings.HasPrefix(err.Error(), "set."+tt.symbol+": ") {
				t.Errorf("Error() = %q, want it to start with the parameter", err.Error())
			}
		})
	}
}

func TestEffectValidate(t *testing.T) {
	mult := func(lo, c, hi float64) *EffectSize { return &EffectSize{Kind: Multiplier, Value: Value{lo, c, hi}} }
	good := []Effect{
		{Tactic: "T1", Symbol: PConviction, Direction: Raises, Size: mult(1.5, 2, 3)},
		{Tactic: "T1", Symbol: Profit, Direction: Lowers, Size: mult(0.5, 0.5, 0.5)},
		{Tactic: "T1", Symbol: Fine, Direction: Raises},
		{Tactic: "T1", Symbol: PrisonYears, Direction: Raises, Size: &EffectSize{Kind: NewValue, Value: Value{7, 8.5, 10}}},
	}
	for _, e := range good {
		if err := e.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", e, err)
		}
	}
	bad := []struct {
		e    Effect
		want string
	}{
		{Effect{Tactic: "T1", Symbol: "bogus", Direction: Raises}, "not a symbol of a link"},
		{Effect{Tactic: "T1", Symbol: TotalProfits, Direction: Raises}, "not a symbol of a link"},
		{Effect{Tactic: "T1", Symbol: Fine, Direction: "doubles"}, "direction must be"},
		{Effect{Tactic: "T1", Symbol: Fine, Direction: Raises, Size: mult(0.5, 0.5, 0.5)}, "raises needs a multiplier of at least 1"},
		{Effect{Tactic: "T1", Symbol: Fine, Direction: Lowers, Size: mult(0.5, 1, 2)}, "lowers needs a multiplier of at most 1"},
		{Effect{Tactic: "T1", Symbol: Fine, Direction: Lowers, Size: mult(-1, 0.5, 0.5)}, "above 0"},
		{Effect{Tactic: "T1", Symbol: Fine, Direction: Raises, Size: mult(3, 2, 4)}, "low ≤ central ≤ high"},
		{Effect{Tactic: "T1", Symbol: PConviction, Direction: Raises, Size: &EffectSize{Kind: NewValue, Value: Point(2)}}, "between 0 and 1"},
		{Effect{Tactic: "T1", Symbol: Fine, Direction: Raises, Size: &EffectSize{Kind: "percent", Value: Point(2)}}, "kind must be"},
	}
	for _, tt := range bad {
		if err := tt.e.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.e, err, tt.want)
		}
	}
}
