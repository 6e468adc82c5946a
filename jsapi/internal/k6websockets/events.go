package k6websockets

import (
	"errors"
	"fmt"
	"time"

	"github.com/dop251/goja"
	"github.com/gorilla/websocket"
)

// Message implements wsconn.Handler (on the reading goroutine): the event runs on the loop.
func (s *socket) Message(kind int, data []byte) {
	s.stream.Push(func() error {
		if s.state != open {
			return nil
		}
		s.sess.Received()
		var v any = string(data)
		if kind == websocket.BinaryMessage {
			if bt := s.obj.Get("binaryType").String(); bt != "arraybuffer" {
				return fmt.Errorf("WebSocket: binaryType %q is not supported by nnjs, use \"arraybuffer\"", bt)
			}
			v = s.in.rt.NewArrayBuffer(data)
		}
		return s.emit("message", map[string]any{"data": v, "origin": s.url})
	})
}

// Ping implements wsconn.Handler: the server pinged (the pong is sent already).
func (s *socket) Ping([]byte) {
	s.stream.Push(func() error { return s.emit("ping", nil) })
}

// Pong implements wsconn.Handler: the answer to ping().
func (s *socket) Pong(rtt time.Duration) {
	s.stream.Push(func() error {
		s.sess.Pinged(rtt)
		return s.emit("pong", nil)
	})
}

// Closed implements wsconn.Handler: the connection ended; the close event is the last task.
func (s *socket) Closed(err error) {
	s.stream.Push(func() error {
		s.state = closed
		s.sess.Ended(s.conn)
		s.code = websocket.CloseNoStatusReceived
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			s.code, s.reason = ce.Code, ce.Text
		}
		if ce == nil || (ce.Code != websocket.CloseNormalClosure && ce.Code != websocket.CloseGoingAway) {
			if e := s.emit("error", map[string]any{"error": err.Error()}); e != nil {
				return e
			}
		}
		return s.emit("close", map[string]any{"code": s.code, "reason": s.reason, "wasClean": ce != nil})
	})
	s.stream.Close()
}

// emit calls the on<type> property and the listeners of type with an event object.
func (s *socket) emit(typ string, props map[string]any) error {
	rt := s.in.rt
	ev := rt.NewObject()
	_ = ev.Set("type", typ)
	_ = ev.Set("target", s.obj)
	_ = ev.Set("timestamp", float64(time.Now().UnixNano())/1e6)
	for k, v := range props {
		_ = ev.Set(k, v)
	}
	fns := s.listeners[typ]
	if fn, ok := goja.AssertFunction(s.obj.Get("on" + typ)); ok {
		fns = append([]goja.Callable{fn}, fns...)
	}
	for _, fn := range fns {
		if _, err := fn(s.obj, ev); err != nil {
			if s.conn != nil && s.state != closed {
				s.conn.Abort()
			}
			return err
		}
	}
	return nil
}
