// Package metrics holds nnjs's metric model: a Registry of typed metrics (k6's built-ins plus
// custom ones), immutable tag sets, Sinks that aggregate samples in bounded memory (HDR
// histograms for trends), and Snapshots that thresholds, the summary and outputs read.
//
//	reg := metrics.NewRegistry()
//	m := reg.Get(metrics.HTTPReqDuration)
//	rec.Add(m, metrics.NewTags(map[string]string{"name": "pay"}), 12.5)
//
// A Collector gathers the samples of a run in bounded memory. Each VU records through its own
// Recorder, which writes into one of a few sharded accumulators under a short, mostly
// uncontended lock, never allocates in steady state and never waits for the collector. Every
// Interval the collector swaps each shard's hot buffers for cold ones, merges them into the run
// totals (trends in sparse HDR histograms) and a per-interval time-series point, and publishes
// an immutable Snapshot. Memory depends on the number of series, not on the run length.
//
//	c := metrics.NewCollector(reg, metrics.CollectorConfig{Interval: time.Second, KeepSeries: true})
//	go c.Run(ctx)                  // ticks until ctx is done, then flushes a last time
//	rec := c.Recorder(vu.ID())     // one per VU; 0 for the engine's own goroutines
//	rec.Add(m, tags, 12.5)
//	snap := c.Snapshot()           // run totals as of the last tick, safe to read concurrently
//	p95 := snap.Aggregate(m, nil).Percentile(95)
//	points := c.TimeSeries()       // per-interval count/sum/min/max/last/rate/p50..p99
//
// The time series is kept only when KeepSeries asks for it. Outputs that write every sample
// (k6's JSON and CSV streams) set CollectorConfig.Stream: each shard then also keeps its raw
// samples with their time, and every flush hands them over in one batch per shard, so the
// writer works off the VUs' path.
//
// Snapshots of several machines merge exactly: encode each with MarshalBinary, decode them
// with DecodeSnapshot, and Merge them into one; counts and sums are exact and merged trend
// percentiles are those of all samples, within HDR precision.
package metrics
