package main

import (
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/internal/report"
)

// reportVerdict states the run's outcome for its report and result file: the exit code so
// far, each crossed threshold and failed integrity check, and the verdict's other failures
// and what it could not judge.
func (r *execution) reportVerdict(res threshold.Results) report.Verdict {
	in := verdictInput{code: r.verdict.code(), thresholds: res}
	if r.report.integrity != nil {
		in.integrity = []report.SourcedIntegrity{{Report: r.report.integrity}}
	}
	for _, it := range r.verdict.items {
		switch {
		case it.state == itemNotJudged:
			in.notJudged = append(in.notJudged, it.text)
		case it.state == itemFailed && !it.itemized:
			in.reasons = append(in.reasons, it.text) // thresholds and checks are listed one by one
		}
	}
	return reportVerdict(in)
}

// reportInput is what the run's report is built from, without its verdict.
func (r *execution) reportInput(snap *metrics.Snapshot, res threshold.Results, tl *report.Timeline) report.Input {
	in := report.Input{Snapshot: snap, Thresholds: res, Timeline: tl,
		Runs: []report.Run{{Script: r.script.path, ExecutionSegment: r.script.opts.ExecutionSegment,
			Start: r.start.UTC(), End: snap.Start.Add(snap.Elapsed).UTC()}}}
	switch {
	case r.report.monitor != nil:
		in.DB = []report.SourcedDB{{Report: r.report.monitor}}
	case r.db.monitor != nil:
		rep := r.db.monitor.Report()
		in.DB = []report.SourcedDB{{Report: &rep}}
	}
	if r.report.integrity != nil {
		in.Integrity = []report.SourcedIntegrity{{Report: r.report.integrity}}
	}
	return in
}

// liveData builds the dashboard's data while the load runs.
func (r *execution) liveData(tl *report.Timeline) *report.Data {
	snap := r.collector.Snapshot()
	in := r.reportInput(snap, r.script.thresholds.Evaluate(snap), tl)
	in.Live = true
	return report.Build(in)
}

// resultExtras is what the result file carries for `nnjs report`, as far as the run got.
func (r *execution) resultExtras(res threshold.Results) resultExtras {
	v := r.reportVerdict(res)
	return resultExtras{Run: r.recordOrFail(), ExitCode: &v.Code, Verdict: &v, Timeline: r.timeline,
		DB: r.report.monitor, Integrity: r.report.integrity, Saturation: new(r.sat.Report())}
}

// finishReport writes what the run's verdict completes: the result file again (with the
// integrity report and the final exit code), the HTML report, the dashboard's final page.
func (r *execution) finishReport(a *app, snap *metrics.Snapshot, res threshold.Results) {
	if path := r.flags.outs.result; path != "" {
		if err := writeResult(path, r.script.path, r.script.opts, snap, r.resultExtras(res)); err != nil {
			r.verdict.fail(exitInvalidConfig, err, "--out result=%s was not written", path)
		}
	}
	if r.rp == nil {
		return
	}
	in := r.reportInput(snap, res, r.timeline)
	in.Verdict = r.reportVerdict(res)
	in.Runs[0].ExitCode = &in.Verdict.Code
	in.Runs[0].Record = r.recordOrFail()
	if err := r.rp.finish(a, report.Build(in)); err != nil {
		r.verdict.fail(exitInvalidConfig, err, "the HTML report or the dashboard's final page was not written")
	}
}
