package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"musesearch/corpus"
	"musesearch/indexer"
	"musesearch/internal/library"
	"musesearch/search"
	"musesearch/web"
)

// defaultAddr is where serve listens unless told otherwise: this machine only.
const defaultAddr = "127.0.0.1:8080"

// runServe serves the search site and API until ctx is done. It listens at once, so
// liveness probes answer while the index is opened and brought in line with the
// corpus; /readyz answers 200 and searches work from then on.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var store storeFlags
	store.Flags(fs)
	addr := fs.String("addr", defaultAddr, "address to listen on, host:port")
	watchCorpus := fs.Bool("watch", true, "watch the corpus directory and index changes as they happen")
	maxUpload := fs.Int("max-upload", corpus.MaxPDFSize>>20, fmt.Sprintf("largest upload accepted, in MB, from 1 to %d (the corpus itself reads PDFs up to %d MB, other files up to %d MB)",
		corpus.MaxPDFSize>>20, corpus.MaxPDFSize>>20, corpus.MaxFileSize>>20))
	publicURL := fs.String("public-url", "", "address the site is reached at, for absolute links (default http://<addr>)")
	var logs logFlags
	logs.Flags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "musesearch serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *maxUpload < 1 || *maxUpload > corpus.MaxPDFSize>>20 {
		fmt.Fprintf(stderr, "musesearch serve: --max-upload must be from 1 to %d (MB)\n", corpus.MaxPDFSize>>20)
		return errUsage
	}
	logger := logs.logger(stderr)
	defer indexer.ServingGC()()

	if *publicURL == "" {
		*publicURL = httpURL(*addr, "localhost")
	}
	// The write API is enabled by the admin token, read from the environment only so
	// that it never shows in a process list.
	srv, err := web.New(web.Config{Logger: logger, AdminToken: os.Getenv(adminTokenEnv), PublicURL: *publicURL})
	if err != nil {
		return err
	}
	if err := store.prepare(stderr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(serveCtx, ln) }()
	fmt.Fprintf(stdout, "musesearch: serving http://%s\n", ln.Addr())

	lib, err := openLibrary(ctx, store, httpURL(ln.Addr().String(), "127.0.0.1"), int64(*maxUpload)<<20, logger)
	if err != nil {
		stop()
		<-served
		if ctx.Err() != nil {
			// Interrupted while the index was being prepared: a normal stop.
			return nil
		}
		return err
	}
	defer lib.Close()
	engine, err := search.New(search.Config{Index: lib.Index(), Logger: logger})
	if err == nil {
		err = srv.SetLibrary(lib)
	}
	if err != nil {
		stop()
		<-served
		return err
	}
	srv.SetSearcher(engine)
	watching := make(chan struct{})
	if *watchCorpus {
		go func() {
			defer close(watching)
			if err := lib.Watch(serveCtx); err != nil {
				logger.Error("cannot watch the corpus directory; changes other programs make are indexed by POST /api/reindex or at the next start",
					"corpus", store.CorpusDir, "err", err)
			}
		}()
	} else {
		close(watching)
	}
	err = <-served
	stop()
	<-watching // the watcher's last batch is applied before the index closes
	return err
}

// httpURL is http://addr, with everyHost for a host that means every interface (0.0.0.0,
// ::, none); "" for an addr that is not host:port (listening then fails and says why).
func httpURL(addr, everyHost string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = everyHost
	}
	return "http://" + net.JoinHostPort(host, port)
}

// adminTokenEnv names the environment variable that enables the write API.
const adminTokenEnv = "MUSESEARCH_ADMIN_TOKEN"

// openLibrary opens the index and brings it in line with the corpus directory (only
// files whose content changed are indexed; leftovers of interrupted uploads are
// removed; a damaged index is rebuilt), logging what changed.
func openLibrary(ctx context.Context, store storeFlags, url string, maxUpload int64, logger *slog.Logger) (*library.Library, error) {
	began := time.Now()
	lib, sum, err := library.Open(ctx, library.Config{
		CorpusDir:   store.CorpusDir,
		IndexDir:    store.IndexDir,
		Owner:       "a running server",
		LockedHint:  "stop it or use POST /api/reindex",
		OwnerURL:    url,
		MaxFileSize: maxUpload,
		Logger:      logger,
	})
	if err != nil {
		return nil, err
	}
	for _, s := range sum.Skipped {
		logger.Warn("skipped a corpus file", "file", s.Name, "reason", s.Reason)
	}
	logger.Info("index ready", "index", store.IndexDir, "corpus", store.CorpusDir,
		"documents", sum.Documents, "sections", sum.Sections, "added", sum.Added, "updated", sum.Updated,
		"removed", sum.Removed, "unchanged", sum.Unchanged, "took", time.Since(began).Round(time.Millisecond))
	return lib, nil
}
