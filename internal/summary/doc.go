// Package summary builds k6's three end-of-test outputs from a metrics.Snapshot and the
// threshold results:
//
//   - Data: the handleSummary(data) object (root_group, options, state, metrics);
//   - WriteText: the text summary in k6 v1's compact layout (THRESHOLDS, TOTAL RESULTS);
//   - Export: the legacy --summary-export JSON.
//
// Usage, after the run:
//
//	rep, err := summary.Data(summary.Input{Snapshot: snap, Results: set.Evaluate(snap), Options: opts})
//	err = summary.WriteText(os.Stdout, rep, summary.TextOptions{NoColor: !isTTY})
//	b, err := summary.Export(rep)
//
// Report.Map gives a JavaScript runtime the same object for handleSummary(data).
package summary
