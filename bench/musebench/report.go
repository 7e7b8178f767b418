package musebench

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
)

// Report is the JSON file musebench writes.
type Report struct {
	Machine string       `json:"machine"`
	Sizes   []SizeResult `json:"sizes"`
}

// SizeResult holds every system's figures on one corpus.
type SizeResult struct {
	// Sections is the number of sections the corpus parsed into (what was indexed).
	Sections int `json:"sections"`
	// Bytes is the corpus size on disk.
	Bytes   int64                   `json:"bytes"`
	Systems map[string]SystemResult `json:"systems"`
}

// SystemResult is one system's figures on one corpus.
type SystemResult struct {
	IndexS       float64 `json:"index_s"`
	SectionsPerS float64 `json:"sections_per_s"`
	MBPerS       float64 `json:"mb_per_s"`
	IndexBytes   int64   `json:"index_bytes"`
	RSSIndexMB   float64 `json:"rss_index_mb"`
	RSSServeMB   float64 `json:"rss_serve_mb"`
	// AnonIndexMB and AnonServeMB are the largest anonymous parts of those peaks
	// (heap and stacks, without the index's mapped pages), sampled.
	AnonIndexMB  float64                `json:"rss_index_anon_mb"`
	AnonServeMB  float64                `json:"rss_serve_anon_mb"`
	OpenS        float64                `json:"open_s"`
	AddVisibleMS float64                `json:"add_visible_ms"`
	Queries      map[string]QueryResult `json:"queries"`
	// Suggest is the latency of a request for suggestions (every prefix of the
	// workload's words, as typed); its hits are the suggestions of one round. Only
	// musesearch suggests.
	Suggest *QueryResult `json:"suggest,omitempty"`
	// IndexParts says where the index's bytes go, by part (indexParts), for the
	// systems that say.
	IndexParts map[string]int64 `json:"index_parts,omitempty"`
}

// QueryResult is the latency of one query of the mix and its number of hits. The
// entry named mixName summarises every timed query together.
type QueryResult struct {
	P50MS float64 `json:"p50_ms"`
	P95MS float64 `json:"p95_ms"`
	P99MS float64 `json:"p99_ms"`
	Hits  int     `json:"hits"`
	// CPUMS is the mean CPU time of the serving process per run of the query: what
	// it costs the machine, whatever the other work on it; 0 when the system does
	// not report it.
	CPUMS float64 `json:"cpu_ms,omitempty"`
}

// mixName is the queries entry over the whole mix; its hits are the sum of the
// queries' hits.
const mixName = "mix"

// summarise turns a serve phase's samples into percentiles per query and over the mix.
func summarise(out serveOutput) map[string]QueryResult {
	res := map[string]QueryResult{}
	var all, cpu []float64
	mixHits := 0
	for name, samples := range out.SamplesMS {
		r := latencies(samples, out.Hits[name])
		r.CPUMS = mean(out.CPUMS[name])
		res[name] = r
		all = append(all, samples...)
		cpu = append(cpu, out.CPUMS[name]...)
		mixHits += out.Hits[name]
	}
	mix := latencies(all, mixHits)
	mix.CPUMS = mean(cpu)
	res[mixName] = mix
	return res
}

// summariseSuggest turns a serve phase's suggestion samples into percentiles, or nil
// when it made none.
func summariseSuggest(out serveOutput) *QueryResult {
	if len(out.SuggestMS) == 0 {
		return nil
	}
	r := latencies(out.SuggestMS, out.Suggestions)
	return &r
}

// mean is the mean of samples, rounded; 0 for none.
func mean(samples []float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	var sum float64
	for _, s := range samples {
		sum += s
	}
	return round3(sum / float64(len(samples)))
}

func latencies(samples []float64, hits int) QueryResult {
	s := slices.Clone(samples)
	slices.Sort(s)
	return QueryResult{P50MS: percentile(s, 50), P95MS: percentile(s, 95), P99MS: percentile(s, 99), Hits: hits}
}

// percentile is the nearest-rank percentile of sorted samples.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return round3(sorted[max(i, 0)])
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// machine describes this computer in one line.
func machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(data)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(data), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.0f GB RAM", float64(kb)/(1<<20))
		}
	}
	// Other work on the machine skews every figure: say how busy it was.
	load := ""
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(data)); len(f) > 0 {
			load = ", load average " + f[0] + " at start"
		}
	}
	return fmt.Sprintf("%s, %d CPUs%s, %s/%s, %s%s", model, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version(), load)
}

// systemOrder lists musesearch first, then the peers by name.
func systemOrder(systems map[string]SystemResult) []string {
	var names []string
	for name := range systems {
		if name != musesearchName {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if _, ok := systems[musesearchName]; ok {
		names = append([]string{musesearchName}, names...)
	}
	return names
}

// writeMarkdown writes the report as tables: absolute figures per system, and
// musesearch's figure divided by each peer's.
func writeMarkdown(w io.Writer, r Report) {
	fmt.Fprintf(w, "Machine: %s\n", r.Machine)
	for _, size := range r.Sizes {
		names := systemOrder(size.Systems)
		peers := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == musesearchName })
		_, hasMuse := size.Systems[musesearchName]
		fmt.Fprintf(w, "\n### %d sections (%.1f MB of text)\n\n", size.Sections, float64(size.Bytes)/1e6)
		header := "| figure | " + strings.Join(names, " | ") + " |"
		sep := "|---|" + strings.Repeat("---:|", len(names))
		if hasMuse {
			for _, p := range peers {
				header += " musesearch / " + p + " |"
				sep += "---:|"
			}
		}
		fmt.Fprintln(w, header)
		fmt.Fprintln(w, sep)
		row := func(label string, get func(SystemResult) float64) {
			fmt.Fprintf(w, "| %s |", label)
			for _, n := range names {
				fmt.Fprintf(w, " %s |", number(get(size.Systems[n])))
			}
			if hasMuse {
				m := get(size.Systems[musesearchName])
				for _, p := range peers {
					if v := get(size.Systems[p]); v > 0 {
						fmt.Fprintf(w, " %.2f |", m/v)
					} else {
						fmt.Fprint(w, " - |")
					}
				}
			}
			fmt.Fprintln(w)
		}
		row("index time (s)", func(s SystemResult) float64 { return s.IndexS })
		row("sections/s", func(s SystemResult) float64 { return s.SectionsPerS })
		row("MB/s", func(s SystemResult) float64 { return s.MBPerS })
		row("index size (MB)", func(s SystemResult) float64 { return float64(s.IndexBytes) / 1e6 })
		for _, part := range indexPartNames {
			if _, ok := size.Systems[musesearchName].IndexParts[part]; !ok {
				continue
			}
			row("index: "+part+" (MB)", func(s SystemResult) float64 {
				if b, ok := s.IndexParts[part]; ok {
					return float64(b) / 1e6
				}
				return math.NaN() // not measured
			})
		}
		row("peak RSS indexing (MB)", func(s SystemResult) float64 { return s.RSSIndexMB })
		row("peak RSS serving (MB)", func(s SystemResult) float64 { return s.RSSServeMB })
		row("peak anonymous RSS indexing (MB)", func(s SystemResult) float64 { return s.AnonIndexMB })
		row("peak anonymous RSS serving (MB)", func(s SystemResult) float64 { return s.AnonServeMB })
		row("open until ready (s)", func(s SystemResult) float64 { return s.OpenS })
		row("added doc searchable (ms)", func(s SystemResult) float64 { return s.AddVisibleMS })
		var queries []string
		for _, n := range names {
			for q := range size.Systems[n].Queries {
				if !slices.Contains(queries, q) {
					queries = append(queries, q)
				}
			}
		}
		slices.SortFunc(queries, func(a, b string) int {
			if (a == mixName) != (b == mixName) {
				return boolCmp(a == mixName, b == mixName)
			}
			return strings.Compare(a, b)
		})
		for _, q := range queries {
			row(q+" p50 (ms)", func(s SystemResult) float64 { return s.Queries[q].P50MS })
			row(q+" p95 (ms)", func(s SystemResult) float64 { return s.Queries[q].P95MS })
			row(q+" p99 (ms)", func(s SystemResult) float64 { return s.Queries[q].P99MS })
			row(q+" CPU (ms)", func(s SystemResult) float64 {
				if cpu := s.Queries[q].CPUMS; cpu > 0 {
					return cpu
				}
				return math.NaN() // not reported
			})
			row(q+" hits", func(s SystemResult) float64 { return float64(s.Queries[q].Hits) })
		}
		if size.Systems[musesearchName].Suggest != nil {
			suggest := func(get func(QueryResult) float64) func(SystemResult) float64 {
				return func(s SystemResult) float64 {
					if s.Suggest == nil {
						return 0
					}
					return get(*s.Suggest)
				}
			}
			row("suggest p50 (ms)", suggest(func(q QueryResult) float64 { return q.P50MS }))
			row("suggest p95 (ms)", suggest(func(q QueryResult) float64 { return q.P95MS }))
			row("suggest p99 (ms)", suggest(func(q QueryResult) float64 { return q.P99MS }))
			row("suggestions", suggest(func(q QueryResult) float64 { return float64(q.Hits) }))
		}
	}
}

// boolCmp orders true before false.
func boolCmp(a, b bool) int {
	if a == b {
		return 0
	}
	if a {
		return -1
	}
	return 1
}

func number(x float64) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case x == math.Trunc(x) || math.Abs(x) >= 100:
		return fmt.Sprintf("%.0f", x)
	case math.Abs(x) >= 1:
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("%.3f", x)
}

// merge combines earlier reports into one and writes it with its tables and plot.
func merge(files []string, out string) error {
	var merged Report
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var r Report
		if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("%s is not a musebench report: %w", f, err)
		}
		// Each run's machine line says how loaded it was: keep them all.
		if merged.Machine == "" {
			merged.Machine = r.Machine
		} else if !strings.Contains(merged.Machine, r.Machine) {
			merged.Machine += "; " + r.Machine
		}
		for _, size := range r.Sizes {
			i := slices.IndexFunc(merged.Sizes, func(s SizeResult) bool { return s.Sections == size.Sections })
			if i < 0 {
				merged.Sizes = append(merged.Sizes, SizeResult{Sections: size.Sections, Bytes: size.Bytes, Systems: map[string]SystemResult{}})
				i = len(merged.Sizes) - 1
			}
			for name, sys := range size.Systems {
				merged.Sizes[i].Systems[name] = sys
			}
		}
	}
	slices.SortFunc(merged.Sizes, func(a, b SizeResult) int { return cmp.Compare(a.Sections, b.Sections) })
	return writeReport(out, merged)
}
