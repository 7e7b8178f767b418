package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/labstack/echo/v4"

	"musesearch/internal/cputime"
	"musesearch/search"
)

// loadMix is the query mix of the load client's throughput run (bench/load).
var loadMix = []struct{ name, q string }{
	{"als", "ALS"},
	{"muse-cells", "Muse cells"},
	{"ja", "脊髄損傷"},
	{"zh", "干细胞"},
	{"phrase", `"spinal cord injury"`},
	{"exclusion", "stroke -mouse"},
	{"concept-ja", "間葉系幹細胞"},
}

// BenchmarkAPISearch measures the whole of one GET /api/search on the bundled corpus, as
// the load client sends it (gzip accepted): routing, middleware, search, snippets and
// encoding. On an index of a hundred sections nearly all of it is the fixed cost of a
// request. Each query of the mix runs on its own, and "mix" runs them all from
// parallel clients, as the load client does. cpu-ns/op is the process's CPU time (user
// and system, every goroutine's, the garbage collector's too) per search, which other
// programs on the machine disturb less than the wall time.
func BenchmarkAPISearch(b *testing.B) {
	_, srv := newTestServer(b)
	request := func(q string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/api/search?q="+url.QueryEscape(q), nil)
		r.Header.Set("Accept-Encoding", "gzip")
		return r
	}
	serve := func(b *testing.B, r *http.Request) {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Errorf("%s: status %d: %s", r.URL, w.Code, w.Body)
		}
	}
	for _, m := range loadMix {
		b.Run(m.name, func(b *testing.B) {
			r := request(m.q)
			b.ReportAllocs()
			began := cputime.Of(b)
			for b.Loop() {
				serve(b, r)
			}
			b.ReportMetric(float64(cputime.Of(b)-began)/float64(b.N), "cpu-ns/op")
		})
	}
	b.Run("mix", func(b *testing.B) {
		b.ReportAllocs()
		began := cputime.Of(b)
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				serve(b, request(loadMix[i%len(loadMix)].q))
			}
		})
		b.ReportMetric(float64(cputime.Of(b)-began)/float64(b.N), "cpu-ns/op")
	})
}

// BenchmarkCompress measures the compress middleware on the answer of GET
// /api/search?q=ALS (9.4 kB of JSON): CPU and compressed bytes per answer.
func BenchmarkCompress(b *testing.B) {
	_, srv := newTestServer(b)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/search?q=ALS", nil))
	answer := w.Body.Bytes()
	send := compress(func(c echo.Context) error { return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, answer) })
	r := httptest.NewRequest(http.MethodGet, "/api/search?q=ALS", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	e := echo.New()
	b.ReportAllocs()
	var sent int
	began := cputime.Of(b)
	for b.Loop() {
		w := httptest.NewRecorder()
		if err := send(e.NewContext(r, w)); err != nil {
			b.Fatal(err)
		}
		sent += w.Body.Len()
	}
	b.ReportMetric(float64(cputime.Of(b)-began)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(sent)/float64(b.N), "bytes/answer")
}

// BenchmarkEncodeSearch measures shaping and encoding the JSON answers of the load
// mix (NewSearchJSON and encodeJSON), without the search.
func BenchmarkEncodeSearch(b *testing.B) {
	_, srv := newTestServer(b)
	var answers []*search.Response
	for _, m := range loadMix {
		req, err := parseSearch(url.Values{"q": {m.q}}, sectionsByDefault)
		if err != nil {
			b.Fatal(err)
		}
		resp, err := srv.search(b.Context(), req)
		if err != nil {
			b.Fatal(err)
		}
		answers = append(answers, resp)
	}
	b.ReportAllocs()
	began := cputime.Of(b)
	for i := 0; b.Loop(); i++ {
		if err := encodeJSON(io.Discard, NewSearchJSON(answers[i%len(answers)])); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cputime.Of(b)-began)/float64(b.N), "cpu-ns/op")
}
