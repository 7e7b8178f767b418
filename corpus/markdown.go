package corpus

import (
	"regexp"
	"strings"
)

var (
	setextRule     = regexp.MustCompile(`^(=+|-+)$`)
	frontMatterKey = regexp.MustCompile(`^([A-Za-z_]+)\s*:\s*(.*)$`)
)

// frontMatter is the metadata block a Markdown export may start with
// ("---\ntitle: …\ndate: …\ntags: [a, b]\n---").
type frontMatter struct {
	title, date string
	tags        []string
	// dropped are the lines of the block, which leave the text.
	dropped []DroppedLine
}

// readFrontMatter splits a leading front matter block off lines. Keys other than
// title, date, tags and categories are dropped with the block; a file without a
// closed block is returned whole.
func readFrontMatter(lines []rawLine) (frontMatter, []rawLine) {
	var fm frontMatter
	if len(lines) == 0 || lines[0].text != "---" {
		return fm, lines
	}
	for i := 1; i < len(lines) && i < 60; i++ {
		if lines[i].text != "---" && lines[i].text != "..." {
			continue
		}
		for _, l := range lines[1:i] {
			m := frontMatterKey.FindStringSubmatch(l.text)
			if m == nil {
				continue
			}
			value := strings.Trim(strings.TrimSpace(m[2]), `"'`)
			switch strings.ToLower(m[1]) {
			case "title":
				fm.title = value
			case "date":
				fm.date, _ = findDate(value)
			case "tags", "categories":
				for _, t := range strings.Split(strings.Trim(value, "[]"), ",") {
					if t = strings.Trim(strings.TrimSpace(t), `"'`); t != "" {
						fm.tags = append(fm.tags, t)
					}
				}
			}
		}
		for _, l := range lines[:i+1] {
			if !l.blank() {
				fm.dropped = append(fm.dropped, DroppedLine{Text: l.text, Reason: DropFrontMatter})
			}
		}
		return fm, lines[i+1:]
	}
	return fm, lines
}

// markSetextHeadings rewrites Markdown's underlined headings ("Title" over "=====" or
// "-----") as "#" headings, which the rest of the parser understands.
func markSetextHeadings(lines []rawLine) {
	for i := 1; i < len(lines); i++ {
		prev := lines[i-1].text
		m := setextRule.FindStringSubmatch(lines[i].text)
		if m == nil || prev == "" || bulletLine.MatchString(prev) || strings.HasPrefix(prev, "#") || (i >= 2 && lines[i-2].text != "" && m[1][0] == '-') {
			continue
		}
		level := "## "
		if m[1][0] == '=' {
			level = "# "
		}
		lines[i-1].text = level + prev
		lines[i].text = ""
	}
}
