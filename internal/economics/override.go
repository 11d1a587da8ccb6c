package economics

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// decimalPattern is the only number syntax an override takes: plain decimal digits with an
// optional fraction and exponent. strconv.ParseFloat also reads underscores, hex floats, "Inf"
// and "NaN", which the error messages promise to refuse.
var decimalPattern = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// The kinds of override errors, for errors.Is.
var (
	ErrUnknownSymbol = errors.New("unknown symbol")
	ErrNotNumber     = errors.New("not a number")
	ErrNotFinite     = errors.New("not a finite number")
	ErrOutOfRange    = errors.New("out of range")
)

// OverrideError is a refused scenario override. Param is the query parameter
// (`set.<symbol>`) and Detail a sentence a person can act on; both are meant
// for a 400 problem detail.
type OverrideError struct {
	Param  string
	Detail string
	kind   error
}

func (e *OverrideError) Error() string { return e.Param + ": " + e.Detail }

// Unwrap returns the kind: ErrUnknownSymbol, ErrNotNumber, ErrNotFinite or
// ErrOutOfRange.
func (e *OverrideError) Unwrap() error { return e.kind }

// ParseOverride parses the value of `set.<symbol>=raw`. raw is a single
// decimal number (low = central = high), or three comma-separated numbers
// low,central,high. It refuses an unknown symbol, anything that is not a
// number, NaN and ±Inf, a probability outside [0, 1], a negative amount, and
// a range out of order; the error is an *OverrideError.
func ParseOverride(symbol, raw string) (Value, error) {
	s := Symbol(symbol)
	param := "set." + symbol
	fail := func(kind error, format string, args ...any) (Value, error) {
		return Value{}, &OverrideError{Param: param, Detail: fmt.Sprintf(format, args...), kind: kind}
	}
	info, ok := s.Info()
	if !ok || info.Scope == ScopeReference {
		return fail(ErrUnknownSymbol, "%q is not a symbol of the model; use one of: %s", symbol, Names(ScopeLink, ScopeChain))
	}
	parts := strings.Split(raw, ",")
	if len(parts) != 1 && len(parts) != 3 {
		return fail(ErrNotNumber, "give one number, or three comma-separated numbers low,central,high (commas separate the three, so write 5000, not 5,000); got %q", raw)
	}
	xs := make([]float64, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return fail(ErrNotNumber, "a value is empty; give a number such as %s", example(info.Kind))
		}
		x, err := strconv.ParseFloat(p, 64)
		var ne *strconv.NumError
		switch {
		case err == nil && (math.IsNaN(x) || math.IsInf(x, 0)):
			return fail(ErrNotFinite, "%q is not a finite number; give a number such as %s", p, example(info.Kind))
		case errors.As(err, &ne) && ne.Err == strconv.ErrRange && decimalPattern.MatchString(p):
			return fail(ErrNotFinite, "%q is too large to represent; give a finite number", p)
		case err != nil || !decimalPattern.MatchString(p):
			return fail(ErrNotNumber, "%q is not a number; give a plain decimal number such as %s (no currency signs, percent signs, underscores, hex or thousands separators)", p, example(info.Kind))
		}
		switch info.Kind {
		case Probability:
			if x < 0 || x > 1 {
				return fail(ErrOutOfRange, "%s is a probability and must be between 0 and 1 (for 1%% give 0.01); got %s", symbol, p)
			}
		case Amount:
			if x < 0 {
				return fail(ErrOutOfRange, "%s is an amount and cannot be negative; got %s", symbol, p)
			}
		}
		xs[i] = x
	}
	if len(xs) == 1 {
		return Point(xs[0]), nil
	}
	v := Value{xs[0], xs[1], xs[2]}
	if !v.Ordered() {
		return fail(ErrOutOfRange, "a range must be in the order low,central,high with low ≤ central ≤ high; got %q", raw)
	}
	return v, nil
}

func example(k Kind) string {
	if k == Probability {
		return "0.01"
	}
	return "5000"
}
