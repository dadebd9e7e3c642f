package model

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the two helpers that make messages friendly: folding,
// so that "zorg en gezondheid" matches "Zorg en Gezondheid" and "financien"
// matches "financiën", and the did-you-mean suggestion for an unknown id.

// accentFold maps the precomposed accented letters of Latin-1 Supplement
// (U+00C0..U+00FF) and Latin Extended-A (U+0100..U+017F) to their base
// letters, in lower case. The standard library has no Unicode
// decomposition (NFD); this table covers the letters of the Western and
// Central European languages our events are written in. Letters that are
// not an accented form (ß, æ, œ, ø, đ, ł, þ, ŋ, ĳ) map to their usual
// ASCII spelling. Combining marks (for text that arrives already
// decomposed) are dropped separately, by foldKey.
var accentFold = map[rune]string{}

func init() {
	// Each group lists the letters that fold to the same base; upper and
	// lower case are both given, since the table is consulted before
	// lower-casing.
	groups := map[string]string{
		"a":  "ÀÁÂÃÄÅàáâãäåĀāĂăĄą",
		"c":  "ÇçĆćĈĉĊċČč",
		"d":  "ĎďĐđ",
		"e":  "ÈÉÊËèéêëĒēĔĕĖėĘęĚě",
		"g":  "ĜĝĞğĠġĢģ",
		"h":  "ĤĥĦħ",
		"i":  "ÌÍÎÏìíîïĨĩĪīĬĭĮįİı",
		"j":  "Ĵĵ",
		"k":  "Ķķĸ",
		"l":  "ĹĺĻļĽľĿŀŁł",
		"n":  "ÑñŃńŅņŇňŉŊŋ",
		"o":  "ÒÓÔÕÖØòóôõöøŌōŎŏŐő",
		"r":  "ŔŕŖŗŘř",
		"s":  "ŚśŜŝŞşŠšſ",
		"t":  "ŢţŤťŦŧ",
		"u":  "ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲų",
		"w":  "Ŵŵ",
		"y":  "ÝýÿŶŷŸ",
		"z":  "ŹźŻżŽž",
		"ae": "Ææ",
		"oe": "Œœ",
		"ss": "ß",
		"th": "Þþ",
		"ij": "Ĳĳ",
	}
	for base, letters := range groups {
		for _, r := range letters {
			accentFold[r] = base
		}
	}
}

// foldKey returns s in the form used to compare names: accents removed
// (see accentFold), combining marks dropped, lower case, surrounding
// space trimmed and inner runs of white space reduced to one space.
// Two names match when their keys are equal.
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.Is(unicode.Mn, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if f, ok := accentFold[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// candidate is one known name a suggestion may point to: Key is compared
// with what the user wrote, Show is what the message proposes (a theme's
// name, say, when the user writes names).
type candidate struct{ Key, Show string }

// maxSuggestRunes bounds the strings the edit distance is computed on, so
// that a hostile input cannot make a message cost quadratic time in its
// length.
const maxSuggestRunes = 64

// closest returns the candidate most like s, or "" when none is close
// enough to be a plausible typo. Comparison is on folded keys (case and
// accents ignored). A candidate is close when its Levenshtein distance to s
// is at most a third of the longer length (and at least 1), or when one
// contains the other and the shorter has 4 runes or more. Ties go to the
// earlier candidate, so the answer is deterministic.
func closest(s string, cands []candidate) string {
	k := foldKey(s)
	if k == "" || utf8.RuneCountInString(k) > maxSuggestRunes {
		return ""
	}
	best, bestScore := "", -1
	for _, c := range cands {
		ck := foldKey(c.Key)
		if ck == "" || c.Show == s || utf8.RuneCountInString(ck) > maxSuggestRunes {
			continue
		}
		score := -1
		switch {
		case ck == k:
			score = 0
		case (len(k) >= 4 && strings.Contains(ck, k)) || (len(ck) >= 4 && strings.Contains(k, ck)):
			score = 1
		default:
			d := editDistance(k, ck)
			limit := max(utf8.RuneCountInString(k), utf8.RuneCountInString(ck)) / 3
			if d <= max(limit, 1) {
				score = d
			}
		}
		if score >= 0 && (bestScore < 0 || score < bestScore) {
			best, bestScore = c.Show, score
		}
	}
	return best
}

// didYouMean returns ` (did you mean "x"?)` for the closest candidate,
// or "" when there is none.
func didYouMean(s string, cands []candidate) string {
	if c := closest(s, cands); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// idCandidates lists ids as candidates that show themselves.
func idCandidates(ids []string) []candidate {
	out := make([]candidate, 0, len(ids))
	for _, id := range ids {
		out = append(out, candidate{Key: id, Show: id})
	}
	return out
}

// editDistance is the Levenshtein distance between a and b in runes, in
// O(|a|·|b|) time and O(|b|) space.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	row := make([]int, len(rb)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			next := min(row[j]+1, row[j-1]+1, diag+cost)
			diag = row[j]
			row[j] = next
		}
	}
	return row[len(rb)]
}
