// Package musebench measures musesearch at scale, and the engines people would
// otherwise pick (Lucene, bluge) on the same documents and queries in the same run;
// cmd/musebench is its command:
//
//	musebench -sizes 10000,100000,1000000 -peers lucene,bluge -out FILE.json
//
// For each size it generates a corpus (package scalegen), parses it as musesearch does
// and exports its sections for the peers, then runs every system in two child
// processes, one indexing and one serving, so that each phase's peak RSS is its own;
// musesearch's serving also answers suggestions for words typed into the search box.
// It writes FILE.json, FILE.md (the figures as tables, with ratios to the peers) and
// FILE.svg (latency and throughput against corpus size). musesearch's own child is
// the running program itself, re-run as the hidden "worker" subcommand of Run.
package musebench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrUsage marks a usage error, already explained on stderr: the command exits with
// status 2.
var ErrUsage = errors.New("usage")

// Run runs the benchmark, or with "worker" first one phase of musesearch's child.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "worker" {
		return runWorker(ctx, args[1:], stdout)
	}
	var o Options
	fs := flag.NewFlagSet("musebench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := o.validate(); err != nil {
		fmt.Fprintln(stderr, "musebench:", err)
		return ErrUsage
	}
	if len(o.From) > 0 {
		return merge(o.From, o.Out)
	}
	return bench(ctx, o, stderr)
}

// Options are the benchmark's settings.
type Options struct {
	// Sizes are the corpus sizes, in sections.
	Sizes []int
	// Peers are the other engines to measure: "lucene", "bluge".
	Peers []string
	// SkipSelf leaves musesearch out: a run of the peers alone, to merge with -from.
	SkipSelf bool
	// Out is the JSON file to write; the tables and the plot go beside it.
	Out string
	// Seed makes the generated corpora reproducible.
	Seed uint64
	// Work holds corpora, exported sections and indexes; corpora are reused across
	// runs. Empty means a temporary directory removed at the end.
	Work string
	// Keep leaves the indexes in Work.
	Keep bool
	// Warmup and Repeat are the untimed and timed rounds of the query mix, and then of
	// the suggestions.
	Warmup, Repeat int
	// ExtraText lists further prose for the generator.
	ExtraText []string
	// PeersDir is the bench/peers module; found from the working directory when empty.
	PeersDir string
	// JavaOpts are passed to the Lucene peer's JVM.
	JavaOpts []string
	// From lists reports of earlier runs to merge into Out instead of running: their
	// sizes, and on a size measured twice the systems of the later report.
	From []string
	// Profile, when set, is a directory where musesearch's children write CPU profiles
	// of each phase: musesearch-SIZE-index.pprof and musesearch-SIZE-serve.pprof.
	Profile string
}

// Flags registers the options' flags on fs.
func (o *Options) Flags(fs *flag.FlagSet) {
	fs.Func("sizes", "comma-separated corpus `sizes` in sections (default 10000)", func(s string) error {
		o.Sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				return fmt.Errorf("%q is not a number of sections", f)
			}
			o.Sizes = append(o.Sizes, n)
		}
		return nil
	})
	fs.Func("peers", "comma-separated `engines` to measure beside musesearch: lucene, bluge", func(s string) error {
		o.Peers = nil
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				o.Peers = append(o.Peers, p)
			}
		}
		return nil
	})
	fs.BoolVar(&o.SkipSelf, "peers-only", false, "measure only the -peers, not musesearch (merge the report with a musesearch run using -from)")
	fs.StringVar(&o.Out, "out", "musebench.json", "JSON `file` to write; FILE.md and FILE.svg go beside it")
	fs.Uint64Var(&o.Seed, "seed", 1, "`seed` of the generated corpora")
	fs.StringVar(&o.Work, "work", "", "working `directory` for corpora and indexes, reused across runs (default: a temporary one)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the indexes in the working directory")
	fs.IntVar(&o.Warmup, "warmup", 10, "untimed `rounds` of the query mix and of the suggestions before timing")
	fs.IntVar(&o.Repeat, "repeat", 50, "timed `rounds` of the query mix (28 queries each) and of the suggestions (82 prefixes each)")
	fs.Func("extra-text", "comma-separated `paths` of further prose for the generator (e.g. /usr/share/man/ja)", func(s string) error {
		o.ExtraText = strings.Split(s, ",")
		return nil
	})
	fs.Func("from", "comma-separated JSON `reports` of earlier runs to merge into -out (tables and plot rewritten) instead of running", func(s string) error {
		o.From = strings.Split(s, ",")
		return nil
	})
	fs.StringVar(&o.Profile, "profile", "", "`directory` for CPU profiles of musesearch's index and serve phases (go tool pprof)")
	fs.StringVar(&o.PeersDir, "peers-dir", "", "`directory` of the bench/peers module (default: found from the working directory)")
	fs.Func("java-opts", "space-separated JVM `options` for the Lucene peer (default -Xmx2g)", func(s string) error {
		o.JavaOpts = strings.Fields(s)
		return nil
	})
}

func (o *Options) validate() error {
	if len(o.Sizes) == 0 {
		o.Sizes = []int{10000}
	}
	if o.JavaOpts == nil {
		o.JavaOpts = []string{"-Xmx2g"}
	}
	for _, p := range o.Peers {
		if p != "lucene" && p != "bluge" {
			return fmt.Errorf("unknown peer %q: the peers are lucene and bluge", p)
		}
	}
	if o.SkipSelf && len(o.Peers) == 0 {
		return fmt.Errorf("-peers-only needs -peers")
	}
	if o.Repeat < 1 || o.Warmup < 0 {
		return fmt.Errorf("-repeat must be at least 1 and -warmup at least 0")
	}
	if o.Out == "" {
		return fmt.Errorf("-out must name the JSON file to write")
	}
	return nil
}
