package exec

import (
	"context"
	"errors"
	"testing"
)

// TestBoth checks both's ends: an error of a stops b, an error of b is returned, and
// a panic of b, which runs on a goroutine of its own, panics the caller (whose
// search turns it into an error) instead of taking the process down.
func TestBoth(t *testing.T) {
	ctx := context.Background()
	failed := errors.New("failed")
	ok := func(context.Context) error { return nil }
	fail := func(context.Context) error { return failed }
	waits := func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}
	if err := both(ctx, fail, waits); !errors.Is(err, failed) {
		t.Errorf("a failed: error %v, want %v", err, failed)
	}
	if err := both(ctx, ok, fail); !errors.Is(err, failed) {
		t.Errorf("b failed: error %v, want %v", err, failed)
	}
	if err := both(ctx, ok, ok); err != nil {
		t.Errorf("neither failed: error %v", err)
	}
	func() {
		defer func() {
			if r := recover(); r != "damaged segment" {
				t.Errorf("b panicked: the caller recovered %v, want b's panic", r)
			}
		}()
		both(ctx, ok, func(context.Context) error { panic("damaged segment") })
		t.Error("both returned after b panicked")
	}()
}
