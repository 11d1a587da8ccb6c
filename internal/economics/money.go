package economics

import (
	"fmt"
	"strconv"
)

// Rate is one exchange rate or price index, as reference content: its value
// and the parameter it comes from.
type Rate struct {
	Value     float64
	Parameter string
}

// Rates hold the reference data that converts money: exchange rates (units of
// a currency per US dollar, annual averages) and price indices (of a
// currency's economy), each by currency and year.
type Rates struct {
	Exchange map[string]map[int]Rate
	Index    map[string]map[int]Rate
}

// AddExchange records a rate of currency per USD in year.
func (r *Rates) AddExchange(currency string, year int, x Rate) {
	if r.Exchange == nil {
		r.Exchange = map[string]map[int]Rate{}
	}
	if r.Exchange[currency] == nil {
		r.Exchange[currency] = map[int]Rate{}
	}
	r.Exchange[currency][year] = x
}

// AddIndex records the price index of currency's economy in year.
func (r *Rates) AddIndex(currency string, year int, x Rate) {
	if r.Index == nil {
		r.Index = map[string]map[int]Rate{}
	}
	if r.Index[currency] == nil {
		r.Index[currency] = map[int]Rate{}
	}
	r.Index[currency][year] = x
}

// Money is a target for amounts: a currency and a price year.
type Money struct {
	Currency  string
	PriceYear int
}

// Convert brings v, in currency cur at price year year, to the target: through
// the US dollar at the year's exchange rate, then to the target's price year
// with the US price index, then into the target currency at that year's rate.
// Each step is recorded. It fails, saying which rate or index is missing,
// when the reference data lack one; nothing is then converted.
func (r Rates) Convert(v Value, cur string, year int, to Money) (Value, *Conversion, error) {
	c := &Conversion{From: v, FromCurrency: cur, FromPriceYear: year, Steps: []string{}, Parameters: []string{}}
	if cur == to.Currency && year == to.PriceYear {
		return v, nil, nil
	}
	out := v
	if cur != "USD" {
		x, ok := r.Exchange[cur][year]
		if !ok || x.Value <= 0 {
			return v, nil, fmt.Errorf("no exchange rate of %s per USD for %d is recorded", cur, year)
		}
		out = out.Scale(1 / x.Value)
		c.Steps = append(c.Steps, fmt.Sprintf("÷ %s %s per USD (%d average)", num(x.Value), cur, year))
		c.Parameters = append(c.Parameters, x.Parameter)
	}
	if year != to.PriceYear {
		from, ok1 := r.Index["USD"][year]
		dest, ok2 := r.Index["USD"][to.PriceYear]
		switch {
		case !ok1 || from.Value <= 0:
			return v, nil, fmt.Errorf("no US price index for %d is recorded", year)
		case !ok2 || dest.Value <= 0:
			return v, nil, fmt.Errorf("no US price index for %d is recorded", to.PriceYear)
		}
		out = out.Scale(dest.Value / from.Value)
		c.Steps = append(c.Steps, fmt.Sprintf("× US CPI %d / %d = %s / %s", to.PriceYear, year, num(dest.Value), num(from.Value)))
		c.Parameters = append(c.Parameters, from.Parameter, dest.Parameter)
	}
	if to.Currency != "USD" {
		x, ok := r.Exchange[to.Currency][to.PriceYear]
		if !ok || x.Value <= 0 {
			return v, nil, fmt.Errorf("no exchange rate of %s per USD for %d is recorded", to.Currency, to.PriceYear)
		}
		out = out.Scale(x.Value)
		c.Steps = append(c.Steps, fmt.Sprintf("× %s %s per USD (%d average)", num(x.Value), to.Currency, to.PriceYear))
		c.Parameters = append(c.Parameters, x.Parameter)
	}
	return out, c, nil
}

// ConvertInputs brings every money input of in to the target, in place, and
// returns what it could not convert (removed from in) with the reasons.
// Inputs already in the target currency and price year are left as they are.
func (r Rates) ConvertInputs(in Inputs, to Money) (dropped []Rejection) {
	for s, x := range in {
		if !s.Money() || x.Origin == FromOverride {
			continue
		}
		if x.PriceYear == nil {
			delete(in, s)
			dropped = append(dropped, Rejection{s, fmt.Sprintf("%s (%s) has no price year: it cannot be compared with amounts of other years", s, x.Parameter)})
			continue
		}
		v, conv, err := r.Convert(x.Value, x.Currency, *x.PriceYear, to)
		if err != nil {
			delete(in, s)
			dropped = append(dropped, Rejection{s, fmt.Sprintf("%s (%s, %s of %d) not used: %v", s, x.Parameter, x.Currency, *x.PriceYear, err)})
			continue
		}
		if conv != nil {
			x.Value, x.Conversion = v, conv
			x.Currency = to.Currency
			py := to.PriceYear
			x.PriceYear = &py
			x.Unit = s.Unit(to.Currency, x.PerVictim)
			in[s] = x
		}
	}
	return dropped
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
