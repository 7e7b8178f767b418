package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/library"
)

// Library is what the write API needs from the corpus library: it changes the corpus
// directory and the index together, and reports its own metrics.
type Library interface {
	// Add stores body as corpus file name (replacing it) and returns once the file
	// is searchable; refusals are *corpus.FileError or *indexer.DuplicateIDError.
	Add(ctx context.Context, name string, body io.Reader) (library.Result, error)
	// Delete removes the file document docID came from, or wraps corpus.ErrNotFound.
	Delete(ctx context.Context, docID string) (library.Result, error)
	// Reindex brings the index in line with the corpus directory.
	Reindex(ctx context.Context) (indexer.Summary, error)
	// Reject counts a file refused before it reached Add, for reason (one of
	// library.RejectBadName, ...).
	Reject(reason string)
	prometheus.Collector
}

// Limits of the write API.
const (
	// maxUploadBytes bounds the body of an upload: the largest corpus file plus room
	// for a multipart envelope. The library refuses a file over its own limit after
	// reading one byte past it; this bound stops a body that claims or sends more.
	maxUploadBytes = corpus.MaxPDFSize + 64<<10
	// adminRealm names the protected space in the WWW-Authenticate challenge.
	adminRealm = "musesearch admin"
)

// Deadlines of an upload, which the server's own timeouts (readTimeout, writeTimeout)
// do not fit: a body of up to maxUploadBytes may come over a slow link, and indexing
// the largest file takes tens of seconds (README.md has the figures). Only requests
// that carry the admin token get them.
const (
	// minUploadRate is the slowest rate a body may arrive at, in bytes per second
	// (1 Mbit/s): the body's read deadline is its Content-Length at this rate, and
	// the whole limit's for a body of unknown length (400 s for 50 MB), plus
	// uploadReadSlack.
	minUploadRate = 128 << 10
	// uploadReadSlack is the time a body gets beyond its size at minUploadRate.
	uploadReadSlack = 15 * time.Second
	// uploadIndexTime is how long after the body's read deadline the answer may
	// wait: the time to index the largest file, with room for a loaded machine.
	uploadIndexTime = 3 * time.Minute
)

// Sentences of the write API's errors.
const (
	msgWritesDisabled = "Writes are disabled on this server; start it with MUSESEARCH_ADMIN_TOKEN set to enable them."
	msgNoToken        = "This needs the admin token: send the header Authorization: Bearer <token>."
	msgWrongToken     = "The admin token is not valid."
	msgNoName         = "Name the file with ?name=FILE.txt (or .md), or upload it as the multipart field file."
	msgNoFileField    = "The multipart body has no field named file."
	msgBadMultipart   = "The multipart body cannot be read: %v."
	msgUploadTooLarge = "The upload is larger than the %d MB limit (%d MB for a PDF); split it into smaller files."
	msgUploadCut      = "The upload ended before the length its Content-Length announced; send it again."
	msgUploadSlow     = "The upload arrived too slowly (under 1 Mbit/s) and was stopped; send it again, or split it into smaller files."
)

// writeAPI serves the write endpoints: POST /api/documents, DELETE
// /api/documents/{doc_id} and POST /api/reindex. They answer only requests carrying
// the admin token, and only once a library is set.
type writeAPI struct {
	// token is the SHA-256 of the admin token, nil when writes are disabled; hashing
	// makes the comparison take the same time whatever the length of a guess.
	token    *[sha256.Size]byte
	library  atomic.Pointer[Library]
	registry prometheus.Registerer
}

// newWriteAPI returns the write API with the admin token (empty: writes disabled);
// the library's metrics go to registry once it is set.
func newWriteAPI(token string, registry prometheus.Registerer) *writeAPI {
	w := &writeAPI{registry: registry}
	if token != "" {
		sum := sha256.Sum256([]byte(token))
		w.token = &sum
	}
	return w
}

// install installs the write routes on e.
func (w *writeAPI) install(e *echo.Echo) {
	e.POST("/api/documents", w.handleUpload, w.authorize, w.limitUpload)
	e.DELETE("/api/documents/:doc_id", w.handleDelete, w.authorize, limitBody(maxBodyBytes))
	e.POST("/api/reindex", w.handleReindex, w.authorize, limitBody(maxBodyBytes))
}

// setLibrary enables the write routes on lib and registers its metrics. It is called
// once, when the index is open.
func (w *writeAPI) setLibrary(lib Library) error {
	if err := w.registry.Register(lib); err != nil {
		return fmt.Errorf("register the library's metrics: %w", err)
	}
	w.library.Store(&lib)
	return nil
}

// apiError is an error answered with status and one sentence.
func apiError(status int, sentence string) error {
	return &serverError{Status: status, Err: &userError{Key: msgVerbatim, Args: []any{sentence}}}
}

// authorize lets through the requests that carry the admin token: 403 when writes
// are disabled or the token is wrong, 401 when there is none. It reads no body.
func (w *writeAPI) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if w.token == nil {
			return apiError(http.StatusForbidden, msgWritesDisabled)
		}
		scheme, given, ok := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
		given = strings.TrimSpace(given)
		if !ok || !strings.EqualFold(scheme, "Bearer") || given == "" {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, fmt.Sprintf("Bearer realm=%q", adminRealm))
			return apiError(http.StatusUnauthorized, msgNoToken)
		}
		sum := sha256.Sum256([]byte(given))
		if subtle.ConstantTimeCompare(sum[:], w.token[:]) != 1 {
			return apiError(http.StatusForbidden, msgWrongToken)
		}
		return next(c)
	}
}

// lib returns the library, or errNotReady while the index is not open yet.
func (w *writeAPI) lib() (Library, error) {
	p := w.library.Load()
	if p == nil {
		return nil, errNotReady
	}
	return *p, nil
}

// uploadJSON is the answer to an upload (201) and a deletion (200).
type uploadJSON struct {
	Source   string   `json:"source"`
	DocIDs   []string `json:"doc_ids"`
	Sections int      `json:"sections"`
}

func resultJSON(r library.Result) uploadJSON {
	ids := r.DocIDs
	if ids == nil {
		ids = []string{}
	}
	return uploadJSON{Source: r.Source, DocIDs: ids, Sections: r.Sections}
}

// limitUpload refuses an upload whose Content-Length is over maxUploadBytes before
// reading it, counted as a file too large, and stops reading a body that grows past
// it. It gives the request the upload's deadlines.
func (w *writeAPI) limitUpload(next echo.HandlerFunc) echo.HandlerFunc {
	limited := limitBody(maxUploadBytes)(next)
	return func(c echo.Context) error {
		lib, err := w.lib()
		if err != nil {
			return err
		}
		size := c.Request().ContentLength
		if size > maxUploadBytes {
			lib.Reject(library.RejectTooLarge)
			return errUploadTooLarge
		}
		if size < 0 {
			size = maxUploadBytes
		}
		read := time.Now().Add(uploadReadSlack + time.Duration(size)*time.Second/minUploadRate)
		rc := http.NewResponseController(c.Response())
		// A writer without deadlines (a test's recorder) has no timeouts to outlast.
		if err := rc.SetReadDeadline(read); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		if err := rc.SetWriteDeadline(read.Add(uploadIndexTime)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return limited(c)
	}
}

// handleUpload answers POST /api/documents: 201 once the document is searchable.
func (w *writeAPI) handleUpload(c echo.Context) error {
	lib, err := w.lib()
	if err != nil {
		return err
	}
	name, body, err := uploadBody(c.Request())
	if err != nil {
		return err
	}
	res, err := lib.Add(c.Request().Context(), name, body)
	if err != nil {
		return libraryError(err)
	}
	return writeJSON(c, http.StatusCreated, resultJSON(res))
}

// uploadBody returns the file name and content of an upload: the multipart field
// "file" (named by its filename, or ?name=), or else the raw body named by ?name=.
// The content is streamed, never read here.
func uploadBody(r *http.Request) (string, io.Reader, error) {
	name := r.URL.Query().Get("name")
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if mediaType != echo.MIMEMultipartForm {
		if name == "" {
			return "", nil, apiError(http.StatusBadRequest, msgNoName)
		}
		return name, r.Body, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, apiError(http.StatusBadRequest, fmt.Sprintf(msgBadMultipart, err))
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, apiError(http.StatusBadRequest, msgNoFileField)
		}
		if err != nil {
			if tooLarge(err) {
				return "", nil, errUploadTooLarge
			}
			return "", nil, apiError(http.StatusBadRequest, fmt.Sprintf(msgBadMultipart, err))
		}
		if part.FormName() != "file" {
			continue
		}
		// The filename as sent: Part.FileName would strip directories, and a name
		// with directories must be refused, not quietly changed.
		_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if fn := params["filename"]; fn != "" {
			name = fn
		}
		if name == "" {
			return "", nil, apiError(http.StatusBadRequest, msgNoName)
		}
		return name, part, nil
	}
}

// errUploadTooLarge answers a body longer than maxUploadBytes.
var errUploadTooLarge = apiError(http.StatusRequestEntityTooLarge, fmt.Sprintf(msgUploadTooLarge, corpus.MaxFileSize>>20, corpus.MaxPDFSize>>20))

func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// libraryError gives the library's errors their status: a refused file is the
// client's mistake, told in the library's words.
func libraryError(err error) error {
	switch library.RejectReason(err) {
	case library.RejectBadName, library.RejectEmpty:
		return apiError(http.StatusBadRequest, err.Error()+".")
	case library.RejectNotText:
		return apiError(http.StatusUnsupportedMediaType, err.Error()+".")
	case library.RejectUnreadable:
		return apiError(http.StatusUnprocessableEntity, err.Error()+".")
	case library.RejectTooLarge:
		return apiError(http.StatusRequestEntityTooLarge, err.Error()+".")
	case library.RejectDuplicateID:
		return apiError(http.StatusConflict, err.Error()+".")
	}
	switch {
	case tooLarge(err):
		return errUploadTooLarge
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apiError(http.StatusBadRequest, msgUploadCut)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return apiError(http.StatusRequestTimeout, msgUploadSlow)
	}
	// The rest (work cut short, faults) is the central classifier's.
	return err
}

// handleDelete answers DELETE /api/documents/{doc_id}: the document's file and every
// document it held leave the corpus and the index.
func (w *writeAPI) handleDelete(c echo.Context) error {
	lib, err := w.lib()
	if err != nil {
		return err
	}
	id := c.Param("doc_id")
	res, err := lib.Delete(c.Request().Context(), id)
	if errors.Is(err, corpus.ErrNotFound) {
		return notFound(msgUnknownDoc, id)
	}
	if err != nil {
		return libraryError(err)
	}
	return writeJSON(c, http.StatusOK, resultJSON(res))
}

// reindexJSON is the answer to POST /api/reindex: what the sync did.
type reindexJSON struct {
	Files     int           `json:"files"`
	Documents int           `json:"documents"`
	Sections  int           `json:"sections"`
	Added     int           `json:"added"`
	Updated   int           `json:"updated"`
	Removed   int           `json:"removed"`
	Unchanged int           `json:"unchanged"`
	Skipped   []skippedJSON `json:"skipped"`
	TookMS    float64       `json:"took_ms"`
}

type skippedJSON struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// handleReindex answers POST /api/reindex once the index agrees with the corpus.
func (w *writeAPI) handleReindex(c echo.Context) error {
	lib, err := w.lib()
	if err != nil {
		return err
	}
	sum, err := lib.Reindex(c.Request().Context())
	if err != nil {
		return libraryError(err)
	}
	out := reindexJSON{
		Files: sum.Files, Documents: sum.Documents, Sections: sum.Sections,
		Added: sum.Added, Updated: sum.Updated, Removed: sum.Removed, Unchanged: sum.Unchanged,
		Skipped: []skippedJSON{},
		TookMS:  float64(sum.Duration.Microseconds()) / 1000,
	}
	for _, s := range sum.Skipped {
		out.Skipped = append(out.Skipped, skippedJSON{File: s.Name, Reason: s.Reason})
	}
	return writeJSON(c, http.StatusOK, out)
}

// SetLibrary enables the write API on lib, once the index is open, and adds the
// library's metrics to /metrics. Call it once.
func (s *Server) SetLibrary(lib Library) error { return s.writes.setLibrary(lib) }
