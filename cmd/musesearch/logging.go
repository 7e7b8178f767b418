package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
)

// logFlags choose how serve logs: --log-level and --log-format.
type logFlags struct {
	level  slog.Level
	format logFormat
}

// Flags registers --log-level and --log-format on fs.
func (l *logFlags) Flags(fs *flag.FlagSet) {
	l.format = formatText
	fs.TextVar(&l.level, "log-level", slog.LevelInfo, "least severe log lines written: debug, info, warn or error")
	fs.Var(&l.format, "log-format", "log line format: text (key=value) or json (one object a line)")
}

// logger returns the logger the flags describe, writing to w.
func (l *logFlags) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: l.level}
	if l.format == formatJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// logFormat is the value of --log-format.
type logFormat string

const (
	formatText logFormat = "text"
	formatJSON logFormat = "json"
)

func (f *logFormat) String() string { return string(*f) }

func (f *logFormat) Set(s string) error {
	switch logFormat(s) {
	case formatText, formatJSON:
		*f = logFormat(s)
		return nil
	}
	return fmt.Errorf("%q is not a log format: use text or json", s)
}
