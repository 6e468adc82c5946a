package saturation

import (
	"context"
	"math"
	"runtime/metrics"
	"sync"
	"time"
)

// Thresholds of the decision, over a window of Window consecutive samples.
const (
	// SchedP99Threshold is the 99th percentile of goroutine scheduling latency above which
	// the generator counts as saturated: a VU that waits this long to run adds it to the
	// request it is timing.
	SchedP99Threshold = 5 * time.Millisecond
	// GCShareThreshold is the share of the CPU available to Go spent on garbage collection
	// above which the generator counts as saturated.
	GCShareThreshold = 0.20
	// Window is the number of samples (seconds, at one a second) a decision covers.
	Window = 5
)

// Sample is one reading of the runtime's cumulative counters.
type Sample struct {
	// SchedLatency is the cumulative histogram of goroutine scheduling latencies, in seconds:
	// Buckets has one more element than Counts (bucket i is [Buckets[i], Buckets[i+1])).
	SchedLatency metrics.Float64Histogram
	// GCCPU and TotalCPU are the CPU seconds spent on garbage collection and available to Go
	// (GOMAXPROCS × wall time), both estimates the runtime updates at each collection.
	GCCPU, TotalCPU float64
}

// Source reads one Sample.
type Source func() Sample

// metric names read by Runtime.
const (
	schedName = "/sched/latencies:seconds"
	gcName    = "/cpu/classes/gc/total:cpu-seconds"
	totalName = "/cpu/classes/total:cpu-seconds"
)

// Runtime reads the running process's counters from runtime/metrics.
func Runtime() Sample {
	s := []metrics.Sample{{Name: schedName}, {Name: gcName}, {Name: totalName}}
	metrics.Read(s)
	var out Sample
	if s[0].Value.Kind() == metrics.KindFloat64Histogram {
		h := s[0].Value.Float64Histogram()
		// metrics.Read may reuse the histogram's memory on the next call; keep a copy.
		out.SchedLatency = metrics.Float64Histogram{
			Counts: append([]uint64(nil), h.Counts...), Buckets: append([]float64(nil), h.Buckets...),
		}
	}
	if s[1].Value.Kind() == metrics.KindFloat64 {
		out.GCCPU = s[1].Value.Float64()
	}
	if s[2].Value.Kind() == metrics.KindFloat64 {
		out.TotalCPU = s[2].Value.Float64()
	}
	return out
}

// Status is the decision over the last window.
type Status struct {
	// Saturated is true when a threshold was exceeded over the window.
	Saturated bool
	// SchedP99 is the window's 99th percentile of scheduling latency: the lower bound of the
	// runtime histogram bucket that holds it, so it never overstates; 0 with no scheduling.
	SchedP99 time.Duration
	// GCShare is the window's share of the available CPU spent on garbage collection, 0..1;
	// GCJudged is false when the runtime's CPU estimate did not move in the window (no
	// collection ran), and GCShare is then 0.
	GCShare  float64
	GCJudged bool
}

// Report is the whole run's account, for the summary and the exports.
type Report struct {
	// Saturated is true when any window was over a threshold.
	Saturated bool `json:"saturated"`
	// SaturatedWindows counts the samples whose window was over a threshold; Windows counts
	// every decision made.
	SaturatedWindows int `json:"saturatedWindows"`
	Windows          int `json:"windows"`
	// WorstSchedP99Ms and WorstGCShare are the highest window values seen.
	WorstSchedP99Ms float64 `json:"worstSchedLatencyP99Ms"`
	WorstGCShare    float64 `json:"worstGCCPUShare"`
	// The thresholds the decision used.
	SchedP99ThresholdMs float64 `json:"schedLatencyP99ThresholdMs"`
	GCShareThreshold    float64 `json:"gcCPUShareThreshold"`
	WindowSeconds       int     `json:"windowSeconds"`
}

// Monitor samples a Source and decides over a sliding window. Observe is called by one
// goroutine (Run's); Status and Report are safe to call from any goroutine.
type Monitor struct {
	src Source

	mu      sync.Mutex
	samples []Sample // the last Window+1 samples, oldest first
	status  Status
	report  Report
}

// NewMonitor returns a monitor reading src.
func NewMonitor(src Source) *Monitor {
	return &Monitor{src: src, report: Report{
		SchedP99ThresholdMs: ms(SchedP99Threshold), GCShareThreshold: GCShareThreshold, WindowSeconds: Window,
	}}
}

// Run samples the source every period until ctx is done, and once more then, so that the
// run's last part is judged too.
func (m *Monitor) Run(ctx context.Context, every time.Duration) {
	m.Observe(m.src())
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			m.Observe(m.src())
			return
		case <-t.C:
			m.Observe(m.src())
		}
	}
}

// Observe adds a sample and decides over the window it closes.
func (m *Monitor) Observe(s Sample) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.samples = append(m.samples, s)
	if len(m.samples) > Window+1 {
		m.samples = m.samples[len(m.samples)-Window-1:]
	}
	if len(m.samples) < 2 {
		return
	}
	m.status = decide(m.samples[0], m.samples[len(m.samples)-1])
	m.report.Windows++
	if m.status.Saturated {
		m.report.Saturated = true
		m.report.SaturatedWindows++
	}
	m.report.WorstSchedP99Ms = max(m.report.WorstSchedP99Ms, ms(m.status.SchedP99))
	m.report.WorstGCShare = max(m.report.WorstGCShare, m.status.GCShare)
}

// Restart forgets every sample and decision so far: the run's account starts from the next
// sample. The CLI calls it once the VUs are initialised, so that initialising thousands of
// them (CPU-bound, before any request is timed) is not reported as a saturated load.
func (m *Monitor) Restart() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.samples, m.status = nil, Status{}
	m.report = Report{SchedP99ThresholdMs: m.report.SchedP99ThresholdMs, GCShareThreshold: m.report.GCShareThreshold,
		WindowSeconds: m.report.WindowSeconds}
}

// Status returns the decision over the last window (the zero Status before two samples).
func (m *Monitor) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}

// Report returns the run's account so far.
func (m *Monitor) Report() Report {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.report
}

// decide judges the window from old to cur.
func decide(old, cur Sample) Status {
	var st Status
	st.SchedP99 = p99(old.SchedLatency, cur.SchedLatency)
	if dt := cur.TotalCPU - old.TotalCPU; dt > 0 {
		st.GCJudged = true
		st.GCShare = max(0, (cur.GCCPU-old.GCCPU)/dt)
	}
	st.Saturated = st.SchedP99 > SchedP99Threshold || (st.GCJudged && st.GCShare > GCShareThreshold)
	return st
}

// p99 returns the 99th percentile of the latencies recorded between two cumulative
// histograms with the same buckets: the lower bound of the bucket that holds it.
func p99(old, cur metrics.Float64Histogram) time.Duration {
	if len(cur.Buckets) != len(cur.Counts)+1 {
		return 0
	}
	delta := make([]uint64, len(cur.Counts))
	var total uint64
	for i, c := range cur.Counts {
		if i < len(old.Counts) && old.Counts[i] <= c {
			c -= old.Counts[i]
		}
		delta[i] = c
		total += c
	}
	if total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(0.99 * float64(total)))
	var seen uint64
	for i, c := range delta {
		seen += c
		if seen >= rank {
			lo := cur.Buckets[i]
			if math.IsInf(lo, -1) || lo < 0 {
				return 0
			}
			if math.IsInf(lo, 1) || lo > math.MaxInt64/float64(time.Second) {
				return time.Duration(math.MaxInt64)
			}
			return time.Duration(lo * float64(time.Second))
		}
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
