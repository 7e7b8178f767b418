package corpus

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestTopicWords checks the topic words the title chooser compares: Latin words of
// three letters or more but stop words, pairs of CJK characters but pairs of hiragana,
// and the concepts named.
func TestTopicWords(t *testing.T) {
	got := tokenSet([]block{{text: "間葉系幹細胞のALS治療 with Stem cells, えのぐ"}})
	want := []string{"間葉", "葉系", "系幹", "幹細", "細胞", "胞の", "治療", "stem", "cells"}
	for _, w := range want {
		if !got[w] {
			t.Errorf("topic words %v lack %q", slices.Sorted(maps.Keys(got)), w)
		}
	}
	for _, w := range []string{"with", "えの", "のぐ", "のa", "als"} {
		if got[w] {
			t.Errorf("topic words %v hold %q", slices.Sorted(maps.Keys(got)), w)
		}
	}
	if !slices.ContainsFunc(slices.Collect(maps.Keys(got)), func(w string) bool { return strings.HasPrefix(w, conceptToken) }) {
		t.Errorf("topic words %v name no concept", slices.Sorted(maps.Keys(got)))
	}
}

// TestTopicWordsAmong checks that the body's topic words among those wanted are
// found whether they come first, last or nowhere.
func TestTopicWordsAmong(t *testing.T) {
	body := []block{
		{text: "Mesenchymal stem cells were given to patients with amyotrophic lateral sclerosis."},
		{text: "脊髄損傷に対するMuse細胞の治験。"},
		{text: "A randomized, double-blind trial of intrathecal injections followed."},
		{text: "急性呼吸窘迫综合征患者接受了干细胞治疗。"},
	}
	all := tokenSet(body)
	titles := []string{
		"Mesenchymal stem cells for ALS",                           // words and concepts of the first block
		"Muse細胞による脊髄損傷の治療",                                         // of the second
		"A double-blind randomized trial of stem cells for stroke", // stroke is nowhere
		"干细胞治疗急性呼吸窘迫综合征 and Parkinson's disease",                   // the last block and nowhere
		"Nothing here: zebrafish, 鳥類",
	}
	for _, title := range titles {
		wanted := tokenSet([]block{{text: title}})
		want := tokens{}
		for w := range wanted {
			if all[w] {
				want[w] = true
			}
		}
		if got := topicWordsAmong(body, wanted); !maps.Equal(got, want) {
			t.Errorf("topicWordsAmong(body, %q) = %v, want %v", title, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
	}
}
