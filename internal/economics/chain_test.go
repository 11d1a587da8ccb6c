package economics

import (
	"strings"
	"testing"
)

func TestChainBreakEvenPerConviction(t *testing.T) {
	tests := []struct {
		name        string
		total, n, v float64
		want        float64 // Π_tot/N, by hand
		approx      float64 // the rounded figure quoted in the review
	}{
		// ILO 2024 profits over TIP 2024 (2023 data) convictions.
		{"sexual exploitation", 172.6e9, 5859, 6.3e6, 29458952.04, 29.5e6},
		{"forced labour", 63.4e9, 1256, 17.3e6, 50477707.01, 50e6},
		// The 2014 cross-check: ILO 2014 over 2013 convictions (victims: an
		// illustrative 21m; only Π_tot/N is the reference figure).
		{"2014 cross-check", 99e9, 5776, 21e6, 17139889.20, 17e6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Chain(in(TotalProfits, tt.total, Convictions, tt.n, Victims, tt.v))
			f := r.BreakEvenPerConviction
			if f == nil {
				t.Fatalf("break-even = nil: %+v", r.Unavailable)
			}
			if d := f.Central - tt.want; d > 0.01 || d < -0.01 {
				t.Fatalf("break-even = %.2f, want %.2f", f.Central, tt.want)
			}
			if d := (f.Central - tt.approx) / tt.approx; d > 0.02 || d < -0.02 {
				t.Fatalf("break-even = %.0f, not within 2%% of the quoted %.0f", f.Central, tt.approx)
			}
			wantValue(t, "N/V", r.ConvictionRate, Point(tt.n/tt.v))
			wantValue(t, "Π_tot/V", r.ProfitPerVictim, Point(tt.total/tt.v))
		})
	}
	// 5,859 / 6.3m ≈ 0.09% per victim-year, about 1 in 1,075.
	r := Chain(in(TotalProfits, 172.6e9, Convictions, 5859, Victims, 6.3e6))
	if got := r.ConvictionRate.Central; got < 0.00092 || got > 0.00094 {
		t.Fatalf("conviction rate = %v, want ≈ 0.00093", got)
	}
}

func TestChainRangesAndGaps(t *testing.T) {
	// ILO 2024 profits as a range against a range of convictions.
	r := Chain(in(TotalProfits, Value{150e9, 172.6e9, 236e9}, Convictions, Value{5000, 5859, 7115}))
	wantValue(t, "break-even", r.BreakEvenPerConviction, Value{150e9 / 7115, 172.6e9 / 5859, 236e9 / 5000})
	if r.ConvictionRate != nil || r.Unavailable[keyConvictionRate].Missing[0] != Victims {
		t.Fatalf("conviction rate = %+v, %+v; want missing victims", r.ConvictionRate, r.Unavailable[keyConvictionRate])
	}

	r = Chain(in(TotalProfits, 172.6e9, Convictions, 0, Victims, 6.3e6))
	if r.BreakEvenPerConviction != nil || !strings.Contains(r.Unavailable[keyBreakEven].Reason, "no convictions") {
		t.Fatalf("break-even = %+v, %+v; want nil with the N = 0 reason", r.BreakEvenPerConviction, r.Unavailable[keyBreakEven])
	}
	wantValue(t, "N/V", r.ConvictionRate, Point(0))

	r = Chain(in(TotalProfits, 172.6e9, Convictions, Value{0, 10, 20}))
	if r.BreakEvenPerConviction != nil || !strings.Contains(r.Unavailable[keyBreakEven].Reason, "low end of convictions is 0") {
		t.Fatalf("break-even = %+v, %+v", r.BreakEvenPerConviction, r.Unavailable[keyBreakEven])
	}
}
