// Package scalegen writes large synthetic corpora for benchmarks: files in the corpus
// format (Markdown articles and plain-text blog exports) whose sections are English,
// Japanese and Chinese in about a 60/25/15 mix and whose text grows its vocabulary as
// real text does.
//
// The text recombines real sentences (the bundled corpus, and optionally other prose
// such as Japanese or Chinese man pages) with words drawn from a Zipf distribution over
// an open vocabulary: the real words ranked by frequency, then coined words past them.
// Every document also names facet values (disease, cell type, design, phase) in its own
// language and a steady supply of new terms (registry ids, doses, names, numbers), so
// the dictionary and the posting lists grow with the corpus (Heaps' law) and facets are
// populated. The output depends only on the seed, the size and the source text.
//
// It owns nothing about parsing or indexing: the benchmark reads what it writes with
// the corpus package like any other corpus.
package scalegen

import (
	"fmt"
	"io/fs"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Config says what to generate.
type Config struct {
	// Seed makes the output reproducible: the same seed, size and sources give the same
	// bytes.
	Seed uint64
	// Sections is the number of sections to write, across all files.
	Sections int
	// Bundle is the real text to recombine (*.txt and *.md at its root); the caller
	// passes corpus.Bundle.
	Bundle fs.FS
	// ExtraText lists further files or directories of prose to recombine (plain text or
	// man pages, gzip'd or not). Missing paths are skipped so that the same command works
	// on machines without them; the output then differs.
	ExtraText []string
}

// File is one generated corpus file.
type File struct {
	// Name is the file name, unique within the corpus.
	Name string
	// Data is the file's content, UTF-8 text.
	Data []byte
	// Lang is the language of every section of the file.
	Lang string
	// Sections is the number of sections the file was written with.
	Sections int
}

// Stats describes a generated corpus.
type Stats struct {
	Files    int            `json:"files"`
	Sections int            `json:"sections"`
	Bytes    int64          `json:"bytes"`
	Langs    map[string]int `json:"langs"`
	// RareTerm is a registry id named in one section only: a rare-term query that is
	// known to match.
	RareTerm string `json:"rare_term"`
}

// Language mix by section, in parts per hundred.
var langMix = []struct {
	lang  string
	share int
}{{"en", 60}, {"ja", 25}, {"zh", 15}}

// Sizes of what is generated.
const (
	minSectionsPerFile, maxSectionsPerFile = 3, 8
	// blogShare is the share of English files written as a blog export holding several
	// articles, in percent.
	blogShare = 10
	// zipfS is the Zipf exponent of word draws; slightly above 1, as in real text.
	zipfS = 1.1
	// vocabularyRanks bounds the open vocabulary: real words first, coined words after.
	vocabularyRanks = 1 << 24
)

// Generator produces the files of one corpus, one at a time.
type Generator struct {
	cfg      Config
	src      *sources
	rng      *rand.Rand
	zipf     *rand.Zipf
	facetZ   *rand.Zipf
	written  int
	files    int
	rareTerm string
}

// New prepares a generator; it reads the source text once.
func New(cfg Config) (*Generator, error) {
	if cfg.Sections < 0 {
		return nil, fmt.Errorf("the number of sections must not be negative, got %d", cfg.Sections)
	}
	if cfg.Bundle == nil {
		return nil, fmt.Errorf("no source text: Config.Bundle is nil")
	}
	var extra []string
	for _, p := range cfg.ExtraText {
		if _, err := os.Stat(p); err == nil {
			extra = append(extra, p)
		}
	}
	src, err := loadSources(cfg.Bundle, extra)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6d757365))
	return &Generator{
		cfg:    cfg,
		src:    src,
		rng:    rng,
		zipf:   rand.NewZipf(rng, zipfS, 1, vocabularyRanks),
		facetZ: rand.NewZipf(rng, 1.3, 1, 1<<10),
	}, nil
}

// Files yields the corpus files in order until Config.Sections sections are written.
func (g *Generator) Files() iter.Seq[File] {
	return func(yield func(File) bool) {
		for g.written < g.cfg.Sections {
			if !yield(g.nextFile()) {
				return
			}
		}
	}
}

// Write writes every file into dir, creating it, and returns what it wrote.
func (g *Generator) Write(dir string) (Stats, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, err
	}
	st := Stats{Langs: map[string]int{}}
	for f := range g.Files() {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return st, err
		}
		st.Files++
		st.Sections += f.Sections
		st.Bytes += int64(len(f.Data))
		st.Langs[f.Lang] += f.Sections
	}
	st.RareTerm = g.rareTerm
	return st, nil
}

// document is what one article is about: its facet values and its own new terms.
type document struct {
	lang       string
	indication term
	cellType   term
	design     term
	phase      *term
	registry   string
	year       int
}

func (g *Generator) nextFile() File {
	n := minSectionsPerFile + g.rng.IntN(maxSectionsPerFile-minSectionsPerFile+1)
	n = min(n, g.cfg.Sections-g.written)
	lang := g.pickLang()
	var b strings.Builder
	name := fmt.Sprintf("scale_%07d.md", g.files)
	if lang == "en" && g.rng.IntN(100) < blogShare && n >= 2 {
		name = fmt.Sprintf("scale_%07d.txt", g.files)
		g.writeBlog(&b, n)
	} else {
		doc := g.newDocument(lang)
		fmt.Fprintf(&b, "# %s\n\n", g.title(doc))
		for i := range n {
			fmt.Fprintf(&b, "## %s\n\n", g.heading(doc, i))
			g.writeBody(&b, doc, i)
		}
	}
	g.files++
	g.written += n
	return File{Name: name, Data: []byte(b.String()), Lang: lang, Sections: n}
}

// writeBlog writes an English blog export: articles of a few sections each, every one
// opened by a byline with its date and categories, headings as plain lines.
func (g *Generator) writeBlog(b *strings.Builder, sections int) {
	for sections > 0 {
		n := min(sections, 2+g.rng.IntN(3))
		doc := g.newDocument("en")
		month := []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}[g.rng.IntN(12)]
		fmt.Fprintf(b, "by admin | %s %d, %d | %s, %s, Stem Cell Research\n", month, 1+g.rng.IntN(28), doc.year,
			titleCase(doc.cellType.en), titleCase(doc.indication.en))
		fmt.Fprintf(b, "%s\n", g.title(doc))
		for i := range n {
			if i > 0 {
				fmt.Fprintf(b, "%s\n", g.heading(doc, i))
			}
			g.writeBody(b, doc, i)
		}
		sections -= n
	}
}

func (g *Generator) pickLang() string {
	x := g.rng.IntN(100)
	for _, m := range langMix {
		if x < m.share {
			return m.lang
		}
		x -= m.share
	}
	return "en"
}

func (g *Generator) newDocument(lang string) *document {
	d := &document{
		lang:       lang,
		indication: indicationTerms[g.facetIndex(len(indicationTerms))],
		cellType:   cellTypeTerms[g.facetIndex(len(cellTypeTerms))],
		design:     designTerms[g.facetIndex(len(designTerms))],
		year:       2005 + g.rng.IntN(21),
	}
	// Only clinical designs have a trial phase.
	if d.design.en == designTerms[0].en || d.design.en == designTerms[1].en {
		d.phase = &phaseTerms[g.facetIndex(len(phaseTerms))]
	}
	d.registry = g.registryID(lang)
	if g.rareTerm == "" {
		g.rareTerm = d.registry
	}
	return d
}

// facetIndex draws an index below n with Zipf weights, so that the first values of a
// facet's list are the common ones.
func (g *Generator) facetIndex(n int) int {
	for {
		if i := int(g.facetZ.Uint64()); i < n {
			return i
		}
	}
}

func (g *Generator) title(d *document) string {
	switch d.lang {
	case "ja":
		return fmt.Sprintf("%sに対する%sの%s", d.indication.ja, d.cellType.ja, d.design.ja)
	case "zh":
		return fmt.Sprintf("%s治疗%s的%s", d.cellType.zh, d.indication.zh, d.design.zh)
	}
	return fmt.Sprintf("%s for %s: a %s", titleCase(d.cellType.en), d.indication.en, d.design.en)
}

// heading is a generic heading, or one naming the document's facets.
func (g *Generator) heading(d *document, i int) string {
	if i > 0 && g.rng.IntN(4) == 0 {
		switch d.lang {
		case "ja":
			return d.indication.ja + "における" + d.cellType.ja
		case "zh":
			return d.cellType.zh + "与" + d.indication.zh
		}
		return titleCase(d.cellType.en) + " in " + d.indication.en
	}
	hs := headings[d.lang]
	return hs[g.rng.IntN(len(hs))]
}

// writeBody writes one to three paragraphs of two to five sentences. The first
// section states the study (facets, registry id); later ones mostly discuss it.
func (g *Generator) writeBody(b *strings.Builder, d *document, section int) {
	paras := 1 + g.rng.IntN(3)
	for p := range paras {
		sents := 2 + g.rng.IntN(4)
		for s := range sents {
			if s > 0 && d.lang == "en" {
				b.WriteByte(' ')
			}
			switch x := g.rng.IntN(10); {
			case section == 0 && p == 0 && s == 0:
				b.WriteString(g.studySentence(d))
			case x < 6:
				b.WriteString(g.realSentence(d.lang))
			case x < 8:
				b.WriteString(g.factSentence(d))
			default:
				b.WriteString(g.zipfSentence(d.lang))
			}
		}
		b.WriteString("\n\n")
	}
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
