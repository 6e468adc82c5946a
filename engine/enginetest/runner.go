package enginetest

import (
	"context"
	"sync"
	"time"

	"github.com/nnprotect/nnjs/engine"
)

// Call is what OnIterate gets for one iteration.
type Call struct {
	VU         uint64
	Activation engine.Activation
	Iteration  engine.Iteration
	// Data is what OnSetup returned (k6's setup data).
	Data any
}

// Runner is an engine.Runner whose behaviour is given by Go funcs; nil funcs succeed at once
// (a nil OnIterate returns nil immediately, which only suits iteration-bounded executors).
// It logs the lifecycle ("setup", "teardown") and tracks how many VUs are active.
// It is safe for concurrent use.
type Runner struct {
	OnInit     func(ctx context.Context, id uint64) error
	OnSetup    func(ctx context.Context) (data any, err error)
	OnTeardown func(ctx context.Context, data any) error
	OnIterate  func(ctx context.Context, c Call) error

	mu        sync.Mutex
	data      any
	events    []string
	inits     int
	active    int
	maxActive int
}

var _ engine.Runner = (*Runner)(nil)

// NewVU implements engine.Runner.
func (r *Runner) NewVU(ctx context.Context, id uint64) (engine.VU, error) {
	if r.OnInit != nil {
		if err := r.OnInit(ctx, id); err != nil {
			return nil, err
		}
	}
	r.mu.Lock()
	r.inits++
	r.mu.Unlock()
	return &VU{r: r, id: id}, nil
}

// Setup implements engine.Runner.
func (r *Runner) Setup(ctx context.Context) error {
	r.event("setup")
	if r.OnSetup == nil {
		return nil
	}
	data, err := r.OnSetup(ctx)
	r.mu.Lock()
	r.data = data
	r.mu.Unlock()
	return err
}

// Teardown implements engine.Runner.
func (r *Runner) Teardown(ctx context.Context) error {
	r.event("teardown")
	if r.OnTeardown == nil {
		return nil
	}
	return r.OnTeardown(ctx, r.setupData())
}

func (r *Runner) setupData() any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.data
}

func (r *Runner) event(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.events); n == 0 || r.events[n-1] != e {
		r.events = append(r.events, e)
	}
}

// Events returns the lifecycle so far: "setup", "iterate" (once per run of consecutive
// iterations), "teardown".
func (r *Runner) Events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// Inits returns how many VUs were initialised.
func (r *Runner) Inits() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inits
}

// Active returns how many VUs are activated now; MaxActive the most at any time.
func (r *Runner) Active() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.active
}

// MaxActive returns the most VUs that were activated at the same time.
func (r *Runner) MaxActive() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.maxActive
}

func (r *Runner) addActive(d int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active += d
	r.maxActive = max(r.maxActive, r.active)
}

// VU is the Runner's engine.VU.
type VU struct {
	r  *Runner
	id uint64
}

// ID implements engine.VU.
func (v *VU) ID() uint64 { return v.id }

// Activate implements engine.VU.
func (v *VU) Activate(a engine.Activation) engine.ActiveVU {
	v.r.addActive(1)
	return &activeVU{vu: v, act: a}
}

type activeVU struct {
	vu  *VU
	act engine.Activation
}

func (a *activeVU) Iterate(ctx context.Context, it engine.Iteration) error {
	a.vu.r.event("iterate")
	if a.vu.r.OnIterate == nil {
		return nil
	}
	return a.vu.r.OnIterate(ctx, Call{VU: a.vu.id, Activation: a.act, Iteration: it, Data: a.vu.r.setupData()})
}

func (a *activeVU) Deactivate() { a.vu.r.addActive(-1) }

// Sleep waits for d or until ctx is done, returning ctx.Err() then: an iteration body that
// honours interruption.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
