// Package synth makes the synthetic knowledge base that the benchmark loads and writes: chains,
// stages, tags, and tactic text of realistic length. The orchestrator (bulk load) and the load
// generator (create and patch bodies) share it, so that written tactics look like loaded ones.
package synth

//go:generate go run ./vocabgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
	// clauses are what a tactic's mechanism and evidence say (detail.go); they are not searched.
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

// The searched text (titles, summaries, descriptions) is words drawn from the seed's tactics
// (vocab, made by vocabgen), each with a weight chosen so that it ends up in about as large a
// share of synthetic tactics as of the seed's: a word in a share f of the seed's tactics is
// drawn with weight -ln(1-f), and a tactic gets about as many fresh draws as the weights add up
// to (about 100), so that the chance it holds the word at least once, 1-e^(-weight), is f. The
// rest of a summary's or description's words (about 40 %) repeat a word drawn fresh for the same
// text, as real text repeats its topic's words (the seed's tactics, too: about a third of their
// words are repeats); titles repeat nothing.
// The seed's vocabulary is Zipf-like: "and" is in 99 % of its tactics, "trafficking" in 38 %, a
// typical content word in 3-15 %, most words in one tactic or two. Drawn independently, words
// do not cluster by topic as in real text, so two words co-occur less often than in the seed;
// the search scenarios say which words they use and in how many tactics those are.
type seedWord struct {
	word string
	df   int // tactics of the seed that hold it
}

// cumWeight[i] is the sum of the weights of vocab[:i+1]; repeatShare is the chance that a word
// after a text's first repeats one of the text's earlier words rather than being drawn.
var cumWeight, repeatShare = func() ([]float64, float64) {
	cum := make([]float64, len(vocab))
	total, chars := 0.0, 0.0
	for i, w := range vocab {
		weight := -math.Log(1 - float64(w.df)/float64(seedTactics+1))
		total += weight
		chars += weight * float64(len(w.word)+1)
		cum[i] = total
	}
	// A tactic's three texts come to about tacticChars characters: words of chars/total
	// characters on average (with the space), of which total are to be fresh draws.
	words := tacticChars / (chars / total)
	return cum, max(0, 1-total/words)
}()

// tacticChars is the length of a tactic's title, summary and description together, about.
const tacticChars = 1150

// drawWord draws a word by the weights.
func drawWord(r *rand.Rand) string {
	x := r.Float64() * cumWeight[len(cumWeight)-1]
	i, _ := slices.BinarySearch(cumWeight, x)
	return vocab[min(i, len(vocab)-1)].word
}

// text is the words drawn fresh for one text so far.
type text []string

// next returns the text's next word: with repeats, sometimes a repeat of one of the words
// drawn fresh for the text before (never the word just written), else a fresh draw.
func (t *text) next(r *rand.Rand, repeats bool, last string) string {
	if repeats && len(*t) > 1 && r.Float64() < repeatShare {
		if w := (*t)[r.IntN(len(*t))]; w != last {
			return w
		}
	}
	w := drawWord(r)
	*t = append(*t, w)
	return w
}

// Title returns a title of about 60 characters; withQ puts QWord in it (vocab never holds it).
func Title(r *rand.Rand, withQ bool) string {
	var b strings.Builder
	var t text
	b.WriteString(capitalized(t.next(r, false, "")))
	for i := 1; b.Len() < 55; i++ {
		if withQ && i == 3 {
			b.WriteString(" " + QWord)
			continue
		}
		b.WriteString(" " + t.next(r, false, ""))
	}
	return b.String()
}

// Summary returns a summary of about 200 characters.
func Summary(r *rand.Rand) string { return sentences(r, 200) }

// Description returns a description of about 800 characters.
func Description(r *rand.Rand) string { return sentences(r, 800) }

// sentences returns sentences of 6-20 drawn words until the text is about length characters.
func sentences(r *rand.Rand, length int) string {
	var b strings.Builder
	var t text
	last := ""
	for b.Len() < length {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		last = t.next(r, true, last)
		b.WriteString(capitalized(last))
		for range 5 + r.IntN(15) {
			last = t.next(r, true, last)
			b.WriteString(" " + last)
		}
		b.WriteByte('.')
	}
	return b.String()
}

func capitalized(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[n:]
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
