package procs_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/nnprotect/nnjs/internal/procs"
)

func TestNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		one     bool
		low     int
		load    float64
		wantOne bool
		wantLow int
	}{
		{"light, not yet long enough", false, procs.LowWindows - 2, 0.1, false, procs.LowWindows - 1},
		{"light long enough: one P", false, procs.LowWindows - 1, 0.1, true, procs.LowWindows},
		{"a busier window restarts the count", false, procs.LowWindows - 1, procs.Low, false, 0},
		{"between the thresholds on one P: stay", true, procs.LowWindows, 0.6, true, 0},
		{"over High on one P: all Ps", true, procs.LowWindows, 0.8, false, 0},
		{"busy on all Ps: stay", false, 0, 1.8, false, 0},
		{"light on one P: stay", true, 9, 0.1, true, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			one, low := procs.Next(tc.one, tc.low, tc.load)
			assert.Equal(t, tc.wantOne, one, "one P")
			assert.Equal(t, tc.wantLow, low, "windows under Low")
		})
	}
}

// fakeCPU is a process that uses rate cores from now on.
type fakeCPU struct {
	mu   sync.Mutex
	used time.Duration
	at   time.Time
	rate float64
}

func (f *fakeCPU) read() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	f.used += time.Duration(float64(now.Sub(f.at)) * f.rate)
	f.at = now
	return f.used
}

func (f *fakeCPU) setRate(r float64) {
	f.read()
	f.mu.Lock()
	f.rate = r
	f.mu.Unlock()
}

func TestTunerLowersWhenLightAndRestoresWhenBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cpu := &fakeCPU{at: time.Now(), rate: 1.5}
		var (
			mu  sync.Mutex
			set []int
		)
		tuner := procs.NewTuner(cpu.read, func(n int) { mu.Lock(); set = append(set, n); mu.Unlock() })
		calls := func() []int { mu.Lock(); defer mu.Unlock(); return append([]int(nil), set...) }
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { tuner.Run(ctx, time.Second); close(done) }()

		time.Sleep(10*time.Second + time.Millisecond) // busy: nothing changes
		assert.Empty(t, calls())
		cpu.setRate(0.2)
		time.Sleep(procs.LowWindows*time.Second - time.Second) // light, one window short
		assert.Empty(t, calls())
		time.Sleep(time.Second)
		assert.Equal(t, []int{1}, calls(), "one P after LowWindows light windows")
		cpu.setRate(0.5)
		time.Sleep(5 * time.Second) // between the thresholds
		assert.Equal(t, []int{1}, calls())
		cpu.setRate(0.9)
		time.Sleep(time.Second)
		assert.Equal(t, []int{1, 0}, calls(), "the default back after one busy window")
		cpu.setRate(0.1)
		time.Sleep(procs.LowWindows * time.Second)
		assert.Equal(t, []int{1, 0, 1}, calls())
		cancel()
		<-done
		assert.Equal(t, []int{1, 0, 1, 0}, calls(), "the default back when the run ends")
	})
}
