package musebench

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"musesearch/indexer"
	"musesearch/internal/cputime"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// engine is musesearch as the serve phase sees it.
type engine interface {
	// search answers q as the server would and returns its total number of hits.
	search(ctx context.Context, q query) (int, error)
	// suggest asks for the suggestions of a prefix as GET /api/suggest does and returns
	// how many it got.
	suggest(ctx context.Context, p prefix) (int, error)
	// addFile indexes corpus file name, just written, and returns once it is searchable.
	addFile(ctx context.Context, name string, data []byte) error
	close() error
}

// runWorker runs one phase of musesearch's child process and prints its result as the
// peers do (bench/peers/README.md):
//
//	worker [-cpuprofile FILE] index CORPUS_DIR INDEX_DIR
//	worker [-cpuprofile FILE] [-memprofile FILE] serve INDEX_DIR WORKLOAD.json CORPUS_DIR
func runWorker(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("musebench worker", flag.ContinueOnError)
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the phase to `file`")
	memProfile := fs.String("memprofile", "", "write a heap profile at the end of the serve phase, the index still open, to `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	args = fs.Args()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch {
	case len(args) == 3 && args[0] == "index":
		start := time.Now()
		n, err := indexCorpus(ctx, args[1], args[2])
		if err != nil {
			return err
		}
		out := indexOutput{Sections: n, IndexS: time.Since(start).Seconds()}
		if out.Parts, err = indexParts(ctx, args[2]); err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(out)
	case len(args) == 4 && args[0] == "serve":
		data, err := os.ReadFile(args[2])
		if err != nil {
			return err
		}
		var wl workload
		if err := json.Unmarshal(data, &wl); err != nil {
			return fmt.Errorf("workload %s: %w", args[2], err)
		}
		out, err := serve(ctx, args[1], args[3], wl, *memProfile)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(out)
	}
	return fmt.Errorf("%w: musebench worker [-cpuprofile FILE] index CORPUS_DIR INDEX_DIR | musebench worker [-cpuprofile FILE] [-memprofile FILE] serve INDEX_DIR WORKLOAD.json CORPUS_DIR", ErrUsage)
}

// serve opens the index, answers the workload and measures how soon an added file is
// searchable. The added file is removed from the corpus again afterwards, so that the
// corpus can be reused by the next run. A heap profile goes to memProfile at the end,
// unless it is "".
func serve(ctx context.Context, indexDir, corpusDir string, wl workload, memProfile string) (serveOutput, error) {
	defer indexer.ServingGC()() // as the serve command does
	start := time.Now()
	eng, err := openEngine(ctx, indexDir, corpusDir)
	if err != nil {
		return serveOutput{}, err
	}
	defer eng.close()
	if _, err := eng.search(ctx, query{Name: "ready", Q: "ready"}); err != nil {
		return serveOutput{}, err
	}
	out := serveOutput{OpenS: time.Since(start).Seconds(), Hits: map[string]int{}, SamplesMS: map[string][]float64{}, CPUMS: map[string][]float64{}}
	// processCPU reads 0 where the system does not say.
	processCPU := func() time.Duration {
		d, _ := cputime.Process()
		return d
	}
	for round := range wl.Warmup + wl.Repeat {
		for _, q := range wl.Queries {
			t, cpu := time.Now(), processCPU()
			n, err := eng.search(ctx, q)
			if err != nil {
				return out, fmt.Errorf("query %s (%q): %w", q.Name, q.Q, err)
			}
			if round >= wl.Warmup {
				out.SamplesMS[q.Name] = append(out.SamplesMS[q.Name], float64(time.Since(t).Microseconds())/1000)
				out.CPUMS[q.Name] = append(out.CPUMS[q.Name], float64((processCPU()-cpu).Microseconds())/1000)
			}
			out.Hits[q.Name] = n
		}
	}
	for round := range wl.Warmup + wl.Repeat {
		total := 0
		for _, p := range wl.Suggest {
			t := time.Now()
			n, err := eng.suggest(ctx, p)
			if err != nil {
				return out, fmt.Errorf("suggestions for %q: %w", p.Text, err)
			}
			if round >= wl.Warmup {
				out.SuggestMS = append(out.SuggestMS, float64(time.Since(t).Microseconds())/1000)
			}
			total += n
		}
		out.Suggestions = total
	}

	// Adding: the file is written to the corpus as a user's upload would be, then
	// indexed; the clock runs until a search finds it.
	path := filepath.Join(corpusDir, wl.AddFile)
	defer os.Remove(path)
	t := time.Now()
	if err := os.WriteFile(path, []byte(wl.AddData), 0o644); err != nil {
		return out, err
	}
	if err := eng.addFile(ctx, wl.AddFile, []byte(wl.AddData)); err != nil {
		return out, fmt.Errorf("add %s: %w", wl.AddFile, err)
	}
	for {
		n, err := eng.search(ctx, query{Name: "probe", Q: wl.AddProbe})
		if err != nil {
			return out, err
		}
		if n > 0 {
			break
		}
		if time.Since(t) > time.Minute {
			return out, fmt.Errorf("the added file %s was not searchable after a minute", wl.AddFile)
		}
	}
	out.AddVisibleMS = float64(time.Since(t).Microseconds()) / 1000
	if memProfile != "" {
		return out, writeHeapProfile(memProfile)
	}
	return out, nil
}

// writeHeapProfile writes a profile of the memory in use, after a collection, to
// path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
