package k6http

import (
	"context"
	"crypto/tls"
	"net"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// Timings are the phases of one request in milliseconds, as k6 reports them.
type Timings struct {
	Blocked, Connecting, TLSHandshaking, Sending, Waiting, Receiving, Duration float64
}

// tracer records the phases and wire bytes of one request at a time (redirect hops restart
// the phases, bytes accumulate). Hooks may run on transport goroutines, even late ones for
// an abandoned dial, so phase stamps are atomics holding nanoseconds since start, plus one.
// A tracer is reused by its instance; its ClientTrace and traced context are built once, and
// base never changes, so late hooks read it without a race.
type tracer struct {
	base                         time.Time
	getConn, connStart, connDone atomic.Int64
	tlsStart, tlsDone, gotConn   atomic.Int64
	wrote, firstByte             atomic.Int64

	conn       atomic.Pointer[countConn] // the connection this request holds
	sent, recv atomic.Int64              // bytes moved while holding connections
	remote     *net.TCPAddr

	trace     httptrace.ClientTrace
	parent    context.Context
	tracedCtx context.Context

	// timer enforces params.timeout and is reused across requests; slot holds the cancel of
	// the request it guards. Whoever swaps the cancel out first (the timer or disarm) wins; a
	// timer that may have fired is retired with its slot, so it can never hit a later request.
	timer *time.Timer
	slot  *timeoutSlot
}

type timeoutSlot struct {
	cancel atomic.Pointer[context.CancelCauseFunc]
}

// arm starts the timeout of a request.
func (t *tracer) arm(d time.Duration, cancel *context.CancelCauseFunc) {
	if t.timer != nil {
		t.slot.cancel.Store(cancel)
		t.timer.Reset(d)
		return
	}
	slot := &timeoutSlot{}
	slot.cancel.Store(cancel)
	t.slot = slot
	t.timer = time.AfterFunc(d, func() {
		if c := slot.cancel.Swap(nil); c != nil {
			(*c)(errTimeout)
		}
	})
}

// disarm stops the timeout of the current request.
func (t *tracer) disarm() {
	if t.timer == nil {
		return
	}
	if t.slot.cancel.Swap(nil) == nil || !t.timer.Stop() {
		t.timer, t.slot = nil, nil
	}
}

func newTracer() *tracer {
	t := &tracer{base: time.Now()}
	t.trace = httptrace.ClientTrace{
		GetConn:              t.onGetConn,
		ConnectStart:         func(string, string) { t.connStart.CompareAndSwap(0, t.now()) },
		ConnectDone:          t.onConnectDone,
		TLSHandshakeStart:    func() { t.tlsStart.CompareAndSwap(0, t.now()) },
		TLSHandshakeDone:     t.onTLSDone,
		GotConn:              t.onGotConn,
		WroteRequest:         t.onWrote,
		GotFirstResponseByte: func() { t.firstByte.CompareAndSwap(0, t.now()) },
	}
	return t
}

// context returns parent with the trace attached, reusing the last one while parent is the
// same (one iteration keeps one context).
func (t *tracer) context(parent context.Context) context.Context {
	if parent != t.parent {
		t.parent = parent
		t.tracedCtx = httptrace.WithClientTrace(parent, &t.trace)
	}
	return t.tracedCtx
}

func (t *tracer) now() int64 { return int64(time.Since(t.base)) + 1 }

// begin resets the tracer for a new request.
func (t *tracer) begin() {
	t.resetPhases()
	t.conn.Store(nil)
	t.sent.Store(0)
	t.recv.Store(0)
	t.remote = nil
}

func (t *tracer) resetPhases() {
	for _, a := range []*atomic.Int64{&t.getConn, &t.connStart, &t.connDone, &t.tlsStart,
		&t.tlsDone, &t.gotConn, &t.wrote, &t.firstByte} {
		a.Store(0)
	}
}

func (t *tracer) onGetConn(string) {
	t.release()
	t.resetPhases()
	t.getConn.Store(t.now())
}

func (t *tracer) onConnectDone(_, _ string, err error) {
	if err == nil {
		t.connDone.CompareAndSwap(0, t.now())
	}
}

func (t *tracer) onTLSDone(_ tls.ConnectionState, err error) {
	if err == nil {
		t.tlsDone.CompareAndSwap(0, t.now())
	}
}

func (t *tracer) onGotConn(info httptrace.GotConnInfo) {
	now := t.now()
	t.gotConn.Store(now)
	t.remote, _ = info.Conn.RemoteAddr().(*net.TCPAddr)
	if info.Reused { // a dial this request started may still report late: pin its phases
		t.connStart.Store(now)
		t.connDone.Store(now)
		t.tlsStart.Store(now)
		t.tlsDone.Store(now)
	}
	c := counted(info.Conn)
	if c == nil {
		return
	}
	t.release()
	c.owner.Store(t)
	t.conn.Store(c)
	t.sent.Add(c.unownedWritten.Swap(0)) // a fresh connection's handshake belongs to this request
	t.recv.Add(c.unownedRead.Swap(0))
}

func (t *tracer) onWrote(info httptrace.WroteRequestInfo) {
	if info.Err == nil {
		t.wrote.Store(t.now())
	}
}

// release lets go of the connection held: bytes moved on it from now on are not this
// request's (unless it is taken again).
func (t *tracer) release() {
	if c := t.conn.Swap(nil); c != nil {
		c.owner.CompareAndSwap(t, nil)
	}
}

// finish computes the timings at the end of the request (after the body was read).
func (t *tracer) finish() Timings {
	t.release()
	end := t.now()
	ms := func(from, to int64) float64 {
		if from == 0 || to == 0 || to < from {
			return 0
		}
		return float64(to-from) / float64(time.Millisecond)
	}
	getConn, gotConn := t.getConn.Load(), t.gotConn.Load()
	connStart, connDone := t.connStart.Load(), t.connDone.Load()
	tlsStart, tlsDone := t.tlsStart.Load(), t.tlsDone.Load()
	wrote, first := t.wrote.Load(), t.firstByte.Load()
	var tm Timings
	tm.Blocked = ms(getConn, gotConn)
	tm.Connecting = ms(connStart, connDone)
	tm.TLSHandshaking = ms(tlsStart, tlsDone)
	if wrote != 0 {
		tm.Sending = ms(gotConn, wrote)
		if first != 0 {
			tm.Waiting = ms(wrote, first)
		} else {
			tm.Waiting = ms(wrote, end)
		}
	}
	tm.Receiving = ms(first, end)
	tm.Duration = tm.Sending + tm.Waiting + tm.Receiving
	return tm
}
