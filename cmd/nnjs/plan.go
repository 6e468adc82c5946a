package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/executor"
)

// writePlan prints what the run will do before it starts, like k6:
//
//	scenarios: (100.00%) 1 scenario, 10 max VUs, 40s max duration (incl. graceful stop):
//	         * default: constant-vus, 10 VUs for 30s (gracefulStop: 30s)
func writePlan(w io.Writer, s *script, maxVUs int64) {
	share := "(100.00%)"
	if part, err := executor.PartFromOptions(s.opts); err == nil && part != nil {
		share = "(segment " + part.Segment().String() + ")"
	}
	var plans []engine.ScenarioPlan
	var end time.Duration
	for _, sc := range executor.Scenarios(s.scenarios) {
		p := sc.Plan()
		plans = append(plans, p)
		end = max(end, p.End())
	}
	noun := "scenario"
	if len(plans) != 1 {
		noun = "scenarios"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  scenarios: %s %d %s, %d max VUs, %s max duration (incl. graceful stop):\n",
		share, len(plans), noun, maxVUs, shortDuration(end))
	for _, p := range plans {
		fmt.Fprintf(&b, "           * %s: %s\n", p.Name, describePlan(p))
	}
	_, _ = io.WriteString(w, b.String())
}

// describePlan is one scenario's line of the plan.
func describePlan(p engine.ScenarioPlan) string {
	what := fmt.Sprintf("%s, %d VUs for %s", p.Executor, p.MaxVUs, shortDuration(p.Duration))
	if p.Iterations > 0 {
		what = fmt.Sprintf("%s, %d iterations, %d VUs, at most %s", p.Executor, p.Iterations, p.MaxVUs, shortDuration(p.Duration))
	}
	if p.StartTime > 0 {
		what += ", starting at " + shortDuration(p.StartTime)
	}
	return fmt.Sprintf("%s (gracefulStop: %s)", what, shortDuration(p.GracefulStop))
}

// shortDuration formats d like k6 does in its plan: 40s, 1m30s, 10m0s.
func shortDuration(d time.Duration) string {
	return d.Round(100 * time.Millisecond).String()
}
