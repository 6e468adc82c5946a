package executor

import (
	"context"
	"errors"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

// ConstantVUs runs VUs VUs that loop over iterations for Duration.
type ConstantVUs struct {
	BaseConfig
	VUs      int64            `json:"vus"`
	Duration options.Duration `json:"duration"`
}

// NewConstantVUs returns a constant-vus config with k6's defaults (1 VU; the duration must be
// set).
func NewConstantVUs(name string) *ConstantVUs {
	return &ConstantVUs{BaseConfig: NewBaseConfig(name, ConstantVUsType), VUs: 1}
}

// Validate checks the config (duration ≥ 1s).
func (c *ConstantVUs) Validate() error {
	return errors.Join(c.BaseConfig.validate(), checkVUs("vus", c.VUs), checkMinDuration("duration", c.Duration))
}

// Segment implements Config: the VUs are split.
func (c *ConstantVUs) Segment(p *Part) Config {
	out := *c
	out.VUs, out.part = p.Scale(c.VUs), p
	return &out
}

// Plan implements engine.Scenario.
func (c *ConstantVUs) Plan() engine.ScenarioPlan {
	p := c.plan()
	p.Duration = c.Duration.D()
	p.MaxVUs = c.VUs
	return p
}

// Run implements engine.Scenario: every VU loops until the duration is over.
func (c *ConstantVUs) Run(ctx context.Context, s *engine.ScenarioState) error {
	d := newDeadlines(ctx, c.Duration.D(), c.GracefulStop.D())
	defer d.release()
	return runVUs(d, s, c.VUs, func(h *engine.VUHandle) { d.loop(h, always) })
}
