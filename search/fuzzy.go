package search

import (
	"strings"
	"unicode/utf8"
)

// editDistanceWithin reports whether the Levenshtein distance between a and b, in
// characters, is at most k: the measure bleve's fuzzy queries use.
func editDistanceWithin(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= k
}

// suggestion is the query with each word a fuzzy retry matched inexactly replaced by
// the word the top hits hold most often in its place (mesenchymall → mesenchymal).
func suggestion(queryText string, c *compiled, texts []string) string {
	out := queryText
	for i, u := range c.units {
		if u.fuzzy == 0 {
			continue
		}
		h := c.hl.only(i)
		counts := map[string]int{}
		best := ""
		for _, text := range texts {
			for _, s := range h.unitSpans(text) {
				w := strings.ToLower(text[s.start:s.end])
				counts[w]++
				if best == "" || counts[w] > counts[best] {
					best = w
				}
			}
		}
		if best == "" || strings.EqualFold(best, u.text) {
			continue
		}
		if strings.Contains(out, u.text) {
			out = strings.Replace(out, u.text, best, 1)
		} else if utf8.ValidString(best) {
			out += " " + best
		}
	}
	if out == queryText {
		return ""
	}
	return out
}
