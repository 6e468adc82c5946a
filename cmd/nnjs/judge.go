package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/integrity"
)

// runExitCode maps the engine's result to k6's exit codes, most specific first (0 for nil).
func runExitCode(err error) int {
	var ta *thresholdAbort
	var ie *engine.InitError
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ta):
		return exitThresholds
	case errors.Is(err, engine.ErrAborted):
		return exitAborted
	case errors.Is(err, engine.ErrSetupTimeout):
		return exitSetupTimeout
	case errors.As(err, &ie):
		return initCode(err)
	case errors.Is(err, engine.ErrSetup):
		return exitScriptException
	case errors.Is(err, engine.ErrStopped):
		return exitSignal
	case errors.Is(err, engine.ErrTeardownTimeout):
		return exitTeardownTimeout
	}
	return exitScriptException // teardown exception, or anything unforeseen
}

// judgeRun records how the run stopped when it did not simply end. A threshold with
// abortOnFail is judged with the thresholds.
func (r *execution) judgeRun(runErr error) {
	var ta *thresholdAbort
	if runErr == nil || errors.As(runErr, &ta) {
		return
	}
	code := runExitCode(runErr)
	var what string
	switch {
	case errors.Is(runErr, engine.ErrStopped):
		r.verdict.fail(code, nil, "stopped by a signal: the run is incomplete")
		return
	case errors.Is(runErr, engine.ErrAborted):
		what = "aborted by test.abort()"
	case errors.Is(runErr, engine.ErrSetupTimeout):
		what = "setup() timed out: no load ran"
	case errors.Is(runErr, engine.ErrSetup):
		what = "setup() failed: no load ran"
	case code == exitDatabase:
		what = "a database the run needs failed"
	case errors.Is(runErr, engine.ErrTeardownTimeout):
		what = "teardown() timed out"
	case errors.Is(runErr, engine.ErrTeardown):
		what = "teardown() failed"
	default:
		what = "the script failed before the load"
	}
	r.verdict.fail(code, runErr, "%s; its error is printed below", what)
}

// judgeMarkedFailed records a run that the script marked failed with exec.test.fail(): exit
// 110, k6's code for it (which nnjs also uses for a failed integrity check).
func (r *execution) judgeMarkedFailed() {
	if msg, failed := r.runner.MarkedFailed(); failed {
		r.verdict.fail(exitMarkedFailed, nil, "%s (exec.test.fail())", msg)
	}
}

// judgeThresholds records the thresholds' outcome; a threshold with abortOnFail that stopped
// the run is named. As in k6, a threshold whose metric got no samples is judged on 0 when its
// aggregation has a value (count, trend statistics) and passes unjudged when it has none (the
// rate of an empty Rate): those are listed as not judged. Crossed thresholds in a run that
// ended without error carry k6's error, "thresholds on metrics '...' have been crossed",
// printed after the summary.
func (r *execution) judgeThresholds(res threshold.Results, runErr error) {
	if len(res) == 0 {
		return
	}
	var ta *thresholdAbort
	aborted := errors.As(runErr, &ta)
	failed := res.Failures()
	var unjudged []string
	onZero := 0
	for _, t := range res {
		switch {
		case t.Empty && math.IsNaN(t.Observed):
			unjudged = append(unjudged, fmt.Sprintf("'%s' on %s", t.Threshold.Expr.Source, t.Threshold.Name))
		case t.Empty:
			onZero++
		}
	}
	if len(unjudged) > 0 {
		r.verdict.notJudged("thresholds not judged, no samples (they pass, as in k6): %s", strings.Join(unjudged, ", "))
	}
	if len(failed) == 0 && !aborted {
		if len(unjudged) == len(res) {
			return
		}
		note := ""
		if onZero > 0 {
			note = fmt.Sprintf(" (%d on metrics with no samples, judged on 0 as in k6)", onZero)
		}
		r.verdict.pass("thresholds: %d of %d passed%s", len(res)-len(unjudged), len(res)-len(unjudged), note)
		return
	}
	text := fmt.Sprintf("thresholds crossed: %d of %d: %s", len(failed), len(res), failedNames(failed))
	var err error
	if runErr == nil { // as in k6, a run that stopped on an error prints only that error
		err = &thresholdsCrossed{metrics: crossedMetrics(failed)}
	}
	if aborted {
		if len(failed) == 0 {
			text = "thresholds: all pass at the end"
		}
		text += fmt.Sprintf("; '%s' on %s stopped the run after %s (abortOnFail)", ta.expr, ta.metric, ta.at.Round(100*time.Millisecond))
		err = ta
	}
	r.verdict.failItemized(exitThresholds, err, "%s", text)
}

// failedNames names the first three failed thresholds and counts the others.
func failedNames(failed threshold.Results) string {
	var names []string
	for i, t := range failed {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(failed)-3))
			break
		}
		name := fmt.Sprintf("'%s' on %s", t.Threshold.Expr.Source, t.Threshold.Name)
		switch {
		case t.Partial:
			name += " (not judged: series limit)"
		case t.Empty:
			name += " (no samples, judged on 0 as in k6)"
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

// crossedMetrics returns the sorted, distinct (sub-)metric names of failed thresholds.
func crossedMetrics(failed threshold.Results) []string {
	var out []string
	for _, t := range failed {
		if !slices.Contains(out, t.Threshold.Name) {
			out = append(out, t.Threshold.Name)
		}
	}
	slices.Sort(out)
	return out
}

// thresholdsCrossed is k6's end-of-run error for crossed thresholds, printed last.
type thresholdsCrossed struct{ metrics []string }

func (e *thresholdsCrossed) Error() string {
	return fmt.Sprintf("thresholds on metrics '%s' have been crossed", strings.Join(e.metrics, ", "))
}

// checkIntegrity runs the integrity checks in their own phase: bounded by --post-load-timeout
// and interrupted by Ctrl-C. Whatever happens is recorded in the report and the verdict; the
// results are written in any case.
func (r *execution) checkIntegrity(a *app, snap *metrics.Snapshot, runErr error) {
	if reason := r.notJudged(runErr); reason != "" {
		r.report.notJudged = reason
		r.verdict.notJudged("integrity not judged: %s", reason)
		return
	}
	limit := r.flags.postLoadTimeout
	ctx, leave := a.interrupts.enter(context.WithoutCancel(a.ctx),
		"interrupting the integrity checks; the results are written without them")
	ctx, cancel := context.WithTimeout(ctx, limit)
	rep, err := r.db.check(ctx, snap, r.script.registry)
	cause := context.Cause(ctx)
	cancel()
	leave()
	var nj *notJudgedError
	switch {
	case errors.As(err, &nj):
		r.report.notJudged = nj.reason
		r.verdict.notJudged("%v", err)
	case err == nil:
		r.report.integrity = rep
		r.judgeIntegrity(rep)
	case errors.Is(cause, context.DeadlineExceeded):
		r.report.notJudged = fmt.Sprintf("the checks did not finish within %s (--post-load-timeout); a lock on the tables they read?", limit)
		r.verdict.fail(exitDatabase, err, "integrity not judged: the checks did not finish within %s (--post-load-timeout)", limit)
	case cause != nil:
		r.report.notJudged = "interrupted by a signal"
		r.verdict.fail(exitSignal, nil, "integrity not judged: interrupted by a signal")
	default:
		r.report.notJudged = "the database failed during the checks: " + err.Error()
		r.verdict.fail(exitDatabase, err, "integrity not judged: the database failed during the checks")
	}
}

// notJudged returns why the integrity checks must not judge this run, or "": they judge only
// a run that took its baseline (setup succeeded) and started at least one iteration.
func (r *execution) notJudged(runErr error) string {
	if r.db.baseline == nil {
		switch {
		case errors.Is(runErr, engine.ErrSetup), errors.Is(runErr, engine.ErrSetupTimeout):
			return "setup() failed, so no load ran"
		case runErr != nil:
			return "the run stopped before the load started"
		}
		return "no baseline was taken before the load"
	}
	var started int64
	for _, p := range r.engine.Progress() {
		started += p.Completed + p.Interrupted
	}
	if started == 0 {
		return "no iteration ran"
	}
	return ""
}

// judgeIntegrity records the outcome of integrity checks that ran.
func (r *execution) judgeIntegrity(rep *integrity.Report) {
	if !rep.CriticalFailed() {
		r.verdict.pass("integrity: %s", rep.Summary())
		return
	}
	var ids []string
	for _, res := range rep.Results {
		if res.Severity == integrity.Critical && res.Failed() {
			ids = append(ids, res.ID)
		}
	}
	r.verdict.failItemized(exitIntegrity, nil, "integrity failed: critical checks %s", strings.Join(ids, ", "))
}
