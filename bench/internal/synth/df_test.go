package synth

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// TestWordShares checks that the synthetic text holds each common word in about the share of
// tactics the seed does, and reports its length against the seed's.
func TestWordShares(t *testing.T) {
	const n = 4000
	r := rand.New(rand.NewPCG(1, 2))
	held := map[string]int{}
	chars := 0
	for range n {
		text := Title(r, false) + " " + Summary(r) + " " + Description(r)
		chars += len(text)
		seen := map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if !seen[w] {
				seen[w] = true
				held[w]++
			}
		}
	}
	for _, w := range vocab[:60] {
		seed := float64(w.df) / seedTactics
		got := float64(held[w.word]) / n
		if testing.Verbose() && w.df < 60 {
			t.Logf("%q in %.1f%% of synthetic tactics, %.1f%% of the seed's", w.word, got*100, seed*100)
		}
		if got < seed*0.8 || got > min(1, seed*1.25) {
			t.Errorf("%q in %.1f%% of synthetic tactics, %.1f%% of the seed's", w.word, got*100, seed*100)
		}
	}
	t.Logf("%d characters a tactic", chars/n)
}
