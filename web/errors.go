package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
)

// serverError is an error with the HTTP status it answers with. Err is what gets logged;
// what the user reads comes from classify, never from the text of a 5xx error.
type serverError struct {
	Status int
	Err    error
	// Retry, when not zero, is the Retry-After of the answer in seconds: the request
	// can be answered if sent again then.
	Retry int
}

func (e *serverError) Error() string { return e.Err.Error() }
func (e *serverError) Unwrap() error { return e.Err }

// userError is a mistake of the client's, told in one sentence. Key is an English
// message of the catalogue and Args its arguments, so the sentence can be shown in the
// page's language; Error gives the English sentence the JSON API answers with.
type userError struct {
	Key  string
	Args []any
}

func (e *userError) Error() string { return localeFor(language.English).T(e.Key, e.Args...) }

// badRequest returns a 400 error telling the client what is wrong with its request.
func badRequest(key string, args ...any) error {
	return &serverError{Status: http.StatusBadRequest, Err: &userError{Key: key, Args: args}}
}

// notFound returns a 404 error telling the client what was not found.
func notFound(key string, args ...any) error {
	return &serverError{Status: http.StatusNotFound, Err: &userError{Key: key, Args: args}}
}

// Messages of the errors the server itself words. Each is a key of the catalogue.
const (
	msgNotReady       = "The index is still being prepared; try again in a few seconds."
	msgNoPage         = "There is no page at this address."
	msgNoMethod       = "This address does not accept the %s method."
	msgTooLarge       = "The request body is too large."
	msgServerFault    = "The server failed to answer this request; please try again later."
	msgUnknownDoc     = "No document has the id %q."
	msgBadRequestText = "The request is not valid."
	msgIncompleteBody = "The request body ended before the length it announced; send it again whole."
	msgSlowBody       = "The request body came in too slowly; send it again over a faster connection."
)

// retrySeconds is how long a client should wait before asking again while the index is
// being prepared.
const retrySeconds = 5

// errNotReady answers requests that need the index before it is open.
var errNotReady = &serverError{Status: http.StatusServiceUnavailable, Err: &userError{Key: msgNotReady}, Retry: retrySeconds}

// classify returns the status an error answers with and the sentence the user reads,
// as a catalogue key and its arguments. Besides the server's own errors and echo's, it
// knows what reading a request body can meet through no fault of the server: a body
// over its limit, one shorter than its Content-Length, one too slow to arrive.
func classify(err error, method string) (status int, msg *userError) {
	var se *serverError
	var he *echo.HTTPError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &se):
		status = se.Status
	case errors.As(err, &he):
		status = he.Code
	case errors.As(err, &mb):
		status = http.StatusRequestEntityTooLarge
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// Work cut short on the server's side (a client that went away is told apart
		// by the error handler): the request may succeed again.
		status = http.StatusServiceUnavailable
	case errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusBadRequest, &userError{Key: msgIncompleteBody}
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The connection's read deadline passed while the body came in.
		return http.StatusRequestTimeout, &userError{Key: msgSlowBody}
	default:
		status = http.StatusInternalServerError
	}
	if status >= 500 && status != http.StatusServiceUnavailable {
		return status, &userError{Key: msgServerFault}
	}
	if errors.As(err, &msg) {
		return status, msg
	}
	switch status {
	case http.StatusNotFound:
		return status, &userError{Key: msgNoPage}
	case http.StatusMethodNotAllowed:
		return status, &userError{Key: msgNoMethod, Args: []any{logValue(method)}}
	case http.StatusRequestEntityTooLarge:
		return status, &userError{Key: msgTooLarge}
	case http.StatusServiceUnavailable:
		return status, &userError{Key: msgNotReady}
	}
	return status, &userError{Key: msgBadRequestText}
}

// errorBody is the JSON every /api/* error answers with.
type errorBody struct {
	Error string `json:"error"`
}

// handleError is the one place errors become responses: JSON on /api/*, an HTML page
// elsewhere. Faults of the server are logged as errors; a refusal to take on more work
// (503) as a warning; mistakes of the client, and clients that went away, at info.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	req := c.Request()
	status, msg := classify(err, req.Method)
	if clientGone(req, err) {
		status = statusClientClosed
	}
	s.logger.LogAttrs(req.Context(), logLevel(status), "request failed",
		slog.String(logMethod, logValue(req.Method)), slog.String(logPath, logValue(req.URL.Path)),
		slog.Int(logStatus, status), slog.String(logError, logValue(err.Error())))
	if status == statusClientClosed {
		// Nobody reads the answer; the status is for the access log and the metrics.
		c.Response().WriteHeader(status)
		return
	}
	retry := 0
	var se *serverError
	if errors.As(err, &se) {
		retry = se.Retry
	}
	if retry > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(retry))
	}
	var werr error
	if isAPI(req.URL.Path) {
		werr = writeJSON(c, status, errorBody{Error: msg.Error()})
	} else {
		werr = s.renderError(c, status, msg, retry)
	}
	if werr != nil {
		s.logger.Error("write error response", slog.String(logPath, logValue(req.URL.Path)), slog.String(logError, werr.Error()))
	}
}

// logLevel is the level at which a failed request with status is logged.
func logLevel(status int) slog.Level {
	switch {
	case status == http.StatusServiceUnavailable:
		return slog.LevelWarn
	case status >= 500:
		return slog.LevelError
	}
	return slog.LevelInfo
}

// isAPI reports whether path belongs to the JSON API.
func isAPI(path string) bool { return path == "/api" || strings.HasPrefix(path, "/api/") }

// errorPage is the data of the HTML error page.
type errorPage struct {
	page
	Message string
	// Retry, when not zero, reloads the page after that many seconds: the server is
	// starting, or busy, and will answer soon.
	Retry int
}

// renderError writes the HTML error page in the language the request asks for; retry,
// when not zero, reloads it after that many seconds.
func (s *Server) renderError(c echo.Context, status int, msg *userError, retry int) error {
	p := s.newPage(c)
	p.Title = p.T(statusTitle(status, msg))
	// The search box keeps what the reader typed, so that a mistake in the address
	// (a bad filter, a page too deep) costs no retyping.
	if q := []rune(c.QueryParam("q")); len(q) <= maxQueryChars {
		p.Query = string(q)
	}
	data := errorPage{page: p, Message: p.T(msg.Key, msg.Args...), Retry: retry}
	if err := s.render(c, status, "error", data); err != nil {
		return c.String(status, fmt.Sprintf("%d %s", status, http.StatusText(status)))
	}
	return nil
}

// statusTitle is the catalogue key of the heading of an error page.
func statusTitle(status int, msg *userError) string {
	switch {
	case status == http.StatusNotFound:
		return "Not found"
	case msg.Key == msgNotReady:
		return "Not ready yet"
	case status >= 500:
		return "Something went wrong"
	default:
		return "This request cannot be answered"
	}
}
