package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// ScenarioState is the scheduler's side of one scenario: it hands initialised VUs to the
// executor, runs and records their iterations, and tracks progress. All its methods are safe
// for concurrent use; a VUHandle it returns is used by one goroutine at a time.
type ScenarioState struct {
	e    *Engine
	sc   Scenario
	plan ScenarioPlan
	tags *metrics.Tags

	start       atomic.Pointer[time.Time] // nil until started
	endElapsed  atomic.Int64              // elapsed at the end, 0 until done
	status      atomic.Int32              // a ScenarioStatus
	nextIter    atomic.Uint64
	active      atomic.Int64
	completed   atomic.Int64
	interrupted atomic.Int64
	failed      atomic.Int64
	dropped     atomic.Int64
}

func newScenarioState(e *Engine, sc Scenario, p ScenarioPlan) *ScenarioState {
	tags := e.baseTags.Merge(p.Tags).With("scenario", p.Name)
	return &ScenarioState{e: e, sc: sc, plan: p, tags: tags}
}

// Progress implements RunInfo.
func (s *ScenarioState) Progress() float64 { return s.progress().Fraction }

// Iterations implements RunInfo.
func (s *ScenarioState) Iterations() (completed, interrupted int64) {
	for _, o := range s.e.states {
		completed += o.completed.Load() + o.failed.Load()
		interrupted += o.interrupted.Load()
	}
	return completed, interrupted
}

// Plan returns the scenario's plan.
func (s *ScenarioState) Plan() ScenarioPlan { return s.plan }

// Tags returns the tags of the scenario's samples: the run's tags, the scenario's tags and
// "scenario".
func (s *ScenarioState) Tags() *metrics.Tags { return s.tags }

// Acquire takes an idle VU, or initialises a new one when none is idle and the run may still
// grow (arrival-rate VUs beyond preAllocatedVUs), and activates it for the scenario. It fails
// when ctx is done or with an *InitError when a new VU could not be initialised.
func (s *ScenarioState) Acquire(ctx context.Context) (*VUHandle, error) {
	v, err := s.e.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("engine: acquire VU for %s: %w", s.plan.Name, err)
	}
	act := v.vu.Activate(Activation{
		Scenario:  s.plan.Name,
		Executor:  s.plan.Executor,
		Exec:      s.plan.Exec,
		Env:       s.plan.Env,
		Tags:      s.plan.Tags,
		StartTime: s.startTime(),
		Run:       s,
	})
	s.active.Add(1)
	s.e.changeActive(1)
	return &VUHandle{s: s, v: v, act: act}, nil
}

func (s *ScenarioState) startTime() time.Time {
	if t := s.start.Load(); t != nil {
		return *t
	}
	return time.Time{}
}

// Dropped records n iterations the scenario planned but could not start (dropped_iterations).
func (s *ScenarioState) Dropped(n int64) {
	if n <= 0 {
		return
	}
	s.dropped.Add(n)
	s.e.rec.add(s.e.m.dropped, s.tags, float64(n))
}

// Outcome is how an iteration ended.
type Outcome uint8

// Iteration outcomes.
const (
	// Completed: Iterate returned nil; counted in iterations and iteration_duration.
	Completed Outcome = iota + 1
	// Failed: an uncaught exception; counted in iterations, iteration_duration and
	// iteration_errors. The run continues.
	Failed
	// Interrupted: the iteration's context ended before Iterate returned (whatever it
	// returned); counted in iterations_interrupted only.
	Interrupted
	// Aborted: test.abort(); the engine aborts the run.
	Aborted
)

// VUHandle is a VU activated for one scenario. It is used by one goroutine at a time, and must
// be released exactly once.
type VUHandle struct {
	s   *ScenarioState
	v   pooledVU
	act ActiveVU
}

// ID returns the VU's id.
func (h *VUHandle) ID() uint64 { return h.v.vu.ID() }

// Iterate runs one iteration with ctx (cancelled to interrupt it), records its metrics and
// returns how it ended. An *AbortError from the VU aborts the run.
func (h *VUHandle) Iterate(ctx context.Context) Outcome {
	s := h.s
	n := s.nextIter.Add(1) - 1
	it := Iteration{InTest: n, InInstance: n}
	if s.plan.InTest != nil {
		it.InTest = s.plan.InTest(n)
	}
	rec := h.v.rec
	start := time.Now()
	err := h.act.Iterate(ctx, it)
	took := time.Since(start)
	switch {
	case IsAbort(err):
		s.e.Abort(err)
		return Aborted
	case ctx.Err() != nil: // as k6: whatever it returned, an iteration whose ctx ended is cut
		s.interrupted.Add(1)
		rec.Add(s.e.m.interrupted, s.tags, 1)
		return Interrupted
	case err == nil:
		s.completed.Add(1)
	default:
		s.failed.Add(1)
		rec.Add(s.e.m.errors, s.tags, 1)
	}
	rec.Add(s.e.m.iterations, s.tags, 1)
	rec.Add(s.e.m.iterationDuration, s.tags, float64(took)/float64(time.Millisecond))
	if err != nil {
		return Failed
	}
	return Completed
}

// Release deactivates the VU and returns it to the engine's idle pool.
func (h *VUHandle) Release() {
	h.act.Deactivate()
	h.s.active.Add(-1)
	h.s.e.changeActive(-1)
	h.s.e.pool.put(h.v)
}

// runScenarios starts every scenario at its startTime and waits for all of them, recording
// the VU gauges on a tick meanwhile.
func (e *Engine) runScenarios(ctx context.Context) error {
	start := time.Now()
	tickDone := make(chan struct{})
	var ticker sync.WaitGroup
	ticker.Go(func() { e.tickGauges(tickDone) })
	defer ticker.Wait()
	defer close(tickDone)

	errs := make([]error, len(e.states))
	var wg sync.WaitGroup
	for i, s := range e.states {
		wg.Go(func() { errs[i] = s.run(ctx, start) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (e *Engine) tickGauges(done <-chan struct{}) {
	t := time.NewTicker(e.cfg.GaugeInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			e.recordGauges()
		case <-done:
			return
		}
	}
}

// run waits for the scenario's startTime, then runs it; a stop before then skips it.
func (s *ScenarioState) run(ctx context.Context, runStart time.Time) error {
	wait := time.NewTimer(time.Until(runStart.Add(s.plan.StartTime)))
	defer wait.Stop()
	select {
	case <-wait.C:
	case <-ctx.Done():
		s.status.Store(int32(Skipped))
		return nil
	}
	start := time.Now()
	s.start.Store(&start)
	s.status.Store(int32(Running))
	err := s.sc.Run(ctx, s)
	s.endElapsed.Store(int64(max(time.Since(start), 1)))
	s.status.Store(int32(Done))
	if err != nil {
		return fmt.Errorf("engine: scenario %s: %w", s.plan.Name, err)
	}
	return nil
}
