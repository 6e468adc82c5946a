package executor

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nnprotect/nnjs/engine"
)

// arrival is the runtime of the arrival-rate executors: one pacer goroutine starts the
// iterations this process's part owns when they are due, handing each to an idle VU without
// ever blocking, and counts those that find none as dropped_iterations. Each VU is one worker
// goroutine that waits for iterations; there is no goroutine per iteration. A worker is idle
// exactly while it is on the idle stack, so a VU that just finished its iteration, or was just
// added, can take the next one even before its goroutine is scheduled again.
type arrival struct {
	duration, gracefulStop time.Duration
	pre, max               int64 // this part's preAllocatedVUs and maxVUs
	part                   *Part // deals the test's iterations among the processes
	// due returns when iteration n of the whole test is due, false if never.
	due func(n uint64) (time.Duration, bool)
}

// arrivalRun is the state of one run of an arrival-rate scenario.
type arrivalRun struct {
	s    *engine.ScenarioState
	d    deadlines
	stop context.Context // the engine's: done on a graceful stop or an abort

	workers sync.WaitGroup
	grow    chan struct{} // unbuffered: a send succeeds only when no VU is being initialised
	spare   int64         // VUs that may still be added beyond pre (pacer goroutine only)

	mu   sync.Mutex
	all  []*worker
	idle []*worker // a stack: the VU that finished last goes first
	err  error     // the VU init errors
}

// worker is one VU's goroutine; job has room for the one iteration handed to it while idle.
type worker struct {
	job chan struct{}
}

// run drives the scenario: pre VUs at once, more on demand (one init at a time, in the
// background, as k6: the iteration that found no VU is dropped), until the duration is over
// or the engine stops the scenario; running iterations then get gracefulStop.
func (a arrival) run(ctx context.Context, s *engine.ScenarioState) error {
	if a.max <= 0 {
		return nil // this part has no VU, so no iteration either
	}
	r := &arrivalRun{
		s: s, d: newDeadlines(ctx, a.duration, a.gracefulStop), stop: ctx,
		grow: make(chan struct{}), spare: a.max - a.pre,
	}
	defer r.d.release()
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
	r.pace(a)
	close(r.grow)
	stopGrowing()
	grower.Wait()
	r.mu.Lock()
	for _, w := range r.all {
		close(w.job) // a worker runs the iteration it was handed, if any, then stops
	}
	r.mu.Unlock()
	r.workers.Wait()
	return r.err
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
	w := &worker{job: make(chan struct{}, 1)}
	r.mu.Lock()
	r.all = append(r.all, w)
	r.idle = append(r.idle, w)
	r.mu.Unlock()
	r.workers.Go(func() {
		defer h.Release()
		for range w.job {
			h.Iterate(r.d.iter)
			r.mu.Lock()
			r.idle = append(r.idle, w)
			r.mu.Unlock()
		}
	})
	return true
}

// pace starts every due iteration of the part, timing each from the scenario's start. After
// each wait it starts, in one batch, all the iterations due by then (timers are coarse).
func (r *arrivalRun) pace(a arrival) {
	start := r.d.end.Add(-a.duration)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var k uint64 // the part's iteration count
	at, ok := a.due(a.part.Global(k))
	for ok && at < a.duration {
		if wait := time.Until(start.Add(at)); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-r.d.start.Done():
			}
		}
		if r.d.start.Err() != nil {
			r.dropLate(a, k, at, ok)
			return
		}
		now := time.Since(start)
		var dropped int64
		for ok && at <= now && at < a.duration {
			if !r.try() {
				dropped++
				r.askForVU()
			}
			k++
			at, ok = a.due(a.part.Global(k))
		}
		r.s.Dropped(dropped)
	}
}

// dropLate counts as dropped the part's iterations from k (due at at) that were due before
// the end of the scenario but that the pacer did not reach in time, because its goroutine ran
// late (a starved CPU): none may start after the end, and every iteration due in the duration
// is either started or dropped. After a stop by the engine, nothing more is counted, as k6.
func (r *arrivalRun) dropLate(a arrival, k uint64, at time.Duration, ok bool) {
	if r.stop.Err() != nil {
		return
	}
	var late int64
	for ok && at < a.duration {
		late++
		k++
		at, ok = a.due(a.part.Global(k))
	}
	r.s.Dropped(late)
}

// try hands one iteration to an idle worker, if there is one.
func (r *arrivalRun) try() bool {
	r.mu.Lock()
	n := len(r.idle)
	if n == 0 {
		r.mu.Unlock()
		return false
	}
	w := r.idle[n-1]
	r.idle = r.idle[:n-1]
	r.mu.Unlock()
	w.job <- struct{}{} // never blocks: an idle worker's job is empty
	return true
}

// askForVU asks for one more VU unless maxVUs is reached or one is being initialised.
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
