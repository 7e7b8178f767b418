package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// start runs the watcher on a fresh directory and returns it with the batch channel.
func start(t *testing.T) (string, <-chan Batch) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	batches := make(chan Batch, 16)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Dir: dir}, func(_ context.Context, b Batch) { batches <- b })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	time.Sleep(50 * time.Millisecond) // let the watch be installed
	return dir, batches
}

func next(t *testing.T, batches <-chan Batch, within time.Duration) Batch {
	t.Helper()
	select {
	case b := <-batches:
		return b
	case <-time.After(within):
		t.Fatalf("no batch within %v", within)
		return Batch{}
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDroppedFileIsReportedWithinASecond(t *testing.T) {
	dir, batches := start(t)
	write(t, filepath.Join(dir, "new.txt"), "Muse cells in stroke.")
	b := next(t, batches, time.Second)
	if !slices.Equal(b.Names, []string{"new.txt"}) || b.All {
		t.Errorf("batch = %+v, want [new.txt]", b)
	}
}

func TestBurstBecomesOneBatchAndIgnoredNamesStayOut(t *testing.T) {
	dir, batches := start(t)
	// An editor-like save: temporary and hidden files around the real one.
	write(t, filepath.Join(dir, ".a.txt.swp"), "x")
	write(t, filepath.Join(dir, "a.txt~"), "x")
	write(t, filepath.Join(dir, "notes.docx"), "x")
	for i := range 5 {
		write(t, filepath.Join(dir, "a.txt"), "draft "+string(rune('0'+i)))
	}
	write(t, filepath.Join(dir, "b.md"), "# B")
	b := next(t, batches, time.Second)
	if !slices.Equal(b.Names, []string{"a.txt", "b.md"}) {
		t.Errorf("batch = %+v, want [a.txt b.md]", b)
	}
	select {
	case extra := <-batches:
		t.Errorf("unexpected second batch %+v", extra)
	case <-time.After(3 * DefaultQuiet):
	}
}

func TestRemoveAndRenameAreReported(t *testing.T) {
	dir, batches := start(t)
	write(t, filepath.Join(dir, "old.txt"), "text")
	next(t, batches, time.Second)

	if err := os.Rename(filepath.Join(dir, "old.txt"), filepath.Join(dir, "new.txt")); err != nil {
		t.Fatal(err)
	}
	b := next(t, batches, time.Second)
	if !slices.Equal(b.Names, []string{"new.txt", "old.txt"}) {
		t.Errorf("after rename: %+v, want [new.txt old.txt]", b)
	}
	if err := os.Remove(filepath.Join(dir, "new.txt")); err != nil {
		t.Fatal(err)
	}
	b = next(t, batches, time.Second)
	if !slices.Equal(b.Names, []string{"new.txt"}) {
		t.Errorf("after remove: %+v, want [new.txt]", b)
	}
}

func TestSteadyWritesAreNotPostponedForever(t *testing.T) {
	dir, batches := start(t)
	// Writes arrive faster than Quiet for much longer than MaxDelay: a batch must still
	// come while they go on.
	writing := make(chan struct{})
	go func() {
		defer close(writing)
		for stop := time.Now().Add(4 * DefaultMaxDelay); time.Now().Before(stop); {
			os.WriteFile(filepath.Join(dir, "busy.txt"), []byte(time.Now().String()), 0o644)
			time.Sleep(DefaultQuiet / 3)
		}
	}()
	select {
	case <-batches:
	case <-writing:
		t.Fatal("no batch while writes kept arriving")
	}
	<-writing
}

func TestHooksComeBeforeTheBatches(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// One channel for everything Run reports, in the order it reports it.
	events := make(chan string, 16)
	cfg := Config{
		Dir:     dir,
		Ready:   func() { events <- "ready" },
		Changed: func() { events <- "changed" },
	}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, func(_ context.Context, b Batch) { events <- "batch " + strings.Join(b.Names, ",") })
	}()
	expect := func(want string) {
		t.Helper()
		select {
		case got := <-events:
			if got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		case <-time.After(time.Second):
			t.Fatalf("no %q within a second", want)
		}
	}
	expect("ready")
	write(t, filepath.Join(dir, "a.txt"), "one")
	write(t, filepath.Join(dir, "b.txt"), "two")
	expect("changed") // once per batch, at its first change
	expect("batch a.txt,b.txt")
	write(t, filepath.Join(dir, "a.txt"), "three")
	expect("changed")
	expect("batch a.txt")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestReplacedDirectoryIsWatchedAgain: when the directory is removed and made again,
// or another directory is renamed into its place, the watcher watches the new one and
// asks for the whole of it to be compared (All), since files may have come with it.
func TestReplacedDirectoryIsWatchedAgain(t *testing.T) {
	replacements := []struct {
		name    string
		replace func(t *testing.T, dir string)
	}{
		{"removed and made again", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{"another renamed into its place", func(t *testing.T, dir string) {
			if err := os.Mkdir(dir+".new", 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir+".new", "came-along.txt"), "text")
			if err := os.Rename(dir, dir+".old"); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(dir+".new", dir); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, r := range replacements {
		t.Run(r.name, func(t *testing.T) {
			dir, batches := start(t)
			write(t, filepath.Join(dir, "before.txt"), "text")
			next(t, batches, time.Second)

			r.replace(t, dir)
			for b := next(t, batches, 2*time.Second); !b.All; b = next(t, batches, 2*time.Second) {
			}
			write(t, filepath.Join(dir, "after.txt"), "text")
			if b := next(t, batches, time.Second); !slices.Equal(b.Names, []string{"after.txt"}) {
				t.Errorf("after the replacement: %+v, want [after.txt]", b)
			}
			// The old directory, moved away, is no longer watched.
			if _, err := os.Stat(dir + ".old"); err == nil {
				write(t, filepath.Join(dir+".old", "moved-away.txt"), "text")
				select {
				case b := <-batches:
					t.Errorf("a change in the directory moved away was reported: %+v", b)
				case <-time.After(3 * DefaultQuiet):
				}
			}
		})
	}
}
