package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestServe runs `musesearch serve` over a fresh working corpus: it listens, becomes
// ready once the bundled corpus is indexed, answers a search, and stops cleanly when
// its context ends (as on SIGINT or SIGTERM).
func TestServe(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0",
			"--corpus", filepath.Join(dir, "corpus"), "--index", filepath.Join(dir, "index")}, w, io.Discard)
		w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v (exit: %v)", err, <-done)
	}
	base := strings.TrimSpace(strings.TrimPrefix(line, "musesearch: serving "))
	go io.Copy(io.Discard, out)

	deadline := time.Now().Add(time.Minute)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/readyz did not answer 200 within a minute", base)
		}
		time.Sleep(100 * time.Millisecond)
	}
	res, err := http.Get(base + "/api/search?q=ALS&size=3&phase=phase-2")
	if err != nil {
		t.Fatal(err)
	}
	api, err := io.ReadAll(res.Body)
	res.Body.Close()
	var got struct{ Total int }
	if err == nil {
		err = json.Unmarshal(api, &got)
	}
	if err != nil || got.Total == 0 {
		t.Errorf("search ALS over the bundled corpus: %v, total %d", err, got.Total)
	}

	// The search command works next to the server, which holds the index's lock, by
	// asking it: the same answer as the API.
	store := []string{"--corpus", filepath.Join(dir, "corpus"), "--index", filepath.Join(dir, "index")}
	var cli, stderr strings.Builder
	err = Run(ctx, append(append([]string{"search", "--json", "--size", "3", "--phase", "phase-2"}, store...), "ALS"), &cli, &stderr)
	if err != nil {
		t.Errorf("musesearch search --json next to a server: %v (%s)", err, stderr.String())
	}
	if !sameJSON(t, cli.String(), string(api)) {
		t.Errorf("musesearch search --json next to a server printed\n%s\nwant GET /api/search's\n%s", cli.String(), api)
	}
	cli.Reset()
	if err := Run(ctx, append(append([]string{"search"}, store...), "ALS"), &cli, &stderr); err != nil || !strings.Contains(cli.String(), "results for \"ALS\"") {
		t.Errorf("musesearch search next to a server: %v, printed %q", err, cli.String())
	}
	cli.Reset()
	if err := Run(ctx, append(append([]string{"search", "--json", "--expand=false", "--lang", "en"}, store...), "臨床試験"), &cli, &stderr); err != nil || !strings.Contains(cli.String(), `"total":0,`) {
		t.Errorf("musesearch search --expand=false next to a server: %v, printed %q; want no hit", err, cli.String())
	}
	if err := Run(ctx, append(append([]string{"search", "--phase", "phase-9"}, store...), "ALS"), io.Discard, io.Discard); err != errUsage {
		t.Errorf("musesearch search --phase phase-9 next to a server: %v, want a usage error", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve stopped with %v, want a clean stop", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}

// TestServeUsage checks that serve refuses what it does not understand.
func TestServeUsage(t *testing.T) {
	for _, args := range [][]string{{"serve", "extra"}, {"serve", "--no-such-flag"}, {"serve", "--watch=maybe"}, {"serve", "--max-upload", "0"}, {"serve", "--max-upload", "51"}} {
		if err := Run(t.Context(), args, io.Discard, io.Discard); err != errUsage {
			t.Errorf("musesearch %s: %v, want a usage error", strings.Join(args, " "), err)
		}
	}
}

// sameJSON reports whether a and b hold the same JSON value, took_ms aside (each search
// takes its own time).
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb map[string]any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Errorf("not JSON: %v: %q", err, a)
		return false
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Errorf("not JSON: %v: %q", err, b)
		return false
	}
	delete(va, "took_ms")
	delete(vb, "took_ms")
	return reflect.DeepEqual(va, vb)
}

// TestServePublicURL checks that a bad --public-url stops serve at start-up, before it
// listens, and that the default follows --addr.
func TestServePublicURL(t *testing.T) {
	dir := t.TempDir()
	var stdout strings.Builder
	err := Run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--public-url", "search.example.org",
		"--corpus", filepath.Join(dir, "corpus"), "--index", filepath.Join(dir, "index")}, &stdout, io.Discard)
	if _, serr := os.Stat(filepath.Join(dir, "corpus")); err == nil || !strings.Contains(err.Error(), "public URL") || stdout.Len() != 0 || serr == nil {
		t.Errorf("serve --public-url search.example.org: %v, printed %q; want an error about the public URL before anything is done", err, stdout.String())
	}
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080",
		"example.org:80": "http://example.org:80",
		":8080":          "http://localhost:8080",
		"0.0.0.0:8080":   "http://localhost:8080",
		"[::]:8080":      "http://localhost:8080",
		"[::1]:8080":     "http://[::1]:8080",
	} {
		if got := httpURL(addr, "localhost"); got != want {
			t.Errorf("httpURL(%q, localhost) = %q, want %q", addr, got, want)
		}
	}
}
