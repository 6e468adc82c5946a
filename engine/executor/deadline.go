package executor

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nnprotect/nnjs/engine"
)

// deadlines are the two deadlines of a running scenario (k6's two-deadline contexts):
//
//   - start is done when no new iteration may begin: the scenario's duration elapsed, or ctx
//     (the engine's graceful stop) was cancelled;
//   - iter is done gracefulStop after start, and interrupts the iterations still running.
//
// open also compares the clock with the end itself, so that an iteration ending exactly at the
// end never starts another one, whichever goroutine the scheduler runs first.
// Call release when the scenario is over.
type deadlines struct {
	start, iter context.Context
	end         time.Time
	release     func()
}

// open reports whether new iterations may start.
func (d deadlines) open() bool { return d.start.Err() == nil && time.Now().Before(d.end) }

func newDeadlines(ctx context.Context, duration, gracefulStop time.Duration) deadlines {
	end := time.Now().Add(duration)
	start, cancelStart := context.WithDeadline(ctx, end)
	iter, cancelIter := context.WithCancel(context.WithoutCancel(ctx))
	var (
		mu       sync.Mutex
		timer    *time.Timer
		released bool
	)
	unwatch := context.AfterFunc(start, func() {
		mu.Lock()
		defer mu.Unlock()
		if !released {
			timer = time.AfterFunc(gracefulStop, cancelIter)
		}
	})
	release := func() {
		unwatch()
		mu.Lock()
		released = true
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancelStart()
		cancelIter()
	}
	return deadlines{start: start, iter: iter, end: end, release: release}
}

// loop runs iterations on h until the start deadline passes or more returns false; more is
// called before each iteration and must claim it.
func (d deadlines) loop(h *engine.VUHandle, more func() bool) {
	for d.open() && more() {
		h.Iterate(d.iter)
	}
}

func always() bool { return true }

// runVUs acquires n VUs and runs body with each on its own goroutine (a closed executor's
// VU loop), releasing the VU after; it returns once every body has returned. It stops
// acquiring at the first failure and returns that failure if it is worth reporting.
func runVUs(d deadlines, s *engine.ScenarioState, n int64, body func(h *engine.VUHandle)) error {
	// Acquire every VU before starting any: a body that ends quickly would otherwise put its
	// VU back in time for the next Acquire, and one VU would run two VUs' iterations.
	hs := make([]*engine.VUHandle, 0, n)
	for range n {
		h, err := s.Acquire(d.start)
		if err != nil {
			for _, h := range hs {
				h.Release()
			}
			return acquireErr(err)
		}
		hs = append(hs, h)
	}
	var wg sync.WaitGroup
	for _, h := range hs {
		wg.Go(func() {
			defer h.Release()
			body(h)
		})
	}
	wg.Wait()
	return nil
}

// acquireErr returns the error of a failed Acquire worth reporting: not the end of the
// scenario (a done context), but a VU that could not be initialised.
func acquireErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}
