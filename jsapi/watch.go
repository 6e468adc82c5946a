package jsapi

import (
	"context"
	"errors"

	"github.com/dop251/goja"
)

// ctxWatch interrupts a runtime when a context is cancelled, without a goroutine per
// iteration: the registration is kept while the same context is passed again. The interrupt
// comes from another goroutine, so it may land a few statements after the cancel; native calls
// that block on the context therefore interrupt synchronously as they return
// (modules.StopIfCancelled), and the VU's recorder drops samples once the context has ended.
type ctxWatch struct {
	ctx  context.Context
	stp  func() bool
	done chan struct{}
}

// set makes ctx the watched context (keeping the current registration when it is the same).
func (w *ctxWatch) set(ctx context.Context, rt *goja.Runtime) {
	if w.ctx == ctx && w.stp != nil {
		return
	}
	w.stop(rt)
	if ctx.Done() == nil {
		return // never cancelled
	}
	done := make(chan struct{})
	w.ctx, w.done = ctx, done
	w.stp = context.AfterFunc(ctx, func() {
		rt.Interrupt(context.Cause(ctx))
		close(done)
	})
}

// stop removes the registration; when it already fired, it waits for the interrupt to be set
// and clears it so the runtime can be reused.
func (w *ctxWatch) stop(rt *goja.Runtime) {
	if w.stp == nil {
		return
	}
	if !w.stp() {
		<-w.done
		rt.ClearInterrupt()
	}
	w.ctx, w.stp, w.done = nil, nil, nil
}

func asInterrupt(err error, target **goja.InterruptedError) bool {
	return errors.As(err, target)
}
