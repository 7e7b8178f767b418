package web

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"musesearch/internal/library"
	"musesearch/search"
)

const testToken = "s3cret-admin-token"

// uploadLimit is the largest file the test library accepts, small so that "too
// large" needs no 10 MB body, large enough for the sample files of every format.
const uploadLimit = 64 << 10

// adminFixture is a server with the write API over a library of its own: a small
// corpus in a temporary directory and a temporary index.
type adminFixture struct {
	srv *Server
	lib *library.Library
}

// newAdminServer starts a library over a copy of files and a server whose write API
// has token (empty: writes disabled).
func newAdminServer(t *testing.T, token string, files map[string]string) *adminFixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lib, _, err := library.Open(context.Background(), library.Config{
		CorpusDir: dir, IndexDir: filepath.Join(t.TempDir(), "index"), MaxFileSize: uploadLimit, Logger: quietLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	engine, err := search.New(search.Config{Index: lib.Index(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Searcher: engine, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	writes := newWriteAPI(token, srv.metrics.registry)
	writes.install(srv.echo)
	if err := writes.setLibrary(lib); err != nil {
		t.Fatal(err)
	}
	return &adminFixture{srv: srv, lib: lib}
}

var adminCorpus = map[string]string{
	"a.txt": "Muse cells after stroke\n\nA trial of Muse cells in acute ischemic stroke: alphaseed.\n",
	"b.md":  "# ALS and MSC\n\nMesenchymal stem cells in amyotrophic lateral sclerosis: betaseed.\n",
}

// serve sends one request to the server and returns the recorded answer.
func (f *adminFixture) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

// request builds a request with the bearer token (none when token is empty).
func request(method, target string, body io.Reader, token string) *http.Request {
	req := httptest.NewRequest(method, target, body)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// multipartBody is a multipart body with one part named field holding text.
func multipartBody(t *testing.T, field, filename, text string) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename)}
	h["Content-Type"] = []string{"text/plain"}
	pw, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(pw, text)
	mw.Close()
	return &b, mw.FormDataContentType()
}

// searchIDs returns the document ids GET /api/search finds for q.
func (f *adminFixture) searchIDs(t *testing.T, q string) []string {
	t.Helper()
	rec := f.serve(httptest.NewRequest(http.MethodGet, "/api/search?q="+q, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("search %q: %d %s", q, rec.Code, rec.Body)
	}
	var resp SearchJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range resp.Hits {
		if !slices.Contains(ids, h.DocID) {
			ids = append(ids, h.DocID)
		}
	}
	slices.Sort(ids)
	return ids
}

// corpusState is every entry of the corpus directory with its hash, and every
// section id of the index.
type corpusState struct {
	Files    map[string]string
	Sections []string
}

func (f *adminFixture) state(t *testing.T) corpusState {
	t.Helper()
	st := corpusState{Files: map[string]string{}}
	entries, err := os.ReadDir(f.lib.CorpusDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(f.lib.CorpusDir(), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		st.Files[e.Name()] = fmt.Sprintf("%x", sha256.Sum256(data))
	}
	res, err := f.lib.Index().Search(context.Background(), bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 10_000, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		st.Sections = append(st.Sections, h.ID)
	}
	slices.Sort(st.Sections)
	return st
}

// errorOf decodes the {"error": "..."} body of an answer.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["error"] == "" || len(body) != 1 {
		t.Errorf("body %q is not {\"error\": \"...\"}", rec.Body)
	}
	return body["error"]
}

func TestWriteAPIAuthorization(t *testing.T) {
	routes := []struct{ method, target string }{
		{http.MethodPost, "/api/documents?name=new.txt"},
		{http.MethodDelete, "/api/documents/a"},
		{http.MethodPost, "/api/reindex"},
	}
	tests := []struct {
		name, token, header string
		status              int
		challenge           bool
		errorHas            string
	}{
		{"writes disabled", "", "Bearer " + testToken, http.StatusForbidden, false, "disabled"},
		{"writes disabled, no header", "", "", http.StatusForbidden, false, "disabled"},
		{"no header", testToken, "", http.StatusUnauthorized, true, "Authorization: Bearer"},
		{"other scheme", testToken, "Basic YWRtaW46YWRtaW4=", http.StatusUnauthorized, true, "Authorization: Bearer"},
		{"empty bearer", testToken, "Bearer ", http.StatusUnauthorized, true, "Authorization: Bearer"},
		{"wrong token", testToken, "Bearer not-the-token", http.StatusForbidden, false, "not valid"},
		{"token prefix", testToken, "Bearer " + testToken[:5], http.StatusForbidden, false, "not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newAdminServer(t, tt.token, adminCorpus)
			before := f.state(t)
			for _, r := range routes {
				req := httptest.NewRequest(r.method, r.target, strings.NewReader("New text: omegaword.\n"))
				if tt.header != "" {
					req.Header.Set("Authorization", tt.header)
				}
				rec := f.serve(req)
				if rec.Code != tt.status {
					t.Errorf("%s %s: status %d, want %d (%s)", r.method, r.target, rec.Code, tt.status, rec.Body)
				}
				if msg := errorOf(t, rec); !strings.Contains(msg, tt.errorHas) {
					t.Errorf("%s %s: error %q, want it to mention %q", r.method, r.target, msg, tt.errorHas)
				}
				if got := rec.Header().Get("WWW-Authenticate") != ""; got != tt.challenge {
					t.Errorf("%s %s: WWW-Authenticate %q, want one: %v", r.method, r.target, rec.Header().Get("WWW-Authenticate"), tt.challenge)
				}
			}
			if diff := cmp.Diff(before, f.state(t)); diff != "" {
				t.Errorf("corpus or index changed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestUploadReplaceDeleteReindex(t *testing.T) {
	f := newAdminServer(t, testToken, adminCorpus)

	// Raw body with ?name=: searchable when the answer comes.
	rec := f.serve(request(http.MethodPost, "/api/documents?name=new.txt", strings.NewReader("Zyxvortex cells\n\nZyxvortex cells repair the spinal cord.\n"), testToken))
	if rec.Code != http.StatusCreated || rec.Body.String() != `{"source":"new.txt","doc_ids":["new"],"sections":1}`+"\n" {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	if got := f.searchIDs(t, "zyxvortex"); !slices.Equal(got, []string{"new"}) {
		t.Errorf("after the upload, zyxvortex finds %v, want [new]", got)
	}

	// Multipart, replacing a.txt: the old text is gone, the new one found.
	body, contentType := multipartBody(t, "file", "a.txt", "Muse cells after stroke\n\nReplaced: gammanew.\n")
	req := request(http.MethodPost, "/api/documents", body, testToken)
	req.Header.Set("Content-Type", contentType)
	if rec := f.serve(req); rec.Code != http.StatusCreated {
		t.Fatalf("multipart upload: %d %s", rec.Code, rec.Body)
	}
	if got := f.searchIDs(t, "alphaseed"); len(got) != 0 {
		t.Errorf("replaced text still found in %v", got)
	}
	if got := f.searchIDs(t, "gammanew"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("new text found in %v, want [a]", got)
	}

	// Delete: the file and its documents go; a second delete is 404.
	rec = f.serve(request(http.MethodDelete, "/api/documents/new", nil, testToken))
	if rec.Code != http.StatusOK || rec.Body.String() != `{"source":"new.txt","doc_ids":["new"],"sections":1}`+"\n" {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	if _, err := os.Stat(filepath.Join(f.lib.CorpusDir(), "new.txt")); err == nil {
		t.Error("new.txt is still in the corpus directory")
	}
	if rec := f.serve(httptest.NewRequest(http.MethodGet, "/api/documents/new", nil)); rec.Code != http.StatusNotFound {
		t.Errorf("GET a deleted document: %d", rec.Code)
	}
	rec = f.serve(request(http.MethodDelete, "/api/documents/new", nil, testToken))
	if rec.Code != http.StatusNotFound || !strings.Contains(errorOf(t, rec), `"new"`) {
		t.Errorf("second delete: %d %s", rec.Code, rec.Body)
	}

	// Reindex after another program changed the directory.
	if err := os.WriteFile(filepath.Join(f.lib.CorpusDir(), "c.txt"), []byte("Copied in: deltaword.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec = f.serve(request(http.MethodPost, "/api/reindex", nil, testToken))
	var sum reindexJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &sum); rec.Code != http.StatusOK || err != nil {
		t.Fatalf("reindex: %d %s", rec.Code, rec.Body)
	}
	if sum.Added != 1 || sum.Files != 3 || sum.Removed != 0 {
		t.Errorf("reindex summary %+v, want 1 added of 3 files", sum)
	}
	if got := f.searchIDs(t, "deltaword"); !slices.Equal(got, []string{"c"}) {
		t.Errorf("after the reindex, deltaword finds %v, want [c]", got)
	}

	// The library's metrics are on /metrics.
	metrics := f.serve(httptest.NewRequest(http.MethodGet, "/metrics", nil)).Body.String()
	for _, line := range []string{"musesearch_corpus_files_added_total 1", "musesearch_corpus_files_updated_total 1", "musesearch_corpus_files_removed_total 1"} {
		if !strings.Contains(metrics, line+"\n") {
			t.Errorf("/metrics lacks %q", line)
		}
	}
}

// endlessText is an endless body of text, counting what is read of it.
type endlessText struct{ n int64 }

func (e *endlessText) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "Muse cells. "[(e.n+int64(i))%12]
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestBadUploadsChangeNothing(t *testing.T) {
	f := newAdminServer(t, testToken, adminCorpus)
	tests := []struct {
		name     string
		req      func(t *testing.T) *http.Request
		status   int
		errorHas string
	}{
		{"binary", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=img.txt", strings.NewReader("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), testToken)
		}, http.StatusUnsupportedMediaType, "not UTF-8 text"},
		{"binary multipart", func(t *testing.T) *http.Request {
			body, ct := multipartBody(t, "file", "img.md", "\x00\x01\x02\x03")
			r := request(http.MethodPost, "/api/documents", body, testToken)
			r.Header.Set("Content-Type", ct)
			return r
		}, http.StatusUnsupportedMediaType, "not UTF-8 text"},
		{"parent directory", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=../escape.txt", strings.NewReader("text"), testToken)
		}, http.StatusBadRequest, "plain name"},
		{"directory in a multipart filename", func(t *testing.T) *http.Request {
			body, ct := multipartBody(t, "file", "sub/x.txt", "text")
			r := request(http.MethodPost, "/api/documents", body, testToken)
			r.Header.Set("Content-Type", ct)
			return r
		}, http.StatusBadRequest, "plain name"},
		{"hidden", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=.secret.txt", strings.NewReader("text"), testToken)
		}, http.StatusBadRequest, "plain name"},
		{"temporary", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=a.txt~", strings.NewReader("text"), testToken)
		}, http.StatusBadRequest, "plain name"},
		{"other extension", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=paper.docx", strings.NewReader("PK\x03\x04"), testToken)
		}, http.StatusBadRequest, "plain name"},
		{"damaged PDF", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=paper.pdf", strings.NewReader("%PDF-1.4\n"), testToken)
		}, http.StatusUnprocessableEntity, "damaged"},
		{"invalid JSON", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=studies.json", strings.NewReader(`{"studies": [`), testToken)
		}, http.StatusUnprocessableEntity, "invalid JSON"},
		{"entity bomb", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=pubmed.xml", strings.NewReader(`<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><PubmedArticleSet>&b;</PubmedArticleSet>`), testToken)
		}, http.StatusUnprocessableEntity, "does not define"},
		{"name over 255 bytes", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name="+strings.Repeat("a", 256)+".txt", strings.NewReader("text"), testToken)
		}, http.StatusBadRequest, "longer than 255 bytes"},
		{"name not UTF-8", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=caf%E9.txt", strings.NewReader("text"), testToken)
		}, http.StatusBadRequest, "not UTF-8"},
		{"name with a direction override", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=evil%E2%80%AEtxt.md", strings.NewReader("text"), testToken)
		}, http.StatusBadRequest, "direction-changing"},
		{"no name", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents", strings.NewReader("text"), testToken)
		}, http.StatusBadRequest, "?name="},
		{"no file field", func(t *testing.T) *http.Request {
			body, ct := multipartBody(t, "document", "x.txt", "text")
			r := request(http.MethodPost, "/api/documents", body, testToken)
			r.Header.Set("Content-Type", ct)
			return r
		}, http.StatusBadRequest, "field named file"},
		{"empty", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=blank.txt", strings.NewReader("  \n"), testToken)
		}, http.StatusBadRequest, "no text content"},
		{"another file's document id", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=a.md", strings.NewReader("# A\n\nSame id as a.txt.\n"), testToken)
		}, http.StatusConflict, "already used by a.txt"},
		{"too large for the library", func(*testing.T) *http.Request {
			return request(http.MethodPost, "/api/documents?name=big.txt", strings.NewReader(strings.Repeat("Muse cells. ", uploadLimit)), testToken)
		}, http.StatusRequestEntityTooLarge, "large"},
		{"too large, said by Content-Length", func(*testing.T) *http.Request {
			r := request(http.MethodPost, "/api/documents?name=big.txt", &endlessText{}, testToken)
			r.ContentLength = maxUploadBytes + 1
			return r
		}, http.StatusRequestEntityTooLarge, "large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.state(t)
			rec := f.serve(tt.req(t))
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d (%s)", rec.Code, tt.status, rec.Body)
			}
			if msg := errorOf(t, rec); !strings.Contains(msg, tt.errorHas) {
				t.Errorf("error %q, want it to mention %q", msg, tt.errorHas)
			}
			if diff := cmp.Diff(before, f.state(t)); diff != "" {
				t.Errorf("corpus or index changed (-before +after):\n%s", diff)
			}
		})
	}
}

// TestTooLargeUploadIsNotReadWhole streams an endless body without a length: the
// server must answer 413 after reading little more than the limit.
func TestTooLargeUploadIsNotReadWhole(t *testing.T) {
	f := newAdminServer(t, testToken, adminCorpus)
	before := f.state(t)
	for _, multipartForm := range []bool{false, true} {
		body := &endlessText{}
		var r io.Reader = body
		contentType := "text/plain"
		if multipartForm {
			head := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n"
			r = io.MultiReader(strings.NewReader(head), body)
			contentType = "multipart/form-data; boundary=b"
		}
		req := request(http.MethodPost, "/api/documents?name=big.txt", r, testToken)
		req.ContentLength = -1
		req.Header.Set("Content-Type", contentType)
		rec := f.serve(req)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("multipart %v: status %d, want 413 (%s)", multipartForm, rec.Code, rec.Body)
		}
		// Readers ask for buffers of a few KB: allow one more beyond the limit.
		if body.n > uploadLimit+64<<10 {
			t.Errorf("multipart %v: read %d bytes of the body, limit %d", multipartForm, body.n, uploadLimit)
		}
	}
	if diff := cmp.Diff(before, f.state(t)); diff != "" {
		t.Errorf("corpus or index changed (-before +after):\n%s", diff)
	}
}

func TestWriteAPIBeforeTheIndexIsOpen(t *testing.T) {
	srv, err := New(Config{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	newWriteAPI(testToken, srv.metrics.registry).install(srv.echo)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, request(http.MethodPost, "/api/documents?name=x.txt", strings.NewReader("text"), testToken))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("status %d (Retry-After %q), want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
}

// serveHTTP serves f's server over a real connection, with the server timeouts given:
// the tests of what reaches the server over the network (a body cut short, a slow
// one) need one.
func (f *adminFixture) serveHTTP(t *testing.T, timeout time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: f.srv, ReadTimeout: timeout, WriteTimeout: timeout}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}

// TestUploadCutShortIsTheClientsMistake sends a body shorter than its Content-Length
// and closes its side: the answer is 400, logged at info, and nothing changes.
func TestUploadCutShortIsTheClientsMistake(t *testing.T) {
	f := newAdminServer(t, testToken, adminCorpus)
	var log bytes.Buffer
	f.srv.logger = slog.New(slog.NewTextHandler(&log, nil))
	addr := strings.TrimPrefix(f.serveHTTP(t, 5*time.Second), "http://")
	before := f.state(t)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/documents?name=cut.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Length: 1000\r\n\r\nOnly the start of the text: ", testToken)
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Content-Length") {
		t.Errorf("status %d %s, want 400 saying the body is shorter than its Content-Length", res.StatusCode, body)
	}
	if strings.Contains(log.String(), "level=ERROR") || !strings.Contains(log.String(), "level=INFO msg=\"request failed\"") {
		t.Errorf("log = %q, want the failure at info, no error", log.String())
	}
	if diff := cmp.Diff(before, f.state(t)); diff != "" {
		t.Errorf("corpus or index changed (-before +after):\n%s", diff)
	}
}

// TestUploadTooLargeByContentLengthIsCounted: an upload refused for its
// Content-Length, before a byte of it is read, counts as a too large file.
func TestUploadTooLargeByContentLengthIsCounted(t *testing.T) {
	f := newAdminServer(t, testToken, adminCorpus)
	r := request(http.MethodPost, "/api/documents?name=big.txt", &endlessText{}, testToken)
	r.ContentLength = maxUploadBytes + 1
	if rec := f.serve(r); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", rec.Code)
	}
	metrics := f.serve(httptest.NewRequest(http.MethodGet, "/metrics", nil)).Body.String()
	if line := `musesearch_corpus_files_rejected_total{reason="too_large"} 1`; !strings.Contains(metrics, line+"\n") {
		t.Errorf("/metrics lacks %q", line)
	}
}

// slowLibrary takes delay more than its library to add a file, as indexing a large
// file does.
type slowLibrary struct {
	Library
	delay time.Duration
}

func (s slowLibrary) Add(ctx context.Context, name string, body io.Reader) (library.Result, error) {
	time.Sleep(s.delay)
	return s.Library.Add(ctx, name, body)
}

// TestSlowUploadGetsItsAnswer: an upload whose body takes longer to arrive than the
// server's read timeout, and whose indexing outlasts its write timeout, still gets
// its 201, because the upload route has deadlines of its own.
func TestSlowUploadGetsItsAnswer(t *testing.T) {
	f := newAdminServer(t, testToken, adminCorpus)
	const timeout = 300 * time.Millisecond
	// The fixture's write API, with a library that indexes slowly.
	writes := newWriteAPI(testToken, prometheus.NewRegistry())
	writes.install(f.srv.echo)
	if err := writes.setLibrary(slowLibrary{f.lib, 2 * timeout}); err != nil {
		t.Fatal(err)
	}
	url := f.serveHTTP(t, timeout)

	text := "Slowly sent\n\nThis body arrives in two halves: slowword.\n"
	pr, pw := io.Pipe()
	go func() {
		io.WriteString(pw, text[:10])
		time.Sleep(2 * timeout)
		io.WriteString(pw, text[10:])
		pw.Close()
	}()
	req, err := http.NewRequest(http.MethodPost, url+"/api/documents?name=slow.txt", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(text))
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		t.Errorf("status %d %s, want 201", res.StatusCode, body)
	}
	if got := f.searchIDs(t, "slowword"); !slices.Equal(got, []string{"slow"}) {
		t.Errorf("slowword finds %v, want [slow]", got)
	}
}

// TestUploadReadErrorsAreTheClientsMistakes: a body cut short or too slow to arrive is
// a 4xx, not a fault of the server.
func TestUploadReadErrorsAreTheClientsMistakes(t *testing.T) {
	tests := []struct {
		err    error
		status int
	}{
		{io.ErrUnexpectedEOF, http.StatusBadRequest},
		{&net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, http.StatusRequestTimeout},
		{errors.New("disk full"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		status, _ := classify(libraryError(fmt.Errorf("read the upload: %w", tt.err)), http.MethodPost)
		if status != tt.status {
			t.Errorf("%v: status %d, want %d", tt.err, status, tt.status)
		}
	}
}
