package main

import "runtime"

// tuneProcs says whether the load runs the GOMAXPROCS tuner (internal/procs: one P while the
// generator is lightly loaded): not when GOMAXPROCS is set in the environment, nor on one CPU.
func tuneProcs(lookup func(string) (string, bool)) bool {
	_, set := lookup("GOMAXPROCS")
	return !set && runtime.GOMAXPROCS(0) > 1
}
