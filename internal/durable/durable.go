// Package durable writes files so that a crash at any moment leaves either the old
// content or the new one, never a part, and the change survives a power cut.
package durable

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile replaces file name of dir with data: data goes to a temporary file named
// tempPrefix followed by random characters, which is synced, renamed over name, and
// the directory synced. The temporary file is removed on failure; a crash may leave
// it behind, so callers choose a prefix they can recognise and clean up.
func WriteFile(dir, name, tempPrefix string, data []byte) error {
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := SyncDir(dir); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// SyncDir makes the entries of dir (a rename, a removal) durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
