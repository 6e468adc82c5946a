// Package exporter serves a run's metrics to Prometheus (`nnjs run --prometheus ADDR`): an HTTP
// endpoint /metrics that Prometheus scrapes, built on each scrape from the collector's latest
// snapshot, so recording is untouched and the values are the summary's.
//
// Names are the metric's with the prefix "nnjs_", characters Prometheus does not allow
// replaced by "_":
//
//   - a counter is a counter NAME_total (http_reqs → nnjs_http_reqs_total);
//   - a gauge is a gauge NAME (vus → nnjs_vus);
//   - a rate is a counter pair: NAME_total counts the non-zero samples (the passes: failed
//     requests for http_req_failed, passed checks for checks) and NAME_samples_total all of
//     them, so NAME_total / NAME_samples_total is the rate, and over a window
//     rate(NAME_total[1m]) / rate(NAME_samples_total[1m]);
//   - a trend is a histogram, in seconds for time trends (NAME_seconds), in bytes for data
//     trends (NAME_bytes): classic buckets (le = 2^(k/4): 19% wide) and a native histogram
//     (schema 3: 9% wide) in the same series, so histogram_quantile works on whichever the
//     scraper stores. Bucket counts come from the run's HDR histogram.
//
// Labels are the samples' tags, except the tags of unbounded cardinality, left out by default:
// url and name (a URL per request makes a series per request), error (a message), vu, iter.
// Series whose tags differ only in those are added up. At most MaxSeries label sets are
// served (default 1,000, first come first served); the samples of further label sets are
// added to their metric's series labelled nnjs_series_limit="true", so every total stays
// exact.
//
//	exp := exporter.New(collector.Snapshot, exporter.Config{})
//	srv, err := exp.Listen("127.0.0.1:9464")
//	... // the run
//	srv.Close()
package exporter
