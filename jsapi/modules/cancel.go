package modules

import "context"

// StopIfCancelled reports whether the VU's context has ended. When it has, it first
// interrupts the VU's runtime, synchronously: the native function that asks returns into an
// uncatchable interrupt, so not one more statement of the iteration runs (no catch, no
// finally) and the iteration ends as interrupted, as in k6. Every native call that blocks on
// the VU's context (a request, a query, a sleep) calls it when the wait ends, and when it
// reports true returns at once: no result, no sample, no log for the cancelled call.
//
// Relying on the runtime's own context watch is not enough: it interrupts from another
// goroutine, so the script could run on for a few statements after the call returned.
func StopIfCancelled(vu VU) bool {
	ctx := vu.Context()
	if ctx.Err() == nil {
		return false
	}
	vu.Runtime().Interrupt(context.Cause(ctx))
	return true
}
