// Package report builds nnjs's HTML report: one self-contained page (data as JSON, uPlot and
// the report's own script and style inline, a Content-Security-Policy that forbids any
// request) that a QA lead can attach to a ticket and open offline.
//
//	s := report.NewSampler(time.Second)
//	s.Observe(collector.Snapshot())        // after each flush: one timeline column
//	d := report.Build(report.Input{Snapshot: snap, Thresholds: res, Verdict: v, Timeline: s.Timeline()})
//	err := report.WriteHTML(w, d)
//
// The Sampler turns the run's successive snapshots into a Timeline: per charted group (a
// metric, or a metric by one tag such as sql_query_duration by statement name) one column per
// interval, with trend percentiles computed from the interval's own samples. Memory is
// bounded: at most MaxColumns columns (the resolution halves past it) and MaxLines groups.
// MergeTimelines combines the timelines of several processes of one test by time.
//
// uPlot is vendored from the npm registry under assets/uplot (fetch.sh re-fetches the pinned
// release and checks its sha256; its licence is beside it).
package report
