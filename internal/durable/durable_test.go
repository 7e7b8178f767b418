package durable

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileReplacesAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	for _, text := range []string{"old", "new content"} {
		if err := WriteFile(dir, "a.txt", ".tmp-", []byte(text)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, "a.txt"))
		if err != nil || string(got) != text {
			t.Fatalf("a.txt = %q, %v; want %q", got, err, text)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only a.txt", len(entries))
	}
}

func TestWriteFileFailureKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFile(dir, "a.txt", ".tmp-", []byte("old")); err != nil {
		t.Fatal(err)
	}
	// Renaming over a non-empty directory fails: the old file and nothing else stays.
	if err := os.MkdirAll(filepath.Join(dir, "sub", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(dir, "sub", ".tmp-", []byte("new")); err == nil {
		t.Fatal("WriteFile over a non-empty directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries after a failed write, want a.txt and sub", len(entries))
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "a.txt")); string(got) != "old" {
		t.Errorf("a.txt = %q, want old", got)
	}
}
