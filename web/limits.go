package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"musesearch/search"
)

// Limits of the requests that run the search engine (search pages and API, exports,
// document pages and API). Within the query limits a search takes milliseconds; these
// bound what a hostile or unlucky query can take, so that no request holds the
// server's cores or memory for long.
const (
	// searchTimeout bounds the engine's work for one request: five thousand times a
	// normal query, and well below writeTimeout, so that the client always gets the
	// 503 rather than a connection closed on an unfinished answer.
	searchTimeout = 5 * time.Second
	// searchSlotsPerCPU is how many requests may run the engine at once per core
	// (GOMAXPROCS): enough to keep every core busy while some wait on I/O, few enough
	// that one client sending expensive queries cannot take every core.
	searchSlotsPerCPU = 2
	// searchQueueTimeout is how long a request waits for a slot before it is told to
	// come back: long enough to ride out a burst of ordinary searches.
	searchQueueTimeout = time.Second
	// busyRetrySeconds is the Retry-After of a request refused for want of a slot.
	busyRetrySeconds = 1
	// costlyShare is the part of the slots that costly searches (search.Costly) may
	// hold at once, at least one: the rest stay free for ordinary searches, whose
	// latency clients sending costly queries would otherwise set.
	costlyShare = 4
	// costlySize and costlyPage make a request costly whatever its query: a long page
	// cuts that many snippets, a deep one ranks that many hits.
	costlySize = 20
	costlyPage = 10
)

// statusClientClosed is the status logged (as nginx does) for a request whose client
// went away before the answer: nobody reads it, and it is no fault of the server.
const statusClientClosed = 499

// Messages of the search limits. Each is a catalogue key.
const (
	msgTooExpensive = "This query is too expensive to answer; make it more specific."
	msgBusy         = "The server is busy; try again in a moment."
)

// errBusy answers a request that found every search slot taken.
var errBusy = &serverError{Status: http.StatusServiceUnavailable, Err: &userError{Key: msgBusy}, Retry: busyRetrySeconds}

// searchLimits bounds the requests that run the search engine: how many at once, how
// long one waits for its turn and how long its searches may take.
type searchLimits struct {
	// slots holds a value for each request running; its capacity is the bound.
	slots chan struct{}
	// costly holds a value for each costly request running, which also holds a slot.
	costly    chan struct{}
	timeout   time.Duration
	queueWait time.Duration
}

// newSearchLimits returns limits of n concurrent requests, n/costlyShare (at least
// one) of them costly, each waiting at most queueWait for its turn and searching for
// at most timeout.
func newSearchLimits(n int, timeout, queueWait time.Duration) *searchLimits {
	return &searchLimits{slots: make(chan struct{}, n), costly: make(chan struct{}, max(1, n/costlyShare)),
		timeout: timeout, queueWait: queueWait}
}

// defaultSearchLimits are the limits of a server: searchSlotsPerCPU per core.
func defaultSearchLimits() *searchLimits {
	return newSearchLimits(searchSlotsPerCPU*runtime.GOMAXPROCS(0), searchTimeout, searchQueueTimeout)
}

// limitSearch runs a request within the server's search limits: it waits for a slot,
// and a costly query also for one of the fewer costly slots (errBusy after queueWait
// each), and gives the request's context the search deadline.
func (s *Server) limitSearch(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		l := s.limits
		req := c.Request()
		if costly(c.QueryParams()) {
			if err := l.acquire(req.Context(), l.costly); err != nil {
				return err
			}
			defer func() { <-l.costly }()
		}
		if err := l.acquire(req.Context(), l.slots); err != nil {
			return err
		}
		defer func() { <-l.slots }()
		ctx, cancel := context.WithTimeout(req.Context(), l.timeout)
		defer cancel()
		c.SetRequest(req.WithContext(ctx))
		// The error handler and the access log see the request as it came, whose
		// context ends only when the client goes away.
		defer c.SetRequest(req)
		return next(c)
	}
}

// costly reports whether a request's parameters ask for a costly search: a costly
// query (search.Costly), a long page or a deep one. Parameters that do not parse are
// the handler's to refuse.
func costly(params url.Values) bool {
	size, _ := strconv.Atoi(params.Get("size"))
	page, _ := strconv.Atoi(params.Get("page"))
	return search.Costly(params.Get("q")) || size > costlySize || page > costlyPage
}

// acquire takes a slot of pool, waiting at most queueWait for one.
func (l *searchLimits) acquire(ctx context.Context, pool chan struct{}) error {
	select {
	case pool <- struct{}{}:
		return nil
	default:
	}
	wait := time.NewTimer(l.queueWait)
	defer wait.Stop()
	select {
	case pool <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for a search slot: %w", ctx.Err())
	case <-wait.C:
		return errBusy
	}
}

// errTooExpensive answers a request whose searches ran past the search deadline.
var errTooExpensive = &serverError{Status: http.StatusServiceUnavailable, Err: &userError{Key: msgTooExpensive}}

// clientGone reports whether err ended a request because its client went away: it
// comes from the end of the request's context, which ends only then.
func clientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && errors.Is(err, context.Canceled)
}
