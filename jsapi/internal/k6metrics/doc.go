// Package k6metrics is the `k6/metrics` (alias `nnjs/metrics`) JavaScript module: custom
// Counter, Gauge, Rate and Trend metrics, declared in init code and fed with .add(value, tags).
//
//	reg.Register(k6metrics.New(), "k6/metrics", "nnjs/metrics")
package k6metrics
