// Package economics computes chainkb's risk-reward model: for one link
// (stage) of an exploitation chain, whether exploitation pays at today's
// enforcement, and what it would take to invert it (issue 13).
//
// The model is the Becker deterrence condition applied per link, for a
// risk-neutral offender over one year:
//
//	E[C] = p·(F + R + φ·Π + v·S)     expected cost per victim-year
//	D    = E[C] / π                  deterrence ratio; inverted when D > 1
//	F*   = π/p − (R + φ·Π + v·S)     fine needed at today's certainty
//	p*   = π / (F + R + φ·Π + v·S)   certainty needed at today's penalties
//
// and, for a whole chain, the break-even expected penalty per conviction
// Π_tot/N. Every quantity is a range (low, central, high) and every figure
// carries the inputs it was computed from. See [Describe] for the formulas and
// caveats as returned by the API.
//
// The package is pure: standard library only, no database, no HTTP. Its
// results are plain structs with JSON tags that the API can return as they
// are; no Inf or NaN ever appears in them (JSON cannot carry either), a figure
// that cannot be computed is nil and its reason is given instead.
package economics
