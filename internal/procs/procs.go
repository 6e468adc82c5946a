package procs

import (
	"context"
	"runtime"
	"syscall"
	"time"
)

// Thresholds of the tuner, in cores: process CPU time (user + system) per second of wall time.
const (
	// Low: a window under Low cores counts towards one P; LowWindows of them in a row lower
	// GOMAXPROCS to 1. At 1,000 iterations/s of one HTTP request the generator uses 0.2-0.3
	// on all Ps and 0.13-0.15 on one.
	Low        = 0.4
	LowWindows = 4
	// High: one window over High cores on one P restores the default GOMAXPROCS, well before
	// the one P is busy all the time.
	High = 0.7
	// Every is the window the CLI uses.
	Every = 250 * time.Millisecond
)

// Setter sets GOMAXPROCS: to n, or back to the runtime's default when n is 0.
type Setter func(n int)

// Runtime is the Setter of this process.
func Runtime(n int) {
	if n == 0 {
		runtime.SetDefaultGOMAXPROCS()
		return
	}
	runtime.GOMAXPROCS(n)
}

// ProcessCPU returns the CPU time (user + system) of this process so far; 0 if unknown.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Tuner decides, window after window, whether the scheduler runs on one P. It is driven by
// one goroutine (Run).
type Tuner struct {
	cpu func() time.Duration
	set Setter
	one bool // GOMAXPROCS is 1 (the tuner lowered it)
	low int  // windows in a row under Low
}

// NewTuner returns a tuner that reads the process's CPU time with cpu and sets GOMAXPROCS
// with set.
func NewTuner(cpu func() time.Duration, set Setter) *Tuner {
	return &Tuner{cpu: cpu, set: set}
}

// Next returns whether to run on one P after a window in which the generator used load cores,
// given whether it runs on one P now and how many windows in a row before this one were
// under Low; and the new count.
func Next(one bool, low int, load float64) (bool, int) {
	if load >= Low {
		low = 0
	} else {
		low++
	}
	switch {
	case one && load > High:
		return false, low
	case !one && low >= LowWindows:
		return true, low
	}
	return one, low
}

// Run samples the CPU time every interval and sets GOMAXPROCS when Next says so, until ctx is
// done; it then restores the default if it had lowered it.
func (t *Tuner) Run(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	defer func() {
		if t.one {
			t.set(0)
		}
	}()
	lastCPU, lastAt := t.cpu(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			cpu := t.cpu()
			load := (cpu - lastCPU).Seconds() / now.Sub(lastAt).Seconds()
			lastCPU, lastAt = cpu, now
			one, low := Next(t.one, t.low, load)
			if one != t.one {
				if one {
					t.set(1)
				} else {
					t.set(0)
				}
			}
			t.one, t.low = one, low
		}
	}
}
