package eventloop

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// Loop is the event loop of one VU. Run, Reserve, SetTimer, ClearTimer and Context are called
// on the VU's goroutine (the one running its runtime); the function Reserve returns may be
// called from any goroutine.
type Loop struct {
	rt *goja.Runtime

	mu       sync.Mutex
	queue    []func() error // callbacks handed back, in order; nil entries are released slots
	reserved int            // callbacks reserved and not handed back yet
	wake     chan struct{}  // a callback was handed back (buffered: one pending signal)

	// The fields below belong to the VU's goroutine.
	running  bool
	ctx      context.Context // the run's context
	async    context.Context // derived from ctx on the first Reserve of a run
	cancel   context.CancelFunc
	timers   []*timer // by due time, then id
	timerSeq uint64   // ids of SetTimer: 1, 2, ... for the life of the loop
	clock    *time.Timer
	firing   *timer // the timer whose callback runs now
	fireFn   func() error
	rejected []rejection // rejected promises that have no handler yet
}

// timer is one SetTimer schedule.
type timer struct {
	id      uint64
	due     time.Time
	delay   time.Duration
	repeat  bool
	cleared bool
	fn      func() error
}

// rejection is a promise rejected without a handler and where it was rejected.
type rejection struct {
	p     *goja.Promise
	stack []goja.StackFrame
}

// New returns the loop of rt; it installs rt's promise rejection tracker.
func New(rt *goja.Runtime) *Loop {
	l := &Loop{rt: rt, wake: make(chan struct{}, 1)}
	l.fireFn = l.fire
	rt.SetPromiseRejectionTracker(l.track)
	return l
}

// Run runs first, then every callback handed back and every timer that comes due, one at a
// time, until nothing is queued, reserved or scheduled. It returns the first error a task
// returns, a *RejectionError for a promise rejected with no handler at the end of a task, or
// ctx's error (wrapped) when ctx ends first. Whatever ends it, the timers are dropped, the
// run's context (Context) is cancelled and Run waits for every reserved callback to be handed
// back, discarding those that did not run.
func (l *Loop) Run(ctx context.Context, first func() error) error {
	if l.running {
		panic("eventloop: Run called while running")
	}
	l.running, l.ctx = true, ctx
	defer l.end()
	err := l.runTask(first)
	for err == nil {
		var task func() error
		if task, err = l.next(); task == nil {
			break
		}
		err = l.runTask(task)
	}
	return err
}

// runTask runs one task; promise jobs run inside it (goja runs them when the call returns).
func (l *Loop) runTask(task func() error) error {
	if err := task(); err != nil {
		return err
	}
	if len(l.rejected) > 0 {
		r := l.rejected[0]
		return &RejectionError{Value: r.p.Result(), Stack: r.stack}
	}
	return nil
}

// next waits for the next task: a callback handed back, or a due timer. It returns nil when
// nothing is left, or ctx's error when ctx ends first.
func (l *Loop) next() (func() error, error) {
	for {
		if err := l.ctx.Err(); err != nil {
			return nil, fmt.Errorf("event loop: %w", context.Cause(l.ctx))
		}
		l.mu.Lock()
		if len(l.queue) > 0 {
			task := l.queue[0]
			l.queue[0] = nil
			l.queue = l.queue[1:]
			l.mu.Unlock()
			return task, nil
		}
		reserved := l.reserved
		l.mu.Unlock()
		var tick <-chan time.Time
		if len(l.timers) > 0 {
			wait := time.Until(l.timers[0].due)
			if wait <= 0 {
				l.firing = l.timers[0]
				l.timers = slices.Delete(l.timers, 0, 1)
				return l.fireFn, nil
			}
			tick = l.arm(wait)
		} else if reserved == 0 {
			return nil, nil
		}
		select {
		case <-l.wake:
		case <-tick:
		case <-l.ctx.Done():
			return nil, fmt.Errorf("event loop: %w", context.Cause(l.ctx))
		}
	}
}

// arm sets the loop's clock to tick after d.
func (l *Loop) arm(d time.Duration) <-chan time.Time {
	if l.clock == nil {
		l.clock = time.NewTimer(d)
	} else {
		l.clock.Reset(d)
	}
	return l.clock.C
}

// end drops what the run left: timers, rejections, and (after cancelling the run's context)
// the reserved callbacks, once they are handed back.
func (l *Loop) end() {
	clear(l.timers)
	l.timers, l.firing = l.timers[:0], nil
	if l.clock != nil {
		l.clock.Stop()
	}
	clear(l.rejected)
	l.rejected = l.rejected[:0]
	if l.cancel != nil {
		l.cancel()
	}
	l.mu.Lock()
	for l.reserved > 0 {
		l.mu.Unlock()
		<-l.wake
		l.mu.Lock()
	}
	clear(l.queue)
	l.queue = l.queue[:0]
	l.mu.Unlock()
	l.running, l.ctx, l.async, l.cancel = false, nil, nil, nil
}

// Reserve announces a callback that asynchronous work will hand back, from any goroutine,
// by calling the returned function exactly once: with the task to run on the VU's goroutine,
// or nil when there is nothing to run. The run does not end while a reservation is open. The
// work must obey Context: when the run ends early, its callback is discarded, but Run waits
// for it. Reserve must be called during Run.
func (l *Loop) Reserve() func(task func() error) {
	if !l.running {
		panic("eventloop: Reserve called outside Run")
	}
	if l.async == nil {
		l.async, l.cancel = context.WithCancel(l.ctx)
	}
	l.mu.Lock()
	l.reserved++
	l.mu.Unlock()
	handed := false
	return func(task func() error) {
		l.mu.Lock()
		if handed {
			l.mu.Unlock()
			panic("eventloop: a reserved callback was handed back twice")
		}
		handed = true
		l.reserved--
		if task != nil {
			l.queue = append(l.queue, task)
		}
		l.mu.Unlock()
		l.signal()
	}
}

// signal wakes the loop up (one pending signal is enough).
func (l *Loop) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Context is the context asynchronous work of the current run obeys: it ends with the run's
// context, and when the run ends. It is nil until the run's first Reserve (synchronous calls
// use the run's own context).
func (l *Loop) Context() context.Context { return l.async }

// track is the runtime's promise rejection tracker.
func (l *Loop) track(p *goja.Promise, op goja.PromiseRejectionOperation) {
	if op == goja.PromiseRejectionReject {
		l.rejected = append(l.rejected, rejection{p: p, stack: l.rt.CaptureCallStack(0, nil)})
		return
	}
	l.rejected = slices.DeleteFunc(l.rejected, func(r rejection) bool { return r.p == p })
}

// RejectionError is a promise rejected with no handler: the iteration fails with it.
type RejectionError struct {
	Value goja.Value        // the rejection reason
	Stack []goja.StackFrame // the JavaScript stack where it was rejected (may be empty)
}

func (e *RejectionError) Error() string {
	if e.Value == nil {
		return "uncaught (in promise) undefined"
	}
	return "uncaught (in promise) " + e.Value.String()
}
