// Package procs runs the Go scheduler on one P (GOMAXPROCS=1) while the load generator is
// lightly loaded, and gives it back every CPU as soon as the load rises.
//
// A lightly loaded generator is event-driven: an open model at 1,000 iterations/s against a
// 100 ms endpoint wakes up twice per iteration (the iteration's start, the response) and
// sleeps in between. With a second idle P, every goroutine made runnable also wakes a second
// OS thread to look for work, which finds none and sleeps again: on a 2-CPU machine that
// costs about a quarter of the generator's CPU (bench/README.md, issue 15). Under heavy load
// there is no idle P and all CPUs are needed, so the tuner only lowers GOMAXPROCS after
// LowWindows windows in a row under Low cores and restores the runtime's default after one
// window over High.
//
//	t := procs.NewTuner(procs.ProcessCPU, procs.Runtime)
//	go t.Run(ctx, procs.Every) // returns when ctx is done, with GOMAXPROCS back to the default
//
// Callers skip the tuner when GOMAXPROCS is set in the environment or there is one CPU.
package procs
