package corpus

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// article is the part of a file that makes one document.
type article struct {
	lines []rawLine
	// title, date and tags come from the article's byline or the file's front
	// matter, if it has one.
	title string
	date  string
	tags  []string
	// dropped are the lines the split consumed: the byline.
	dropped []DroppedLine
}

// parseText turns the decoded text of the file name into documents.
func parseText(name, text string) []Document {
	lines := cleanLines(text)
	var fm frontMatter
	if strings.EqualFold(filepath.Ext(name), ".md") {
		fm, lines = readFrontMatter(lines)
		markSetextHeadings(lines)
	}
	debris := newDebrisFinder(lines)
	articles := splitArticles(lines)
	if len(articles) == 1 {
		articles[0].title, articles[0].date, articles[0].tags = fm.title, fm.date, fm.tags
	}
	articles[0].dropped = append(fm.dropped, articles[0].dropped...)
	var docs []Document
	for _, a := range articles {
		logical, dropped := unwrap(a.lines, debris)
		blocks := classify(logical)
		if len(blocks) == 0 {
			continue
		}
		d := buildDocument(name, a, blocks)
		d.Dropped = append(append(a.dropped, dropped...), d.Dropped...)
		docs = append(docs, d)
	}
	numberDocuments(stem(name), docs)
	return docs
}

// numberDocuments gives the documents of one file their ids, id or id-N for the N-th
// of several, and their sections theirs.
func numberDocuments(id string, docs []Document) {
	for i := range docs {
		docs[i].ID = id
		if len(docs) > 1 {
			docs[i].ID = id + "-" + strconv.Itoa(i+1)
		}
		for j := range docs[i].Sections {
			docs[i].Sections[j].ID = SectionID(docs[i].ID, j+1)
		}
	}
}

var (
	byAuthor  = regexp.MustCompile(`(?i)^(?:posted\s+|written\s+)?by\s+\S`)
	postedOn  = regexp.MustCompile(`(?i)^(?:posted|published)\s+(?:on\s+)?(.+?)\s+by\s+\S.*$`)
	bylineSep = regexp.MustCompile(`\s*\|\s*|\s+[•·]\s+`)
)

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseByline recognises the byline of a blog export: fields separated by "|" (or
// " • "), one naming the author ("by admin"), one a date; the fields after the date are
// the article's categories ("by admin | Jun 19, 2025 | Cat1, Cat2"). "Posted on June
// 19, 2025 by admin" is a byline too.
func parseByline(s string) (date string, tags []string, ok bool) {
	if len(s) > 400 {
		return "", nil, false
	}
	// Cheap tests first: the regular expressions cost time in proportion to the line.
	if !strings.ContainsAny(s, "|•·") && !hasPrefixFold(s, "posted") && !hasPrefixFold(s, "published") {
		return "", nil, false
	}
	if m := postedOn.FindStringSubmatch(s); m != nil {
		if d, isDate := dateLine(m[1]); isDate {
			return d, nil, true
		}
	}
	fields := bylineSep.Split(strings.TrimSpace(s), -1)
	if len(fields) < 2 || len(fields) > 6 {
		return "", nil, false
	}
	author, dateAt := -1, -1
	for i, f := range fields {
		switch d, isDate := dateLine(f); {
		case author < 0 && byAuthor.MatchString(f):
			author = i
		case dateAt < 0 && isDate:
			date, dateAt = d, i
		}
	}
	if author < 0 || dateAt < 0 {
		return "", nil, false
	}
	for i, f := range fields[dateAt+1:] {
		if dateAt+1+i == author {
			continue
		}
		for _, t := range strings.Split(f, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
	}
	return date, tags, true
}

// splitArticles splits a file at the bylines of a blog export: each byline starts an
// article. A heading-like line just above a byline is that article's title. Text
// before the first byline is an article of its own.
func splitArticles(lines []rawLine) []article {
	var out []article
	cur := article{}
	for _, l := range lines {
		date, tags, ok := parseByline(l.text)
		if !ok {
			cur.lines = append(cur.lines, l)
			continue
		}
		var title []rawLine
		if k := lastNonBlank(cur.lines); k >= 0 && isHeadingLike(cur.lines[k].text) {
			title, cur.lines = []rawLine{cur.lines[k]}, cur.lines[:k]
		}
		out = append(out, cur)
		cur = article{lines: title, date: date, tags: tags, dropped: []DroppedLine{{Text: l.text, Reason: DropByline}}}
	}
	out = append(out, cur)
	// Drop a preamble without any text.
	if len(out) > 1 && lastNonBlank(out[0].lines) < 0 {
		out = out[1:]
	}
	return out
}

func lastNonBlank(lines []rawLine) int {
	for k := len(lines) - 1; k >= 0; k-- {
		if !lines[k].blank() {
			return k
		}
	}
	return -1
}

// buildDocument finds an article's title, date and metadata and splits it into
// sections.
func buildDocument(name string, a article, blocks []block) Document {
	doc := Document{Source: name, Title: a.title, Date: a.date, Tags: a.tags}
	if rest := takeLead(&doc, blocks); len(rest) > 0 || doc.Title != "" {
		blocks = rest
	} // else the lead is all there is: keep it as the text.
	if doc.Title == "" {
		doc.Title = inferTitle(blocks)
		doc.Meta.TitleDerived = true
	}
	doc.Sections = sectionize(blocks, japanese(blocks), documentContext(doc.Title, doc.Meta.TitleDerived, doc.Tags[len(a.tags):]))
	if len(doc.Sections) == 0 {
		doc.Sections = []Section{{Text: doc.Title, Lang: langOf(doc.Title, false)}}
		finishSection(&doc.Sections[0])
	}
	doc.Lang = documentLang(doc.Sections)
	return doc
}

// isLabel reports whether s is a document-type label: a few words in capitals
// ("PRESS RELEASE", "NEWS").
func isLabel(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 4 {
		return false
	}
	letters := 0
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			letters++
		case r != ' ' && r != '&' && r != '-':
			return false
		}
	}
	return letters >= 4
}

// subtitle reports whether s is set off as a subtitle (～…～, —…—).
func subtitle(s string) bool {
	for _, p := range []string{"～", "〜", "—", "―", "--"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

var (
	citationLead = regexp.MustCompile(`(?i)^(?:source|reference|citation|original article)s?\s*:\s*`)
	authorList   = regexp.MustCompile(`^(?:\p{Lu}[\p{L}'’\-]+(?:[ \-]\p{Lu}[\p{L}'’\-]+)*\s\p{Lu}{1,4}(?:,\s*|\.\s+))+(?:et al\.\s+)?`)
	titleEnd     = regexp.MustCompile(`[.?!]\s+(?:\p{Lu}|In:)`)
	publication  = regexp.MustCompile(`(?i)\b(?:doi|pmid|pmcid)\b|\b(?:19|20)\d{2}\b[^;]{0,20};`)
)

// citationTitle returns the article title of a PubMed-style citation ("Hetta HF,
// Elsaghir A. Clinical Progress in …: A Focus on Rheumatic Diseases. Immun Inflamm
// Dis. 2025 …").
func citationTitle(s string) (string, bool) {
	if len(s) > maxCitation {
		return "", false
	}
	s = citationLead.ReplaceAllString(s, "")
	if !publication.MatchString(s) {
		return "", false
	}
	authors := authorList.FindString(s)
	if authors == "" || !strings.HasSuffix(strings.TrimSpace(authors), ".") {
		return "", false
	}
	rest := s[len(authors):]
	loc := titleEnd.FindStringIndex(rest)
	if loc == nil {
		return "", false
	}
	title := strings.TrimSpace(rest[:loc[0]+1])
	title = strings.TrimSuffix(title, ".")
	if len(strings.Fields(title)) < 3 {
		return "", false
	}
	return title, true
}

// inferTitle finds the title of an article that has no title line: the title of the
// paper it summarises (its "Source:" citation or a citation closing it), else the
// heading that best names the subject of its opening paragraph, else its first
// sentence, followed by the journal and year of the citation heading it, if any
// ("Amyotrophic lateral sclerosis (ALS) is … (Cell Transplant, 2023)").
func inferTitle(blocks []block) string {
	for _, b := range blocks {
		if b.kind == paraBlock && citationLead.MatchString(b.text) {
			if t, ok := citationTitle(b.text); ok {
				return t
			}
		}
	}
	for i := len(blocks) - 1; i >= 0 && i >= len(blocks)-2; i-- {
		if t, ok := citationTitle(blocks[i].text); ok {
			return t
		}
	}
	lead := ""
	for _, b := range blocks {
		if b.kind == paraBlock && weight(b.text) >= 150 {
			lead = b.text
			break
		}
	}
	if t := bestHeading(blocks, lead); t != "" {
		return t
	}
	if lead == "" {
		for _, b := range blocks {
			if hasLetter(b.text) {
				lead = b.text
				break
			}
		}
	}
	title := firstSentence(lead)
	for _, b := range blocks[:min(len(blocks), 5)] {
		if c, ok := readCitation(b.text); ok && c.journal != "" && c.year != 0 && b.text != lead {
			return strings.TrimRight(title, ".。") + " (" + c.journal + ", " + strconv.Itoa(c.year) + ")"
		}
	}
	return title
}

// numberedStyles are the heading styles of numbered parts.
var numberedStyles = map[headingStyle]bool{
	romanStyle: true, numberedStyle: true, cjkNumStyle: true, cjkParenStyle: true, chapterStyle: true, chapterStyle + "section": true,
}

// bestHeading returns the heading sharing the most topic words (at least two) with
// the opening paragraph.
func bestHeading(blocks []block, lead string) string {
	if lead == "" {
		return ""
	}
	if len(lead) > 2000 {
		lead = strings.ToValidUTF8(lead[:2000], "")
	}
	leadTokens := tokenSet([]block{{text: lead}})
	best, bestScore := "", 1
	for _, b := range blocks {
		// A title is a plain line: a heading, or a line set apart like one above a
		// numbered part ("全球目前是否…?" over "一、先看结论…"), not a numbered part.
		plain := b.kind == headingBlock && !numberedStyles[b.style] || b.kind == paraBlock && isHeadingLike(b.text)
		if !plain {
			continue
		}
		score := 0
		for t := range tokenSet([]block{b}) {
			if leadTokens[t] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = b.text, score
		}
	}
	return best
}

var stopWords = map[string]bool{
	"the": true, "and": true, "for": true, "with": true, "from": true, "that": true, "this": true,
	"are": true, "was": true, "were": true, "has": true, "have": true, "its": true, "their": true,
	"into": true, "over": true, "what": true, "how": true, "why": true, "who": true, "when": true,
	"new": true, "one": true, "can": true, "not": true, "but": true, "our": true, "your": true,
}

var sentenceEnd = regexp.MustCompile(`[.!?](?:\s+|$)|[。！？]`)

// firstSentence returns the first sentence of s, cut at a word boundary when long.
func firstSentence(s string) string {
	if len(s) > 4000 {
		s = strings.ToValidUTF8(s[:4000], "")
	}
	body := abbreviations.ReplaceAllStringFunc(s, func(a string) string { return strings.ReplaceAll(a, ".", "\x00") })
	if loc := sentenceEnd.FindStringIndex(body); loc != nil {
		s = strings.TrimSpace(s[:loc[1]])
	}
	const limit = 150
	if r := []rune(s); len(r) > limit {
		cut := string(r[:limit])
		if i := strings.LastIndex(cut, " "); i > limit/2 {
			cut = cut[:i]
		}
		s = strings.TrimRight(cut, " ,;:") + "…"
	}
	return s
}
