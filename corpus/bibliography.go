package corpus

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// citation is what a citation line or a labelled publication line says about a
// document: where and when it was published, under which identifiers, by whom, and
// its title when the line gives one.
type citation struct {
	journal string
	year    int
	date    string // YYYY, YYYY-MM or YYYY-MM-DD
	doi     string
	pmid    string
	title   string
	authors []string
}

var (
	// pubmedCitation: "Cell Transplant. 2023 Jan-Dec;32:9636897231214370", "J Clin Med.
	// 2023 Sep 30;12(19)", with the journal optional (PMC writes ". 2015 Mar 17;12(2)").
	pubmedCitation = regexp.MustCompile(`(?i)^(?:\d{1,3}\.\s+)?(?:([^.;:]{2,80}?)\.|\.)?\s*((?:19|20)\d{2})(?:\s+` + monthName + `(?:-[a-z]{3})?(?:\s+(\d{1,2}))?)?\s*[;:]\s*\S`)
	// journalYearVolume: "Knee Surgery & Related Research 2018 Sep; 30(3): 206-214",
	// "World J Orthop 2017; 8(9): 674-680", "J Turk Spinal Surg 2021;32(1):38-46".
	journalYearVolume = regexp.MustCompile(`(?i)(?:^|[.:;]\s+|\s{2,}|\d\s)([A-Z][\p{L}&'’ .-]{2,80}?)\.?\s+((?:19|20)\d{2})(?:\s+` + monthName + `)?\s*;\s*\d+\s*(?:\(\d+\))?\s*:`)
	// journalVolumePages: "Advanced pharmaceutical bulletin. 13(2):361-367".
	journalVolumePages = regexp.MustCompile(`^([A-Z][\p{L}&' -]{2,80}?)\.\s+\d+\(\d+\):\s*\d+`)
	// publishedIn: "Published in: Cell transplantation (2023)", "Journal: J Clin Oncol
	// (CiteScore 2022: 39.6)".
	publishedIn = regexp.MustCompile(`(?i)(?:published in|journal)\s*:\s*([^()]{2,80}?)\s*\((?:((?:19|20)\d{2})\)|[^)]*\))`)
	// chineseCitation (GB/T 7714): "作者. 题名[J]. 刊名, 2023, 13(05): 304-309".
	chineseCitation = regexp.MustCompile(`^(?:引用本文\s*[:：]\s*)?(.{2,200}?)[.．。]\s*(.{2,200}?)\[J\][.．。]\s*([^,，]{2,60}?)\s*[,，]\s*((?:19|20)\d{2})`)
	// cjkJournalIssue: "中国医药生物技术2013年10月第8卷第5期".
	cjkJournalIssue = regexp.MustCompile(`^(\p{Han}{2,30}?)\s*((?:19|20)\d{2})年(\d{1,2})月第\d+卷`)
	// journalArrowYear: "中华细胞与干细胞杂志(电子版) ›› 2023, Vol. 13".
	journalArrowYear = regexp.MustCompile(`^(.{2,60}?)\s*››\s*((?:19|20)\d{2})\s*,\s*Vol`)
	// bookTitleYear: "《时珍国医国药》 2008年 第12期".
	bookTitleYear = regexp.MustCompile(`^《([^》]{2,40})》\s*((?:19|20)\d{2})\s*年`)
	// volumeIssueYear: J-STAGE's "2017 年 58 巻 12 号 p. 2440-2449".
	volumeIssueYear = regexp.MustCompile(`^((?:19|20)\d{2})\s*年\s*\d+\s*巻`)
	// logoLink: PMC's journal logo, "Neurotherapeutics logoLink to Neurotherapeutics".
	logoLink   = regexp.MustCompile(`(?i)^.{1,80} logolink to (.{1,80})$`)
	issnLine   = regexp.MustCompile(`(?i)^(?:online |print |)issn(?:-l)?\s*[:：]`)
	pmidLabel  = regexp.MustCompile(`(?i)\bpmid\s*[:：]?\s*(\d{1,9})\b`)
	labelDate  = regexp.MustCompile(`(?i)(?:published(?: online)?(?: on)?|publish date|published date|date of web publication|発行日|公開日|出版日期|发布日期|公告日期|发布时间|時間|时间)\s*[:：]?\s*(.{4,40})`)
	otherDates = regexp.MustCompile(`(?i)^(?:received|revised|accepted|收稿日期|修回日期|接受日期|受付日|受理日)\b`)
)

// readCitation reads a citation line or a publication line; ok is false when s is
// neither.
func readCitation(s string) (citation, bool) {
	if len(s) > maxCitation {
		return citation{}, false
	}
	var c citation
	ok := false
	body := citationLead.ReplaceAllString(s, "")
	body = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(body), "how to cite:"))
	if m := chineseCitation.FindStringSubmatch(body); m != nil {
		c.authors = splitNames(m[1])
		c.title, c.journal = strings.TrimSpace(m[2]), strings.TrimSpace(m[3])
		c.year, _ = strconv.Atoi(m[4])
		ok = true
	} else if authors := authorList.FindString(body); authors != "" && publication.MatchString(body) {
		if t, found := citationTitle(body); found {
			c.title = t
			for _, a := range strings.Split(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(authors), "et al.")), "."), ",") {
				if a = strings.TrimSpace(a); a != "" {
					c.authors = append(c.authors, a)
				}
			}
			body = strings.TrimSpace(body[strings.Index(body, t)+len(t):])
			body = strings.TrimSpace(strings.TrimPrefix(body, "."))
			ok = true
		}
	}
	switch m := pubmedCitation.FindStringSubmatch(body); {
	case m != nil:
		c.journal = cmpOr(c.journal, strings.TrimSpace(m[1]))
		c.year, _ = strconv.Atoi(m[2])
		c.date = strconv.Itoa(c.year)
		if m[3] != "" && !monthRange.MatchString(m[0]) {
			c.date, _ = ymd(c.year, strconv.Itoa(months[strings.ToLower(m[3])[:3]]), m[4])
		}
		ok = true
	default:
		if m := journalYearVolume.FindStringSubmatch(body); m != nil {
			c.journal = cmpOr(c.journal, strings.TrimSpace(m[1]))
			c.year, _ = strconv.Atoi(m[2])
			c.date = strconv.Itoa(c.year)
			if m[3] != "" {
				c.date, _ = ymd(c.year, strconv.Itoa(months[strings.ToLower(m[3])[:3]]), "")
			}
			ok = true
		} else if m := journalVolumePages.FindStringSubmatch(body); m != nil {
			c.journal, ok = strings.TrimSpace(m[1]), true
		} else if m := publishedIn.FindStringSubmatch(body); m != nil {
			c.journal, ok = strings.TrimSpace(m[1]), true
			if m[2] != "" {
				c.year, _ = strconv.Atoi(m[2])
			}
		} else if m := cjkJournalIssue.FindStringSubmatch(body); m != nil {
			c.journal = m[1]
			c.year, _ = strconv.Atoi(m[2])
			c.date, _ = ymd(c.year, m[3], "")
			ok = true
		} else if m := journalArrowYear.FindStringSubmatch(body); m != nil {
			c.journal = strings.TrimSpace(m[1])
			c.year, _ = strconv.Atoi(m[2])
			ok = true
		} else if m := bookTitleYear.FindStringSubmatch(body); m != nil {
			c.journal = m[1]
			c.year, _ = strconv.Atoi(m[2])
			ok = true
		} else if m := volumeIssueYear.FindStringSubmatch(body); m != nil {
			c.year, _ = strconv.Atoi(m[1])
			ok = true
		}
	}
	for _, id := range FindIdentifiers(s) {
		switch {
		case id.Kind == KindDOI && c.doi == "":
			c.doi, ok = id.Value, true
		case id.Kind == KindPMID && c.pmid == "":
			c.pmid, ok = id.Value, true
		}
	}
	if c.pmid == "" {
		if m := pmidLabel.FindStringSubmatch(s); m != nil {
			c.pmid, ok = m[1], true
		}
	}
	if d, found := labelledDate(s); found {
		c.date, ok = d, true
		if c.year == 0 {
			c.year, _ = strconv.Atoi(d[:4])
		}
	}
	return c, ok
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// labelledDate returns the publication date a line gives under a label ("Published
// online: September 1, 2018", "発行日 2018年3月30日", "时间:2024/04/28 02:44").
func labelledDate(s string) (string, bool) {
	if otherDates.MatchString(s) && !strings.Contains(strings.ToLower(s), "published") {
		return "", false
	}
	for _, m := range labelDate.FindAllStringSubmatch(s, -1) {
		if d, ok := findDate(m[1]); ok {
			return d, true
		}
	}
	return "", false
}

// Person names. A Latin name is one to five capitalised words or initials ("Stephen A
// Goutman", "Kristjánsson B", "Young-Soo Shin"), a CJK name two to four Han
// characters, perhaps with a space between family and given name ("名島 悠峰").
var (
	latinName      = regexp.MustCompile(`^(?:(?:van|von|de|der|den|da|di|del|la|le|bin|al|el)\s+)?\p{Lu}[\p{L}'’.-]*(?:\s+(?:(?:van|von|de|der|den|da|di|del|la|le|bin|al|el)\s+)?\p{Lu}[\p{L}'’.-]*){0,4}$`)
	cjkName        = regexp.MustCompile(`^\p{Han}{2,4}$|^\p{Han}{1,3}[ 　]\p{Han}{1,3}$`)
	nameNoise      = regexp.MustCompile(`(?i)\*?orcid(?: logo)?|\bavatar\b|[0-9*#†‡§¶,]+$|^\s*[0-9*#†‡§¶]+|\(\s*\)`)
	gluedNames     = regexp.MustCompile(`(\p{Ll})(\p{Lu})`)
	authorsField   = regexp.MustCompile(`^(?:authors?|by|作者姓名|作者|著者|記事監修者|監修者|監修|执笔|撰文|文)\s*[:：]\s*(.*)$`)
	nameSeparators = regexp.MustCompile(`\s*(?:[,，、;；]|\band\b|\s{2,})\s*`)
	yearIn         = regexp.MustCompile(`\b(?:19|20)\d{2}\b`)
	volumeMark     = regexp.MustCompile(`(?i)\b(?:vol|no|pp)\.`)
)

// nonNameWords are words of the headers of CJK pages that a two-to-four character
// line may be but a name is not ("著者情報", "干细胞学院", "臨床血液").
var nonNameWords = regexp.MustCompile(`情報|情报|細胞|细胞|治療|治疗|研究|病院|医院|医療|医疗|学会|学院|報告|报告|検索|检索|詳細|详细|臨床|临床|血液|試験|试验|首页|目次|概要|記事|文献|論文|论文|新闻|新聞|按`)

// spacedCJKNames returns the names of a line of Chinese names set apart by spaces or
// footnote marks ("白 茹 戚 燕②呂昭萍 孟明耀"): a one-character family name and a
// one-character given name are written apart, so two one-character parts in a row
// are one name. It returns nil for any other line.
func spacedCJKNames(s string) []string {
	if len(s) > 300 || !strings.ContainsFunc(s, isHan) {
		return nil
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '　' || r >= '①' && r <= '⑳' })
	var names []string
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		n := utf8.RuneCountInString(p)
		if n > 3 || strings.IndexFunc(p, func(r rune) bool { return !isHan(r) }) >= 0 || nonNameWords.MatchString(p) {
			return nil
		}
		if n == 1 && i+1 < len(parts) && utf8.RuneCountInString(parts[i+1]) == 1 {
			p += parts[i+1]
			i++
		}
		names = append(names, p)
	}
	return names
}

// splitNames splits a list of person names ("Yuan X, Sun L", "胡泽斌,王立生") into
// its names; nil when one of the parts is not a name.
func splitNames(s string) []string {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	s = strings.TrimSuffix(strings.TrimSpace(s), "et al")
	var names []string
	for _, part := range nameSeparators.Split(s, -1) {
		part = strings.TrimSpace(nameNoise.ReplaceAllString(part, ""))
		part = strings.TrimSpace(nameNoise.ReplaceAllString(part, ""))
		if part == "" {
			continue
		}
		if !isPersonName(part) {
			return nil
		}
		names = append(names, part)
	}
	return names
}

// isPersonName reports whether s reads as one person's name and names no concept of
// the vocabulary ("Knee Osteoarthritis" is no one).
func isPersonName(s string) bool {
	switch {
	case cjkName.MatchString(s):
	case !latinName.MatchString(s) || len(strings.Fields(s)) < 2:
		return false // a Latin name has a given name or initials
	}
	if len(ConceptsIn(s)) > 0 || strings.ContainsFunc(s, IsCJK) && nonNameWords.MatchString(s) {
		return false
	}
	for _, w := range strings.Fields(s) {
		if stopWords[strings.ToLower(w)] || institutionWord.MatchString(w) {
			return false
		}
	}
	return true
}

// authorLine returns the authors a line of a document's head lists: a list of names
// with footnote marks ("Stephen A Goutman 1,, Kevin S Chen 3"), names run together by
// a page's layout ("Toru YamashitaYumiko Nakano"), or a labelled field ("作者姓名:…").
// marked says the line itself shows it lists authors (marks, a label, a glue).
func authorLine(s string) (names []string, marked bool) {
	if len(s) > 600 {
		return nil, false
	}
	if m := authorsField.FindStringSubmatch(strings.TrimSpace(s)); m != nil {
		return splitNames(m[1]), true
	}
	if names := spacedCJKNames(s); len(names) >= 3 {
		return names, true
	}
	if i := strings.Index(strings.ToLower(s), "published in:"); i > 0 {
		s = s[:i]
	}
	if yearIn.MatchString(s) || volumeMark.MatchString(s) {
		return nil, false // a citation: authors are no part of a date or volume
	}
	glued := false
	if !strings.ContainsAny(s, ",，、") && gluedNames.MatchString(s) {
		s = gluedNames.ReplaceAllString(s, "$1, $2")
		glued = true
	}
	names = splitNames(s)
	marked = glued || strings.ContainsAny(s, "0123456789*†#") || strings.Contains(strings.ToLower(s), "orcid")
	return names, marked
}

var (
	// institutionWord names a kind of institution: a line that holds one with a comma
	// is an affiliation.
	institutionWord = regexp.MustCompile(`(?i)^(?:departments?|dept\.?|school|faculty|universit(?:y|ies)|universidad|universit[àé]|institutes?|hospitals?|cent(?:er|re)s?|college|laborator(?:y|ies)|division|clinic|graduate|program(?:me)?)$`)
	institutionCJK  = regexp.MustCompile(`大学|大學|医院|醫院|病院|研究所|研究科|学院|學院|研究院|センター|研究中心|クリニック`)
	affiliationMark = regexp.MustCompile(`^(?:[-•·*]\s*)?(?:\d{1,2}\.?\s*)?(?:\d{6}\s+)?`)
	affiliationSep  = regexp.MustCompile(`,\s*\d{1,2}\s*\p{Lu}`)
	sentenceVerb    = regexp.MustCompile(`\b(?:is|are|was|were|has|have|had|will|can|may|we|this|these)\b`)
	// fieldLabel opens a labelled field of a record ("Sponsor: ", "Status: "); an
	// affiliation holds at most one, after the institution ("… Japan. Electronic
	// address: …").
	fieldLabel = regexp.MustCompile(`(?:^|[·|;,.]\s*)\p{L}[\p{L} ]{1,30}:\s`)
)

// affiliationLine returns the affiliations a line of a document's head names: one
// ("Department of Neurology, Okayama University, Okayama, Japan.") or several after
// footnote numbers ("1Department …, 2Chonbuk …").
func affiliationLine(s string) []string {
	if len(s) > 800 || strings.Count(s, "。") > 0 {
		return nil
	}
	var parts []string
	last := 0
	for _, loc := range affiliationSep.FindAllStringIndex(s, -1) {
		parts = append(parts, s[last:loc[0]])
		last = loc[0] + 1 // the next part starts with its footnote number
	}
	parts = append(parts, s[last:])
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(affiliationMark.ReplaceAllString(strings.TrimSpace(p), ""))
		p = strings.TrimSuffix(p, ".")
		if !isAffiliation(p) {
			return nil
		}
		out = append(out, p)
	}
	return out
}

// isAffiliation reports whether s names an institution as an author's affiliation:
// not a sentence, not a record's line of labelled fields or identifiers.
func isAffiliation(s string) bool {
	if s == "" || sentenceVerb.MatchString(strings.ToLower(s)) || len(FindIdentifiers(s)) > 0 {
		return false
	}
	if fields := fieldLabel.FindAllStringIndex(s, -1); len(fields) > 1 || len(fields) == 1 && fields[0][0] == 0 {
		return false
	}
	if institutionCJK.MatchString(s) && !strings.ContainsAny(s, "。、") && len([]rune(s)) <= 80 && !strings.Contains(s, "は") {
		return true
	}
	if !strings.Contains(s, ",") {
		return false
	}
	return slices.ContainsFunc(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }), institutionWord.MatchString)
}

var (
	// pressDateline is the opening of a wire press release: "MELBOURNE, Australia,
	// Jan. 29, 2013 (GLOBE NEWSWIRE) -- Regenerative medicine company Mesoblast
	// Limited (ASX:MSB) … today announced".
	pressDateline = regexp.MustCompile(`^(.{3,120}?)\s*\((?:GLOBE NEWSWIRE|BUSINESS WIRE|PR ?Newswire[^)]*|ACCESSWIRE|Newswire|MARKETWIRE|EQS[^)]*)\)\s*[-–—]+\s*(.{3,300}?)\s+(?:today\s+)?(?:announced|reported|said|unveiled)\b`)
	companyName   = regexp.MustCompile(`((?:\p{Lu}[\p{L}\p{N}&.'-]*\s+|de\s+|and\s+)*\p{Lu}[\p{L}\p{N}&.'-]*(?:,?\s+(?:Inc|Ltd|Limited|LLC|Corp|Corporation|Co|AG|SA|plc|GmbH|K\.K)\.?)?)\s*(?:\([^)]*\)\s*)*$`)
	companyCJK    = regexp.MustCompile(`^(?:株式会社\S{2,30}|\S{2,30}(?:株式会社|股份有限公司|有限公司|有限責任公司|公司|集团|集團))$`)
)

// pressIssuer reads the date and issuer from the dateline paragraph of a press
// release.
func pressIssuer(s string) (date, issuer string, ok bool) {
	m := pressDateline.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	date, _ = findDate(m[1])
	if c := companyName.FindStringSubmatch(strings.TrimRight(strings.TrimSpace(m[2]), ",;")); c != nil {
		issuer = strings.TrimSpace(c[1])
	}
	return date, issuer, date != "" || issuer != ""
}
