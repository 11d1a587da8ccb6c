// Package synth makes the synthetic knowledge base that the benchmark loads and writes: chains,
// stages, tags, and tactic text of realistic length. The orchestrator (bulk load) and the load
// generator (create and patch bodies) share it, so that written tactics look like loaded ones.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"chainkb/models"
)

// QWord is the word the `q` scenario searches for. It appears in about QShare of titles and in
// no summary or description, so the expected matches are known and the search has to read past
// non-matching rows, as a real search does.
const (
	QWord  = "microfinance"
	QShare = 0.02
)

// RecommendedShare is the share of tactics that say what should be done (kind "recommended"),
// ConditionShare that of states of the world that explain why efforts fall short (kind
// "condition"); the rest are efforts deployed today (kind "current").
const (
	RecommendedShare = 0.6
	ConditionShare   = 0.1
)

// Kind draws a tactic's kind by the shares above, with one draw.
func Kind(r *rand.Rand) string {
	switch x := r.Float64(); {
	case x < RecommendedShare:
		return models.KindRecommended
	case x < RecommendedShare+ConditionShare:
		return models.KindCondition
	}
	return models.KindCurrent
}

// Chain is a synthetic business chain. Weight is its share of all tactics: the first chain holds
// the largest share, so that its table is as large as a table gets.
type Chain struct {
	Slug, Name string
	Weight     float64
}

// Chains are the weighted chains of every dataset; the weights add up to 1.
var Chains = []Chain{
	{"sex-trafficking", "Sex trafficking", 0.40},
	{"forced-labour", "Forced labour", 0.20},
	{"domestic-servitude", "Domestic servitude", 0.15},
	{"debt-bondage", "Debt bondage", 0.15},
	{"forced-begging", "Forced begging", 0.10},
}

// SmallChain holds SmallChainTactics tactics whatever the size of the dataset: a chain the size of
// the seed's, whose table is what a dashboard renders on every page view. Its table's cost must
// not grow with the rest of the knowledge base.
var SmallChain = Chain{Slug: "forced-marriage", Name: "Forced marriage"}

// SmallChainTactics is the number of tactics of SmallChain (fewer in a dataset smaller than 5×).
const SmallChainTactics = 40

// Stage is one of the four links each chain has, in position order.
type Stage struct {
	Slug, Name, Actor, Side string
}

// Stages are the links of every chain, as in Kara's analysis.
var Stages = []Stage{
	{"product", "Product", "The victim", "supply"},
	{"wholesaler", "Wholesaler", "The trafficker: recruiter and transporter", "supply"},
	{"retailer", "Retailer", "The exploiter: venue or slave owner", "demand"},
	{"consumer", "Consumer", "The buyer of the exploitation", "demand"},
}

// Tag is a tag of the dataset.
type Tag struct {
	Slug, Name, Group string
}

// Horizon, lever and function tags. A recommended tactic carries exactly one horizon tag, a current
// one none (the README's convention); both carry lever and function tags.
var (
	HorizonTags = []Tag{
		{"short-term", "Short term", "horizon"},
		{"long-term", "Long term", "horizon"},
	}
	OtherTags = []Tag{
		{"raise-exploiter-risk", "Raise the exploiter's risk", "lever"},
		{"cut-trafficker-profit", "Cut the trafficker's profit", "lever"},
		{"reduce-demand", "Reduce demand", "lever"},
		{"reduce-vulnerability", "Reduce vulnerability", "lever"},
		{"raise-transport-cost", "Raise transport cost", "lever"},
		{"disrupt-financing", "Disrupt financing", "lever"},
		{"prevention", "Prevention", "function"},
		{"protection", "Protection", "function"},
		{"prosecution", "Prosecution", "function"},
		{"partnership", "Partnership", "function"},
	}
)

var (
	verbs = []string{"Fund", "Train", "Audit", "Inspect", "Prosecute", "Register", "Monitor",
		"Shelter", "License", "Publicise", "Seize", "Screen", "Certify", "Map", "Support"}
	adjectives = []string{"local", "regional", "cross-border", "rural", "urban", "independent",
		"mobile", "community", "specialised", "joint", "early", "long-lived", "targeted"}
	nouns = []string{"labour inspectors", "shelters", "recruitment agencies", "border posts",
		"hotlines", "venues", "brokers", "financial flows", "supply chains", "police units",
		"caseworkers", "schools", "clinics", "courts", "employers", "landlords", "transport firms"}
	places = []string{"in source villages", "along transit routes", "in destination cities",
		"at ports of entry", "near worksites", "across the region", "in informal markets"}
	clauses = []string{
		"raises the expected cost of exploitation above its expected profit",
		"shortens the time victims spend under the control of an exploiter",
		"gives survivors a safe way to leave and to testify",
		"makes recruitment by deception harder to hide",
		"lets partners share what they see without exposing victims",
		"moves resources to where the chain is weakest",
		"has been tried in several countries with measurable results",
		"needs a lasting budget and trained staff to work",
		"depends on trust between communities and the authorities",
		"reduces the pool of people that traffickers can recruit",
	}
	authors = []string{"Kara, S.", "Bales, K.", "Shelley, L.", "Zimmerman, C.", "Cockbain, E.", "Gallagher, A."}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// Title returns a title of about 60 characters; withQ puts QWord in it.
func Title(r *rand.Rand, withQ bool) string {
	var b strings.Builder
	b.WriteString(pick(r, verbs))
	b.WriteString(" " + pick(r, adjectives) + " " + pick(r, nouns))
	if withQ {
		b.WriteString(" with " + QWord)
	}
	for b.Len() < 55 {
		b.WriteString(" " + pick(r, places))
	}
	return b.String()
}

// Summary returns a summary of about 200 characters.
func Summary(r *rand.Rand) string { return sentences(r, 200) }

// Description returns a description of about 800 characters.
func Description(r *rand.Rand) string { return sentences(r, 800) }

func sentences(r *rand.Rand, length int) string {
	var b strings.Builder
	for b.Len() < length {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s %s %s %s.", pick(r, verbs), pick(r, adjectives), pick(r, nouns), pick(r, clauses))
	}
	return b.String()
}

// TacticTags returns the tag slugs of a tactic of the given kind: for a recommended tactic its
// horizon tag first (short-term or long-term, evenly), then 0-3 other tags; for a current one 1-3
// other tags. Every tactic has 1-4 tags and at most one horizon tag.
func TacticTags(r *rand.Rand, recommended bool) []string {
	var slugs []string
	others := 1 + r.IntN(3)
	if recommended {
		slugs = append(slugs, HorizonTags[r.IntN(len(HorizonTags))].Slug)
		others = r.IntN(4)
	}
	for _, i := range r.Perm(len(OtherTags))[:others] {
		slugs = append(slugs, OtherTags[i].Slug)
	}
	return slugs
}
