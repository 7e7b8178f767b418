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

// peopleWords are the words a count of participants counts.
var peopleWords = map[string]bool{
	"patient": true, "patients": true, "participant": true, "participants": true, "subjects": true,
	"volunteers": true, "individuals": true, "people": true, "infants": true, "neonates": true,
	"newborns": true, "children": true, "adults": true, "men": true, "women": true, "cases": true,
}

// notPeopleWords may not stand between a number and the people it counts: "12 weeks
// after the patients" counts weeks.
var notPeopleWords = map[string]bool{
	"of": true, "to": true, "and": true, "or": true, "per": true, "weeks": true, "week": true, "days": true,
	"day": true, "months": true, "month": true, "years": true, "year": true, "doses": true, "dose": true,
	"times": true, "cells": true, "mg": true, "ml": true, "hours": true, "sites": true, "centers": true, "centres": true,
}

// notCountBefore are words after which a number is not a count: "3 of 5 patients",
// "phase 2 patients", "grade 3 patients".
var notCountBefore = map[string]bool{
	"of": true, "among": true, "than": true, "phase": true, "grade": true, "type": true, "stage": true,
	"day": true, "week": true, "month": true, "year": true, "cohort": true, "arm": true, "group": true, "level": true,
}

// People are counted at most this many words before the word for them: "five adult
// RDEB patients".
const maxWordsBeforePeople = 4

var (
	// "n = 24", "(n=3)".
	enrolledN = regexp.MustCompile(`\b[nN]\s*=\s*(\d{1,3}(?:,\d{3})*)\b`)
	// "5 名", "5例", "患者 5 人", "共 24 例".
	enrolledCJK = regexp.MustCompile(`(\d{1,3}(?:,\d{3})*)\s*(?:名|例|人)`)
)

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
	words := latinWords(text)
	for i, w := range words {
		if !peopleWords[w] {
			continue
		}
		for j := i - 1; j >= max(0, i-maxWordsBeforePeople); j-- {
			n := parseCount(words[j])
			if n == 0 {
				if notPeopleWords[words[j]] {
					break
				}
				continue
			}
			if j > 0 && numberWords[words[j-1]] >= 20 && n < 10 { // "thirty five"
				n += numberWords[words[j-1]]
				j--
			}
			if j > 0 && notCountBefore[words[j-1]] {
				break
			}
			return n
		}
	}
	if strings.ContainsAny(text, "名例人") {
		for _, m := range enrolledCJK.FindAllStringSubmatchIndex(text, -1) {
			if n := parseCount(text[m[2]:m[3]]); n > 0 {
				return n
			}
		}
	}
	return 0
}

// latinWords returns the words of text in lower case: runs of ASCII letters, digits
// and dashes, and commas between digits ("1,200").
func latinWords(text string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(text); i++ {
		in := i < len(text) && (isASCIIWordByte(text[i]) || text[i] == '-' ||
			text[i] == ',' && i > 0 && isDigit(text[i-1]) && i+1 < len(text) && isDigit(text[i+1]))
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			if w := strings.Trim(text[start:i], "-"); w != "" {
				out = append(out, strings.ToLower(w))
			}
			start = -1
		}
	}
	return out
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

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
