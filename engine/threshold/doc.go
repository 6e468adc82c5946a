// Package threshold parses and evaluates k6 thresholds: keys such as `http_req_duration` or
// `http_req_duration{name:pay}` (a sub-metric) mapped to expressions such as `p(95)<500`.
//
// New validates every threshold against the metric registry before the run, so a misspelt
// metric, bad syntax or an aggregation that does not fit the metric type stops the run early.
// Evaluate reads a metrics.Snapshot; ShouldAbort applies abortOnFail and delayAbortEval.
//
//	set, err := threshold.New(reg, opts.Thresholds)
//	res := set.Evaluate(snap)
//	if abort, t := set.ShouldAbort(res, snap.Elapsed); abort { ... t.Name ... }
//	if res.Failed() { exit code 99 }
package threshold
