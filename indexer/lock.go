package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// ErrLocked is wrapped by the error Open returns when another process holds the index.
var ErrLocked = errors.New("index is locked")

// LockedError says which process holds an index.
type LockedError struct {
	Dir   string
	Owner lockOwner
}

func (e *LockedError) Error() string {
	who := e.Owner.Name
	if who == "" {
		who = "another process"
	}
	msg := fmt.Sprintf("index %s is locked by %s", e.Dir, who)
	if e.Owner.PID != 0 {
		msg += fmt.Sprintf(" (pid %d)", e.Owner.PID)
	}
	if e.Owner.Hint != "" {
		msg += "; " + e.Owner.Hint
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Unwrap() error { return ErrLocked }

// lockOwner is written into the LOCK file for the next opener's error message.
type lockOwner struct {
	PID  int    `json:"pid"`
	Name string `json:"owner,omitempty"`
	Hint string `json:"hint,omitempty"`
	// URL is where the holder answers searches, for a second opener that only wants
	// to search (see Config.OwnerURL).
	URL string `json:"url,omitempty"`
}

// dirLock is an exclusive flock on dir/LOCK, released by the kernel when the process
// ends, so a crash never leaves a stale lock behind.
type dirLock struct{ f *os.File }

func lockDir(dir string, owner lockOwner) (*dirLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index directory: %w", err)
	}
	path := filepath.Join(dir, "LOCK")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open index lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock index %s: %w", dir, err)
		}
		var holder lockOwner
		if data, err := os.ReadFile(path); err == nil {
			_ = json.Unmarshal(data, &holder) // a half-written owner still locks
		}
		return nil, &LockedError{Dir: dir, Owner: holder}
	}
	// Who holds the lock is only for the message a second opener gets: best effort.
	data, _ := json.Marshal(owner)
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(data, '\n'), 0)
	}
	return &dirLock{f: f}, nil
}

func (l *dirLock) unlock() error {
	if l == nil {
		return nil
	}
	return l.f.Close()
}
