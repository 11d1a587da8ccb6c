// Package search parses the query language of chainkb's full-text search into a small syntax
// tree and renders it for each engine: an FTS5 MATCH expression for SQLite and a to_tsquery
// expression for PostgreSQL. Parsing here, rather than handing the user's text to the engine,
// is what makes a malformed query a 400 that says what is wrong on both engines alike, and never
// a database error.
//
// The language:
//
//	debt bondage        both words (every word must match, in any order or field)
//	"debt bondage"      the exact phrase
//	confiscat*          a word that starts with confiscat
//	-brothel            excludes anything with the word
//	raid OR inspection  either side; OR binds looser than the implicit AND
//
// Words are letters and digits; anything else separates words, so "tax_records" is the phrase
// "tax records". Matching folds case and diacritics and stems English words (prosecute finds
// prosecution), in the engines' tokenizers.
package search

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// MaxLength is the longest query, in characters.
const MaxLength = 200

// Query is a parsed query: alternatives joined by OR, each a conjunction of terms.
type Query struct {
	// Any holds the alternatives; a document matches if it matches any of them.
	Any []Conjunction
}

// Conjunction is a list of terms that must all hold.
type Conjunction []Term

// Term is a word, a prefix or a phrase, possibly negated.
type Term struct {
	// Words are the term's words, lower-cased: one for a word or prefix, one or more for a phrase.
	Words []string
	// Prefix is set for word*: the last word matches any word that starts with it.
	Prefix bool
	// Not is set for -term: a document that matches the term is excluded.
	Not bool
}

// Error is a malformed query: Message says what is wrong, for the client.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

func errorf(format string, args ...any) error { return &Error{Message: fmt.Sprintf(format, args...)} }

// Parse reads a query. A malformed one is an *Error: empty, an unclosed quote, a lone - or *, a *
// that does not end a word, a dangling OR, a term with no letters or digits, or an alternative
// with nothing but exclusions.
func Parse(s string) (*Query, error) {
	if len([]rune(s)) > MaxLength {
		return nil, errorf("is longer than %d characters", MaxLength)
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, errorf("is empty; give at least one word to find")
	}
	q := &Query{}
	var cur Conjunction
	closeAlt := func(where string) error {
		if len(cur) == 0 {
			return errorf("OR needs a term on each side (%s)", where)
		}
		positive := false
		for _, t := range cur {
			positive = positive || !t.Not
		}
		if !positive {
			return errorf("has only excluded terms; add at least one word to find (e.g. trafficking -brothel)")
		}
		q.Any = append(q.Any, cur)
		cur = nil
		return nil
	}
	for i, t := range toks {
		if t.or {
			where := "between two terms"
			if i == 0 {
				where = "nothing before it"
			}
			if err := closeAlt(where); err != nil {
				return nil, err
			}
			continue
		}
		cur = append(cur, t.term)
	}
	if err := closeAlt("nothing after it"); err != nil {
		return nil, err
	}
	return q, nil
}

type token struct {
	or   bool
	term Term
}

// lex splits s into terms and OR keywords.
func lex(s string) ([]token, error) {
	var toks []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		not := false
		if r == '-' {
			if i+1 == len(rs) || unicode.IsSpace(rs[i+1]) {
				return nil, errorf("has a lone '-'; put it right before the word to exclude (e.g. -brothel)")
			}
			not = true
			i++
			r = rs[i]
		}
		if r == '"' {
			end := i + 1
			for end < len(rs) && rs[end] != '"' {
				end++
			}
			if end == len(rs) {
				return nil, errorf("has an unclosed '\"'; close the phrase with a second '\"'")
			}
			words := split(string(rs[i+1 : end]))
			if len(words) == 0 {
				return nil, errorf("has a phrase with no letters or digits in it")
			}
			toks = append(toks, token{term: Term{Words: words, Not: not}})
			i = end + 1
			continue
		}
		end := i
		for end < len(rs) && !unicode.IsSpace(rs[end]) && rs[end] != '"' {
			end++
		}
		raw := string(rs[i:end])
		i = end
		if raw == "OR" && !not {
			toks = append(toks, token{or: true})
			continue
		}
		prefix := strings.HasSuffix(raw, "*")
		body := strings.TrimSuffix(raw, "*")
		if strings.Contains(body, "*") || (prefix && body == "") {
			if raw == "*" {
				return nil, errorf("has a lone '*'; put it right after the start of a word (e.g. confiscat*)")
			}
			return nil, errorf("has a '*' in %q; '*' may only end a word (e.g. confiscat*)", raw)
		}
		words := split(body)
		if len(words) == 0 {
			return nil, errorf("has %q, which has no letters or digits to find", raw)
		}
		if prefix && !isWordRune(lastRune(body)) {
			return nil, errorf("has a '*' in %q; '*' may only end a word (e.g. confiscat*)", raw)
		}
		toks = append(toks, token{term: Term{Words: words, Prefix: prefix, Not: not}})
	}
	return toks, nil
}

func lastRune(s string) rune {
	rs := []rune(s)
	return rs[len(rs)-1]
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// split returns the words of s, lower-cased: runs of letters and digits (with their combining
// marks). A run of marks alone is no word: the engines would fold it away to nothing.
func split(s string) []string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isWordRune(r) })
	return slices.DeleteFunc(words, func(w string) bool {
		return !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
	})
}

// prefixForms are the word lists a prefix term is matched as. The indexes hold stems, and a
// stem can be shorter than what the user typed (confiscation is indexed as "confisc", so the
// prefix confiscat would miss it): a prefix of seven letters or more is also tried without its
// last two, which covers the common English endings (-ation, -ing, -ed) on both engines alike.
func (t Term) prefixForms() [][]string {
	forms := [][]string{t.Words}
	last := []rune(t.Words[len(t.Words)-1])
	if len(last) >= 7 {
		short := slices.Clone(t.Words)
		short[len(short)-1] = string(last[:len(last)-2])
		forms = append(forms, short)
	}
	return forms
}

// FTS5 renders q as an FTS5 MATCH expression. Every word is quoted, so no word of the user's is
// ever read as FTS5 syntax; the tokenizer then folds and stems it as it does the indexed text.
func (q *Query) FTS5() string {
	alts := make([]string, len(q.Any))
	for i, c := range q.Any {
		var pos, neg []string
		for _, t := range c {
			s := `"` + strings.Join(t.Words, " ") + `"`
			if t.Prefix {
				var forms []string
				for _, f := range t.prefixForms() {
					forms = append(forms, `"`+strings.Join(f, " ")+`" *`)
				}
				s = strings.Join(forms, " OR ")
				if len(forms) > 1 {
					s = "(" + s + ")"
				}
			}
			if t.Not {
				neg = append(neg, s)
			} else {
				pos = append(pos, s)
			}
		}
		s := strings.Join(pos, " AND ")
		if len(pos) > 1 || len(neg) > 0 {
			s = "(" + s + ")"
		}
		for _, n := range neg {
			s = "(" + s + " NOT " + n + ")"
		}
		alts[i] = s
	}
	return strings.Join(alts, " OR ")
}

// TSQuery renders q for PostgreSQL's to_tsquery: every word quoted, phrases joined by <->, a
// prefix marked :*, exclusions with !. The text search configuration folds and stems each word.
func (q *Query) TSQuery() string {
	alts := make([]string, len(q.Any))
	for i, c := range q.Any {
		parts := make([]string, len(c))
		for j, t := range c {
			forms := [][]string{t.Words}
			if t.Prefix {
				forms = t.prefixForms()
			}
			alt := make([]string, len(forms))
			for f, words := range forms {
				ws := make([]string, len(words))
				for k, w := range words {
					ws[k] = "'" + w + "'"
				}
				if t.Prefix {
					ws[len(ws)-1] += ":*"
				}
				alt[f] = strings.Join(ws, " <-> ")
				if len(ws) > 1 {
					alt[f] = "(" + alt[f] + ")"
				}
			}
			s := strings.Join(alt, " | ")
			if len(alt) > 1 {
				s = "(" + s + ")"
			}
			if t.Not {
				s = "!" + s
			}
			parts[j] = s
		}
		alts[i] = "(" + strings.Join(parts, " & ") + ")"
	}
	return strings.Join(alts, " | ")
}

// String renders q back in the query language, canonically: what a cursor is tied to.
func (q *Query) String() string {
	alts := make([]string, len(q.Any))
	for i, c := range q.Any {
		parts := make([]string, len(c))
		for j, t := range c {
			s := strings.Join(t.Words, " ")
			if len(t.Words) > 1 {
				s = `"` + s + `"`
			}
			if t.Prefix {
				s += "*"
			}
			if t.Not {
				s = "-" + s
			}
			parts[j] = s
		}
		alts[i] = strings.Join(parts, " ")
	}
	return strings.Join(alts, " OR ")
}
