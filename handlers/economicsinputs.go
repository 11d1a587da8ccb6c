package handlers

import (
	"regexp"
	"strconv"

	"chainkb/internal/economics"
)

// This file reads the size of a tactic's effect; internal/inforce chooses the model's inputs from
// the stored parameters.

// factorPattern finds the size of a tactic's effect in its effect sentence: a multiplier (×2, x1.5,
// 10×, 3 times) or a percentage (+50%, -30%, 50%).
var (
	timesPattern   = regexp.MustCompile(`(?:×|\bx)\s*([0-9]+(?:\.[0-9]+)?)\b|\b([0-9]+(?:\.[0-9]+)?)\s*(?:×|x\b|times\b)`)
	percentPattern = regexp.MustCompile(`([+-]?)([0-9]+(?:\.[0-9]+)?)\s*%`)
)

// effectFactor reads the factor of an acts_on effect from its sentence: a multiplier as written,
// or a percentage turned into one (raises by 50% is ×1.5, lowers by 30% is ×0.7). 0 when the
// sentence names no size: the direction is known but not how far.
func effectFactor(direction, effect string) float64 {
	if m := timesPattern.FindStringSubmatch(effect); m != nil {
		s := m[1]
		if s == "" {
			s = m[2]
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	if m := percentPattern.FindStringSubmatch(effect); m != nil {
		if f, err := strconv.ParseFloat(m[2], 64); err == nil {
			if m[1] == "-" || (m[1] == "" && direction == string(economics.Lowers)) {
				return 1 - f/100
			}
			return 1 + f/100
		}
	}
	return 0
}
