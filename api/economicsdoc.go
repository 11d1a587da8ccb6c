package api

import (
	"net/http"

	"chainkb/handlers"
	"chainkb/internal/apidoc"
)

// economicsDoc describes GET /chains/{id}/economics. It is here, not beside its handler, only
// while handlers/economics.go is being rewritten: its text is the annotations of that file as they
// were, and it moves there as handlers.ChainEconomicsDoc when the rewrite is merged.
var economicsDoc = apidoc.Op{
	ID: "getChainEconomics", Tag: "chains", Summary: "The risk-reward model of a chain",
	Description: "For each stage of the chain, from the parameters in force (the requested country's before `global`; a stage's own before the whole chain's; the latest period, up to `year` if given): profit π, certainty p, the expected cost E[C] = p·(F + R + φ·Π + v·S), the deterrence ratio D = E[C]/π and whether the link is inverted (D > 1), the fine needed at today's certainty F* = π/p − (R + φ·Π + v·S), the certainty needed at today's penalties p* = π/(F + R + φ·Π + v·S), and the lifetime form with T and A; for the whole chain, the break-even penalty per conviction Π_tot/N. Every figure is a range (low, central, high) and lists its inputs with their parameter and sources; a figure that cannot be computed is null and `unavailable` says why (p = 0 gives D = 0 and F* null). A parameter without a central value counts at the midpoint of its range, as the assumptions say. Amounts in another currency than the stage's profit are not used.\n\nScenarios: `set.<symbol>=value` (or `low,central,high`) replaces a value, `apply=CODE,CODE` applies the `acts_on` effects of published tactics (the size is read from the effect sentence: ×2, 3×, +50%, -30%; an effect without a size moves nothing and is noted). The answer then holds baseline, scenario and delta for each stage and for the whole chain. Nothing is written; anyone may call it. Answers without a scenario are cached until the knowledge base changes.",
	Params: []apidoc.Param{
		{In: apidoc.InPath, Name: "id", Description: "Chain id or slug", Example: "sex-trafficking"},
		{In: apidoc.InQuery, Name: "geo", Description: "ISO 3166-1 alpha-2 country code, or global (the default); global figures fill in what the country lacks", Example: "IN"},
		{In: apidoc.InQuery, Name: "year", Type: "integer", Description: "Use the latest figures whose period starts by this year; the latest of all by default", Min: apidoc.Num(1000), Max: apidoc.Num(9999), Example: 2009},
		{In: apidoc.InQuery, Name: "set.p_conviction", Description: "Scenario: replace a symbol's value with a number, or low,central,high; any symbol of the model may be set this way (set.fine, set.confiscation_rate, ...). A probability is in [0, 1] (1% is 0.01), an amount is 0 or more", Example: "0.01"},
		{In: apidoc.InQuery, Name: "apply", Description: "Scenario: comma-separated codes of published tactics whose acts_on effects to apply, in order", Example: "ST-R-R01"},
		apidoc.IfNoneMatch,
	},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "The model of the chain", Body: handlers.ChainEconomics{}, Headers: map[string]string{"ETag": "Hash of the answer's content"}},
		apidoc.NotModified,
		{Status: http.StatusBadRequest, Description: "Malformed id, or a bad query parameter, named in errors (code bad_query): an unknown parameter, a bad geo or year, set.<symbol> with an unknown symbol, a value that is not a finite number, a probability outside [0, 1] or a negative amount, or apply with an unknown tactic code"},
		{Status: http.StatusNotFound, Description: "No such chain"},
	},
}
