package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"musesearch/indexer"
)

// runIndex brings the index in line with the corpus directory, or rebuilds it.
func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("index", stderr)
	var store storeFlags
	store.Flags(fs)
	rebuild := fs.Bool("rebuild", false, "build the index afresh instead of indexing only what changed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "musesearch index: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if err := store.prepare(stderr); err != nil {
		return err
	}
	// No CorpusDir: an index Open has to rebuild starts empty and the Sync below fills
	// it, with progress.
	ix, err := indexer.Open(ctx, indexer.Config{
		Dir:        store.IndexDir,
		Owner:      "musesearch index",
		LockedHint: "wait for it to finish",
		Logger:     newLogger(stderr),
	})
	if err != nil {
		return err
	}
	defer ix.Close()

	bar := newProgress(stderr)
	var sum indexer.Summary
	if *rebuild {
		sum, err = ix.Rebuild(ctx, store.CorpusDir, bar.update)
	} else {
		// Asked for by a user: worth checking the index's files (a damaged index is
		// rebuilt).
		sum, err = ix.SyncChecked(ctx, store.CorpusDir, bar.update)
	}
	bar.finish()
	if errors.Is(err, context.Canceled) {
		return errors.New("interrupted before the index matched the corpus; run musesearch index again to finish")
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, summaryLine(store.IndexDir, sum))
	return nil
}

// newLogger logs plain "level message key=value" lines, without a time stamp: the
// command's user is looking at them as they happen.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	}))
}

// summaryLine is the one line `index` ends with.
func summaryLine(indexDir string, s indexer.Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "index %s: %d files, %d documents, %d sections (%d added, %d updated, %d removed, %d unchanged)",
		indexDir, s.Files, s.Documents, s.Sections, s.Added, s.Updated, s.Removed, s.Unchanged)
	if len(s.Skipped) > 0 {
		fmt.Fprintf(&b, "; %d skipped:", len(s.Skipped))
		for i, sk := range s.Skipped {
			if i > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(&b, " %s (%s)", sk.Name, sk.Reason)
		}
	}
	fmt.Fprintf(&b, "; %s", s.Duration.Round(time.Millisecond))
	return b.String()
}

// progress shows Sync's progress: a bar on a terminal, a plain line per file otherwise.
type progress struct {
	w   io.Writer
	tty bool
	bar *progressbar.ProgressBar
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progress) update(pr indexer.Progress) {
	if !p.tty {
		if pr.Action != "" && pr.Action != indexer.FileUnchanged {
			fmt.Fprintf(p.w, "%d/%d %s %s\n", pr.Done, pr.Total, pr.Action, pr.Name)
		}
		return
	}
	if p.bar == nil {
		p.bar = progressbar.NewOptions(pr.Total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("indexing"),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
	}
	p.bar.Set(pr.Done)
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
