// Package executor holds nnjs's k6-compatible executors. Each executor is a plain config
// struct (decoded from `options.scenarios` or derived from the shortcut options vus, duration,
// iterations and stages) with Validate, and a small runtime half that implements
// engine.Scenario: Plan for the scheduler, Run to drive VUs handed out by the engine.
//
//	cfgs, err := executor.FromOptions(opts) // errors wrap executor.ErrConfig and name the option
//	if err != nil {
//		return err // e.g. scenarios.pay.executor: unknown executor "foo" (allowed: ...)
//	}
//	cfgs, err = executor.Filter(cfgs, scenarioFlags) // --scenario a --scenario b (or "a,b")
//	eng, err := engine.New(engine.Config{Scenarios: executor.Scenarios(cfgs), ...})
//
// Executor types are listed in an explicit Registry built by NewRegistry(Builtin()...); a new
// type is a config struct with a constructor added to Builtin. The pacing maths (ramping-vus
// target VUs at elapsed time, the shared iteration pool, when arrival-rate iteration n is due)
// are pure functions.
//
// Every Run follows k6's two deadlines: no new iteration starts after the scenario's duration
// (or maxDuration, or the end of the stages) or once the engine asks for a graceful stop;
// iterations still running then get gracefulStop to finish before their context is cancelled
// and they count as interrupted. Iteration-based executors report the iterations they could
// not start before maxDuration as dropped_iterations (not after a stop or an abort, as k6).
//
// The arrival-rate executors (constant-arrival-rate, ramping-arrival-rate) start iterations on
// a schedule computed from the scenario's start, never from the previous tick; an iteration
// that finds no idle VU when it is due is dropped (dropped_iterations), and asks for one more
// VU, initialised in the background up to maxVUs, one at a time.
//
// Execution segments (k6's --execution-segment and --execution-segment-sequence, the options
// executionSegment and executionSegmentSequence) split every scenario between independent
// processes: FromOptions reduces each config to this process's Part (see Config.Segment), and
// the processes together run exactly the whole test, with unique iterationInTest numbers.
package executor
