package web

import (
	"regexp"
	"slices"
	"testing"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		hl, accept   string
		want         string
		wantExplicit bool
	}{
		{"", "", "en", false},
		{"", "ja,en;q=0.8", "ja", false},
		{"", "ja-JP", "ja", false},
		{"", "zh-CN,zh;q=0.9", "zh", false},
		{"", "zh-TW", "zh", false},
		{"", "fr-FR,de;q=0.9", "en", false},
		{"", "fr,ja;q=0.5", "ja", false},
		{"", "en-GB,ja;q=0.9", "en", false},
		{"zh", "ja", "zh", true},
		{"en", "ja", "en", true},
		// An unknown hl is ignored rather than refused: the page is still useful.
		{"xx", "ja", "ja", false},
		{"", "garbage;;q=", "en", false},
	}
	for _, tt := range tests {
		loc, explicit := negotiate(tt.hl, tt.accept)
		if loc.Code != tt.want || explicit != tt.wantExplicit {
			t.Errorf("negotiate(%q, %q) = %s, %v; want %s, %v", tt.hl, tt.accept, loc.Code, explicit, tt.want, tt.wantExplicit)
		}
	}
}

// verbs finds the formatting verbs of a message.
var verbs = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

func TestTranslationsComplete(t *testing.T) {
	all := slices.Clone(translations)
	seen := map[string]bool{}
	for _, tr := range translations {
		if seen[tr.en] {
			t.Errorf("message %q is in the catalogue twice", tr.en)
		}
		seen[tr.en] = true
	}
	for _, p := range pluralForms {
		if seen[p.key] {
			t.Errorf("message %q is in the catalogue twice", p.key)
		}
		// Each English form must take the same arguments as the translations.
		all = append(all, translation{p.key, p.ja, p.zh}, translation{p.one, p.ja, p.zh}, translation{p.other, p.ja, p.zh})
	}
	for _, tr := range all {
		want := verbs.FindAllString(tr.en, -1)
		for lang, text := range map[string]string{"ja": tr.ja, "zh": tr.zh} {
			if text == "" {
				t.Errorf("message %q has no %s translation", tr.en, lang)
			}
			got := verbs.FindAllString(text, -1)
			slices.Sort(got)
			w := slices.Clone(want)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("message %q in %s has verbs %q, want %q", tr.en, lang, got, w)
			}
		}
	}
}

func TestLocalePrinting(t *testing.T) {
	tests := []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"en", "%d results", []any{1}, "1 result"},
		{"en", "%d results", []any{12}, "12 results"},
		{"ja", "%d results", []any{12}, "12 件"},
		{"zh", "%d results", []any{12}, "12 条结果"},
		{"en", "%d results", []any{1234}, "1,234 results"},
		{"en", "%s, %s: %d studies", []any{"ALS", "Phase 2", 1}, "ALS, Phase 2: 1 study"},
		{"en", "%s, %s: %d studies", []any{"ALS", "Phase 2", 3}, "ALS, Phase 2: 3 studies"},
		{"en", "without “%s”: %d results", []any{"Phase 3", 0}, "without “Phase 3”: 0 results"},
		{"zh", "%s, %s: %d studies", []any{"ALS", "II期", 3}, "ALS，II期：3 项研究"},
		{"ja", "Search", nil, "検索"},
		{"zh", "Search", nil, "搜索"},
		{"ja", msgUnknownDoc, []any{"x"}, `ID が "x" の文書はありません。`},
	}
	for _, tt := range tests {
		if got := locales[tt.lang].T(tt.key, tt.args...); got != tt.want {
			t.Errorf("%s: T(%q, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
		}
	}
}
