package trials

import (
	"regexp"
	"strings"

	"musesearch/corpus"
)

// Word lists are matched by containsWord: Latin words at word boundaries ("patient-"
// takes any ending), CJK words anywhere, all in lower case.

// clinicalCues show that a passage is about people treated in a trial, not about a
// product in a dish or a mouse.
var clinicalCues = []string{
	"trial-", "patient-", "participant-", "subjects", "volunteer-", "neonate-", "infant-",
	"newborn-", "first-in-human",
	"治験", "臨床試験", "臨床研究", "患者", "被験者",
	"临床试验", "臨床試驗", "临床研究", "試驗", "试验", "受试者", "病人",
}

// plannedCues make a trial named in the same sentence one still to come: "a larger
// trial is planned", "今後…治験を行い", "计划开展".
var plannedCues = []string{
	"will", "plan", "plans", "planned", "planning", "upcoming", "future", "to be conducted", "to be initiated", "should be conducted",
	"今後", "予定", "計画",
	"计划", "計劃", "将来", "將來", "未来", "未來", "即将", "即將", "拟",
}

// statusCues find a trial's status in a sentence; the first that matches wins, so the
// more specific come first. A pattern runs only on a sentence that holds one of its
// hints (in lower case), which spares most sentences every pattern.
var statusCues = []struct {
	status Status
	hints  []string
	re     *regexp.Regexp
}{
	{StatusTerminated, []string{"terminat", "stopped", "discontinu", "中止", "早期終了", "终止", "終止"},
		regexp.MustCompile(`(?i)\b(?:terminated|stopped early|discontinued)\b|中止され|早期終了|终止|終止`)},
	{StatusCompleted, []string{"complet", "finish", "終了", "已完成", "已结束", "已結束"},
		regexp.MustCompile(`(?i)\b(?:trial|study)\b[^.;]{0,30}\b(?:was|were|has been|have been|is|are)\s+(?:already\s+)?(?:completed|finished)\b|\bcompleted\s+(?:phase\s+\S+\s+)?(?:trial|study)|試験(?:が|は)?終了|治験(?:が|は)?終了|已完成|已结束|已結束`)},
	{StatusRecruiting, []string{"recruiting", "enrolling", "募集中", "招募"},
		regexp.MustCompile(`(?i)\b(?:is|are|now|currently)\s+(?:recruiting|enrolling)\b|募集中|招募中|正在招募`)},
	{StatusOngoing, []string{"ongoing", "underway", "under way", "in progress", "進行中", "実施中", "進められて", "行われて", "进行中", "正在进行"},
		regexp.MustCompile(`(?i)\b(?:ongoing|underway|under way|in progress)\b|進行中|実施中|進められて|行われて|进行中|正在进行`)},
}

// statusOf returns the status a sentence gives a trial, or "".
func statusOf(sentence string) Status {
	if containsWord(sentence, plannedCues) {
		return StatusPlanned
	}
	lower := strings.ToLower(sentence)
	for _, c := range statusCues {
		if containsAny(lower, c.hints) && c.re.MatchString(sentence) {
			return c.status
		}
	}
	return ""
}

// trialDesigns are the designs a trial can have; a passage about a trial may also name
// the preclinical or review work around it, which is not the trial's design.
var trialDesigns = map[string]bool{"rct": true, "non-randomized": true, "observational": true}

// listSeparator is what stands between the items of a list of indications: "MI,
// stroke and SCI", "心筋梗塞、脳梗塞", "心肌梗死和脑卒中"; listQualifier is the one short
// word an item may add ("、新生児低酸素虚血脳症", ", acute stroke").
var (
	listSeparator = regexp.MustCompile(`[,、，/;；・]|\b(?i:and|or|as well as)\b|及び|および|並びに|[とや和及与與或]`)
	listQualifier = regexp.MustCompile(`^[^\s,、，/;；・]{0,10}$`)
)

// listItemGap reports whether gap, the text between two indications, makes them items
// of one list: a separator and at most one short word.
func listItemGap(gap string) bool {
	if !listSeparator.MatchString(gap) {
		return false
	}
	rest := strings.TrimSpace(listSeparator.ReplaceAllString(gap, " "))
	return listQualifier.MatchString(rest)
}

// listedIndications returns the indications that sentence names as items of a list
// ("trials in MI, stroke and SCI"), or nil when it names none so.
func listedIndications(sentence string) []string {
	var spans []corpus.ConceptSpan
	for _, c := range corpus.FindConcepts(sentence) {
		if c.Concept.Facet == corpus.Indication {
			spans = append(spans, c)
		}
	}
	listed := map[string]bool{}
	for i := 1; i < len(spans); i++ {
		a, b := spans[i-1], spans[i]
		if a.Concept.ID != b.Concept.ID && b.Start >= a.End && listItemGap(textBetween(sentence, a.End, b.Start)) {
			listed[a.Concept.ID], listed[b.Concept.ID] = true, true
		}
	}
	var out []string
	for _, s := range spans {
		if listed[s.Concept.ID] {
			out = append(out, s.Concept.ID)
			delete(listed, s.Concept.ID)
		}
	}
	return out
}

// textBetween returns the NFKC text of sentence between two offsets that
// corpus.FindConcepts gave (sentence is NFKC already in this package).
func textBetween(sentence string, from, to int) string {
	if from > to || to > len(sentence) {
		return "x" // not a list separator
	}
	return strings.TrimSpace(sentence[from:to])
}
