package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"musesearch/corpus"
	"musesearch/corpus/trials"
	"musesearch/search"
)

// Searcher is what the server needs from the search engine.
type Searcher interface {
	// Search answers one validated request.
	Search(ctx context.Context, req search.Request) (*search.Response, error)
	// Document returns one document with all its sections.
	Document(ctx context.Context, id string) (*corpus.Document, error)
	// Matches returns the stretches of text that match query, as the engine marks
	// snippets, for highlighting a whole section.
	Matches(query, text string) []search.Span
	// Count returns how many documents and sections the index holds.
	Count(ctx context.Context) (search.Counts, error)
	// Trials answers one validated search of the clinical trials the corpus reports.
	Trials(ctx context.Context, req search.TrialRequest) (*search.TrialResponse, error)
	// DocumentTrials returns the trials one document reports or mentions.
	DocumentTrials(ctx context.Context, docID string) ([]trials.Trial, error)
	// Suggest completes prefix, what a reader of language lang ("" for any) is typing.
	Suggest(ctx context.Context, prefix, lang string) ([]search.Suggestion, error)
}

// Config is what New needs to build a Server.
type Config struct {
	// Searcher answers searches. It may be nil: the server can listen before the index is
	// open, answering readiness probes and searches with 503 until SetSearcher is called.
	Searcher Searcher
	// Logger receives the access and error logs; nil means slog.Default().
	Logger *slog.Logger
	// AdminToken enables the write API (POST /api/documents, DELETE
	// /api/documents/{doc_id}, POST /api/reindex) for requests that carry
	// "Authorization: Bearer <AdminToken>"; empty disables it (403).
	AdminToken string
	// PublicURL is the address the site is reached at: scheme, host and an optional
	// path prefix ("https://search.example.org"), for the addresses that must be
	// absolute (the OpenSearch description, the pages' canonical and alternate
	// addresses). Empty means defaultPublicURL, and relative canonical addresses. The
	// Host header is never used for this: any client can set it.
	PublicURL string
}

// defaultPublicURL is the public URL of a server configured without one.
const defaultPublicURL = "http://localhost"

// parsePublicURL checks a public URL and returns it without a trailing slash.
func parsePublicURL(s string) (string, error) {
	if s == "" {
		return defaultPublicURL, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("public URL %q: use an absolute http or https address without query or fragment, such as https://search.example.org", s)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// Log keys, shared by the access and error logs.
const (
	logMethod   = "method"
	logPath     = "path"
	logRoute    = "route"
	logStatus   = "status"
	logDuration = "duration"
	logBytes    = "bytes"
	logRemote   = "remote"
	logError    = "err"
	logAddr     = "addr"
)

// Limits of the HTTP server. Every page and API answer is small and quick, so these are
// generous for real clients and short for a client that holds a connection open.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	// maxBodyBytes bounds the body of a request to a route that takes none.
	maxBodyBytes = 64 << 10
	// shutdownTimeout is how long requests in flight get to finish on shutdown.
	shutdownTimeout = 10 * time.Second
)

// Server serves the search site and API. It is an http.Handler.
type Server struct {
	logger   *slog.Logger
	searcher atomic.Pointer[Searcher]
	pages    pages
	static   staticFiles
	metrics  *metrics
	writes   *writeAPI
	echo     *echo.Echo
	// publicURL is the checked Config.PublicURL, without a trailing slash.
	publicURL string
	// canonicalBase is publicURL when Config.PublicURL was given, "" otherwise: the
	// pages' canonical addresses are then relative rather than on defaultPublicURL.
	canonicalBase string
	// routes holds the path pattern of every route, the only route labels.
	routes map[string]bool
	limits *searchLimits
}

// New parses every template and installs every route. An error means a template or
// static file is broken: a bug of the program, found at start-up.
func New(cfg Config) (*Server, error) {
	s := &Server{logger: cfg.Logger, limits: defaultSearchLimits()}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	var err error
	if s.publicURL, err = parsePublicURL(cfg.PublicURL); err != nil {
		return nil, err
	}
	if cfg.PublicURL != "" {
		s.canonicalBase = s.publicURL
	}
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(newIndexCollector(s))
	s.writes = newWriteAPI(cfg.AdminToken, s.metrics.registry)
	if cfg.Searcher != nil {
		s.SetSearcher(cfg.Searcher)
	}
	s.echo = echo.New()
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = s.handleError
	// Without a proxy configured to set them, X-Forwarded-For and X-Real-IP are what
	// the client chose to say: the logs give the address the connection came from.
	s.echo.IPExtractor = echo.ExtractIPDirect()
	s.installRoutes(s.echo)
	s.routes = make(map[string]bool)
	for _, r := range s.echo.Routes() {
		s.routes[r.Path] = true
	}
	return s, nil
}

// SetSearcher makes the server ready: from now on it answers searches with sr.
func (s *Server) SetSearcher(sr Searcher) { s.searcher.Store(&sr) }

// engine returns the searcher, or errNotReady while the index is not open yet.
func (s *Server) engine() (Searcher, error) {
	p := s.searcher.Load()
	if p == nil {
		return nil, errNotReady
	}
	return *p, nil
}

// installRoutes installs every route of the server on e.
func (s *Server) installRoutes(e *echo.Echo) {
	e.Use(
		s.observe,
		middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}),
		securityHeaders,
		unescapeParams,
		compress,
	)
	// No route so far takes a body: small refuses one larger than a request needs.
	// Each route that takes a body (an upload) sets the limit that fits it.
	small := limitBody(maxBodyBytes)
	// Routes that run the search engine take turns and have a deadline.
	limited := s.limitSearch

	// Every page answers HEAD as GET does (net/http leaves the body out): uptime
	// checkers and link checkers ask with HEAD.
	get := func(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, h, m...)
	}

	// Pages.
	get("/", s.handleSearchPage, small, limited)
	get("/search", s.handleSearchPage, small, limited)
	get("/search.csv", s.handleExportCSV, small, limited)
	get("/export", s.handleExport, small, limited)
	get("/trials", s.handleTrialsPage, small, limited)
	get("/trials.csv", s.handleTrialsCSV, small, limited)
	get("/doc/:doc_id", s.handleDocumentPage, small, limited)
	get("/static/:file", s.handleStatic, small)
	get("/opensearch.xml", s.handleOpenSearch, small)

	// Read API.
	get("/api/search", s.handleAPISearch, small, limited)
	get("/api/trials", s.handleAPITrials, small, limited)
	get("/api/documents/:doc_id", s.handleAPIDocument, small, limited)
	get("/api/documents/:doc_id/cite", s.handleAPICite, small, limited)
	get("/api/facets", s.handleAPIFacets, small)
	get("/api/suggest", s.handleAPISuggest, small)
	// Write API: admin token checked first, then each route's own body limit.
	s.writes.install(e)

	// Operations.
	get("/healthz", s.handleHealth, small)
	get("/readyz", s.handleReady, small)
	get("/metrics", s.metrics.handler(), small)
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Serve serves HTTP on ln until ctx is done, then shuts down gracefully: it stops
// accepting connections and gives the requests in flight shutdownTimeout to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.logger.Info("listening", slog.String(logAddr, ln.Addr().String()))
	select {
	case err := <-errc:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.logger.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// observe logs every request and counts it in the metrics, under its route pattern.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		req, res := c.Request(), c.Response()
		// Labels come from the route table, never from the request: an invented path
		// or method would otherwise add a time series per request.
		route := c.Path()
		if !s.routes[route] {
			route = unmatchedRoute
		}
		s.metrics.observeRequest(route, methodLabel(req.Method), res.Status, elapsed)
		s.logger.LogAttrs(req.Context(), slog.LevelInfo, "request",
			slog.String(logMethod, logValue(req.Method)), slog.String(logPath, logValue(req.URL.Path)),
			slog.String(logRoute, route), slog.Int(logStatus, res.Status),
			slog.Duration(logDuration, elapsed), slog.Int64(logBytes, res.Size),
			slog.String(logRemote, c.RealIP()))
		return nil
	}
}

// unmatchedRoute is the route label of a request no route matched.
const unmatchedRoute = "unmatched"

// methodLabel is the method label of a request: the method when it is one of the
// standard methods a client of this server sends, "other" for anything else.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
		http.MethodPatch, http.MethodOptions:
		return method
	}
	return "other"
}

// maxLogValue bounds, in bytes, each value a request puts in the logs (its method,
// path, the error it caused): a request line can be as long as the header limit, a
// log line should stay readable and cheap to store.
const maxLogValue = 256

// truncationMark starts what replaces the cut end of a long log value.
const truncationMark = "…[cut "

// logValue is s cut to maxLogValue bytes (at a character boundary), saying how much
// was cut.
func logValue(s string) string {
	if len(s) <= maxLogValue {
		return s
	}
	n := maxLogValue
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + truncationMark + strconv.Itoa(len(s)-n) + " bytes]"
}

// contentSecurityPolicy allows scripts, styles and images from the site itself only:
// no inline script or style, no framing, forms that post only here.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers that keep the pages from being framed, sniffed or
// running injected script.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

// unescapeParams decodes the path parameters (a document id) when the path holds
// escapes its plain form would not: echo then routes on the raw path and hands the
// parameters over still escaped ("a%3Db%2Bc", as encodeURIComponent writes "a=b+c").
// An escaped slash stays in the parameter: it is part of an id, not a separator.
func unescapeParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().URL.RawPath == "" {
			return next(c)
		}
		values := c.ParamValues()
		for i, v := range values {
			u, err := url.PathUnescape(v)
			if err != nil {
				return notFound(msgNoPage)
			}
			values[i] = u
		}
		c.SetParamValues(values...)
		return next(c)
	}
}

// limitBody refuses request bodies larger than n bytes with 413.
func limitBody(n int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > n {
				return &serverError{Status: http.StatusRequestEntityTooLarge, Err: &userError{Key: msgTooLarge}}
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, n)
			return next(c)
		}
	}
}

// handleHealth answers the liveness probe: the process is up.
func (s *Server) handleHealth(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// readinessTimeout bounds the probe search of /readyz.
const readinessTimeout = 2 * time.Second

// handleReady answers the readiness probe: 200 once the index is open and answers a
// search, 503 before.
func (s *Server) handleReady(c echo.Context) error {
	sr, err := s.engine()
	if err == nil {
		ctx, cancel := context.WithTimeout(c.Request().Context(), readinessTimeout)
		defer cancel()
		_, err = sr.Search(ctx, search.Request{Page: 1, Size: 0, Sort: search.SortRelevance})
	}
	if err != nil {
		c.Response().Header().Set("Retry-After", strconv.Itoa(retrySeconds))
		return c.String(http.StatusServiceUnavailable, "not ready\n")
	}
	return c.String(http.StatusOK, "ready\n")
}
