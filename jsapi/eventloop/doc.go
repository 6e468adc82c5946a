// Package eventloop is the event loop of one VU: it runs an iteration (or setup, teardown,
// handleSummary) as a first task, then the tasks that asynchronous work queues back (a
// response, a WebSocket message) and the timers that come due, one at a time on the VU's
// goroutine, until nothing is queued, reserved or scheduled, as k6's event loop does.
// Promise jobs (microtasks) run after each task, inside goja.
//
//	loop := eventloop.New(rt)
//	err := loop.Run(ctx, func() error { _, err := fn(goja.Undefined()); return err })
//
// Asynchronous work reserves its callback on the VU's goroutine, does its work elsewhere under
// loop.Context(), and hands the callback back from any goroutine, exactly once:
//
//	done := loop.Reserve()
//	go func() { res := work(ctx); done(func() error { return resolve(res) }) }()
//
// A task that returns an error, an unhandled promise rejection or the end of ctx ends the run:
// the timers are dropped, the run's context is cancelled so asynchronous work stops, and the
// callbacks it still hands back are discarded without running.
package eventloop
