package engine

import (
	"errors"
	"fmt"
)

// Errors Run returns (wrapped, with the cause), for cmd to map to exit codes. Test with errors.Is.
var (
	// ErrSetup: setup() failed (an exception in setup; k6 exit code 107).
	ErrSetup = errors.New("setup failed")
	// ErrSetupTimeout: setup() did not finish within setupTimeout (exit code 100).
	ErrSetupTimeout = errors.New("setup timed out")
	// ErrTeardown: teardown() failed.
	ErrTeardown = errors.New("teardown failed")
	// ErrTeardownTimeout: teardown() did not finish within teardownTimeout (exit code 101).
	ErrTeardownTimeout = errors.New("teardown timed out")
	// ErrAborted: the run was aborted by test.abort() or Engine.Abort (exit code 108, or 99
	// when the reason is a threshold). The error also wraps the reason given to Abort, so
	// errors.As finds an *AbortError or the caller's own reason type.
	ErrAborted = errors.New("run aborted")
	// ErrStopped: the context given to Run was cancelled (a signal; exit code 105).
	ErrStopped = errors.New("run stopped")
)

// InitError is returned by Run when a VU could not be initialised (an exception or a forbidden
// call in init code); nothing ran.
type InitError struct {
	VU  uint64 // the VU that failed
	Err error
}

func (e *InitError) Error() string { return fmt.Sprintf("init VU %d: %v", e.VU, e.Err) }

// Unwrap returns the runner's error.
func (e *InitError) Unwrap() error { return e.Err }
