package web

import (
	"bytes"
	"net/http"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
)

// gzipLevel and gzipMinLength: answers of more than a kilobyte go compressed to a
// client that takes gzip (a results page shrinks about fourfold), at the fastest
// level: on the 10 to 40 kB of a page or an API answer it takes about half the CPU of
// level 5 for 15% more bytes, and level 5 made compression 7-9% of the CPU of a search
// on a small index.
const (
	gzipLevel     = 1
	gzipMinLength = 1 << 10
)

// maxPooledBuffer is the largest buffer kept for reuse: exports run to megabytes,
// pages and API answers to tens of kilobytes.
const maxPooledBuffer = 256 << 10

// gzipWriters and buffers hold compressors and buffers of answers for reuse.
var (
	gzipWriters = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, gzipLevel) // the level is valid
		return w
	}}
	buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// buffer returns an empty buffer from buffers; give it back with recycle once no
// slice of it is in use.
func buffer() *bytes.Buffer {
	b := buffers.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

// recycle gives b back to buffers, unless it grew too large to keep.
func recycle(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		buffers.Put(b)
	}
}

// compress gzips the answers of more than gzipMinLength bytes to a client whose
// Accept-Encoding takes gzip, except those already encoded. It holds an answer until
// the handler returns, then writes it at once: every answer of this server is made
// whole before it is written. klauspost's gzip takes about half the CPU of the
// standard library's at the same level and size (an API answer of 10 kB: 290 -> 150
// µs), which made compression a fifth of the CPU of a search on a small index. An
// answer the handler wrote nothing of is left to the error handler, which writes it
// uncompressed.
func compress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		res.Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		if !strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip") {
			return next(c)
		}
		body := buffer()
		defer recycle(body)
		held := &heldWriter{ResponseWriter: res.Writer, body: body}
		res.Writer = held
		err := next(c)
		res.Writer = held.ResponseWriter
		if werr := held.send(); err == nil {
			err = werr
		}
		return err
	}
}

// heldWriter holds an answer's status and body until send.
type heldWriter struct {
	http.ResponseWriter
	body  *bytes.Buffer
	code  int // 0 until WriteHeader
	wrote bool
}

func (w *heldWriter) WriteHeader(code int) {
	w.Header().Del(echo.HeaderContentLength) // it may change
	w.code = code
}

func (w *heldWriter) Write(b []byte) (int, error) {
	if w.Header().Get(echo.HeaderContentType) == "" {
		// Sniffed from the answer, not from what it compresses to.
		w.Header().Set(echo.HeaderContentType, http.DetectContentType(b))
	}
	w.wrote = true
	return w.body.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *heldWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// send writes what the handler wrote, compressed when it is long enough and not
// encoded already.
func (w *heldWriter) send() error {
	if !w.wrote {
		if w.code != 0 {
			w.ResponseWriter.WriteHeader(w.code)
		}
		return nil
	}
	h := w.Header()
	if w.body.Len() < gzipMinLength || h.Get(echo.HeaderContentEncoding) != "" {
		if w.code != 0 {
			w.ResponseWriter.WriteHeader(w.code)
		}
		_, err := w.ResponseWriter.Write(w.body.Bytes())
		return err
	}
	h.Set(echo.HeaderContentEncoding, "gzip")
	h.Del(echo.HeaderContentLength)
	if w.code != 0 {
		w.ResponseWriter.WriteHeader(w.code)
	}
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(w.ResponseWriter)
	if _, err := zw.Write(w.body.Bytes()); err != nil {
		return err
	}
	return zw.Close()
}
