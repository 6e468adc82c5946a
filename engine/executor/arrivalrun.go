package executor

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nnprotect/nnjs/engine"
)

// arrival is the runtime of the arrival-rate executors. Each VU is one worker goroutine that
// claims the next iteration of the schedule as soon as it is idle (when it is added, and when
// its iteration ends), sleeps until that iteration is due and runs it itself: an iteration
// costs one wake-up of the goroutine that runs it, with no goroutine per iteration and no
// hand-off between goroutines. A watcher goroutine sleeps until the first unclaimed iteration
// is due; if no VU has claimed it by then, no VU was idle, so it drops it (dropped_iterations)
// with every other unclaimed iteration due by then, and asks for one more VU (up to maxVUs).
// A VU that claims an iteration already due (the watcher ran late) starts it late instead.
type arrival struct {
	duration, gracefulStop time.Duration
	pre, max               int64 // this part's preAllocatedVUs and maxVUs
	part                   *Part // deals the test's iterations among the processes
	// due returns when iteration n of the whole test is due, false if never.
	due func(n uint64) (time.Duration, bool)
}

// arrivalRun is the state of one run of an arrival-rate scenario.
type arrivalRun struct {
	a     arrival
	s     *engine.ScenarioState
	d     deadlines
	stop  context.Context // the engine's: done on a graceful stop or an abort
	start time.Time       // the scenario's start; due times count from it

	workers sync.WaitGroup
	grow    chan struct{} // unbuffered: a send succeeds only when no VU is being initialised

	mu    sync.Mutex
	next  uint64        // the part's first iteration neither claimed nor dropped
	at    time.Duration // when next is due
	more  bool          // next exists and is due within the duration
	spare int64         // VUs that may still be added beyond pre
	err   error         // the VU init errors
}

// run drives the scenario: pre VUs at once, more on demand (one init at a time, in the
// background, as k6: the iteration that found no VU is dropped), until the duration is over
// or the engine stops the scenario; running iterations then get gracefulStop.
func (a arrival) run(ctx context.Context, s *engine.ScenarioState) error {
	if a.max <= 0 {
		return nil // this part has no VU, so no iteration either
	}
	r := &arrivalRun{
		a: a, s: s, d: newDeadlines(ctx, a.duration, a.gracefulStop), stop: ctx,
		grow: make(chan struct{}), spare: a.max - a.pre,
	}
	defer r.d.release()
	r.start = r.d.end.Add(-a.duration)
	r.at, r.more = r.dueAt(0)
	for range a.pre {
		if !r.addVU(r.d.start) {
			break
		}
	}
	growCtx, stopGrowing := context.WithCancel(r.d.start)
	var grower sync.WaitGroup
	grower.Go(func() {
		for range r.grow {
			r.addVU(growCtx)
		}
	})
	r.watch()
	close(r.grow)
	stopGrowing()
	grower.Wait()
	r.workers.Wait()
	return r.err
}

// dueAt returns when the part's iteration k is due, false if it is not due within the
// duration.
func (r *arrivalRun) dueAt(k uint64) (time.Duration, bool) {
	at, ok := r.a.due(r.a.part.Global(k))
	return at, ok && at < r.a.duration
}

// advance drops the claim on next (r.mu held).
func (r *arrivalRun) advance() {
	r.next++
	r.at, r.more = r.dueAt(r.next)
}

// addVU acquires a VU (initialising one if none is idle) and starts its worker.
func (r *arrivalRun) addVU(ctx context.Context) bool {
	h, err := r.s.Acquire(ctx)
	if err != nil {
		r.mu.Lock()
		r.err = errors.Join(r.err, acquireErr(err))
		r.mu.Unlock()
		return false
	}
	// The VU claims its first iteration now, before its goroutine runs: it is idle from here.
	at, ok := r.claim()
	if !ok {
		h.Release()
		return false
	}
	r.workers.Go(func() {
		defer h.Release()
		r.work(h, at)
	})
	return true
}

// work is a VU's loop from its first claimed iteration (due at at): wait until it is due, run
// it, claim the next.
func (r *arrivalRun) work(h *engine.VUHandle, at time.Duration) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for ok := true; ok; at, ok = r.claim() {
		if !r.sleep(timer, at) {
			// The scenario ended before the claimed iteration was due (or before this
			// goroutine ran again): it is dropped, unless the engine stopped the run.
			if r.stop.Err() == nil {
				r.s.Dropped(1)
			}
			return
		}
		h.Iterate(r.d.iter)
	}
}

// claim takes the first unclaimed iteration for the calling VU, even if it is already due;
// false when no iteration is left to start.
func (r *arrivalRun) claim() (time.Duration, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.d.start.Err() != nil || !r.more {
		return 0, false
	}
	at := r.at
	r.advance()
	return at, true
}

// dropDue drops the unclaimed iterations due before end and says how many (r.mu held).
func (r *arrivalRun) dropDue(end time.Duration) int64 {
	var n int64
	for r.more && r.at < end {
		n++
		r.advance()
	}
	r.s.Dropped(n)
	return n
}

// sleep waits on timer until the scenario's offset at; false if no iteration may start any
// more (the duration is over, or the engine stopped the scenario).
func (r *arrivalRun) sleep(timer *time.Timer, at time.Duration) bool {
	if wait := time.Until(r.start.Add(at)); wait > 0 {
		timer.Reset(wait)
		select {
		case <-timer.C:
		case <-r.d.start.Done():
		}
	}
	return r.d.start.Err() == nil
}

// watch drops the iterations that come due while no VU is idle to claim them: it sleeps until
// the first unclaimed iteration is due (VUs that become idle meanwhile claim it and later
// ones, so it mostly wakes to find it claimed) until the schedule is over. When the duration
// ends it counts as dropped the unclaimed iterations due before the end, which the VUs did not
// reach in time (a starved CPU), unless the engine stopped the run, as k6.
func (r *arrivalRun) watch() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		r.mu.Lock()
		at, more := r.at, r.more
		r.mu.Unlock()
		if !more {
			return
		}
		if !r.sleep(timer, at) {
			r.mu.Lock()
			if r.stop.Err() == nil {
				r.dropDue(r.a.duration)
			}
			r.more = false
			r.mu.Unlock()
			return
		}
		now := time.Since(r.start)
		r.mu.Lock()
		if r.dropDue(now+1) > 0 { // due by now
			r.askForVU()
		}
		r.mu.Unlock()
	}
}

// askForVU asks for one more VU unless maxVUs is reached or one is being initialised
// (r.mu held).
func (r *arrivalRun) askForVU() {
	if r.spare <= 0 {
		return
	}
	select {
	case r.grow <- struct{}{}:
		r.spare--
	default:
	}
}
