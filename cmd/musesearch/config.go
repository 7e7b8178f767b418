package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"musesearch/corpus"
)

// Default locations: a working corpus git does not track, and the index beside it.
const (
	defaultCorpusDir = "data/corpus"
	defaultIndexDir  = "data/index"
)

// storeFlags are the flags every subcommand that touches the corpus and index shares.
type storeFlags struct {
	CorpusDir string
	IndexDir  string
}

// Flags registers --corpus and --index on fs.
func (s *storeFlags) Flags(fs *flag.FlagSet) {
	fs.StringVar(&s.CorpusDir, "corpus", defaultCorpusDir, "corpus directory (the source of truth; filled from the bundled corpus when missing)")
	fs.StringVar(&s.IndexDir, "index", defaultIndexDir, "index directory (derived from the corpus)")
}

// prepare creates the working corpus from the bundled one when it does not exist yet.
func (s *storeFlags) prepare(stderr io.Writer) error {
	created, err := corpus.InitDir(s.CorpusDir)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stderr, "musesearch: created %s from the bundled corpus\n", s.CorpusDir)
	}
	return nil
}

// newFlagSet returns a flag set for one subcommand that reports usage errors on stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("musesearch "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args after applying MUSESEARCH_<FLAG> environment variables as
// defaults, so an explicit flag wins over the environment. A bad flag or environment
// value is a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := "MUSESEARCH_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s=%q: %v", name, v, err)
			}
		}
	})
	if envErr != nil {
		fmt.Fprintln(fs.Output(), "musesearch:", envErr)
		return errUsage
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	return nil
}
