package corpus

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFoldChinese(t *testing.T) {
	for in, want := range map[string]string{
		"臨床試驗":              "临床试验",
		"幹細胞":               "干细胞",
		"間充質幹細胞（MSC）":       "间充质干细胞（MSC）",
		"骨髓移植":              "骨髓移植", // the same in both scripts
		"肌萎縮側索硬化症":          "肌萎缩侧索硬化症",
		"隨機對照試驗 randomized": "随机对照试验 randomized",
		"醫療":                "医疗",
		"头发 頭髮":             "头发 头发",
		"Muse細胞、臨床試験を行います。": "Muse细胞、临床试験を行います。", // Japanese: the caller must not fold it
		"": "",
	} {
		got := FoldChinese(in)
		if got != want {
			t.Errorf("FoldChinese(%q) = %q, want %q", in, got, want)
		}
		if len(got) != len(in) {
			t.Errorf("FoldChinese(%q) changed the length from %d to %d bytes", in, len(in), len(got))
		}
	}
}

// TestFoldChineseTable checks the properties FoldChinese promises for every character
// of its table: the same UTF-8 length, folding twice changes nothing, and the table is
// sorted for the binary search.
func TestFoldChineseTable(t *testing.T) {
	if len(simplifiedOf) < 2500 {
		t.Fatalf("the table has %d pairs; OpenCC's has about 3,000", len(simplifiedOf))
	}
	for i, p := range simplifiedOf {
		if i > 0 && simplifiedOf[i-1].t >= p.t {
			t.Fatalf("pair %d (%c) is out of order", i, p.t)
		}
		if utf8.RuneLen(p.t) != utf8.RuneLen(p.s) {
			t.Errorf("%c → %c changes the UTF-8 length", p.t, p.s)
		}
		if got, ok := simplified(p.t); !ok || got != p.s {
			t.Errorf("simplified(%c) = %c, %v; want %c", p.t, got, ok, p.s)
		}
		if f := FoldChinese(string(p.s)); f != string(p.s) {
			t.Errorf("%c → %c, which folds again to %s", p.t, p.s, f)
		}
	}
}

func TestFoldChineseAllocations(t *testing.T) {
	simplifiedText := strings.Repeat("间充质干细胞临床试验，Muse 细胞。", 20)
	if n := testing.AllocsPerRun(100, func() { FoldChinese(simplifiedText) }); n != 0 {
		t.Errorf("folding text with nothing to fold allocated %v times", n)
	}
	traditional := strings.Repeat("間充質幹細胞臨床試驗，Muse 細胞。", 20)
	if n := testing.AllocsPerRun(100, func() { FoldChinese(traditional) }); n != 1 {
		t.Errorf("folding traditional text allocated %v times, want 1", n)
	}
}

func BenchmarkFoldChinese(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"simplified", strings.Repeat("肌萎缩侧索硬化症(ALS)的特征是运动神经元进行性丧失。", 40)},
		{"traditional", strings.Repeat("肌萎縮側索硬化症(ALS)的特徵是運動神經元進行性喪失。", 40)},
		{"english", strings.Repeat("Amyotrophic lateral sclerosis is characterized by loss of motor neurons. ", 40)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				FoldChinese(bc.text)
			}
		})
	}
}
