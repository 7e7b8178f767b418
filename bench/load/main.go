// Command load measures how a running musesearch server answers under load: a victim
// client that sends one ordinary search after another while attacker clients send
// the most expensive queries the limits allow, or (with -attackers 0) many clients
// sending a mix of ordinary searches for throughput. It only talks to this machine
// (loopback addresses) and stops by itself after -duration.
//
//	go run ./bench/load -url http://127.0.0.1:8080 -attackers 8 -duration 30s
//	go run ./bench/load -url http://127.0.0.1:8080 -attackers 0 -clients 20 -duration 30s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// maxDuration bounds a run, whatever -duration says.
const maxDuration = 5 * time.Minute

// mix is the throughput mix: ordinary searches of every kind (a word, two words,
// Japanese, Chinese, a phrase, an exclusion, a concept across languages).
var mix = []string{"ALS", "Muse cells", "脊髄損傷", "干细胞", `"spinal cord injury"`, "stroke -mouse", "間葉系幹細胞"}

// attacks are the most expensive requests within the documented limits: the longest
// phrases of one repeated word, long CJK runs (bigram phrases), many ORs, and deep
// pages of grouped results.
func attacks() []string {
	long := func(unit string, n int) string { return strings.Repeat(unit, n) }
	return []string{
		"q=" + url.QueryEscape(`"`+strings.TrimSpace(long("a ", 249))+`"`),
		"q=" + url.QueryEscape(long("細胞", 250)),
		"q=" + url.QueryEscape(long("幹細胞治療", 100)),
		"q=" + url.QueryEscape(strings.TrimSuffix(long("cells OR stem OR ", 29), " OR ")),
		"q=" + url.QueryEscape(`"`+strings.TrimSpace(long("stem cell ", 50))+`"`) + "&group=doc&size=100",
		"q=&group=doc&size=100&page=10",
		"q=" + url.QueryEscape(long("-x ", 60)+"cells") + "&sort=date&size=100",
	}
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "the server, on this machine")
	duration := fs.Duration("duration", 20*time.Second, fmt.Sprintf("how long to run, at most %s", maxDuration))
	attackers := fs.Int("attackers", 8, "clients sending the most expensive queries; 0 for a throughput run")
	clients := fs.Int("clients", 20, "with -attackers 0: clients sending the ordinary mix")
	victim := fs.String("victim", "ALS", "with attackers: the ordinary query whose latency is measured")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkLoopback(*base); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, min(*duration, maxDuration))
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var classes []*class
	var wg sync.WaitGroup
	start := func(c *class, queries []string) {
		classes = append(classes, c)
		wg.Go(func() { c.loop(ctx, client, *base, queries) })
	}
	if *attackers > 0 {
		victimClass := &class{name: "victim " + *victim}
		start(victimClass, []string{"q=" + url.QueryEscape(*victim)})
		attack := &class{name: "attackers"}
		classes = append(classes, attack)
		for range *attackers {
			wg.Go(func() { attack.loop(ctx, client, *base, attacks()) })
		}
	} else {
		all := &class{name: "mix"}
		classes = append(classes, all)
		var queries []string
		for _, q := range mix {
			queries = append(queries, "q="+url.QueryEscape(q))
		}
		for range *clients {
			wg.Go(func() { all.loop(ctx, client, *base, queries) })
		}
	}
	began := time.Now()
	wg.Wait()
	elapsed := time.Since(began)
	for _, c := range classes {
		fmt.Fprintln(w, c.report(elapsed))
	}
	return nil
}

// checkLoopback refuses a server that is not on this machine.
func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return fmt.Errorf("-url %q is not a URL", base)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %q: load goes only to this machine (127.0.0.0/8, ::1, localhost)", base)
	}
	return nil
}

// class is the requests of one kind of client, and what came of them.
type class struct {
	name string

	mu        sync.Mutex
	latencies []time.Duration
	statuses  map[int]int
	failures  int
	// unanswered counts the requests still waiting for their answer when the run ended.
	unanswered int
}

// loop sends the queries in turn until ctx ends.
func (c *class) loop(ctx context.Context, client *http.Client, base string, queries []string) {
	for i := 0; ctx.Err() == nil; i++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/search?"+queries[i%len(queries)], nil)
		if err != nil {
			c.record(0, 0)
			return
		}
		began := time.Now()
		res, err := client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				c.record(-1, 0)
			} else {
				c.record(0, 0)
			}
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		c.record(res.StatusCode, time.Since(began))
	}
}

// record counts one request: its status and latency; status 0 for a request that
// failed, -1 for one the end of the run cut off.
func (c *class) record(status int, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch status {
	case 0:
		c.failures++
		return
	case -1:
		c.unanswered++
		return
	}
	if c.statuses == nil {
		c.statuses = map[int]int{}
	}
	c.statuses[status]++
	c.latencies = append(c.latencies, d)
}

// report is one line: requests, rate, statuses and latency percentiles.
func (c *class) report(elapsed time.Duration) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	slices.Sort(c.latencies)
	var codes []string
	for _, code := range slices.Sorted(maps.Keys(c.statuses)) {
		codes = append(codes, fmt.Sprintf("%d×%d", code, c.statuses[code]))
	}
	return fmt.Sprintf("%-12s %6d requests %8.1f/s  status %s  failed %d  unanswered at the end %d  p50 %s  p99 %s  max %s",
		c.name, len(c.latencies), float64(len(c.latencies))/elapsed.Seconds(), strings.Join(codes, " "), c.failures, c.unanswered,
		percentile(c.latencies, 0.50), percentile(c.latencies, 0.99), percentile(c.latencies, 1))
}

// percentile returns the p-quantile of sorted durations (nearest rank), rounded.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)].Round(10 * time.Microsecond)
}
