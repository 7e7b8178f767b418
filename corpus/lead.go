package corpus

import (
	"iter"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The head of a document is the run of short lines before its text: navigation,
// labels, the title, bylines, authors, affiliations, citations, identifiers and
// record fields. It ends at the first running text or at an abstract's heading.
const (
	// maxLeadBlocks bounds the head of a document.
	maxLeadBlocks = 40
	// runningTextWeight is the weight of a paragraph that starts the text.
	runningTextWeight = 120
	// minTitleWeight is the weight of the shortest title (six kanji, "GVHDに対する…").
	minTitleWeight = 18
)

// headKind is what a block of a document's head is.
type headKind int

const (
	headCandidate   headKind = iota // a line that may be the title
	headText                        // a line of text, kept as it is
	headDate                        // a dateline, the document's date
	headLabel                       // a document type or series label ("Case Report", "特集 …")
	headCitation                    // a citation or publication line
	headAuthors                     // a list of authors
	headName                        // one person's name
	headAffiliation                 // the authors' institutions
	headIssuer                      // the company issuing a release
	headTitleLabel                  // a label whose value, on the next line, is the title ("注册题目:")
	headLogo                        // a journal's logo, which names it
)

var (
	// anchorHeading starts the text of an article: its abstract or introduction.
	anchorHeading = regexp.MustCompile(`(?i)^[\s【\[(（]*(?:abstract|summary|brief summary|introduction|background|摘\s*要|抄録|要旨|要約|はじめに|引言|前言)[\s】\])）:：]*$`)
	// titleField names the title of a record: "Brief Title: …", "注册题目:".
	titleField = regexp.MustCompile(`(?i)^(?:brief title|public title|study title|title|題名|标题|標題|タイトル|注册题目|試験名称|研究名称)\s*[:：]\s*(.*)$`)
	// originalTitle labels the title of the original of a translation or summary.
	originalTitle = regexp.MustCompile(`^(?:原題|原题|原标题|原標題|original title)\s*[:：]?\s*(.*)$`)
	// seriesLabel is the feature or series an article appears in.
	seriesLabel = regexp.MustCompile(`(?i)^(?:(?:特集|特辑|特輯|专题|專題|連載|シリーズ|special issue|feature|series)(?:\s|[:：])|[·•・]\s*\S.{0,20}\s*[·•・]$)`)
	// documentTypes label what a document is, above its title.
	documentTypes = map[string]bool{
		"case report": true, "research article": true, "original article": true, "review article": true,
		"review": true, "minireview": true, "minireviews": true, "study protocol": true, "editorial": true,
		"commentary": true, "letter": true, "news": true, "press release": true, "brief report": true,
		"clinical trial": true, "systematic review": true, "meta-analysis": true, "perspective": true,
		"研究論文": true, "原著": true, "総説": true, "症例報告": true, "プレスリリース": true, "论著": true, "综述": true,
	}
	// titleTail is the end of a Chinese or Japanese notice title that a page wraps
	// onto a line of its own ("…Ⅱ期临床试验" / "启动的公告").
	titleTail = regexp.MustCompile(`^\p{Han}{0,8}(?:的)?(?:公告|通知|通告|决定|報告|报告|お知らせ|について)$`)
	// siteSuffix is a site name after a page title: "Title - Site", "Title | Site".
	siteSuffix = regexp.MustCompile(`^(.{6,}?)\s+[-|–—_]\s+[^-|–—_]{1,30}$`)
	// sentenceThenText is the end of a sentence followed by more text: not the full stop
	// of a number ("2.移植片…", "1.5") or of a domain name.
	sentenceThenText = regexp.MustCompile(`[。！？]\s*\S|[.!?]\s+\S`)
	// shortField is a record's field with a short value ("公告编号:2025-021",
	// "Status: COMPLETED"): no title.
	shortField = regexp.MustCompile(`^[^:：]{1,16}[:：]\s*[^:：]{0,25}$`)
)

// head gathers what the head of a document says.
type head struct {
	blocks []block
	kinds  []headKind
	cites  []citation
	meta   Meta
}

// takeLead reads the head of an article: its title, date, labels (which become
// tags) and bibliographic metadata, and returns the blocks that remain for its
// sections. Lines wholly kept in the metadata (authors, affiliations) and copies of
// the title leave the text; other lines of the head stay, those of bibliographic data
// as paragraphs.
func takeLead(doc *Document, blocks []block) []block {
	if len(blocks) > 0 && doc.Title == "" {
		readRecordLine(doc, blocks[0].text)
	}
	n := leadEnd(blocks)
	h := &head{blocks: blocks[:n], kinds: make([]headKind, n)}
	for i := range h.blocks {
		h.classify(doc, i)
	}
	titleAt, tailAt := -1, -1
	if doc.Title == "" {
		titleAt, tailAt = h.title(doc, blocks[n:])
	}
	h.readAuthors(titleAt)
	h.finishMeta(doc, blocks[n:])
	removed := make([]bool, n)
	if titleAt >= 0 {
		removed[titleAt] = true
		if tailAt >= 0 {
			removed[tailAt] = true
		}
	}
	var rest []block
	for i, b := range h.blocks {
		switch {
		case removed[i]:
			continue
		case h.kinds[i] == headLogo:
			doc.Dropped = append(doc.Dropped, DroppedLine{Text: b.text, Reason: DropNavigation})
			continue
		case h.kinds[i] == headDate && i == h.firstDate() && strings.HasPrefix(findDateOf(b.text), doc.Date):
			doc.Dropped = append(doc.Dropped, DroppedLine{Text: b.text, Reason: DropDate})
			continue
		case doc.Title != "" && sameText(b.text, doc.Title):
			continue // a copy of the title: the page shows its title twice
		case h.kinds[i] == headLabel:
			// A label says what the document is: it is one of its categories.
			if !slices.Contains(doc.Tags, b.text) {
				doc.Tags = append(doc.Tags, b.text)
			}
			continue
		case (h.kinds[i] == headAuthors || h.kinds[i] == headName || h.kinds[i] == headAffiliation) && keptIn(b.text, doc.Meta):
			continue
		}
		if b.kind == headingBlock && h.kinds[i] != headCandidate && h.kinds[i] != headText {
			// A line of bibliographic data set apart like a heading heads nothing.
			b.kind, b.style, b.rank = paraBlock, "", 0
		}
		rest = append(rest, b)
	}
	if len(rest) > 0 && titleAt >= 0 && titleAt+1 < n && subtitle(rest[0].text) {
		rest[0].kind = paraBlock
	}
	return append(rest, blocks[n:]...)
}

// leadEnd returns how many blocks the head of a document spans.
func leadEnd(blocks []block) int {
	for i, b := range blocks {
		if i > 0 && labelsTitle(blocks[i-1].text) {
			continue // the title a label announces
		}
		if i >= maxLeadBlocks || anchorHeading.MatchString(b.text) || runningText(b) || i > 0 && sectionHeading(b) {
			return i
		}
	}
	return len(blocks)
}

// labelsTitle reports whether s is a title label whose value is on the next line
// ("注册题目:", "原題").
func labelsTitle(s string) bool {
	m := titleField.FindStringSubmatch(s)
	if m == nil {
		m = originalTitle.FindStringSubmatch(s)
	}
	return m != nil && strings.TrimSpace(m[1]) == ""
}

// sectionHeading reports whether b is a heading that opens a section of the text: a
// press release's marker, a bracketed or Markdown subheading, a chapter. (Numbered
// lines are not: journal pages number their series and titles.)
func sectionHeading(b block) bool {
	if b.kind != headingBlock {
		return false
	}
	switch {
	case strings.HasPrefix(string(b.style), string(pressStyle)), strings.HasPrefix(string(b.style), string(bracketStyle)),
		strings.HasPrefix(string(b.style), string(chapterStyle)), b.style == cjkNumStyle, b.style == cjkParenStyle:
		return true
	case strings.HasPrefix(string(b.style), string(markdownStyle)):
		return b.rank > 1
	}
	return false
}

// runningText reports whether b is a paragraph of running text: long, in sentences,
// and not a line of bibliographic data or a title that ends with a full stop.
func runningText(b block) bool {
	if b.kind != paraBlock || weight(b.text) < runningTextWeight {
		return false
	}
	if !terminal(b.text) && !sentenceThenText.MatchString(b.text) {
		return false
	}
	if !sentenceThenText.MatchString(strings.TrimRight(b.text, ".。!?！？ ")) && titleLike(b.text) {
		return false
	}
	if _, ok := readCitation(b.text); ok && len(b.text) < 400 {
		return false
	}
	return affiliationLine(b.text) == nil
}

// firstDate returns the index of the first dateline of the head, or -1.
func (h *head) firstDate() int { return slices.Index(h.kinds, headDate) }

// classify decides what block i of the head is, and keeps what it says.
func (h *head) classify(doc *Document, i int) {
	s := h.blocks[i].text
	kind := headText
	switch {
	case h.blocks[i].kind == rowBlock:
	case titleField.MatchString(s) || originalTitle.MatchString(s):
		kind = headTitleLabel
	case isDateline(s):
		kind = headDate
		if d, _ := dateLine(s); doc.Date == "" {
			doc.Date = d
		}
	case datedFields(s) != "":
		// "2019-02-20 20:05:59 来源:… 作者:…": the date of a news page, kept as text.
		if doc.Date == "" {
			doc.Date = datedFields(s)
		}
	case issnLine.MatchString(s):
		if i > 0 && h.kinds[i-1] == headCandidate && h.meta.Journal == "" {
			h.meta.Journal, h.kinds[i-1] = h.blocks[i-1].text, headCitation
		}
	case seriesLabel.MatchString(s) || documentTypes[strings.Trim(Fold(s), " :：")] || isLabel(s):
		kind = headLabel
	case companyCJK.MatchString(s):
		kind = headIssuer
		h.meta.Issuer = s
	default:
		if names, marked := authorLine(s); len(names) > 0 && (marked || len(names) > 1) {
			kind = headAuthors
			if c, ok := readCitation(s); ok {
				h.cites = append(h.cites, c) // "… Koji AbePublished in: Cell transplantation (2023)"
			}
			break
		}
		if affiliationLine(s) != nil {
			kind = headAffiliation
			break
		}
		if c, ok := readCitation(s); ok {
			kind = headCitation
			h.cites = append(h.cites, c)
			break
		}
		if m := logoLink.FindStringSubmatch(s); m != nil {
			h.meta.Journal = strings.TrimSpace(m[1])
			kind = headLogo
			break
		}
		// A line of a list may be a title: short lines in a run become list items
		// (blocks.go), but a bulleted one is none.
		bulleted := h.blocks[i].kind == itemBlock && bulletLine.MatchString(s)
		if titleLike(s) && !bulleted && !shortField.MatchString(s) || i == 0 && h.blocks[i].kind == headingBlock {
			kind = headCandidate
		}
	}
	h.kinds[i] = kind
}

// datedFields returns the date a line of labelled fields opens with ("2019-02-20
// 20:05:59 来源:上海证券报 作者:孔子元"), or "".
func datedFields(s string) string {
	if len(s) > 200 || !fieldLabels.MatchString(s) {
		return ""
	}
	f := Fold(s)
	loc := isoDate.FindStringIndex(f)
	if loc == nil || loc[0] != 0 {
		return ""
	}
	d, _ := findDate(f[:loc[1]])
	return d
}

// findDateOf returns the date of a dateline.
func findDateOf(s string) string {
	d, _ := dateLine(s)
	return d
}

// isDateline reports whether s is nothing but a date.
func isDateline(s string) bool {
	_, ok := dateLine(s)
	return ok
}

// readAuthors reads the authors of the head: lines listing them, and lines of one
// name each where the page shows they are authors: under the title (a Chinese or
// Japanese name), in a run of such lines, or as the items of an "Authors:" list.
// Names in Latin letters that follow as many names in Chinese characters are their
// readings. titleAt is the block of the title, or -1.
func (h *head) readAuthors(titleAt int) {
	var cjk, latin []string
	listed := false // in the items of an "Authors:" list
	for i, k := range h.kinds {
		s := h.blocks[i].text
		switch k {
		case headAuthors:
			names, _ := authorLine(s)
			h.meta.Authors = append(h.meta.Authors, names...)
			continue
		case headAffiliation:
			h.meta.Affiliations = append(h.meta.Affiliations, affiliationLine(s)...)
			continue
		case headCandidate, headText:
		default:
			continue
		}
		name := strings.TrimSpace(nameNoise.ReplaceAllString(strings.TrimLeft(s, "•·-* "), ""))
		if authorsField.MatchString(strings.TrimLeft(s, "•·-* ")) {
			listed = true
			continue
		}
		switch {
		case i == titleAt || !isPersonName(name):
			listed = false
		case cjkName.MatchString(name) && (i-1 == titleAt || i > 0 && h.kinds[i-1] == headName || i+1 < len(h.blocks) && isCJKNameLine(h.blocks[i+1].text)):
			h.kinds[i] = headName
			cjk = append(cjk, name)
		case !cjkName.MatchString(name) && (listed && h.blocks[i].kind == itemBlock || len(cjk) > len(latin) && i > 0 && h.kinds[i-1] == headName):
			h.kinds[i] = headName
			latin = append(latin, name)
		}
	}
	h.meta.Authors = append(h.meta.Authors, cjk...)
	if len(cjk) != len(latin) {
		h.meta.Authors = append(h.meta.Authors, latin...)
	}
	h.meta.Authors = uniqueStrings(h.meta.Authors)
	h.meta.Affiliations = uniqueStrings(h.meta.Affiliations)
}

func isCJKNameLine(s string) bool {
	s = strings.TrimSpace(s)
	return cjkName.MatchString(s) && isPersonName(s)
}

func uniqueStrings(values []string) []string {
	var out []string
	for _, v := range values {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// title finds the title of the head and returns its block and the block of its
// wrapped tail, if any (-1 for none): a record's title field, the line under an
// "original title" label, the title of the citation opening the page, else the first
// line that names what the text is about, unless a later one does it far better, else
// the first heading.
func (h *head) title(doc *Document, body []block) (at, tail int) {
	for i, k := range h.kinds {
		if k != headTitleLabel {
			continue
		}
		s := h.blocks[i].text
		m := titleField.FindStringSubmatch(s)
		if m == nil {
			m = originalTitle.FindStringSubmatch(s)
			if m[1] != "" {
				continue // "原标题:…" repeats a title given above
			}
		}
		if v := strings.TrimSpace(m[1]); v != "" {
			doc.Title = v
			return -1, -1
		}
		for j := i + 1; j < len(h.blocks); j++ {
			if t := h.blocks[j].text; hasLetter(t) && !titleField.MatchString(t) && !isASCIILabelOf(t, s) {
				doc.Title = t
				return j, -1
			}
		}
	}
	if len(h.cites) > 0 && h.kinds[0] == headCitation && h.cites[0].title != "" {
		doc.Title = h.cites[0].title
		return -1, -1
	}
	// The topic words of the candidates heavy enough to be the title, and those of
	// them that the body holds: a score counts only a candidate's own words.
	own := make(map[int]tokens)
	wanted := tokens{}
	for i, k := range h.kinds {
		if k == headCandidate && weight(h.blocks[i].text) >= minTitleWeight {
			own[i] = tokenSet([]block{{text: titleText(h.blocks[i].text)}})
			maps.Copy(wanted, own[i])
		}
	}
	bodyTokens := topicWordsAmong(body, wanted)
	best, bestScore, first, firstHeading := -1, 0, -1, -1
	for i, k := range h.kinds {
		if k != headCandidate {
			continue
		}
		if firstHeading < 0 {
			firstHeading = i
			if h.blocks[i].kind != headingBlock {
				firstHeading = len(h.blocks) // the first candidate is no heading
			}
		}
		if own[i] == nil {
			continue // too light
		}

		// The rest of the document, but for the line and its copies.
		others := maps.Clone(bodyTokens)
		for j, b := range h.blocks {
			if j != i && !sameText(b.text, h.blocks[i].text) {
				others.add(b.text)
			}
		}
		score, qualified := h.titleScore(i, own[i], others)
		if !qualified {
			continue
		}
		if first < 0 {
			first, best, bestScore = i, i, score
		} else if score >= 2*bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 && firstHeading >= 0 && firstHeading < len(h.blocks) && h.opens(firstHeading) && !isCJKNameLine(h.blocks[firstHeading].text) {
		best = firstHeading // a heading over the text, though it shares no word with it
	}
	if best < 0 {
		return -1, -1
	}
	t := titleText(h.blocks[best].text)
	tail = -1
	if next := best + 1; next < len(h.blocks) && titleTail.MatchString(h.blocks[next].text) {
		t += joinSeparator(t, false, h.blocks[next].text) + h.blocks[next].text
		tail = next
	}
	if m := siteSuffix.FindStringSubmatch(t); m != nil && slices.ContainsFunc(h.blocks, func(b block) bool { return sameText(b.text, m[1]) }) {
		doc.Title = m[1] // a page title with its site's name: the title is repeated alone
		return -1, -1
	}
	doc.Title = t
	return best, tail
}

// opens reports whether block i opens the document: only labels and dates come
// before it.
func (h *head) opens(i int) bool {
	for _, k := range h.kinds[:i] {
		if k != headLabel && k != headDate {
			return false
		}
	}
	return true
}

// isASCIILabelOf reports whether t is the English label that bilingual records give
// after a Chinese or Japanese one ("注册题目:" then "Public title:").
func isASCIILabelOf(t, label string) bool {
	return strings.HasSuffix(strings.TrimSpace(t), ":") && !strings.ContainsFunc(t, IsCJK) && strings.ContainsFunc(label, IsCJK)
}

// titleText is the text of a title line without a heading marker ("■…").
func titleText(s string) string {
	if m := pressMarker.FindStringSubmatch(s); m != nil {
		return m[2]
	}
	return s
}

// titleScore rates block i of the head as the title by what it shares with the rest
// of the document: its words and the concepts it names (each counts twice), more
// when it is repeated (a page that shows its title twice, a citation giving it).
// A line is qualified when it shares at least three words and half of its words, or
// when it is repeated. own are the line's topic words.
func (h *head) titleScore(i int, own, others tokens) (int, bool) {
	s := titleText(h.blocks[i].text)
	shared := 0
	for t := range own {
		if others[t] {
			shared++
			if strings.HasPrefix(t, conceptToken) {
				shared++
			}
		}
	}
	repeated := h.repeated(s, i)
	for _, c := range h.cites {
		if c.title != "" && sameText(c.title, s) {
			repeated = true
		}
	}
	score := shared
	if repeated {
		score += 3
	}
	return score, repeated && shared > 0 || shared >= 3 && 2*shared >= len(own)
}

// repeated reports whether s appears in the head again, besides block i: alone, or
// within a longer line (a breadcrumb, a citation, "原标题:…").
func (h *head) repeated(s string, i int) bool {
	if len([]rune(s)) < 6 {
		return false
	}
	for j, b := range h.blocks {
		if j != i && strings.Contains(foldSpaces.ReplaceAllString(b.text, " "), foldSpaces.ReplaceAllString(s, " ")) {
			return true
		}
	}
	return false
}

// finishMeta completes the metadata from the citations of the head and the text that
// follows it (a press release's dateline, the registry ids it names).
func (h *head) finishMeta(doc *Document, body []block) {
	m := &h.meta
	for _, c := range h.cites {
		if m.Journal == "" {
			m.Journal = c.journal
		}
		if m.Year == 0 {
			m.Year = c.year
		}
		if m.Date == "" || len(c.date) > len(m.Date) && strings.HasPrefix(c.date, m.Date) {
			m.Date = c.date
		}
		if m.DOI == "" {
			m.DOI = c.doi
		}
		if m.PMID == "" {
			m.PMID = c.pmid
		}
		if len(m.Authors) == 0 {
			m.Authors = c.authors
		}
	}
	if len(body) > 0 {
		if date, issuer, ok := pressIssuer(body[0].text); ok {
			if m.Issuer == "" {
				m.Issuer = issuer
			}
			if doc.Date == "" {
				doc.Date = date
			}
		}
	}
	if m.DOI == "" || m.PMID == "" {
		for _, b := range h.blocks {
			for _, id := range FindIdentifiers(b.text) {
				if id.Kind == KindDOI && m.DOI == "" {
					m.DOI = id.Value
				}
				if id.Kind == KindPMID && m.PMID == "" {
					m.PMID = id.Value
				}
			}
		}
	}
	m.RegistryIDs = registryIDs(doc.Title, h.blocks, body)
	switch {
	case doc.Date == "" && m.Date != "":
		doc.Date = m.Date
	case doc.Date != "" && (m.Date == "" || !strings.HasPrefix(doc.Date, m.Date[:4])):
		m.Date = doc.Date
	}
	if m.Date != "" {
		m.Year, _ = strconv.Atoi(m.Date[:4])
	}
	m.TitleDerived = doc.Meta.TitleDerived
	doc.Meta = mergeMeta(doc.Meta, *m)
}

// mergeMeta fills the empty fields of m (given by a file's structure) from read (read
// from its text).
func mergeMeta(m, read Meta) Meta {
	if len(m.Authors) == 0 {
		m.Authors = read.Authors
	}
	if len(m.Affiliations) == 0 {
		m.Affiliations = read.Affiliations
	}
	m.Journal = cmpOr(m.Journal, read.Journal)
	if m.Year == 0 {
		m.Year = read.Year
	}
	m.Date = cmpOr(m.Date, read.Date)
	m.DOI = cmpOr(m.DOI, read.DOI)
	m.PMID = cmpOr(m.PMID, read.PMID)
	m.Issuer = cmpOr(m.Issuer, read.Issuer)
	if len(m.RegistryIDs) == 0 {
		m.RegistryIDs = read.RegistryIDs
	}
	return m
}

// registryIDs returns the trial registry ids of the study a document is about: those
// its title and head name, else the only one its text names.
func registryIDs(title string, lead, body []block) []string {
	var ids []string
	add := func(s string) {
		for _, id := range FindIdentifiers(s) {
			if id.Kind != KindDOI && id.Kind != KindPMID && id.Kind != KindPMCID && !slices.Contains(ids, id.Value) {
				ids = append(ids, id.Value)
			}
		}
	}
	add(title)
	for _, b := range lead {
		add(b.text)
	}
	if len(ids) > 0 {
		return ids
	}
	// A second id in the text settles it: none is the document's.
	for _, b := range body {
		if add(b.text); len(ids) > 1 {
			return nil
		}
	}
	return ids
}

// keptIn reports whether every run of letters of s is in the metadata m, so that the
// line can leave the text without losing a word.
func keptIn(s string, m Meta) bool {
	all := strings.Join(append(append(slices.Clone(m.Authors), m.Affiliations...), m.Journal, m.Issuer, m.DOI), "\n")
	for _, run := range letterRuns.FindAllString(s, -1) {
		if !strings.Contains(all, run) {
			return false
		}
	}
	return true
}

var letterRuns = regexp.MustCompile(`\p{L}+`)

// sameText reports whether a and b are the same line but for spaces and case.
func sameText(a, b string) bool {
	return foldSpaces.ReplaceAllString(Fold(strings.TrimSpace(a)), " ") == foldSpaces.ReplaceAllString(Fold(strings.TrimSpace(b)), " ")
}

// titleLike reports whether s could be a title: a heading-like line, or a longer
// one-sentence line (titles run to forty words and may end with a full stop), not a
// sentence with a verb.
func titleLike(s string) bool {
	if isHeadingLike(s) {
		return true
	}
	r := []rune(s)
	if len(r) > 300 || !hasLetter(s) || strings.ContainsRune(":：,，;；、", lastRune(s)) {
		return false
	}
	if cjk := countScripts(s); cjk.cjk() {
		return len(r) <= 80 && !strings.Contains(s, "。")
	}
	if len(strings.Fields(s)) > 45 {
		return false
	}
	body := abbreviations.ReplaceAllString(strings.TrimRight(s, ". "), "")
	if sentenceThenText.MatchString(body) {
		return false
	}
	return !strings.HasSuffix(s, ".") || !sentenceVerb.MatchString(strings.ToLower(s)) || titleCase(s)
}

// tokens is a set of the words of a text that say what it is about.
type tokens map[string]bool

// tokenSet returns the topic words of blocks: Latin words of three letters or more but
// stop words, pairs of CJK characters holding a kanji or katakana (pairs of hiragana
// are grammar), and the concepts of the vocabulary they name.
func tokenSet(blocks []block) tokens {
	t := tokens{}
	for _, b := range blocks {
		t.add(b.text)
	}
	return t
}

// maxTokenText bounds the text read for topic words.
const maxTokenText = 20000

func (t tokens) add(s string) {
	s = tokenText(s)
	t.addWords(s)
	t.addConcepts(s)
}

// tokenText is the part of s read for topic words.
func tokenText(s string) string {
	if len(s) > maxTokenText {
		return strings.ToValidUTF8(s[:maxTokenText], "")
	}
	return s
}

// conceptToken prefixes the topic words that are concepts of the vocabulary.
const conceptToken = "concept:"

// addWords adds the topic words of s but its concepts.
func (t tokens) addWords(s string) {
	for w := range wordTokens(s) {
		t[w] = true
	}
}

// wordTokens yields the topic words of s but its concepts, some more than once.
func wordTokens(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		folded := Fold(s)
		for w := range strings.FieldsFuncSeq(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if utf8.RuneCountInString(w) >= 3 && !stopWords[w] && !strings.ContainsFunc(w, IsCJK) && !yield(w) {
				return
			}
		}
		// Pairs of CJK characters, sliced from folded rather than built.
		prev, prevAt := rune(-1), 0
		for i := 0; i < len(folded); {
			r, size := utf8.DecodeRuneInString(folded[i:])
			if IsCJK(prev) && IsCJK(r) && !(unicode.Is(unicode.Hiragana, prev) && unicode.Is(unicode.Hiragana, r)) && !yield(folded[prevAt:i+size]) {
				return
			}
			prev, prevAt = r, i
			i += size
		}
	}
}

// addConcepts adds the concepts s names as topic words.
func (t tokens) addConcepts(s string) {
	for f, ids := range ExtractFacets(nil, s) {
		for _, id := range ids {
			t[conceptToken+string(f)+"/"+id] = true
		}
	}
}

// topicWordsAmong returns the topic words of blocks (tokenSet) that are among wanted.
// It reads the blocks only until it has found every one, and looks for the concepts,
// which cost the most to find, only while some are missing: the title's words and
// concepts are usually in the first paragraphs.
func topicWordsAmong(blocks []block, wanted tokens) tokens {
	found := tokens{}
	words, concepts := 0, 0 // of wanted, not found yet
	for t := range wanted {
		if strings.HasPrefix(t, conceptToken) {
			concepts++
		} else {
			words++
		}
	}
	for _, b := range blocks {
		if words == 0 && concepts == 0 {
			break
		}
		s := tokenText(b.text)
		if words > 0 {
			for w := range wordTokens(s) {
				if wanted[w] && !found[w] {
					found[w] = true
					words--
				}
			}
		}
		if concepts > 0 {
			in := tokens{}
			in.addConcepts(s)
			for c := range in {
				if wanted[c] && !found[c] {
					found[c] = true
					concepts--
				}
			}
		}
	}
	return found
}

var (
	// recordField is a field of a record written on one line, "title: … date: …".
	recordField = regexp.MustCompile(`(?:^|\s)(key|authors?|title|date|year|journal|source|publisher|volume|issue|pages|doi|pmid|pmcid|sha|doc_id|cord_uid|url|license|keywords|abstract):\s`)
	// bibliographicFields are the fields of such a record that make it one.
	bibliographicFields = map[string]bool{"authors": true, "author": true, "date": true, "journal": true, "doi": true, "pmid": true}
)

// readRecordLine reads the title and metadata of a record whose fields run on one
// line ("key: … authors: A; B title: … date: 2021-01-29 journal: … DOI: …"), as
// literature databases export them.
func readRecordLine(doc *Document, s string) {
	locs := recordField.FindAllStringSubmatchIndex(strings.ToLower(s), -1)
	fields := map[string]string{}
	known := 0
	for i, loc := range locs {
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		name := s[loc[2]:loc[3]]
		fields[strings.ToLower(name)] = strings.TrimSpace(s[loc[1]:end])
		if bibliographicFields[strings.ToLower(name)] {
			known++
		}
	}
	if fields["title"] == "" || known < 2 {
		return
	}
	doc.Title = fields["title"]
	m := &doc.Meta
	for _, a := range strings.Split(fields["authors"], ";") {
		if a = strings.TrimSpace(a); a != "" {
			m.Authors = append(m.Authors, a)
		}
	}
	m.Journal = fields["journal"]
	if d, ok := findDate(fields["date"]); ok && doc.Date == "" {
		doc.Date = d
	}
	for _, id := range FindIdentifiers(fields["doi"] + " PMID: " + fields["pmid"]) {
		switch id.Kind {
		case KindDOI:
			m.DOI = id.Value
		case KindPMID:
			m.PMID = id.Value
		}
	}
}
