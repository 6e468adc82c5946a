package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// Defaults for Config fields left zero.
const (
	DefaultSetupTimeout    = 60 * time.Second
	DefaultTeardownTimeout = 60 * time.Second
	DefaultGaugeInterval   = time.Second
)

// Config is what the scheduler needs for one run.
type Config struct {
	// Runner creates VUs and runs setup and teardown.
	Runner Runner
	// Scenarios are the validated scenarios (see executor.FromOptions).
	Scenarios []Scenario
	// Options gives setupTimeout, teardownTimeout (default 60s) and the run's tags, which are
	// added to every sample the engine records.
	Options options.Options
	// Registry holds the built-in metrics the engine records (see metrics.NewRegistry).
	Registry *metrics.Registry
	// NewRecorder returns the recorder for a VU's iteration samples. It is called once per VU
	// id, and once with id 0 for the engine's own samples (vus, vus_max, dropped_iterations),
	// which are recorded between VU init and teardown, never during setup or teardown.
	NewRecorder func(vuID uint64) metrics.Recorder
	// GaugeInterval is how often vus and vus_max are recorded besides on every change
	// (default 1s).
	GaugeInterval time.Duration
	// NoSetup and NoTeardown skip setup() and teardown() (--no-setup, --no-teardown).
	NoSetup, NoTeardown bool
	// Started, when set, is called once every planned VU is initialised, just before setup:
	// the moment k6 starts its test-run clock (the summary's testRunDurationMs and every
	// per-second rate count from there, not from the start of VU init).
	Started func(time.Time)
	// BeforeScenarios, when set, runs after setup and before the first iteration (cmd takes the
	// integrity baseline there, so what setup writes is part of it). An error stops the run
	// before any iteration; teardown still runs.
	BeforeScenarios func(ctx context.Context) error
}

// Engine runs one test: VU init, setup, the scenarios, teardown. Create it with New and call
// Run once. Abort and Progress may be called from any goroutine at any time.
type Engine struct {
	cfg             Config
	setupTimeout    time.Duration
	teardownTimeout time.Duration
	m               builtinMetrics
	baseTags        *metrics.Tags
	states          []*ScenarioState

	pool *vuPool
	rec  *lockedRecorder // the engine's own samples, set once the VUs are initialised

	ran       atomic.Bool
	abortOnce sync.Once
	abortCh   chan struct{}
	abortErr  error // set before abortCh is closed

	stopMu  sync.Mutex
	stopRun context.CancelCauseFunc // cancels Run's context; set once Run has started
}

// New checks cfg and returns an engine ready to Run.
func New(cfg Config) (*Engine, error) {
	if err := checkConfig(cfg); err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	m, err := lookupMetrics(cfg.Registry)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	e := &Engine{
		cfg:             cfg,
		setupTimeout:    durationOr(cfg.Options.SetupTimeout, DefaultSetupTimeout),
		teardownTimeout: durationOr(cfg.Options.TeardownTimeout, DefaultTeardownTimeout),
		m:               m,
		baseTags:        metrics.NewTags(cfg.Options.Tags),
		abortCh:         make(chan struct{}),
	}
	if e.cfg.GaugeInterval <= 0 {
		e.cfg.GaugeInterval = DefaultGaugeInterval
	}
	plans := make([]ScenarioPlan, len(cfg.Scenarios))
	for i, sc := range cfg.Scenarios {
		plans[i] = sc.Plan()
		e.states = append(e.states, newScenarioState(e, sc, plans[i]))
	}
	e.pool = newVUPool(planUpFront(plans), PlanVUs(plans))
	return e, nil
}

func checkConfig(cfg Config) error {
	switch {
	case cfg.Runner == nil:
		return errors.New("config: Runner is nil")
	case cfg.Registry == nil:
		return errors.New("config: Registry is nil")
	case cfg.NewRecorder == nil:
		return errors.New("config: NewRecorder is nil")
	case len(cfg.Scenarios) == 0:
		return errors.New("config: no scenarios")
	}
	seen := map[string]bool{}
	for _, sc := range cfg.Scenarios {
		p := sc.Plan()
		if seen[p.Name] {
			return fmt.Errorf("config: scenario %q appears twice", p.Name)
		}
		seen[p.Name] = true
		if p.MaxVUs < 0 || p.OnDemandVUs < 0 || p.OnDemandVUs > p.MaxVUs {
			return fmt.Errorf("config: scenario %q plans %d VUs, %d on demand", p.Name, p.MaxVUs, p.OnDemandVUs)
		}
	}
	return nil
}

func durationOr(d *options.Duration, def time.Duration) time.Duration {
	if d == nil {
		return def
	}
	return d.D()
}

// MaxVUs returns the most VUs Run may initialise: the most that scenarios overlapping in time
// may hold at once.
func (e *Engine) MaxVUs() int64 { return e.pool.limit }

// PlannedVUs returns how many VUs Run initialises before setup: MaxVUs less the VUs that
// arrival-rate scenarios initialise on demand (beyond their preAllocatedVUs).
func (e *Engine) PlannedVUs() int64 { return e.pool.planned }

// Abort stops the run like a graceful stop (no new iterations, running ones get their
// gracefulStop), then teardown runs and Run returns an error wrapping ErrAborted and reason.
// Only the first call counts. A nil reason means a plain *AbortError.
func (e *Engine) Abort(reason error) {
	if reason == nil {
		reason = &AbortError{}
	}
	e.abortOnce.Do(func() {
		e.abortErr = reason
		close(e.abortCh)
		e.stopMu.Lock()
		defer e.stopMu.Unlock()
		if e.stopRun != nil {
			e.stopRun(reason) // at once: no VU may start another iteration after Abort returns
		}
	})
}

// setStopRun gives Abort the function that cancels Run's context; an Abort that came first
// is applied now.
func (e *Engine) setStopRun(stop context.CancelCauseFunc) {
	e.stopMu.Lock()
	e.stopRun = stop
	e.stopMu.Unlock()
	select {
	case <-e.abortCh:
		stop(e.abortErr)
	default:
	}
}

// Run initialises the VUs, runs setup, starts every scenario at its startTime, waits for them
// and runs teardown (also after Abort or a cancelled ctx, when setup succeeded). Cancelling ctx
// is a graceful stop and makes Run return an error wrapping ErrStopped. Run may be called once.
func (e *Engine) Run(ctx context.Context) error {
	if !e.ran.CompareAndSwap(false, true) {
		return errors.New("engine: Run called twice")
	}
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	e.setStopRun(stop)

	if err := e.initVUs(runCtx); err != nil {
		return e.firstOf(ctx, err)
	}
	if e.cfg.Started != nil {
		e.cfg.Started(time.Now())
	}
	if !e.cfg.NoSetup {
		if err := e.setup(runCtx); err != nil {
			return e.firstOf(ctx, err)
		}
	}
	var runErr error
	if e.cfg.BeforeScenarios != nil {
		if err := e.cfg.BeforeScenarios(runCtx); err != nil {
			runErr = fmt.Errorf("engine: before scenarios: %w", err)
		}
	}
	if runErr == nil {
		runErr = e.runScenarios(runCtx)
	}
	var tdErr error
	if !e.cfg.NoTeardown {
		tdErr = e.teardown(ctx)
	}
	return errors.Join(e.stopReason(ctx), runErr, tdErr)
}

// stopReason returns the abort or stop error, or nil when the run ended by itself.
func (e *Engine) stopReason(ctx context.Context) error {
	select {
	case <-e.abortCh:
		return fmt.Errorf("engine: %w: %w", ErrAborted, e.abortErr)
	default:
	}
	if ctx.Err() != nil {
		return fmt.Errorf("engine: %w: %w", ErrStopped, context.Cause(ctx))
	}
	return nil
}

// firstOf returns the abort or stop error if there is one (the cause of err), else err.
func (e *Engine) firstOf(ctx context.Context, err error) error {
	if r := e.stopReason(ctx); r != nil {
		return r
	}
	return err
}

func (e *Engine) setup(ctx context.Context) error {
	sctx, cancel := context.WithTimeout(ctx, e.setupTimeout)
	defer cancel()
	err := e.cfg.Runner.Setup(sctx)
	switch {
	case err == nil:
		return nil
	case IsAbort(err):
		e.Abort(err)
		return fmt.Errorf("engine: setup: %w", err)
	case ctx.Err() == nil && errors.Is(sctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("engine: %w after %s: %w", ErrSetupTimeout, e.setupTimeout, err)
	}
	return fmt.Errorf("engine: %w: %w", ErrSetup, err)
}

func (e *Engine) teardown(ctx context.Context) error {
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.teardownTimeout)
	defer cancel()
	err := e.cfg.Runner.Teardown(tctx)
	switch {
	case err == nil:
		return nil
	case errors.Is(tctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("engine: %w after %s: %w", ErrTeardownTimeout, e.teardownTimeout, err)
	}
	return fmt.Errorf("engine: %w: %w", ErrTeardown, err)
}
