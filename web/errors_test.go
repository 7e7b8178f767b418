package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestClassify(t *testing.T) {
	readTimeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	tests := []struct {
		name   string
		err    error
		status int
		key    string
		level  slog.Level
	}{
		{"a client mistake", badRequest(msgBadSort), 400, msgBadSort, slog.LevelInfo},
		{"an unknown document", notFound(msgUnknownDoc, "x"), 404, msgUnknownDoc, slog.LevelInfo},
		{"no route", echo.ErrNotFound, 404, msgNoPage, slog.LevelInfo},
		{"another method", echo.ErrMethodNotAllowed, 405, msgNoMethod, slog.LevelInfo},
		{"echo's 400", echo.NewHTTPError(http.StatusBadRequest, "bad"), 400, msgBadRequestText, slog.LevelInfo},
		{"echo's 415", fmt.Errorf("bind: %w", echo.ErrUnsupportedMediaType), 415, msgBadRequestText, slog.LevelInfo},
		{"a body over its limit", fmt.Errorf("read the body: %w", &http.MaxBytesError{Limit: 10}), 413, msgTooLarge, slog.LevelInfo},
		{"a body shorter than its Content-Length", fmt.Errorf("copy the upload: %w", io.ErrUnexpectedEOF), 400, msgIncompleteBody, slog.LevelInfo},
		{"a body too slow to arrive", fmt.Errorf("copy the upload: %w", readTimeout), 408, msgSlowBody, slog.LevelInfo},
		{"not ready", errNotReady, 503, msgNotReady, slog.LevelWarn},
		{"busy", errBusy, 503, msgBusy, slog.LevelWarn},
		{"too expensive", errTooExpensive, 503, msgTooExpensive, slog.LevelWarn},
		{"a search cut short by the server", fmt.Errorf("search: %w", context.DeadlineExceeded), 503, msgNotReady, slog.LevelWarn},
		{"a fault", errBroken, 500, msgServerFault, slog.LevelError},
		{"echo's 500", echo.ErrInternalServerError, 500, msgServerFault, slog.LevelError},
		{"a fault that wraps a user error", &serverError{Status: 500, Err: &userError{Key: msgBadSort}}, 500, msgServerFault, slog.LevelError},
	}
	for _, tt := range tests {
		status, msg := classify(tt.err, http.MethodGet)
		if status != tt.status || msg.Key != tt.key {
			t.Errorf("%s (%v): %d %q, want %d %q", tt.name, tt.err, status, msg.Key, tt.status, tt.key)
		}
		if level := logLevel(status); level != tt.level {
			t.Errorf("%s: logged at %v, want %v", tt.name, level, tt.level)
		}
	}
}

func TestClientMistakesLoggedAtInfo(t *testing.T) {
	var logs syncBuffer
	srv, err := New(Config{Searcher: testEngine(t), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	// A route reading its body, as an upload does, meets what a client can get wrong.
	for path, fail := range map[string]error{
		"/short": fmt.Errorf("read: %w", io.ErrUnexpectedEOF),
		"/large": fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 1}),
		"/slow":  fmt.Errorf("read: %w", &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}),
	} {
		for _, prefix := range []string{"", "/api"} {
			srv.echo.GET(prefix+path, func(echo.Context) error { return fail })
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, prefix+path, nil))
			if rec.Code < 400 || rec.Code >= 500 {
				t.Errorf("%s%s: status %d, want 4xx", prefix, path, rec.Code)
			}
		}
	}
	if got := logs.String(); strings.Contains(got, "level=ERROR") {
		t.Errorf("a client's mistake is logged as an error:\n%s", got)
	}
}
