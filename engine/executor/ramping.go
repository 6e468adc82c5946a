package executor

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

// RampingVUs runs a number of looping VUs that follows Stages, starting from StartVUs. A VU
// removed by a ramp-down finishes its iteration within GracefulRampDown, then is interrupted.
type RampingVUs struct {
	BaseConfig
	StartVUs         int64            `json:"startVUs"`
	Stages           Stages           `json:"stages"`
	GracefulRampDown options.Duration `json:"gracefulRampDown"`
}

// NewRampingVUs returns a ramping-vus config with k6's defaults (startVUs 1,
// gracefulRampDown 30s); stages must be set.
func NewRampingVUs(name string) *RampingVUs {
	return &RampingVUs{
		BaseConfig:       NewBaseConfig(name, RampingVUsType),
		StartVUs:         1,
		GracefulRampDown: options.Duration(DefaultGracefulRampDwn),
	}
}

// Validate checks the config (k6's rules: at least one stage, no negative target, some VUs).
func (c *RampingVUs) Validate() error {
	errs := []error{c.BaseConfig.validate(), nonNegative("gracefulRampDown", c.GracefulRampDown)}
	if c.StartVUs < 0 || c.StartVUs > MaxVUs {
		errs = append(errs, fieldErr("startVUs", "must be between 0 and %d, got %d", MaxVUs, c.StartVUs))
	}
	errs = append(errs, validateStages(c.Stages, MaxVUs)...)
	if c.maxVUs() <= 0 && len(c.Stages) > 0 {
		errs = append(errs, fieldErr("stages", "startVUs or a stage target must be above 0"))
	}
	return errors.Join(errs...)
}

func (c *RampingVUs) maxVUs() int64 {
	n := c.StartVUs
	for _, st := range c.Stages {
		n = max(n, st.Target)
	}
	return n
}

// TargetVUs returns how many VUs the executor runs at elapsed time t from its start.
func (c *RampingVUs) TargetVUs(t time.Duration) int64 { return rampTarget(c.StartVUs, c.Stages, t) }

// Segment implements Config: startVUs and every stage's target are split.
func (c *RampingVUs) Segment(p *Part) Config {
	out := *c
	out.StartVUs, out.part = p.Scale(c.StartVUs), p
	out.Stages = make(Stages, len(c.Stages))
	for i, st := range c.Stages {
		out.Stages[i] = Stage{Duration: st.Duration, Target: p.Scale(st.Target)}
	}
	return &out
}

// Plan implements engine.Scenario.
func (c *RampingVUs) Plan() engine.ScenarioPlan {
	p := c.plan()
	p.Duration = stagesDuration(c.Stages)
	p.MaxVUs = c.maxVUs()
	return p
}

// Run implements engine.Scenario: a controller turns VU slots on and off on the stage
// schedule; each slot loops over iterations while it is on.
func (c *RampingVUs) Run(ctx context.Context, s *engine.ScenarioState) error {
	total := stagesDuration(c.Stages)
	d := newDeadlines(ctx, total, c.GracefulStop.D())
	defer d.release()
	slots := make([]*rampSlot, c.maxVUs())
	var wg sync.WaitGroup
	for i := range slots {
		slots[i] = &rampSlot{wake: make(chan struct{}, 1), rampDown: c.GracefulRampDown.D()}
		wg.Go(func() { slots[i].run(d, s) })
	}
	c.control(d.start, slots, total)
	wg.Wait()
	var errs []error
	for _, sl := range slots {
		errs = append(errs, sl.err)
	}
	return errors.Join(errs...)
}

// control switches slots on and off at every point where the target changes, until the last
// stage ends or the scenario is stopped. At the end, slots stop through the start deadline
// (gracefulStop), not through a ramp-down.
func (c *RampingVUs) control(done context.Context, slots []*rampSlot, total time.Duration) {
	start := time.Now()
	for {
		el := time.Since(start)
		if el >= total {
			return
		}
		n := c.TargetVUs(el)
		for i, sl := range slots {
			sl.set(int64(i) < n)
		}
		next, ok := rampNext(c.StartVUs, c.Stages, el)
		if !ok {
			return
		}
		timer := time.NewTimer(next - el)
		select {
		case <-timer.C:
		case <-done.Done():
			timer.Stop()
			return
		}
	}
}

// rampSlot is one potential VU of a ramping executor. The controller turns it on and off; its
// goroutine holds a VU while on, and an iteration running when it is turned off gets rampDown
// to finish before it is interrupted (unless the slot is turned on again meanwhile).
type rampSlot struct {
	rampDown time.Duration
	wake     chan struct{} // signalled when turned on
	err      error         // a VU init error, set by the slot's goroutine before it ends

	mu     sync.Mutex
	on     bool
	cancel context.CancelFunc // the running iteration's, nil between iterations
	timer  *time.Timer        // pending ramp-down interruption
}

func (sl *rampSlot) set(on bool) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if sl.on == on {
		return
	}
	sl.on = on
	switch {
	case on && sl.timer != nil:
		sl.timer.Stop()
		sl.timer = nil
	case !on && sl.cancel != nil:
		sl.timer = time.AfterFunc(sl.rampDown, sl.cancel)
	}
	if on {
		select {
		case sl.wake <- struct{}{}:
		default:
		}
	}
}

// begin registers the iteration about to run; false if the slot is off.
func (sl *rampSlot) begin(cancel context.CancelFunc) bool {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if !sl.on {
		return false
	}
	sl.cancel = cancel
	return true
}

func (sl *rampSlot) end() {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	sl.cancel = nil
	if sl.timer != nil {
		sl.timer.Stop()
		sl.timer = nil
	}
}

func (sl *rampSlot) run(d deadlines, s *engine.ScenarioState) {
	var h *engine.VUHandle
	defer func() {
		if h != nil {
			h.Release()
		}
	}()
	for d.open() {
		ctx, cancel := context.WithCancel(d.iter)
		if !sl.begin(cancel) {
			cancel()
			if h != nil {
				h.Release()
				h = nil
			}
			select {
			case <-sl.wake:
			case <-d.start.Done():
			}
			continue
		}
		if h == nil {
			var err error
			if h, err = s.Acquire(d.start); err != nil {
				sl.err = acquireErr(err)
				sl.end()
				cancel()
				return
			}
		}
		h.Iterate(ctx)
		sl.end()
		cancel()
	}
}
