package pdf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// memoryLimitPages bounds the memory of PDFium's WebAssembly instance, in 64 KiB
// pages: 512 MiB, ten times the largest PDF read. A PDF that needs more (a "zip bomb"
// stream that inflates to gigabytes) fails to allocate and is refused instead of
// taking the machine's memory.
const memoryLimitPages = 8192

// The engine is PDFium compiled to WebAssembly, run by wazero: pure Go, no cgo. It
// starts on the first PDF (compiling the 6 MB module takes seconds; a compiled copy
// cached on disk makes later starts take a fraction of a second) and is kept for the
// life of the process. One document is read at a time, each in a new instance of the
// module, so that a damaged PDF cannot leave state behind for the next one.
var engine struct {
	mu       sync.Mutex
	pool     pdfium.Pool
	cacheDir string // "" until SetCacheDir: the default
}

// SetCacheDir sets the directory where the compiled engine is cached, for a process
// that wants it elsewhere than the default (the user's cache directory, under
// musesearch/pdfium). It takes effect at the engine's start, the first PDF read.
func SetCacheDir(dir string) {
	engine.mu.Lock()
	defer engine.mu.Unlock()
	engine.cacheDir = dir
}

// defaultCacheDir is the user's cache directory's musesearch/pdfium, "" when the user
// has none (then every start compiles).
func defaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "musesearch", "pdfium")
}

// instance returns a new PDFium instance, starting the engine if it is not running.
// The caller closes it. It waits while another document is being read, until ctx
// is done.
func instance(ctx context.Context) (pdfium.Pdfium, error) {
	engine.mu.Lock()
	if engine.pool == nil {
		pool, err := start(engine.cacheDir)
		if err != nil {
			engine.mu.Unlock()
			return nil, err
		}
		engine.pool = pool
	}
	pool := engine.pool
	engine.mu.Unlock()
	return pool.GetInstanceWithContext(ctx)
}

// start starts the engine, with its compiled module cached in cacheDir (the default
// when empty).
func start(cacheDir string) (pdfium.Pool, error) {
	if cacheDir == "" {
		cacheDir = defaultCacheDir()
	}
	rc := wazero.NewRuntimeConfig().
		// The module lowers setjmp/longjmp to WebAssembly exception handling.
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithMemoryLimitPages(memoryLimitPages).
		// Killing an instance (a read past its deadline) interrupts its running call.
		WithCloseOnContextDone(true)
	if cacheDir != "" {
		// An unusable cache directory only costs time: the module is compiled anew.
		if cache, err := wazero.NewCompilationCacheWithDir(cacheDir); err == nil {
			rc = rc.WithCompilationCache(cache)
		}
	}
	pool, err := webassembly.Init(webassembly.Config{
		Context:       experimental.WithMemoryAllocator(context.Background(), memoryAllocator),
		MaxIdle:       1,
		MaxTotal:      1,
		RuntimeConfig: rc,
		// No file system: documents are passed as bytes, and a PDF has no business
		// reading the machine's files.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   discard{},
		Stderr:   discard{},
	})
	if err != nil {
		return nil, fmt.Errorf("start the PDF engine: %w", err)
	}
	return pool, nil
}

// discard swallows PDFium's diagnostics.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
