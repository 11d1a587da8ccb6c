// Package economics computes chainkb's risk-reward model: for each link of an
// exploitation chain, whether exploitation pays at today's enforcement, what
// it would take to invert it, and which lever would move it most.
//
// The model is the Becker deterrence condition applied per link, for a
// risk-neutral offender over one year, with p the conviction rate per
// victim-year (N/V) and K the penalty a conviction brings:
//
//	K    = F + R + φ·k·π + v·S        recorded penalty per conviction (v = k·π)
//	E[C] = p·K + ψ·π                  expected penalty per victim-year
//	D    = E[C] / π                   deterrence ratio; exploitation stops paying when D > 1
//	K*   = π·(1 − ψ) / p              penalty needed per conviction
//	p*   = π·(1 − ψ) / K              certainty needed at the recorded penalties
//
// A penalty component with no data is never counted as zero: E[C] is then a
// lower bound and the verdict says which components are missing. The victim,
// recruiter and consumer links compute what applies to them instead (value
// extracted, margin, the buyer's effective price). Every quantity is a range
// (low, central, high) with its inputs' provenance; see [Describe] for the
// formulas and caveats as the API returns them.
//
// The package is pure: standard library only, no database, no HTTP. Its
// results are plain structs with JSON tags that the API returns as they are;
// no Inf or NaN ever appears in them, and a figure that cannot be computed is
// nil with its reason.
package economics
