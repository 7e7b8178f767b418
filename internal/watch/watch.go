// Package watch reports changes that any program (an editor, cp, git pull) makes to the
// files of a corpus directory, debounced into batches of file names.
//
// It only observes: deciding what a change means for the index is the caller's business.
package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"

	"musesearch/corpus"
)

// Config configures Run.
type Config struct {
	// Dir is the corpus directory to watch (not recursively: a corpus is flat).
	Dir string
	// Quiet is how long the directory must stay quiet before a batch is reported, so
	// that an editor's save (write, rename, chmod) or a cp of many files becomes one
	// batch. Zero means DefaultQuiet.
	Quiet time.Duration
	// MaxDelay bounds how long a change may wait while events keep arriving, so a
	// steady stream of writes cannot postpone indexing forever. Zero means
	// DefaultMaxDelay.
	MaxDelay time.Duration
	// Logger receives watcher errors; nil means slog.Default().
	Logger *slog.Logger
	// Changed, when not nil, is called as soon as the first change of a new batch
	// arrives, before the batch is reported: from then until apply returns, the
	// directory holds changes its observer has not seen.
	Changed func()
	// Ready, when not nil, is called once the directory is watched, before the first
	// batch: changes made before it may not be reported, so an observer that must not
	// miss any compares the whole directory then.
	Ready func()
}

// Defaults for Config: a file dropped in is reported well within a second.
const (
	DefaultQuiet    = 150 * time.Millisecond
	DefaultMaxDelay = 750 * time.Millisecond
)

// Batch is one debounced set of changes.
type Batch struct {
	// Names are the corpus file names (corpus.ValidName) that were created, written,
	// renamed or removed, sorted and without duplicates.
	Names []string
	// All is set when events were lost (the kernel queue overflowed) or the directory
	// was replaced by another (removed and made again, or another renamed into its
	// place): the caller must compare the whole directory with the index.
	All bool
}

// Run watches cfg.Dir until ctx is done and calls apply with each batch, one at a
// time (events that arrive meanwhile form the next batch). Hidden files, editors'
// temporary files and other names the corpus ignores are never reported.
//
// It watches the directory's parent too, for the directory itself: when it is removed
// or renamed away, Run waits for a directory of its name to come back (made again, or
// another renamed into its place), watches that one, and reports a batch with All.
func Run(ctx context.Context, cfg Config, apply func(context.Context, Batch)) error {
	if cfg.Quiet <= 0 {
		cfg.Quiet = DefaultQuiet
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = DefaultMaxDelay
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return fmt.Errorf("watch %s: %w", cfg.Dir, err)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", cfg.Dir, err)
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("watch %s: %w", cfg.Dir, err)
	}
	if err := w.Add(filepath.Dir(dir)); err != nil {
		return fmt.Errorf("watch the parent of %s: %w", cfg.Dir, err)
	}
	if cfg.Ready != nil {
		cfg.Ready()
	}

	pending := map[string]bool{}
	all := false
	var first time.Time // when the oldest pending change arrived
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	begin := func() { // the first change of a new batch
		first = time.Now()
		if cfg.Changed != nil {
			cfg.Changed()
		}
	}
	flush := func() {
		b := Batch{All: all}
		for name := range pending {
			b.Names = append(b.Names, name)
		}
		slices.Sort(b.Names)
		clear(pending)
		all = false
		apply(ctx, b)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Name == dir {
				// The directory itself, seen from its parent or its own watch.
				replaced := ev.Has(fsnotify.Create)
				if !replaced && !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
					continue
				}
				if len(pending) == 0 && !all {
					begin()
				}
				if !replaced {
					log.Warn("the corpus directory was removed or renamed; changes are indexed once a directory of its name is back",
						"dir", cfg.Dir, "event", ev.Op.String())
					w.Remove(dir) // the watch of a directory renamed away would follow it
					continue
				}
				if err := w.Add(dir); err != nil {
					log.Error("watching the corpus directory", "dir", cfg.Dir, "err", err)
					continue
				}
				log.Info("the corpus directory was replaced; comparing all of it with the index", "dir", cfg.Dir)
				all = true
				timer.Reset(cfg.Quiet)
				continue
			}
			name := filepath.Base(ev.Name)
			if filepath.Dir(ev.Name) != dir || corpus.ValidName(name) != nil {
				continue
			}
			if len(pending) == 0 && !all {
				begin()
			}
			pending[name] = true
			timer.Reset(min(cfg.Quiet, time.Until(first.Add(cfg.MaxDelay))))
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				if len(pending) == 0 && !all {
					begin()
				}
				all = true
				timer.Reset(cfg.Quiet)
				continue
			}
			log.Error("watching the corpus directory", "dir", cfg.Dir, "err", err)
		case <-timer.C:
			if len(pending) > 0 || all {
				flush()
			}
		}
	}
}
