package corpus

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed bundle/*
var bundle embed.FS

// Bundle is the corpus the product ships with: its files, unchanged, at the root.
var Bundle fs.FS = mustSub(bundle, "bundle")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// InitDir fills dir with the bundled corpus when dir does not exist yet, and reports
// whether it did. An existing directory, even an empty one, is left as it is: the
// corpus directory is the user's source of truth.
func InitDir(dir string) (bool, error) {
	if _, err := os.Stat(dir); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("corpus directory %s: %w", dir, err)
	}
	// Fill a temporary sibling and rename it into place, so an interrupted first run
	// never leaves a half-filled corpus that later runs would take as the user's.
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".init-")
	if err != nil {
		if mkErr := os.MkdirAll(filepath.Dir(dir), 0o755); mkErr != nil {
			return false, fmt.Errorf("create corpus directory: %w", mkErr)
		}
		if tmp, err = os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".init-"); err != nil {
			return false, fmt.Errorf("create corpus directory: %w", err)
		}
	}
	defer os.RemoveAll(tmp)
	if err := os.CopyFS(tmp, Bundle); err != nil {
		return false, fmt.Errorf("copy the bundled corpus: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return false, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return false, fmt.Errorf("create corpus directory: %w", err)
	}
	return true, nil
}
