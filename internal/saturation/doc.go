// Package saturation tells when the load generator itself is the bottleneck: its goroutines
// wait to be scheduled, or the garbage collector takes a large share of its CPU. Latencies
// measured then include the generator's own delay, so the CLI warns instead of letting it pass
// for the server's latency.
//
//	m := saturation.NewMonitor(saturation.Runtime)
//	go m.Run(ctx, time.Second) // off the hot path: one runtime/metrics read a second
//	if st := m.Status(); st.Saturated { ... } // the last window
//	m.Restart()                               // once the VUs are initialised
//	rep := m.Report()                         // the whole run since
//
// The decision is made over a sliding window of Window samples (5 s at one a second): the
// generator is saturated when the 99th percentile of the scheduling latency of its goroutines
// (time runnable before running, /sched/latencies:seconds) exceeds SchedP99Threshold, or when
// the garbage collector's share of the CPU available to Go (/cpu/classes/gc/total over
// /cpu/classes/total) exceeds GCShareThreshold.
package saturation
