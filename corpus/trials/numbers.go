package trials

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// numberWords are the English numbers a count of participants is spelt with; tens
// combine with units ("thirty-five").
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
	"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
	"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
	"eighty": 80, "ninety": 90,
}

const numberWord = `(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen`

var (
	// "five patients", "Thirty-five patients with", "10 participants", "five adult RDEB
	// patients": a number, at most three other words, a word for people. "3 of 5
	// patients" is a part of a group, not its size (countOf skips it).
	enrolledPeople = regexp.MustCompile(`(?i)\b(\d{1,3}(?:,\d{3})*|` + numberWord + `)\s+(?:([a-z0-9-]+)\s+){0,3}?` +
		`(?:patients?|participants?|subjects|volunteers|individuals|people|infants|neonates|newborns|children|adults|men|women|cases)\b`)
	// "n = 24", "(n=3)".
	enrolledN = regexp.MustCompile(`\b[nN]\s*=\s*(\d{1,3}(?:,\d{3})*)\b`)
	// "5 名", "5例", "患者 5 人", "共 24 例".
	enrolledCJK = regexp.MustCompile(`(\d{1,3}(?:,\d{3})*)\s*(?:名|例|人)`)
)

// notPeopleWords may not stand between a number and the people it counts: "12 weeks
// after ... patients" counts weeks.
var notPeopleWords = []string{"of", "to", "and", "or", "per", "weeks", "week", "days", "day", "months", "month",
	"years", "year", "doses", "dose", "times", "cells", "mg", "ml", "hours", "sites", "centers", "centres"}

// enrollment returns the number of participants the nearest of texts gives: a count
// of people ("five patients", "5 名") in any of them first, else "n = N", which may
// count one arm only. 0 when none gives any.
func enrollment(texts ...string) int {
	for _, t := range texts {
		if n := countOfPeople(t); n > 0 {
			return n
		}
	}
	for _, t := range texts {
		for _, m := range enrolledN.FindAllStringSubmatchIndex(t, -1) {
			if n := parseCount(t[m[2]:m[3]]); n > 0 {
				return n
			}
		}
	}
	return 0
}

// countOfPeople returns the first count of people in text, 0 if there is none.
func countOfPeople(text string) int {
	for _, m := range enrolledPeople.FindAllStringSubmatchIndex(text, -1) {
		if partOfGroup(text[:m[0]]) {
			continue
		}
		between := strings.Fields(strings.ToLower(text[m[3]:m[1]]))
		if slices.ContainsFunc(between[:max(0, len(between)-1)], func(w string) bool { return slices.Contains(notPeopleWords, w) }) {
			continue
		}
		if n := parseCount(text[m[2]:m[3]]); n > 0 {
			return n
		}
	}
	for _, m := range enrolledCJK.FindAllStringSubmatchIndex(text, -1) {
		if n := parseCount(text[m[2]:m[3]]); n > 0 {
			return n
		}
	}
	return 0
}

// partOfGroup reports whether the text before a count makes it part of a group: "two
// of five patients" does not say how many were enrolled. (In "3 of 5 patients" the "of"
// between the number and the people rules the 3 out.)
func partOfGroup(before string) bool {
	t := " " + strings.ToLower(strings.TrimRight(before, " "))
	return strings.HasSuffix(t, " of") || strings.HasSuffix(t, " among")
}

// parseCount reads "24", "1,200" or an English number word.
func parseCount(s string) int {
	s = strings.ToLower(strings.ReplaceAll(s, ",", ""))
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	n := 0
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == ' ' }) {
		v, ok := numberWords[w]
		if !ok {
			return 0
		}
		n += v
	}
	return n
}

// digits finds runs of digits; years keeps those that are years.
var digits = regexp.MustCompile(`[0-9]+`)

// Years a trial can have: earlier or later four-digit numbers are something else.
const (
	firstYear = 1980
	lastYear  = 2049
)

// years returns the years text gives, sorted, without duplicates: four digits
// standing alone ("2018–2023", "2020年"), not inside a code ("CL2020"), a decimal
// number or an EudraCT number ("2015-001234-56").
func years(text string) []int {
	var out []int
	runs := digits.FindAllStringIndex(text, -1)
	for i, m := range runs {
		if m[1]-m[0] != 4 || m[0] > 0 && (isASCIILetter(text[m[0]-1]) || text[m[0]-1] == '.') ||
			m[1] < len(text) && isASCIILetter(text[m[1]]) {
			continue
		}
		if i+1 < len(runs) && runs[i+1][0] == m[1]+1 && text[m[1]] == '-' && runs[i+1][1]-runs[i+1][0] != 4 {
			continue
		}
		if n, _ := strconv.Atoi(text[m[0]:m[1]]); firstYear <= n && n <= lastYear {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
