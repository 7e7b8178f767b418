package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"musesearch/corpus"
	"musesearch/corpus/trials"
	"musesearch/search"
)

// stuckEngine is a search engine whose every call blocks until its context ends or
// release is closed, as an engine honouring its context does on a query too expensive
// to finish. started receives one value per call as it begins.
type stuckEngine struct {
	started chan struct{}
	release chan struct{}
}

func newStuckEngine() *stuckEngine {
	return &stuckEngine{started: make(chan struct{}, 100), release: make(chan struct{})}
}

func (e *stuckEngine) wait(ctx context.Context) error {
	e.started <- struct{}{}
	select {
	case <-ctx.Done():
		return fmt.Errorf("search cut short: %w", ctx.Err())
	case <-e.release:
		return nil
	}
}

func (e *stuckEngine) Search(ctx context.Context, req search.Request) (*search.Response, error) {
	if err := e.wait(ctx); err != nil {
		return nil, err
	}
	return &search.Response{Query: req.Query, Page: req.Page, Size: req.Size, Hits: []search.Hit{}}, nil
}

func (e *stuckEngine) Document(ctx context.Context, id string) (*corpus.Document, error) {
	if err := e.wait(ctx); err != nil {
		return nil, err
	}
	return &corpus.Document{ID: id, Title: id}, nil
}

func (e *stuckEngine) Matches(_, _ string) []search.Span { return nil }

func (e *stuckEngine) Suggest(ctx context.Context, _, _ string) ([]search.Suggestion, error) {
	return nil, e.wait(ctx)
}

func (e *stuckEngine) Count(ctx context.Context) (search.Counts, error) {
	return search.Counts{}, e.wait(ctx)
}

func (e *stuckEngine) Trials(ctx context.Context, req search.TrialRequest) (*search.TrialResponse, error) {
	if err := e.wait(ctx); err != nil {
		return nil, err
	}
	return &search.TrialResponse{Query: req.Query, Page: req.Page, Size: req.Size, Trials: []trials.Trial{}}, nil
}

func (e *stuckEngine) DocumentTrials(ctx context.Context, _ string) ([]trials.Trial, error) {
	return nil, e.wait(ctx)
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newLimitedServer is a server over engine with the given search limits, logging to
// logs.
func newLimitedServer(t *testing.T, engine Searcher, limits *searchLimits, logs *syncBuffer) *Server {
	t.Helper()
	srv, err := New(Config{Searcher: engine, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.limits = limits
	return srv
}

// searchRoutes are the requests that run the engine: each must be cut short.
var searchRoutes = []string{
	"/?q=stem",
	"/search?q=stem",
	"/search.csv?q=stem",
	"/api/search?q=stem",
	"/api/search?q=stem&format=csv",
	"/doc/some-doc?q=stem",
	"/api/documents/some-doc",
}

func TestSearchDeadline(t *testing.T) {
	const timeout = 100 * time.Millisecond
	var logs syncBuffer
	srv := newLimitedServer(t, newStuckEngine(), newSearchLimits(4, timeout, time.Second), &logs)
	for _, path := range searchRoutes {
		for _, hl := range []string{"en", "ja"} {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept-Language", hl)
			rec := httptest.NewRecorder()
			start := time.Now()
			srv.ServeHTTP(rec, req)
			// Generous: the deadline is 100 ms, a loaded machine may take a while more.
			if took := time.Since(start); took > 20*timeout {
				t.Errorf("%s: answered after %v, want soon after the %v deadline", path, took, timeout)
			}
			if rec.Code != http.StatusServiceUnavailable {
				t.Errorf("%s: status %d, want 503", path, rec.Code)
			}
			if rec.Header().Get("Retry-After") != "" {
				t.Errorf("%s: Retry-After %q: asking again will not make the query cheaper", path, rec.Header().Get("Retry-After"))
			}
			body := rec.Body.String()
			if strings.HasPrefix(path, "/api/") {
				var got errorBody
				if err := json.Unmarshal([]byte(body), &got); err != nil || got.Error != msgTooExpensive {
					t.Errorf("%s: body %q, want {\"error\": %q}", path, body, msgTooExpensive)
				}
				continue
			}
			want := localeFor(uiLanguages[0]).T(msgTooExpensive)
			if hl == "ja" {
				want = locales["ja"].T(msgTooExpensive)
			}
			if !strings.Contains(body, want) {
				t.Errorf("%s (%s): the page does not say %q:\n%.500s", path, hl, want, body)
			}
			if strings.Contains(body, `http-equiv="refresh"`) {
				t.Errorf("%s: the page reloads itself, running the expensive query again", path)
			}
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a query too expensive to answer is not a fault of the server:\n%s", logs.String())
	}
}

func TestSearchClientGone(t *testing.T) {
	var logs syncBuffer
	srv := newLimitedServer(t, newStuckEngine(), newSearchLimits(4, time.Minute, time.Second), &logs)
	for _, path := range searchRoutes {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx))
		}()
		time.Sleep(10 * time.Millisecond)
		cancel() // the client closes the connection
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the search goes on after the client left", path)
		}
	}
	got := logs.String()
	if strings.Contains(got, "level=ERROR") || strings.Contains(got, "status=5") {
		t.Errorf("a client that leaves is logged as a fault of the server:\n%s", got)
	}
	if strings.Count(got, "level=INFO msg=request method=GET") != len(searchRoutes) ||
		strings.Count(got, fmt.Sprintf("status=%d", statusClientClosed)) != 2*len(searchRoutes) {
		t.Errorf("want each request logged at info with status %d:\n%s", statusClientClosed, got)
	}
}

func TestSearchConcurrencyBounded(t *testing.T) {
	const slots = 3
	engine := newStuckEngine()
	var logs syncBuffer
	srv := newLimitedServer(t, engine, newSearchLimits(slots, time.Minute, 50*time.Millisecond), &logs)
	var wg sync.WaitGroup
	codes := make([]int, slots)
	for i := range slots {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, searchRoutes[i%len(searchRoutes)], nil))
			codes[i] = rec.Code
		})
	}
	for range slots {
		<-engine.started
	}
	// Every slot is taken: one more search waits briefly, then is told to come back.
	for _, path := range searchRoutes {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s with every slot taken: status %d, Retry-After %q; want 503 with Retry-After", path, rec.Code, rec.Header().Get("Retry-After"))
		}
		if strings.HasPrefix(path, "/api/") && !strings.Contains(rec.Body.String(), msgBusy) {
			t.Errorf("%s: body %q, want %q", path, rec.Body, msgBusy)
		}
	}
	// Pages that need no search are not held up.
	for _, path := range []string{"/healthz", "/api/facets", "/static/app.js"} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s with every search slot taken: status %d, want 200", path, rec.Code)
		}
	}
	close(engine.release)
	wg.Wait()
	for i, code := range codes {
		if code != http.StatusOK {
			t.Errorf("search %d holding a slot: status %d, want 200", i, code)
		}
	}
	// The slots are free again.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/search?q=stem", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("after the searches ended: status %d, want 200", rec.Code)
	}
}

func TestSearchSlots(t *testing.T) {
	srv, err := New(Config{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if got := cap(srv.limits.slots); got < 2 {
		t.Errorf("%d concurrent searches, want at least 2", got)
	}
	if srv.limits.timeout != searchTimeout || searchTimeout >= writeTimeout {
		t.Errorf("search deadline %v, want searchTimeout (%v), below the write timeout %v", srv.limits.timeout, searchTimeout, writeTimeout)
	}
}

// TestCostlySearchesLeaveSlots checks that costly queries hold only their share of the
// slots: with it taken, another costly query is told to come back while an ordinary
// one still runs.
func TestCostlySearchesLeaveSlots(t *testing.T) {
	engine := newStuckEngine()
	var logs syncBuffer
	srv := newLimitedServer(t, engine, newSearchLimits(4, time.Minute, 50*time.Millisecond), &logs)
	costly := "/api/search?q=" + url.QueryEscape(strings.Repeat("細胞", 10))
	done := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, costly, nil))
		done <- rec.Code
	}()
	<-engine.started
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, costly, nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("a second costly search with the costly slot taken: status %d, Retry-After %q; want 503, busy", rec.Code, rec.Header().Get("Retry-After"))
	}
	ordinary := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/search?q=ALS", nil))
		ordinary <- rec.Code
	}()
	select {
	case <-engine.started: // the ordinary search got a slot and runs
	case <-time.After(10 * time.Second):
		t.Fatal("an ordinary search did not run while a costly one held its slot")
	}
	close(engine.release)
	if code := <-done; code != http.StatusOK {
		t.Errorf("the costly search: status %d", code)
	}
	if code := <-ordinary; code != http.StatusOK {
		t.Errorf("the ordinary search: status %d", code)
	}
}

func TestCostly(t *testing.T) {
	for query, want := range map[string]bool{
		"q=ALS":                   false,
		"q=ALS&size=20&page=10":   false,
		"q=ALS&size=100":          true,
		"q=ALS&page=11":           true,
		"q=a+b+c+d+e+f+g+h":       true,
		"q=&group=doc&size=bogus": false,
	} {
		params, _ := url.ParseQuery(query)
		if got := costly(params); got != want {
			t.Errorf("costly(%s) = %v, want %v", query, got, want)
		}
	}
}
