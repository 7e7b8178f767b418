package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	for base, ok := range map[string]bool{
		"http://127.0.0.1:8080": true, "http://localhost:1": true, "http://[::1]:80": true, "http://127.8.0.1": true,
		"http://10.0.0.1:8080": false, "http://example.com": false, "http://192.168.1.2": false, "not a url": false,
	} {
		if err := checkLoopback(base); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, want allowed %v", base, err, ok)
		}
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond} {
		if got := percentile(d, p); got != want {
			t.Errorf("percentile(%v) = %v, want %v", p, got, want)
		}
	}
	if percentile(nil, 0.5) != 0 {
		t.Error("percentile of nothing is not 0")
	}
}

// TestRun runs both kinds of load briefly against a server that tells the victim from
// the attackers, and checks the report counts each.
func TestRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("q") != "ALS" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	var out strings.Builder
	if err := run(context.Background(), []string{"-url", srv.URL, "-duration", "300ms", "-attackers", "2"}, &out); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`victim ALS +\d+ requests .* status 200×\d+ `).MatchString(out.String()) ||
		!regexp.MustCompile(`attackers +\d+ requests .* status 503×\d+ `).MatchString(out.String()) {
		t.Errorf("report:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"-url", srv.URL, "-duration", "200ms", "-attackers", "0", "-clients", "3"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "mix ") {
		t.Errorf("throughput report:\n%s", out.String())
	}
	if err := run(context.Background(), []string{"-url", "http://10.1.2.3:8080"}, &out); err == nil {
		t.Error("a server off this machine was not refused")
	}
}
