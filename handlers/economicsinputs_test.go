package handlers

import (
	"testing"
)

func TestEffectFactor(t *testing.T) {
	for _, c := range []struct {
		direction, effect string
		want              float64
	}{
		{"raises", "The fine rises ×10.", 10},
		{"raises", "x2 the fine", 2},
		{"raises", "Fines 3× higher", 3},
		{"raises", "1.5x the penalty", 1.5},
		{"raises", "makes convictions 4 times likelier", 4},
		{"raises", "Raises confiscation by 50%", 1.5},
		{"lowers", "Cuts demand by 30%", 0.7},
		{"lowers", "-25% in profit", 0.75},
		{"raises", "More proceeds are confiscated.", 0},
		{"raises", "Ends the exploitation of victims in 2009", 0},
		{"raises", "explained in box x", 0},
	} {
		if got := effectFactor(c.direction, c.effect); got != c.want {
			t.Errorf("effectFactor(%q, %q) = %g, want %g", c.direction, c.effect, got, c.want)
		}
	}
}
