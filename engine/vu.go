package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Runner creates VUs and runs the once-per-test stages of a script. engine never imports a
// JavaScript runtime: jsapi implements Runner, engine tests use Go funcs (see engine/enginetest).
//
// NewVU, Setup and Teardown may be called from different goroutines; a VU returned by NewVU is
// used by one goroutine at a time.
type Runner interface {
	// NewVU initialises VU number id (1-based, unique in the test): for JS, it runs init code.
	NewVU(ctx context.Context, id uint64) (VU, error)
	// Setup runs the script's setup() once; the runner keeps its result for VUs and Teardown.
	Setup(ctx context.Context) error
	// Teardown runs the script's teardown(data) once.
	Teardown(ctx context.Context) error
}

// VU is an initialised virtual user, idle until activated for a scenario.
type VU interface {
	// ID is the VU's 1-based id in the test (k6 vu.idInTest, __VU).
	ID() uint64
	// Activate prepares the VU to run iterations of one scenario.
	Activate(a Activation) ActiveVU
}

// Activation is what a VU needs to know to run a scenario's iterations.
type Activation struct {
	Scenario string            // scenario name (the "scenario" tag)
	Executor string            // executor type, e.g. "constant-vus"
	Exec     string            // exported function to run ("default" if empty)
	Env      map[string]string // scenario env, layered over the run's __ENV
	Tags     map[string]string // scenario tags, added to every sample
	// StartTime is when the scenario started (k6 scenario.startTime).
	StartTime time.Time
	// Run answers the VU's questions about the run while it is active (k6/execution); nil
	// outside of an engine (tests).
	Run RunInfo
}

// RunInfo is what an active VU may ask the engine about the run (k6/execution). Its methods
// are safe for concurrent use.
type RunInfo interface {
	// Progress is the scenario's progress, 0..1, as its executor measures it: iterations
	// ended over planned ones for the iteration-bounded executors, elapsed over duration
	// for the time-bounded ones (k6 scenario.progress).
	Progress() float64
	// Iterations counts this instance's iterations so far, in every scenario: those that ran
	// to their end (errors included) and those cut short (k6 instance.iterationsCompleted
	// and iterationsInterrupted).
	Iterations() (completed, interrupted int64)
}

// Iteration identifies one iteration handed to an ActiveVU by its executor.
type Iteration struct {
	// InTest is the iteration's number within its scenario across all VUs and segments
	// (k6 scenario.iterationInTest); InInstance the same within this process.
	InTest, InInstance uint64
}

// ActiveVU runs iterations of one scenario. It is used by one goroutine at a time.
type ActiveVU interface {
	// Iterate runs one iteration. ctx is cancelled when the iteration must be interrupted
	// (graceful stop or ramp-down expired, run stopped). It returns nil on success, an
	// *AbortError for test.abort(), ctx.Err() (possibly wrapped) when interrupted, and any other
	// error for an uncaught exception, which the VU has already logged.
	Iterate(ctx context.Context, it Iteration) error
	// Deactivate returns the VU to the idle pool; it may be activated again for another scenario.
	Deactivate()
}

// AbortError stops the whole test (k6 exec.test.abort()); exit code 108.
type AbortError struct{ Reason string }

func (e *AbortError) Error() string {
	if e.Reason == "" {
		return "test aborted"
	}
	return fmt.Sprintf("test aborted: %s", e.Reason)
}

// IsAbort reports whether err is or wraps an *AbortError.
func IsAbort(err error) bool {
	var a *AbortError
	return errors.As(err, &a)
}
