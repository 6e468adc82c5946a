package k6ws

import (
	"errors"
	"time"

	"github.com/dop251/goja"
	"github.com/gorilla/websocket"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi/internal/wsconn"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// socket is the object fn(socket) gets. Its JS-facing fields belong to the VU's goroutine;
// the reader and timers hand work over through events.
type socket struct {
	in       *instance
	conn     *wsconn.Conn
	sess     wsconn.Session
	obj      *goja.Object
	handlers map[string][]goja.Callable
	events   chan func() error // work for the VU's goroutine
	done     chan struct{}     // closed when run returns: senders give up
	ended    bool              // the close event ran
	timers   map[*time.Timer]bool
}

func newSocket(in *instance, c *wsconn.Conn, tags *metrics.Tags, start time.Time) *socket {
	s := &socket{in: in, conn: c, handlers: map[string][]goja.Callable{}, events: make(chan func() error),
		done: make(chan struct{}), timers: map[*time.Timer]bool{}}
	s.sess = wsconn.Session{M: in.metrics, Rec: in.vu.Recorder(), Tags: tags, Base: in.vu.Tags(), Start: start}
	s.obj = in.rt.NewObject()
	for name, f := range map[string]any{
		"on": s.on, "send": s.send, "sendBinary": s.sendBinary, "ping": s.ping,
		"setTimeout": s.setTimer(false), "setInterval": s.setTimer(true), "close": s.close,
	} {
		_ = s.obj.Set(name, f)
	}
	return s
}

// post hands f to the VU's goroutine, unless run has returned.
func (s *socket) post(f func() error) {
	select {
	case s.events <- f:
	case <-s.done:
	}
}

// run calls fn(socket), emits open, then runs the socket's events until it closes, the
// context ends (the socket is closed and the runtime interrupted) or a handler throws.
func (s *socket) run(fn goja.Callable) error {
	read := make(chan struct{})
	go func() { defer close(read); s.conn.Read(s) }()
	defer func() {
		close(s.done)
		for t := range s.timers {
			t.Stop()
		}
		s.conn.Abort()
		<-read
		s.sess.Ended(s.conn)
	}()
	if _, err := fn(goja.Undefined(), s.obj); err != nil {
		return err
	}
	if err := s.emit("open"); err != nil {
		return err
	}
	ctx := s.in.vu.Context()
	for !s.ended {
		select {
		case f := <-s.events:
			if err := f(); err != nil {
				return err
			}
		case <-ctx.Done():
			modules.StopIfCancelled(s.in.vu)
			return nil
		}
	}
	return nil
}

// emit calls the handlers of event with args.
func (s *socket) emit(event string, args ...goja.Value) error {
	for _, h := range s.handlers[event] {
		if _, err := h(s.obj, args...); err != nil {
			return err
		}
	}
	return nil
}

func (s *socket) on(event string, fn goja.Value) {
	h, ok := goja.AssertFunction(fn)
	if !ok {
		panic(s.in.rt.NewTypeError("socket.on: the handler must be a function"))
	}
	s.handlers[event] = append(s.handlers[event], h)
}

func (s *socket) write(kind int, b []byte) {
	if err := s.conn.Send(kind, b); err != nil {
		s.conn.Abort() // the read ends: error and close events follow
		return
	}
	s.sess.Sent()
}

func (s *socket) send(msg string) { s.write(websocket.TextMessage, []byte(msg)) }

func (s *socket) sendBinary(v goja.Value) {
	ab, ok := v.Export().(goja.ArrayBuffer)
	if !ok {
		panic(s.in.rt.NewTypeError("socket.sendBinary: the message must be an ArrayBuffer"))
	}
	s.write(websocket.BinaryMessage, ab.Bytes())
}

func (s *socket) ping() {
	if err := s.conn.Ping(); err != nil {
		s.conn.Abort()
	}
}

// close implements close([code]): the close event follows the server's answer.
func (s *socket) close(code goja.Value) {
	c := normalClosure
	if code != nil && !goja.IsUndefined(code) {
		c = int(code.ToInteger())
	}
	_ = s.conn.Close(c, "")
}

// setTimer returns socket.setTimeout or socket.setInterval: fn runs on the VU's goroutine
// while the socket is open.
func (s *socket) setTimer(repeat bool) func(goja.Callable, float64) {
	return func(fn goja.Callable, ms float64) {
		d := time.Duration(max(ms, 1) * float64(time.Millisecond))
		var t *time.Timer
		t = time.AfterFunc(d, func() {
			s.post(func() error {
				if repeat && !s.ended {
					t.Reset(d)
				} else {
					delete(s.timers, t)
				}
				_, err := fn(s.obj)
				return err
			})
		})
		s.timers[t] = true
	}
}

// Message implements wsconn.Handler.
func (s *socket) Message(kind int, data []byte) {
	s.post(func() error {
		s.sess.Received()
		if kind == websocket.BinaryMessage {
			return s.emit("binaryMessage", s.in.rt.ToValue(s.in.rt.NewArrayBuffer(data)))
		}
		return s.emit("message", s.in.rt.ToValue(string(data)))
	})
}

// Ping implements wsconn.Handler.
func (s *socket) Ping([]byte) { s.post(func() error { return s.emit("ping") }) }

// Pong implements wsconn.Handler.
func (s *socket) Pong(rtt time.Duration) {
	s.post(func() error {
		s.sess.Pinged(rtt)
		return s.emit("pong")
	})
}

// Closed implements wsconn.Handler: error (unless a normal close), then close with the code.
func (s *socket) Closed(err error) {
	s.post(func() error {
		s.ended = true
		code := websocket.CloseAbnormalClosure
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			code = ce.Code
		}
		if ce == nil || (code != websocket.CloseNormalClosure && code != websocket.CloseGoingAway) {
			if e := s.emit("error", s.in.rt.NewGoError(err)); e != nil {
				return e
			}
		}
		return s.emit("close", s.in.rt.ToValue(code))
	})
}
