// Package metrics holds nnjs's metric model: a Registry of typed metrics (k6's built-ins plus
// custom ones), immutable tag sets, Sinks that aggregate samples in bounded memory (HDR
// histograms for trends), and Snapshots that thresholds, the summary and outputs read.
//
//	reg := metrics.NewRegistry()
//	m := reg.Get(metrics.HTTPReqDuration)
//	rec.Add(m, metrics.NewTags(map[string]string{"name": "pay"}), 12.5)
package metrics
