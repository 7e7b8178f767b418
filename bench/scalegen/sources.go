package scalegen

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sources are the real text the generator recombines: sentences and a frequency-ranked
// word list per language, and the Han characters seen, from which new words are coined.
type sources struct {
	sentences map[string][]string
	lexicon   map[string][]string
	hanJA     []rune
	hanZH     []rune
}

// Sentence length bounds: shorter fragments are headings or debris, longer ones are
// tables or run-on exports.
const (
	minWords, maxWords = 6, 60
	minCJK, maxCJK     = 8, 160
)

// loadSources reads every .txt and .md file of the bundle, then the extra text files
// (or directories of them, walked in lexical order so the result does not depend on the
// machine), and ranks their words by frequency.
func loadSources(bundle fs.FS, extra []string) (*sources, error) {
	var texts []string
	names, err := fs.Glob(bundle, "*")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	for _, name := range names {
		if ext := filepath.Ext(name); ext != ".txt" && ext != ".md" {
			continue
		}
		data, err := fs.ReadFile(bundle, name)
		if err != nil {
			return nil, err
		}
		texts = append(texts, string(data))
	}
	for _, root := range extra {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			text, err := readExtra(path)
			if err != nil {
				return err
			}
			texts = append(texts, text)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("extra text %s: %w", root, err)
		}
	}
	s := &sources{sentences: map[string][]string{}, lexicon: map[string][]string{}}
	counts := map[string]map[string]int{"en": {}, "ja": {}, "zh": {}}
	hanJA, hanZH := map[rune]bool{}, map[rune]bool{}
	for _, text := range texts {
		japanese := strings.IndexFunc(text, isKana) >= 0
		for _, para := range paragraphs(text) {
			for _, sent := range splitSentences(para) {
				lang, ok := sentenceLang(sent, japanese)
				if !ok {
					continue
				}
				s.sentences[lang] = append(s.sentences[lang], sent)
				for _, w := range words(lang, sent) {
					counts[lang][w]++
				}
				han := hanZH
				if lang == "ja" {
					han = hanJA
				}
				for _, r := range sent {
					if unicode.Is(unicode.Han, r) {
						han[r] = true
					}
				}
			}
		}
	}
	for _, lang := range []string{"en", "ja", "zh"} {
		if len(s.sentences[lang]) == 0 {
			return nil, fmt.Errorf("the source text has no %s sentences", lang)
		}
		s.lexicon[lang] = rankWords(counts[lang])
	}
	s.hanJA, s.hanZH = sortedRunes(hanJA), sortedRunes(hanZH)
	return s, nil
}

// readExtra returns the prose of one extra file: plain text, or a man page (gzip'd or
// not) stripped of its roff markup.
func readExtra(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return "", err
		}
		if data, err = io.ReadAll(zr); err != nil {
			return "", err
		}
	}
	if !utf8.Valid(data) {
		return "", nil // another encoding: not worth guessing for filler text
	}
	text := string(data)
	if bytes.HasPrefix(data, []byte(".")) || bytes.Contains(data, []byte("\n.TH ")) {
		text = stripRoff(text)
	}
	return text, nil
}

var roffEscape = regexp.MustCompile(`\\(f[BIRP]|f\(..|\(..|[-&|e"^ ]|s[-+]?\d)`)

// stripRoff keeps the text lines of a man page, without requests and font escapes.
func stripRoff(src string) string {
	var b strings.Builder
	for line := range strings.Lines(src) {
		if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "'") {
			b.WriteString("\n") // a request ends a paragraph
			continue
		}
		b.WriteString(roffEscape.ReplaceAllString(line, ""))
	}
	return b.String()
}

// paragraphs joins the lines of each blank-line separated block, undoing hard wraps:
// CJK lines join with no space, others with one.
func paragraphs(text string) []string {
	var paras []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			paras = append(paras, cur.String())
			cur.Reset()
		}
	}
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			// A CJK line cut mid-sentence continues after blank lines (PDF exports
			// put one between every wrapped line).
			if last, _ := utf8.DecodeLastRuneInString(cur.String()); !isCJK(last) || strings.ContainsRune("。！？」）", last) {
				flush()
			}
			continue
		}
		if cur.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(cur.String())
			first, _ := utf8.DecodeRuneInString(line)
			if !isCJK(last) && !isCJK(first) {
				cur.WriteByte(' ')
			}
		}
		cur.WriteString(line)
	}
	flush()
	return paras
}

// splitSentences cuts a paragraph after 。！？ and after . ! ? followed by a space.
func splitSentences(para string) []string {
	var out []string
	start := 0
	for i, r := range para {
		end := -1
		switch r {
		case '。', '！', '？':
			end = i + utf8.RuneLen(r)
		case '.', '!', '?':
			if j := i + 1; j < len(para) && para[j] == ' ' {
				end = j
			}
		}
		if end > start {
			if s := strings.TrimSpace(para[start:end]); s != "" {
				out = append(out, s)
			}
			start = end
		}
	}
	if s := strings.TrimSpace(para[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// sentenceLang tells the language of a usable sentence: kana means Japanese, Han
// without kana is Chinese unless it comes from a Japanese text; Latin prose is
// English. Table rows and fragments are not usable.
func sentenceLang(s string, japaneseText bool) (string, bool) {
	if strings.Contains(s, "|") {
		return "", false
	}
	var han, kana, latin, n int
	for _, r := range s {
		n++
		switch {
		case isKana(r):
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			latin++
		}
	}
	switch {
	case kana+han > n/3:
		if n < minCJK || n > maxCJK {
			return "", false
		}
		if kana > 0 || japaneseText {
			return "ja", true
		}
		return "zh", true
	case latin > n/2:
		w := len(strings.Fields(s))
		return "en", w >= minWords && w <= maxWords && unicode.IsUpper([]rune(s)[0])
	}
	return "", false
}

var latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z0-9'-]*[A-Za-z0-9]|[A-Za-z]`)

// words returns the words of a sentence in one language: Latin words (lower-cased
// unless they are abbreviations) for English; for Japanese the runs of kanji and of
// katakana, which are mostly whole words; for Chinese, Han runs cut into two-character
// words.
func words(lang, s string) []string {
	if lang == "en" {
		var out []string
		for _, w := range latinWord.FindAllString(s, -1) {
			if strings.ToLower(w[1:]) == w[1:] {
				w = strings.ToLower(w)
			}
			out = append(out, w)
		}
		return out
	}
	var out []string
	for _, run := range scriptRuns(s) {
		rs := []rune(run)
		switch {
		case lang == "ja" && len(rs) >= 2 && len(rs) <= 6:
			out = append(out, run)
		case lang == "zh" && unicode.Is(unicode.Han, rs[0]):
			for i := 0; i+2 <= len(rs); i += 2 {
				out = append(out, string(rs[i:i+2]))
			}
		}
	}
	return out
}

// scriptRuns cuts s into maximal runs of Han characters and of katakana.
func scriptRuns(s string) []string {
	var runs []string
	class := func(r rune) int {
		switch {
		case unicode.Is(unicode.Han, r):
			return 1
		case unicode.Is(unicode.Katakana, r) || r == 'ー':
			return 2
		}
		return 0
	}
	start, prev := 0, 0
	for i, r := range s {
		c := class(r)
		if c != prev {
			if prev != 0 {
				runs = append(runs, s[start:i])
			}
			start = i
		}
		prev = c
	}
	if prev != 0 {
		runs = append(runs, s[start:])
	}
	return runs
}

// rankWords orders words by falling frequency, ties by the word, so that the ranking
// is the same on every machine.
func rankWords(counts map[string]int) []string {
	ws := make([]string, 0, len(counts))
	for w := range counts {
		ws = append(ws, w)
	}
	slices.SortFunc(ws, func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b))
	})
	return ws
}

func sortedRunes(set map[rune]bool) []rune {
	rs := make([]rune, 0, len(set))
	for r := range set {
		rs = append(rs, r)
	}
	slices.Sort(rs)
	return rs
}

func isKana(r rune) bool {
	return unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}

func isCJK(r rune) bool {
	return isKana(r) || unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}
