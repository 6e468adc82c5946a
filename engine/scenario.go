package engine

import (
	"context"
	"math"
	"time"
)

// Scenario is one scenario as the scheduler drives it: a validated executor config with a small
// runtime half. engine/executor's configs implement it; the scheduler never knows executor types.
type Scenario interface {
	// Plan returns the scenario's fixed facts, read before the run to size the VU pool and
	// during it for progress.
	Plan() ScenarioPlan
	// Run drives the scenario's iterations through the VUs s hands out and returns once every
	// VU it acquired has been released. Cancelling ctx is a graceful stop: start no new
	// iterations and give running ones the plan's GracefulStop before interrupting them.
	Run(ctx context.Context, s *ScenarioState) error
}

// ScenarioPlan is what the scheduler knows about a scenario before it runs.
type ScenarioPlan struct {
	Name     string            // scenario name, the "scenario" tag
	Executor string            // executor type, e.g. "constant-vus"
	Exec     string            // exported function to run
	Env      map[string]string // scenario __ENV additions
	Tags     map[string]string // tags added to the scenario's samples

	StartTime    time.Duration // offset from the start of the run (after setup)
	GracefulStop time.Duration // time running iterations get after the scenario ends
	// Duration is the longest the scenario starts iterations: duration, maxDuration or the sum
	// of the stages.
	Duration time.Duration
	// Iterations is the planned number of iterations, 0 for a scenario bounded by time only.
	Iterations int64
	// MaxVUs is the most VUs the scenario holds at once.
	MaxVUs int64
	// OnDemandVUs is how many of MaxVUs the scenario may need beyond those initialised before
	// the run (arrival-rate maxVUs - preAllocatedVUs). The engine initialises them when the
	// scenario asks for them and no idle VU is left; 0 means every VU is initialised up front.
	OnDemandVUs int64
	// InTest maps an iteration's number within this process (Iteration.InInstance) to its
	// number within the whole test across execution segments (Iteration.InTest). Nil is the
	// identity (no execution segment). It must be strictly increasing.
	InTest func(inInstance uint64) uint64
}

// upFront returns the VUs the scenario needs initialised before the run.
func (p ScenarioPlan) upFront() int64 { return p.MaxVUs - p.OnDemandVUs }

// End returns the offset from the start of the run after which the scenario holds no VU:
// StartTime + Duration + GracefulStop (saturating).
func (p ScenarioPlan) End() time.Duration {
	return addSat(addSat(p.StartTime, p.Duration), p.GracefulStop)
}

func addSat(a, b time.Duration) time.Duration {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
