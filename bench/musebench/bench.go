package musebench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"musesearch/bench/scalegen"
	"musesearch/corpus"
)

// musesearchName is the system name of musesearch in the report.
const musesearchName = "musesearch"

// system is one engine under test: how to run its two phases as child processes.
type system struct {
	name  string
	index func(size int, corpusDir, sectionsFile, indexDir string) []string
	serve func(size int, indexDir, workloadFile, corpusDir string) []string
}

// bench runs every size and system and writes the report after each size, so that a
// long run that fails late keeps what it measured.
func bench(ctx context.Context, o Options, log io.Writer) error {
	work := o.Work
	if work == "" {
		tmp, err := os.MkdirTemp("", "musebench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		work = tmp
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	work, err := filepath.Abs(work)
	if err != nil {
		return err
	}
	systems, err := prepareSystems(ctx, o, work, log)
	if err != nil {
		return err
	}
	report := Report{Machine: machine()}
	for _, size := range o.Sizes {
		res, err := benchSize(ctx, o, work, size, systems, log)
		if err != nil {
			return fmt.Errorf("%d sections: %w", size, err)
		}
		report.Sizes = append(report.Sizes, res)
		if err := writeReport(o.Out, report); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "musebench: wrote %s, %s and %s\n", o.Out, sibling(o.Out, ".md"), sibling(o.Out, ".svg"))
	return nil
}

// prepareSystems builds the peers' programs and says how to run every system.
func prepareSystems(ctx context.Context, o Options, work string, log io.Writer) ([]system, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	worker := func(size int, phase string) []string {
		argv := []string{self, "worker"}
		if o.Profile != "" {
			argv = append(argv, "-cpuprofile", filepath.Join(o.Profile, fmt.Sprintf("musesearch-%d-%s.pprof", size, phase)))
		}
		return append(argv, phase)
	}
	if o.Profile != "" {
		if err := os.MkdirAll(o.Profile, 0o755); err != nil {
			return nil, err
		}
	}
	var systems []system
	if !o.SkipSelf {
		systems = append(systems, system{
			name: musesearchName,
			index: func(size int, corpusDir, _, indexDir string) []string {
				return append(worker(size, "index"), corpusDir, indexDir)
			},
			serve: func(size int, indexDir, workloadFile, corpusDir string) []string {
				return append(worker(size, "serve"), indexDir, workloadFile, corpusDir)
			},
		})
	}
	if len(o.Peers) == 0 {
		return systems, nil
	}
	peersDir := o.PeersDir
	if peersDir == "" {
		if peersDir, err = findPeersDir(); err != nil {
			return nil, err
		}
	}
	for _, p := range o.Peers {
		fmt.Fprintf(log, "musebench: building the %s peer\n", p)
		switch p {
		case "bluge":
			bin := filepath.Join(work, "bin", "bluge")
			cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./bluge")
			cmd.Dir, cmd.Stderr = peersDir, log
			if err := cmd.Run(); err != nil {
				return nil, fmt.Errorf("build the bluge peer in %s: %w", peersDir, err)
			}
			systems = append(systems, system{
				name: "bluge",
				index: func(_ int, _, sectionsFile, indexDir string) []string {
					return []string{bin, "index", sectionsFile, indexDir}
				},
				serve: func(_ int, indexDir, workloadFile, _ string) []string {
					return []string{bin, "serve", indexDir, workloadFile}
				},
			})
		case "lucene":
			var out bytes.Buffer
			cmd := exec.CommandContext(ctx, "sh", filepath.Join(peersDir, "lucene", "build.sh"), filepath.Join(work, "lucene"))
			cmd.Stdout, cmd.Stderr = &out, log
			if err := cmd.Run(); err != nil {
				return nil, fmt.Errorf("build the Lucene peer (needs default-jdk-headless and liblucene8-java): %w", err)
			}
			java := append([]string{"java"}, o.JavaOpts...)
			java = append(java, "-cp", strings.TrimSpace(out.String()), "LucenePeer")
			systems = append(systems, system{
				name: "lucene",
				index: func(_ int, _, sectionsFile, indexDir string) []string {
					return append(clone(java), "index", sectionsFile, indexDir)
				},
				serve: func(_ int, indexDir, workloadFile, _ string) []string {
					return append(clone(java), "serve", indexDir, workloadFile)
				},
			})
		}
	}
	return systems, nil
}

func clone(s []string) []string { return append([]string(nil), s...) }

// findPeersDir looks for bench/peers from the working directory upwards.
func findPeersDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "bench", "peers")
		if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("bench/peers not found above the working directory: run musebench in the musesearch checkout or pass -peers-dir")
		}
		dir = parent
	}
}

// benchSize measures every system on the corpus of one size.
func benchSize(ctx context.Context, o Options, work string, size int, systems []system, log io.Writer) (SizeResult, error) {
	corpusDir := filepath.Join(work, corpusName(size, o))
	st, err := ensureCorpus(corpusDir, size, o, log)
	if err != nil {
		return SizeResult{}, err
	}
	addName, addData, probe := probeDocument(size)
	// A run that died while serving may have left the probe in the reused corpus.
	if err := os.Remove(filepath.Join(corpusDir, addName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return SizeResult{}, err
	}
	fmt.Fprintf(log, "musebench: %d sections: parsing the corpus and exporting its sections\n", size)
	sectionsFile := corpusDir + ".jsonl"
	sections, facetCounts, err := exportSections(corpusDir, sectionsFile)
	if err != nil {
		return SizeResult{}, err
	}
	docs, err := corpus.Parse(addName, []byte(addData))
	if err != nil || len(docs) == 0 || len(docs[0].Sections) == 0 {
		return SizeResult{}, fmt.Errorf("the probe document does not parse into a section: %v", err)
	}
	wl := newWorkload(st.RareTerm, facetCounts, o.Warmup, o.Repeat, exportSection(docs[0], docs[0].Sections[0]), addName, addData, probe)
	workloadFile := filepath.Join(work, fmt.Sprintf("workload-%d.json", size))
	if err := writeJSON(workloadFile, wl); err != nil {
		return SizeResult{}, err
	}

	res := SizeResult{Sections: sections, Bytes: st.Bytes, Systems: map[string]SystemResult{}}
	for _, sys := range systems {
		r, err := benchSystem(ctx, sys, size, corpusDir, sectionsFile, workloadFile, filepath.Join(work, fmt.Sprintf("index-%d-%s", size, sys.name)), o.Keep, log)
		if err != nil {
			if sys.name == musesearchName {
				return res, err
			}
			// A peer that fails is reported and left out; musesearch's figures stand.
			fmt.Fprintf(log, "musebench: %d sections: %s failed, left out of the report: %v\n", size, sys.name, err)
			continue
		}
		r.SectionsPerS = round3(float64(sections) / r.IndexS)
		r.MBPerS = round3(float64(st.Bytes) / 1e6 / r.IndexS)
		res.Systems[sys.name] = r
	}
	return res, nil
}

// corpusName names the corpus of one size after everything its content depends on, so
// that a run reuses only a corpus it would have generated itself.
func corpusName(size int, o Options) string {
	name := fmt.Sprintf("corpus-%d-seed%d", size, o.Seed)
	if len(o.ExtraText) > 0 {
		name += fmt.Sprintf("-extra%08x", crc32.ChecksumIEEE([]byte(strings.Join(o.ExtraText, ","))))
	}
	return name
}

// ensureCorpus generates the corpus of one size, or reuses the one a previous run of
// the same seed left in the working directory.
func ensureCorpus(dir string, size int, o Options, log io.Writer) (scalegen.Stats, error) {
	statsFile := dir + ".json"
	var st scalegen.Stats
	if data, err := os.ReadFile(statsFile); err == nil && json.Unmarshal(data, &st) == nil && st.Sections == size {
		fmt.Fprintf(log, "musebench: %d sections: reusing the corpus in %s\n", size, dir)
		return st, nil
	}
	fmt.Fprintf(log, "musebench: %d sections: generating the corpus\n", size)
	if err := os.RemoveAll(dir); err != nil {
		return st, err
	}
	g, err := scalegen.New(scalegen.Config{Seed: o.Seed, Sections: size, Bundle: corpus.Bundle, ExtraText: o.ExtraText})
	if err != nil {
		return st, err
	}
	if st, err = g.Write(dir); err != nil {
		return st, err
	}
	return st, writeJSON(statsFile, st)
}

// benchSystem runs one system's index and serve phases in child processes.
func benchSystem(ctx context.Context, sys system, size int, corpusDir, sectionsFile, workloadFile, indexDir string, keep bool, log io.Writer) (SystemResult, error) {
	if err := os.RemoveAll(indexDir); err != nil {
		return SystemResult{}, err
	}
	if !keep {
		defer os.RemoveAll(indexDir)
	}
	fmt.Fprintf(log, "musebench: %s: indexing\n", sys.name)
	var ix indexOutput
	memIndex, err := runChild(ctx, sys.index(size, corpusDir, sectionsFile, indexDir), &ix, log)
	if err != nil {
		return SystemResult{}, fmt.Errorf("index: %w", err)
	}
	diskBytes, err := dirSize(indexDir)
	if err != nil {
		return SystemResult{}, err
	}
	fmt.Fprintf(log, "musebench: %s: indexed %d sections in %.1f s; serving the query mix\n", sys.name, ix.Sections, ix.IndexS)
	var sv serveOutput
	memServe, err := runChild(ctx, sys.serve(size, indexDir, workloadFile, corpusDir), &sv, log)
	if err != nil {
		return SystemResult{}, fmt.Errorf("serve: %w", err)
	}
	return SystemResult{
		IndexS:       round3(ix.IndexS),
		IndexBytes:   diskBytes,
		IndexParts:   ix.Parts,
		RSSIndexMB:   memIndex.peakMB,
		RSSServeMB:   memServe.peakMB,
		AnonIndexMB:  memIndex.anonMB,
		AnonServeMB:  memServe.anonMB,
		OpenS:        round3(sv.OpenS),
		AddVisibleMS: round3(sv.AddVisibleMS),
		Queries:      summarise(sv),
		Suggest:      summariseSuggest(sv),
	}, nil
}

// childMemory is the peak memory of a child process, in MB: its resident memory
// (VmHWM), which counts the pages of the files it mapped and read (an index's
// segments), and the largest anonymous part of it seen (RssAnon: its heap and stacks,
// sampled).
type childMemory struct {
	peakMB, anonMB float64
}

// runChild runs argv, decodes the JSON it prints into out and returns its peak
// memory. The peak is the kernel's high-water mark of the child's memory (VmHWM), read
// while it runs: the rusage of a waited child is no use here, because Linux counts in
// it the memory of the parent it was forked from (Go forks with the parent's memory
// shared until exec), which is often larger.
func runChild(ctx context.Context, argv []string, out any, log io.Writer) (childMemory, error) {
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &stdout, log
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return childMemory{}, fmt.Errorf("%s: %w", filepath.Base(argv[0]), err)
	}
	done := make(chan struct{})
	peak := make(chan childMemory)
	go func() {
		var kb childMemory
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if hwm, anon, ok := memoryKB(cmd.Process.Pid); ok {
				kb.peakMB, kb.anonMB = max(kb.peakMB, hwm), max(kb.anonMB, anon)
			}
			select {
			case <-done:
				peak <- kb
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	kb := <-peak
	if err != nil {
		return childMemory{}, fmt.Errorf("%s: %w", filepath.Base(argv[0]), err)
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return childMemory{}, fmt.Errorf("%s printed no result after %s: %w", filepath.Base(argv[0]), time.Since(start).Round(time.Second), err)
	}
	return childMemory{round3(kb.peakMB / 1024), round3(kb.anonMB / 1024)}, nil
}

// memoryKB reads the peak resident memory of process pid and its anonymous resident
// memory now, in kB, from /proc/PID/status; false once the process has exited.
func memoryKB(pid int) (hwm, anon float64, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, false
	}
	seen := 0
	for line := range strings.Lines(string(data)) {
		key, rest, _ := strings.Cut(line, ":")
		var v *float64
		switch key {
		case "VmHWM":
			v = &hwm
		case "RssAnon":
			v = &anon
		default:
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		if err != nil {
			return 0, 0, false
		}
		*v, seen = kb, seen+1
	}
	return hwm, anon, seen == 2
}

// dirSize is the size of every file under dir.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	return n, err
}

func sibling(path, ext string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ext
}

// writeReport writes the JSON, the tables and the plot.
func writeReport(out string, r Report) error {
	if err := writeJSON(out, r); err != nil {
		return err
	}
	var md, svg bytes.Buffer
	writeMarkdown(&md, r)
	if err := writePlot(&svg, r); err != nil {
		return err
	}
	if err := os.WriteFile(sibling(out, ".md"), md.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(sibling(out, ".svg"), svg.Bytes(), 0o644)
}
