package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"musesearch/indexer"
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
	// --watch is accepted so that scripts can pass it already; watching the corpus
	// directory comes with live reindexing (a later issue) and does nothing yet. The
	// write API will be enabled by MUSESEARCH_ADMIN_TOKEN then too.
	fs.Bool("watch", true, "watch the corpus directory and index changes as they happen")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "musesearch serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if err := store.prepare(stderr); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	srv, err := web.New(web.Config{Logger: logger})
	if err != nil {
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

	ix, err := openIndex(ctx, store, logger)
	if err != nil {
		stop()
		<-served
		if ctx.Err() != nil {
			// Interrupted while the index was being prepared: a normal stop.
			return nil
		}
		return err
	}
	defer ix.Close()
	engine, err := search.New(search.Config{Index: ix, Logger: logger})
	if err != nil {
		stop()
		<-served
		return err
	}
	srv.SetSearcher(engine)
	return <-served
}

// openIndex opens the index and brings it in line with the corpus directory, logging
// what changed.
func openIndex(ctx context.Context, store storeFlags, logger *slog.Logger) (*indexer.Index, error) {
	began := time.Now()
	ix, err := indexer.Open(ctx, indexer.Config{
		Dir:        store.IndexDir,
		Owner:      "a running server",
		LockedHint: "stop it or use POST /api/reindex",
		Logger:     logger,
	})
	if err != nil {
		return nil, err
	}
	sum, err := ix.Sync(ctx, store.CorpusDir, nil)
	if err != nil {
		ix.Close()
		return nil, err
	}
	for _, s := range sum.Skipped {
		logger.Warn("skipped a corpus file", "file", s.Name, "reason", s.Reason)
	}
	// Load the Japanese dictionary now, not on the first Japanese query after /readyz.
	indexer.Warm()
	logger.Info("index ready", "index", store.IndexDir, "corpus", store.CorpusDir,
		"documents", sum.Documents, "sections", sum.Sections, "added", sum.Added, "updated", sum.Updated,
		"removed", sum.Removed, "unchanged", sum.Unchanged, "took", time.Since(began).Round(time.Millisecond))
	return ix, nil
}
