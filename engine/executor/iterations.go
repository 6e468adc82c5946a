package executor

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

// Executor type names.
const (
	SharedIterationsType = "shared-iterations"
	PerVUIterationsType  = "per-vu-iterations"
	ConstantVUsType      = "constant-vus"
	RampingVUsType       = "ramping-vus"
)

// iterationsConfig is the config shape of the two executors that run a number of iterations.
// SharedIterations and PerVUIterations are defined on it, so they keep its fields (and JSON
// names) as their own and add only their rules and runtime.
type iterationsConfig struct {
	BaseConfig
	VUs         int64            `json:"vus"`
	Iterations  int64            `json:"iterations"`
	MaxDuration options.Duration `json:"maxDuration"`
}

// newIterations returns k6's defaults for an iterations executor of type typ (1 VU,
// 1 iteration, maxDuration 10m).
func newIterations(name, typ string) iterationsConfig {
	return iterationsConfig{
		BaseConfig:  NewBaseConfig(name, typ),
		VUs:         1,
		Iterations:  1,
		MaxDuration: options.Duration(DefaultMaxDuration),
	}
}

// validate checks the common rules plus iterations ≥ minIter (minName names the bound in
// the error: "vus" or "1").
func (c *iterationsConfig) validate(minIter int64, minName string) error {
	errs := []error{c.BaseConfig.validate(), checkVUs("vus", c.VUs), checkMinDuration("maxDuration", c.MaxDuration)}
	if c.Iterations < minIter {
		errs = append(errs, fieldErr("iterations", "must be at least %s, got %d", minName, c.Iterations))
	}
	return errors.Join(errs...)
}

// planFor returns the scenario plan for a total of iterations.
func (c *iterationsConfig) planFor(iterations int64) engine.ScenarioPlan {
	p := c.plan()
	p.Duration = c.MaxDuration.D()
	p.Iterations = iterations
	p.MaxVUs = c.VUs
	return p
}

// SharedIterations runs Iterations iterations in total, shared by VUs VUs (a fast VU does
// more), for at most MaxDuration. Iterations not started by then count as dropped_iterations.
type SharedIterations iterationsConfig

// NewSharedIterations returns a shared-iterations config with k6's defaults (1 VU,
// 1 iteration, maxDuration 10m).
func NewSharedIterations(name string) *SharedIterations {
	c := SharedIterations(newIterations(name, SharedIterationsType))
	return &c
}

// Validate checks the config (k6's rules: iterations ≥ vus, maxDuration ≥ 1s).
func (c *SharedIterations) Validate() error {
	return (*iterationsConfig)(c).validate(c.VUs, fmt.Sprintf("vus (%d)", c.VUs))
}

// Segment implements Config: the VUs are split, and the iterations among the processes that
// have VUs (as k6), so that the parts' iterations sum to Iterations.
func (c *SharedIterations) Segment(p *Part) Config {
	out := *c
	q, ok := p.ForValue(c.VUs)
	out.VUs, out.Iterations, out.part = p.Scale(c.VUs), 0, q
	if ok {
		out.Iterations = q.Scale(c.Iterations)
	}
	return &out
}

// Plan implements engine.Scenario.
func (c *SharedIterations) Plan() engine.ScenarioPlan {
	return (*iterationsConfig)(c).planFor(c.Iterations)
}

// Run implements engine.Scenario: every VU claims iterations from the shared pool.
func (c *SharedIterations) Run(ctx context.Context, s *engine.ScenarioState) error {
	d := newDeadlines(ctx, c.MaxDuration.D(), c.GracefulStop.D())
	defer d.release()
	pool := &sharedPool{total: c.Iterations}
	err := runVUs(d, s, c.VUs, func(h *engine.VUHandle) { d.loop(h, pool.claim) })
	if ctx.Err() == nil { // as k6: a stopped run reports no dropped iterations
		s.Dropped(pool.unclaimed())
	}
	return err
}

// sharedPool hands out a fixed number of iterations to concurrent VUs.
type sharedPool struct {
	total   int64
	claimed atomic.Int64
}

// claim takes one iteration; false once all are taken.
func (p *sharedPool) claim() bool { return p.claimed.Add(1) <= p.total }

// unclaimed returns how many iterations were never taken.
func (p *sharedPool) unclaimed() int64 { return p.total - min(p.claimed.Load(), p.total) }

// PerVUIterations makes each of VUs VUs run Iterations iterations, for at most MaxDuration.
// Iterations not started by then count as dropped_iterations.
type PerVUIterations iterationsConfig

// NewPerVUIterations returns a per-vu-iterations config with k6's defaults (1 VU,
// 1 iteration, maxDuration 10m).
func NewPerVUIterations(name string) *PerVUIterations {
	c := PerVUIterations(newIterations(name, PerVUIterationsType))
	return &c
}

// Validate checks the config (iterations ≥ 1, maxDuration ≥ 1s).
func (c *PerVUIterations) Validate() error {
	return (*iterationsConfig)(c).validate(1, "1")
}

// Segment implements Config: the VUs are split; each still runs Iterations iterations.
func (c *PerVUIterations) Segment(p *Part) Config {
	out := *c
	out.VUs, out.part = p.Scale(c.VUs), p
	return &out
}

// Plan implements engine.Scenario.
func (c *PerVUIterations) Plan() engine.ScenarioPlan {
	return (*iterationsConfig)(c).planFor(mulSat(c.VUs, c.Iterations))
}

// Run implements engine.Scenario: each VU runs its own iterations.
func (c *PerVUIterations) Run(ctx context.Context, s *engine.ScenarioState) error {
	d := newDeadlines(ctx, c.MaxDuration.D(), c.GracefulStop.D())
	defer d.release()
	var attempted atomic.Int64
	err := runVUs(d, s, c.VUs, func(h *engine.VUHandle) {
		var n int64
		d.loop(h, func() bool { n++; return n <= c.Iterations })
		attempted.Add(min(n, c.Iterations))
	})
	if ctx.Err() == nil {
		s.Dropped(mulSat(c.VUs, c.Iterations) - attempted.Load())
	}
	return err
}

func mulSat(a, b int64) int64 {
	if a > 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}
