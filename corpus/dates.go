package corpus

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// maxCitation is the longest line, in bytes, read as a citation.
const maxCitation = 2000

var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// eras are the Japanese eras in use for dates, with the Gregorian year of their year 1.
var eras = map[string]int{"令和": 2019, "平成": 1989, "昭和": 1926}

const monthName = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

var (
	isoDate = regexp.MustCompile(`\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b`)
	mdyDate = regexp.MustCompile(`(?i)\b` + monthName + `\s+(\d{1,2}),?\s+(\d{4})\b`)
	dmyDate = regexp.MustCompile(`(?i)(?:^|[^0-9])(\d{1,2})(?:\s+|-)` + monthName + `(?:,?\s+|-)(\d{4})\b`)
	cjkDate = regexp.MustCompile(`(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?`)
	eraDate = regexp.MustCompile(`(令和|平成|昭和)(元|\d{1,2})年(\d{1,2})月(?:(\d{1,2})日)?`)
	// dateLabel and weekday are the words a dateline may hold besides the date
	// ("Published: Thursday, June 19, 2025", "2020年10月29日（木）"), after Fold.
	dateLabel  = regexp.MustCompile(`^(?:published|posted|date|updated|released|issued|発表日|発行日|日付|发布日期|发布时间|日期)(?:\s+on)?\s*:?\s*`)
	weekday    = regexp.MustCompile(`\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\([月火水木金土日]\)|(?:星期|周)[一二三四五六日天]`)
	monthRange = regexp.MustCompile(`(?i)\d{4}\s+[a-z]{3}-[a-z]{3}`)
)

// findDate returns the first plainly written calendar date of s as YYYY-MM-DD (or
// YYYY-MM when the day is not given): "Jun 19, 2025", "19 June 2025", "2025-06-19",
// "2025年6月19日", "令和2年10月29日". Full-width digits and spaced-out CJK dates are
// understood.
func findDate(s string) (string, bool) {
	f := Fold(s)
	compact := strings.Join(strings.Fields(f), "")
	if m := eraDate.FindStringSubmatch(compact); m != nil {
		y := 1
		if m[2] != "元" {
			y, _ = strconv.Atoi(m[2])
		}
		if y < 1 {
			return "", false
		}
		return ymd(eras[m[1]]+y-1, m[3], m[4])
	}
	if m := cjkDate.FindStringSubmatch(compact); m != nil {
		y, _ := strconv.Atoi(m[1])
		return ymd(y, m[2], m[3])
	}
	if m := isoDate.FindStringSubmatch(f); m != nil {
		y, _ := strconv.Atoi(m[1])
		return ymd(y, m[2], m[3])
	}
	if m := mdyDate.FindStringSubmatch(f); m != nil {
		y, _ := strconv.Atoi(m[3])
		return ymd(y, strconv.Itoa(months[m[1][:3]]), m[2])
	}
	if m := dmyDate.FindStringSubmatch(f); m != nil {
		y, _ := strconv.Atoi(m[3])
		return ymd(y, strconv.Itoa(months[m[2][:3]]), m[1])
	}
	return "", false
}

// ymd formats a date, checking that it exists; day may be empty.
func ymd(year int, month, day string) (string, bool) {
	m, err := strconv.Atoi(month)
	if err != nil || m < 1 || m > 12 || year < 1800 || year > 2200 {
		return "", false
	}
	if day == "" {
		return fmt.Sprintf("%04d-%02d", year, m), true
	}
	d, err := strconv.Atoi(day)
	if err != nil {
		return "", false
	}
	t := time.Date(year, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// dateLine reports whether s is nothing but a date (a dateline of a press release),
// and returns it.
func dateLine(s string) (string, bool) {
	if len(s) > 120 {
		return "", false
	}
	date, ok := findDate(s)
	if !ok || len([]rune(s)) > 60 {
		return "", false
	}
	rest := strings.Join(strings.Fields(Fold(s)), " ")
	for _, re := range []*regexp.Regexp{dateLabel, weekday, isoDate, mdyDate, dmyDate} {
		rest = re.ReplaceAllString(rest, "")
	}
	rest = strings.Join(strings.Fields(rest), "")
	rest = cjkDate.ReplaceAllString(eraDate.ReplaceAllString(rest, ""), "")
	if hasLetter(strings.TrimSpace(rest)) {
		return "", false
	}
	return date, true
}
