package saturation

import (
	"context"
	"math"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buckets are histogram bounds in seconds: [-Inf,0) [0,1ms) [1ms,4ms) [4ms,8ms) [8ms,+Inf).
var buckets = []float64{math.Inf(-1), 0, 0.001, 0.004, 0.008, math.Inf(1)}

func hist(counts ...uint64) metrics.Float64Histogram {
	return metrics.Float64Histogram{Counts: counts, Buckets: buckets}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	base := Sample{SchedLatency: hist(0, 100, 10, 0, 0), GCCPU: 1, TotalCPU: 10}
	tests := []struct {
		name      string
		cur       Sample
		want      Status
		saturated bool
	}{
		{"nothing happened", base, Status{}, false},
		{"fast scheduling, little GC",
			Sample{SchedLatency: hist(0, 1100, 10, 0, 0), GCCPU: 1.5, TotalCPU: 20},
			Status{SchedP99: 0, GCShare: 0.05, GCJudged: true}, false},
		{"p99 in the 1-4 ms bucket is under the threshold",
			Sample{SchedLatency: hist(0, 150, 60, 0, 0), GCCPU: 1, TotalCPU: 20},
			Status{SchedP99: time.Millisecond, GCJudged: true}, false},
		{"p99 at 4-8 ms is judged by its lower bound and stays under 5 ms",
			Sample{SchedLatency: hist(0, 150, 10, 50, 0), GCCPU: 1, TotalCPU: 20},
			Status{SchedP99: 4 * time.Millisecond, GCJudged: true}, false},
		{"p99 over 8 ms is saturated",
			Sample{SchedLatency: hist(0, 150, 10, 0, 5), GCCPU: 1, TotalCPU: 20},
			Status{Saturated: true, SchedP99: 8 * time.Millisecond, GCJudged: true}, true},
		{"GC share over 20% is saturated",
			Sample{SchedLatency: hist(0, 200, 10, 0, 0), GCCPU: 4, TotalCPU: 20},
			Status{Saturated: true, GCShare: 0.3, GCJudged: true}, true},
		{"no CPU estimate change: GC not judged",
			Sample{SchedLatency: hist(0, 200, 10, 0, 0), GCCPU: 1, TotalCPU: 10},
			Status{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := decide(base, tc.cur)
			assert.Equal(t, tc.saturated, got.Saturated)
			assert.Equal(t, tc.want.SchedP99, got.SchedP99)
			assert.Equal(t, tc.want.GCJudged, got.GCJudged)
			assert.InDelta(t, tc.want.GCShare, got.GCShare, 1e-9)
		})
	}
}

func TestMonitorDecidesOverTheWindowAndKeepsTheWorst(t *testing.T) {
	t.Parallel()
	m := NewMonitor(nil)
	assert.Equal(t, Status{}, m.Status())
	var n uint64
	cpu := 0.0
	obs := func(slow uint64, gc float64) {
		n += 1000
		cpu += 2
		m.Observe(Sample{SchedLatency: hist(0, n, 0, 0, slow), GCCPU: gc, TotalCPU: cpu})
	}
	obs(0, 0)
	obs(0, 0)
	assert.False(t, m.Status().Saturated)
	obs(100, 0) // one bad second: 100 of 1100 late samples in the window
	assert.True(t, m.Status().Saturated)
	for range Window {
		obs(100, 0) // the slow count stays: no new late samples
	}
	assert.False(t, m.Status().Saturated, "the bad second left the window")
	rep := m.Report()
	assert.True(t, rep.Saturated)
	assert.Equal(t, 2+Window, rep.Windows, "one decision per sample after the first")
	assert.Equal(t, Window, rep.SaturatedWindows, "the bad second was in Window windows")
	assert.Equal(t, 8.0, rep.WorstSchedP99Ms)
	assert.Equal(t, 5.0, rep.SchedP99ThresholdMs)
	assert.Equal(t, GCShareThreshold, rep.GCShareThreshold)

	m.Restart()
	assert.Equal(t, Status{}, m.Status())
	assert.Equal(t, Report{SchedP99ThresholdMs: 5, GCShareThreshold: GCShareThreshold, WindowSeconds: Window}, m.Report())
	obs(200, 0) // only one sample since the restart: no decision yet
	assert.Equal(t, 0, m.Report().Windows)
	obs(300, 0)
	assert.True(t, m.Status().Saturated, "decided from the samples after the restart")
	assert.Equal(t, 1, m.Report().Windows)
}

// TestRuntimeSaturatedByBusyGoroutines provokes real saturation: with one P, many goroutines
// that never block each wait for the others' time slices (10 ms each), so the scheduling
// latency's p99 is far above 5 ms however loaded the machine is (a loaded machine only
// stretches the waits). Nothing here depends on timing going well.
func TestRuntimeSaturatedByBusyGoroutines(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	m := NewMonitor(Runtime)
	m.Observe(Runtime())
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			x := 0
			for !stop.Load() {
				x++ // preempted asynchronously; never blocks
			}
			_ = x
		})
	}
	// Sample every 100 ms until a window is saturated; give up only after 20 s (a bound, not
	// an expectation: on an idle machine the first window already is).
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	var st Status
wait:
	for {
		select {
		case <-tick.C:
			m.Observe(Runtime())
			if st = m.Status(); st.Saturated {
				break wait
			}
		case <-deadline:
			break wait
		}
	}
	stop.Store(true)
	wg.Wait()
	assert.True(t, st.Saturated, "status %+v", st)
	assert.Greater(t, st.SchedP99, SchedP99Threshold)
	assert.True(t, m.Report().Saturated)
}

func TestRuntimeReadsTheMetrics(t *testing.T) {
	t.Parallel()
	runtime.GC() // the CPU estimates are updated at each collection
	s := Runtime()
	require.NotEmpty(t, s.SchedLatency.Counts, "%s is read", schedName)
	assert.Len(t, s.SchedLatency.Buckets, len(s.SchedLatency.Counts)+1)
	assert.Positive(t, s.TotalCPU, "%s is read", totalName)
}

func TestRunSamplesUntilCancelled(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	cpu := 0.0
	var mu sync.Mutex
	m := NewMonitor(func() Sample {
		mu.Lock()
		defer mu.Unlock()
		calls.Add(1)
		cpu += 1
		return Sample{GCCPU: cpu / 2, TotalCPU: cpu} // half the CPU on GC
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx, time.Millisecond); close(done) }()
	require.Eventually(t, func() bool { return m.Report().Windows >= 2 }, 10*time.Second, time.Millisecond)
	cancel()
	<-done
	assert.True(t, m.Status().Saturated)
	assert.InDelta(t, 0.5, m.Report().WorstGCShare, 1e-9)
}
