package executor

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

// Arrival-rate executor type names.
const (
	ConstantArrivalRateType = "constant-arrival-rate"
	RampingArrivalRateType  = "ramping-arrival-rate"
)

// DefaultTimeUnit is the timeUnit of the arrival-rate executors when unset.
const DefaultTimeUnit = time.Second

// ArrivalVUs are the VU options of the arrival-rate executors: PreAllocatedVUs are
// initialised before the run; more are initialised on demand, one at a time, up to MaxVUs
// (which defaults to PreAllocatedVUs). Both are pointers because k6 tells "unset" from 0.
type ArrivalVUs struct {
	PreAllocatedVUs *int64 `json:"preAllocatedVUs"`
	MaxVUs          *int64 `json:"maxVUs"`
}

// VUs returns preAllocatedVUs and maxVUs with k6's default (maxVUs = preAllocatedVUs).
func (v ArrivalVUs) VUs() (pre, maxVUs int64) {
	if v.PreAllocatedVUs != nil {
		pre = *v.PreAllocatedVUs
	}
	maxVUs = pre
	if v.MaxVUs != nil {
		maxVUs = *v.MaxVUs
	}
	return pre, maxVUs
}

func (v ArrivalVUs) validateVUs() []error {
	var errs []error
	pre, maxVUs := v.VUs()
	switch {
	case v.PreAllocatedVUs == nil:
		errs = append(errs, fieldErr("preAllocatedVUs", "is required (allowed: an integer from 0 to %d)", MaxVUs))
	case pre < 0 || pre > MaxVUs:
		errs = append(errs, fieldErr("preAllocatedVUs", "must be between 0 and %d, got %d", MaxVUs, pre))
	}
	switch {
	case v.MaxVUs == nil:
	case maxVUs > MaxVUs:
		errs = append(errs, fieldErr("maxVUs", "must be at most %d, got %d", MaxVUs, maxVUs))
	case maxVUs < pre:
		errs = append(errs, fieldErr("maxVUs", "must not be less than preAllocatedVUs (%d), got %d", pre, maxVUs))
	}
	return errs
}

// segment returns this part's share of the VUs, and the part that deals the iterations among
// the processes that have VUs (k6 re-stripes by maxVUs).
func (v ArrivalVUs) segment(p *Part) (ArrivalVUs, *Part) {
	pre, maxVUs := v.VUs()
	sPre, sMax := p.Scale(pre), p.Scale(maxVUs)
	q, _ := p.ForValue(maxVUs)
	return ArrivalVUs{PreAllocatedVUs: &sPre, MaxVUs: &sMax}, q
}

func (v ArrivalVUs) planVUs(p *engine.ScenarioPlan) {
	pre, maxVUs := v.VUs()
	p.MaxVUs = maxVUs
	p.OnDemandVUs = maxVUs - pre
}

func checkTimeUnit(d options.Duration) error {
	if d <= 0 {
		return fieldErr("timeUnit", "must be more than 0, got %s", d)
	}
	return nil
}

// ConstantArrivalRate starts Rate iterations per TimeUnit for Duration, whatever the
// iterations' own duration: an iteration that finds no idle VU when it is due is not started
// late but counted in dropped_iterations.
type ConstantArrivalRate struct {
	BaseConfig
	Rate     int64            `json:"rate"`
	TimeUnit options.Duration `json:"timeUnit"`
	Duration options.Duration `json:"duration"`
	ArrivalVUs
}

// NewConstantArrivalRate returns a constant-arrival-rate config with k6's defaults
// (timeUnit 1s); rate, duration and preAllocatedVUs must be set.
func NewConstantArrivalRate(name string) *ConstantArrivalRate {
	return &ConstantArrivalRate{
		BaseConfig: NewBaseConfig(name, ConstantArrivalRateType),
		TimeUnit:   options.Duration(DefaultTimeUnit),
	}
}

// Validate checks the config (k6's rules: rate > 0, timeUnit > 0, duration ≥ 1s,
// preAllocatedVUs set and ≥ 0, maxVUs ≥ preAllocatedVUs).
func (c *ConstantArrivalRate) Validate() error {
	errs := []error{c.BaseConfig.validate(), checkTimeUnit(c.TimeUnit), checkMinDuration("duration", c.Duration)}
	if c.Rate <= 0 {
		errs = append(errs, fieldErr("rate", "must be more than 0, got %d", c.Rate))
	}
	return errors.Join(append(errs, c.validateVUs()...)...)
}

// Segment implements Config: the VUs are split; every process keeps the full rate's timeline
// and starts the iterations its part owns, so the parts' rates sum to Rate.
func (c *ConstantArrivalRate) Segment(p *Part) Config {
	out := *c
	out.ArrivalVUs, out.part = c.segment(p)
	return &out
}

// Plan implements engine.Scenario.
func (c *ConstantArrivalRate) Plan() engine.ScenarioPlan {
	p := c.plan()
	p.Duration = c.Duration.D()
	c.planVUs(&p)
	return p
}

// Run implements engine.Scenario.
func (c *ConstantArrivalRate) Run(ctx context.Context, s *engine.ScenarioState) error {
	period := tickerPeriod(c.Rate, c.TimeUnit.D())
	pre, maxVUs := c.VUs()
	return arrival{
		duration: c.Duration.D(), gracefulStop: c.GracefulStop.D(), pre: pre, max: maxVUs, part: c.part,
		due: func(n uint64) (time.Duration, bool) { return constantDue(n, period), true },
	}.run(ctx, s)
}

// RampingArrivalRate starts iterations at a rate that moves linearly from StartRate to each
// stage's Target (iterations per TimeUnit) over the stage's duration. Like
// ConstantArrivalRate, it drops the iterations that find no idle VU.
type RampingArrivalRate struct {
	BaseConfig
	StartRate int64            `json:"startRate"`
	TimeUnit  options.Duration `json:"timeUnit"`
	Stages    Stages           `json:"stages"`
	ArrivalVUs
}

// NewRampingArrivalRate returns a ramping-arrival-rate config with k6's defaults
// (startRate 0, timeUnit 1s); stages and preAllocatedVUs must be set.
func NewRampingArrivalRate(name string) *RampingArrivalRate {
	return &RampingArrivalRate{
		BaseConfig: NewBaseConfig(name, RampingArrivalRateType),
		TimeUnit:   options.Duration(DefaultTimeUnit),
	}
}

// Validate checks the config (k6's rules: startRate ≥ 0, timeUnit > 0, at least one stage,
// no negative target or duration, preAllocatedVUs set and ≥ 0, maxVUs ≥ preAllocatedVUs).
func (c *RampingArrivalRate) Validate() error {
	errs := []error{c.BaseConfig.validate(), checkTimeUnit(c.TimeUnit)}
	if c.StartRate < 0 {
		errs = append(errs, fieldErr("startRate", "must not be negative, got %d", c.StartRate))
	}
	errs = append(errs, validateStages(c.Stages, math.MaxInt64)...)
	return errors.Join(append(errs, c.validateVUs()...)...)
}

// Segment implements Config: as ConstantArrivalRate, the rates are kept and the iterations
// dealt among the processes.
func (c *RampingArrivalRate) Segment(p *Part) Config {
	out := *c
	out.ArrivalVUs, out.part = c.segment(p)
	return &out
}

// Plan implements engine.Scenario.
func (c *RampingArrivalRate) Plan() engine.ScenarioPlan {
	p := c.plan()
	p.Duration = stagesDuration(c.Stages)
	c.planVUs(&p)
	return p
}

// Run implements engine.Scenario.
func (c *RampingArrivalRate) Run(ctx context.Context, s *engine.ScenarioState) error {
	rate := newRampRate(c.StartRate, c.Stages, c.TimeUnit.D())
	pre, maxVUs := c.VUs()
	return arrival{
		duration: stagesDuration(c.Stages), gracefulStop: c.GracefulStop.D(),
		pre: pre, max: maxVUs, part: c.part, due: rate.due,
	}.run(ctx, s)
}
