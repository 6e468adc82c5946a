package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
)

// interrupts hands each SIGINT/SIGTERM to the phase of the command that is running. The first
// signal in a phase interrupts that phase only: the load stops gracefully, a phase after the
// load (integrity checks, handleSummary) ends at once and the results are still written. A
// second signal in the same phase exits at once. Outside any phase the first signal cancels
// the command's base context. All methods are safe for concurrent use; a nil *interrupts
// only derives plain cancellable contexts (in-process tests cancel the app's context instead).
type interrupts struct {
	mu   sync.Mutex
	base context.CancelCauseFunc
	hit  bool   // the base context was cancelled by a signal
	got  bool   // a signal was received
	cur  *phase // the running phase, nil between phases
	w    io.Writer
	exit func(int)
}

// phase is one interruptible part of a command.
type phase struct {
	cancel context.CancelCauseFunc
	notice string // printed when a signal interrupts the phase
	hit    bool
}

func newInterrupts(base context.CancelCauseFunc, w io.Writer, exit func(int)) *interrupts {
	return &interrupts{base: base, w: w, exit: exit}
}

// loop delivers the signals of sigs until it is closed.
func (in *interrupts) loop(sigs <-chan os.Signal) {
	for sig := range sigs {
		in.signal(sig)
	}
}

// signal interrupts the running phase (or the base context), or exits on a second signal.
func (in *interrupts) signal(sig os.Signal) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.got = true
	cause := fmt.Errorf("%v signal received", sig)
	switch p := in.cur; {
	case p != nil && !p.hit:
		p.hit = true
		p.cancel(cause)
		fmt.Fprintln(in.w, "nnjs: "+p.notice+"; press Ctrl-C again to exit at once")
	case p == nil && !in.hit:
		in.hit = true
		in.base(cause)
		fmt.Fprintln(in.w, "nnjs: stopping; press Ctrl-C again to exit at once")
	default:
		fmt.Fprintln(in.w, "nnjs: second signal, exiting now")
		in.exit(exitSignal)
	}
}

// received reports whether a signal has been received (false for a nil *interrupts).
func (in *interrupts) received() bool {
	if in == nil {
		return false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.got
}

// enter starts a phase under parent: the returned context is cancelled by the phase's first
// signal (with notice printed) and by leave, which ends the phase.
func (in *interrupts) enter(parent context.Context, notice string) (ctx context.Context, leave func()) {
	ctx, cancel := context.WithCancelCause(parent)
	if in == nil {
		return ctx, func() { cancel(nil) }
	}
	p := &phase{cancel: cancel, notice: notice}
	in.mu.Lock()
	prev := in.cur
	in.cur = p
	in.mu.Unlock()
	return ctx, func() {
		in.mu.Lock()
		if in.cur == p {
			in.cur = prev
		}
		in.mu.Unlock()
		cancel(nil)
	}
}
