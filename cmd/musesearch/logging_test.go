package main

import (
	"encoding/json"
	"flag"
	"io"
	"strings"
	"testing"
)

// TestLogFlags checks that --log-level drops the lines below it and --log-format=json
// writes one JSON object a line.
func TestLogFlags(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		wantDebug bool
		wantInfo  bool
		json      bool
	}{
		{nil, false, true, false},
		{[]string{"--log-level", "debug"}, true, true, false},
		{[]string{"--log-level", "warn", "--log-format", "json"}, false, false, true},
		{[]string{"--log-format=json"}, false, true, true},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			var l logFlags
			l.Flags(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			log := l.logger(&out)
			log.Debug("debug line")
			log.Info("info line", "k", "v")
			got := out.String()
			if strings.Contains(got, "debug line") != tc.wantDebug || strings.Contains(got, "info line") != tc.wantInfo {
				t.Errorf("logged %q: want debug %v, info %v", got, tc.wantDebug, tc.wantInfo)
			}
			for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
				if line == "" {
					continue
				}
				if isJSON := json.Valid([]byte(line)); isJSON != tc.json {
					t.Errorf("line %q: JSON %v, want %v", line, isJSON, tc.json)
				}
			}
		})
	}
}

// TestLogFlagsRefuseUnknown checks that a bad level or format is a usage error of serve.
func TestLogFlagsRefuseUnknown(t *testing.T) {
	for _, args := range [][]string{{"serve", "--log-level", "loud"}, {"serve", "--log-format", "xml"}} {
		if err := Run(t.Context(), args, io.Discard, io.Discard); err != errUsage {
			t.Errorf("musesearch %s: %v, want a usage error", strings.Join(args, " "), err)
		}
	}
}
