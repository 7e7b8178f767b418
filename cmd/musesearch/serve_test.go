package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
	res, err := http.Get(base + "/api/search?q=ALS")
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Total int }
	err = json.NewDecoder(res.Body).Decode(&got)
	res.Body.Close()
	if err != nil || got.Total == 0 {
		t.Errorf("search ALS over the bundled corpus: %v, total %d", err, got.Total)
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
	for _, args := range [][]string{{"serve", "extra"}, {"serve", "--no-such-flag"}, {"serve", "--watch=maybe"}} {
		if err := Run(t.Context(), args, io.Discard, io.Discard); err != errUsage {
			t.Errorf("musesearch %s: %v, want a usage error", strings.Join(args, " "), err)
		}
	}
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
		if got := defaultPublicURL(addr); got != want {
			t.Errorf("defaultPublicURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
