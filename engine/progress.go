package engine

import "time"

// ScenarioStatus is where a scenario is in its life.
type ScenarioStatus int32

// Scenario statuses.
const (
	Waiting ScenarioStatus = iota // before its startTime
	Running
	Done
	Skipped // the run stopped before its startTime
)

// String returns the status in lower case ("waiting", "running", "done", "skipped").
func (s ScenarioStatus) String() string {
	switch s {
	case Running:
		return "running"
	case Done:
		return "done"
	case Skipped:
		return "skipped"
	}
	return "waiting"
}

// ScenarioProgress is a point-in-time view of one scenario, for the CLI's progress display.
type ScenarioProgress struct {
	Name      string
	Executor  string
	Status    ScenarioStatus
	ActiveVUs int64
	MaxVUs    int64
	// Completed counts finished iterations (errors included), Interrupted those cut short,
	// Dropped those never started.
	Completed, Interrupted, Dropped int64
	Elapsed                         time.Duration
	// PlannedDuration is the scenario's duration (or maxDuration); PlannedIterations is 0 for
	// a scenario bounded by time only.
	PlannedDuration   time.Duration
	PlannedIterations int64
	// Fraction is how much of the scenario is done, 0..1: iterations ended over planned
	// iterations, else elapsed over duration; 1 once done.
	Fraction float64
}

// Progress returns the progress of every scenario, in configuration order. It is safe to call
// from any goroutine, during or after Run.
func (e *Engine) Progress() []ScenarioProgress {
	out := make([]ScenarioProgress, len(e.states))
	for i, s := range e.states {
		out[i] = s.progress()
	}
	return out
}

func (s *ScenarioState) progress() ScenarioProgress {
	p := ScenarioProgress{
		Name:              s.plan.Name,
		Executor:          s.plan.Executor,
		Status:            ScenarioStatus(s.status.Load()),
		ActiveVUs:         s.active.Load(),
		MaxVUs:            s.plan.MaxVUs,
		Completed:         s.completed.Load() + s.failed.Load(),
		Interrupted:       s.interrupted.Load(),
		Dropped:           s.dropped.Load(),
		PlannedDuration:   s.plan.Duration,
		PlannedIterations: s.plan.Iterations,
	}
	switch p.Status {
	case Running:
		p.Elapsed = time.Since(s.startTime())
	case Done:
		p.Elapsed = time.Duration(s.endElapsed.Load())
	}
	p.Fraction = fraction(p)
	return p
}

func fraction(p ScenarioProgress) float64 {
	var f float64
	switch {
	case p.Status == Done:
		return 1
	case p.PlannedIterations > 0:
		f = float64(p.Completed+p.Interrupted+p.Dropped) / float64(p.PlannedIterations)
	case p.PlannedDuration > 0:
		f = float64(p.Elapsed) / float64(p.PlannedDuration)
	}
	return min(max(f, 0), 1)
}
