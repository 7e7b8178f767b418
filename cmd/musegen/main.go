// Command musegen writes a synthetic corpus for benchmarks and load tests: files in the
// corpus format, English, Japanese and Chinese, with realistic vocabulary growth (see
// package scalegen). The benchmark command musebench generates its corpora itself; this
// command is for looking at them, or for loading a server by hand.
//
//	musegen -sections 10000 -seed 1 -out ./data/scale10k
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"musesearch/bench/scalegen"
	"musesearch/corpus"
)

func main() {
	fs := flag.NewFlagSet("musegen", flag.ContinueOnError)
	sections := fs.Int("sections", 10000, "number of `sections` to write")
	seed := fs.Uint64("seed", 1, "random `seed`: the same seed gives the same files")
	out := fs.String("out", "", "`directory` to write the corpus into (created)")
	extra := fs.String("extra-text", "", "comma-separated `paths` of further prose to recombine (e.g. /usr/share/man/ja)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if *out == "" {
		fmt.Fprintln(os.Stderr, "musegen: -out is required: name the directory to write the corpus into")
		os.Exit(2)
	}
	cfg := scalegen.Config{Seed: *seed, Sections: *sections, Bundle: corpus.Bundle}
	if *extra != "" {
		cfg.ExtraText = strings.Split(*extra, ",")
	}
	g, err := scalegen.New(cfg)
	if err == nil {
		var st scalegen.Stats
		if st, err = g.Write(*out); err == nil {
			err = json.NewEncoder(os.Stdout).Encode(st)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "musegen:", err)
		os.Exit(1)
	}
}
