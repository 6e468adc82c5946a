package k6websockets

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dop251/goja"
	"github.com/gorilla/websocket"

	"github.com/nnprotect/nnjs/jsapi/eventloop"
	"github.com/nnprotect/nnjs/jsapi/internal/wsconn"
)

// socket is one WebSocket object. Its fields belong to the VU's goroutine, except conn, which
// the connecting goroutine sets before the open task runs.
type socket struct {
	in        *instance
	obj       *goja.Object
	url       string
	state     int
	conn      *wsconn.Conn
	stream    *eventloop.Stream
	sess      wsconn.Session
	listeners map[string][]goja.Callable
	code      int
	reason    string
}

// construct implements new WebSocket(url, protocols, params).
func (in *instance) construct(call goja.ConstructorCall) *goja.Object {
	if in.vu.InInit() {
		panic(in.rt.NewTypeError("WebSocket: connections cannot be opened in init code"))
	}
	s := &socket{in: in, obj: call.This, url: call.Argument(0).String(), listeners: map[string][]goja.Callable{}}
	header, protocols, tags := in.params(call.Argument(1), call.Argument(2))
	tags["url"] = s.url
	s.sess = wsconn.Session{M: in.metrics, Rec: in.vu.Recorder(), Base: in.vu.Tags(), Start: time.Now()}
	s.defineAPI()
	s.stream = in.vu.EventLoop().Stream()
	ctx, cfg := in.vu.Context(), in.cfg
	cfg.Header, cfg.Subprotocols = header, protocols
	go func() {
		conn, res, err := wsconn.Dial(ctx, s.url, cfg)
		if err != nil {
			s.stream.Push(func() error { return s.failed(err) })
			s.stream.Close()
			return
		}
		status := strconv.Itoa(res.StatusCode)
		took := time.Since(s.sess.Start)
		s.stream.Push(func() error { return s.opened(conn, status, took, tags) })
		conn.Read(s)
	}()
	return nil
}

// params reads protocols (a string or an array) and params ({headers, tags}).
func (in *instance) params(protos, params goja.Value) (http.Header, []string, map[string]string) {
	var list []string
	if o, ok := protos.(*goja.Object); ok && o.ClassName() == "Array" {
		_ = in.rt.ExportTo(o, &list)
	} else if given(protos) {
		list = []string{protos.String()}
	}
	h, tags := wsconn.Params(params)
	return h, list, tags
}

// defineAPI sets the object's methods and properties.
func (s *socket) defineAPI() {
	rt := s.in.rt
	_ = s.obj.Set("url", s.url)
	_ = s.obj.Set("protocol", "")
	_ = s.obj.Set("binaryType", "arraybuffer")
	_ = s.obj.Set("bufferedAmount", 0)
	_ = s.obj.DefineAccessorProperty("readyState", rt.ToValue(func() int { return s.state }), nil,
		goja.FLAG_FALSE, goja.FLAG_TRUE)
	_ = s.obj.Set("send", s.send)
	_ = s.obj.Set("ping", s.ping)
	_ = s.obj.Set("close", s.close)
	_ = s.obj.Set("addEventListener", func(typ string, fn goja.Value) {
		typ = strings.ToLower(typ)
		cb, ok := goja.AssertFunction(fn)
		if !ok {
			panic(rt.NewTypeError(fmt.Sprintf("WebSocket: handler for event type %q isn't a callable function", typ)))
		}
		s.listeners[typ] = append(s.listeners[typ], cb)
	})
}

// opened runs on the VU's goroutine when the handshake succeeded.
func (s *socket) opened(c *wsconn.Conn, status string, took time.Duration, tags map[string]string) error {
	s.conn = c
	tags["status"] = status
	tags["subproto"] = c.Protocol
	s.sess.Tags = s.in.vu.Tags().Merge(tags)
	s.sess.Connected(took)
	_ = s.obj.Set("protocol", c.Protocol)
	if s.state != connecting { // close() was called before it opened
		return c.Close(websocket.CloseNormalClosure, "")
	}
	s.state = open
	return s.emit("open", nil)
}

// failed runs on the VU's goroutine when the connection could not be made.
func (s *socket) failed(err error) error {
	s.state = closed
	s.code = websocket.CloseAbnormalClosure
	if e := s.emit("error", map[string]any{"error": err.Error()}); e != nil {
		return e
	}
	return s.emit("close", map[string]any{"code": s.code, "reason": ""})
}

// send implements send(data): a string is a text frame, an ArrayBuffer or a view a binary one.
func (s *socket) send(data goja.Value) {
	if s.state != open {
		panic(s.in.rt.NewTypeError("InvalidStateError: the WebSocket is not open"))
	}
	kind, b := websocket.TextMessage, []byte(data.String())
	switch v := data.Export().(type) {
	case goja.ArrayBuffer:
		kind, b = websocket.BinaryMessage, v.Bytes()
	case []byte:
		kind, b = websocket.BinaryMessage, v
	default:
		if o, ok := data.(*goja.Object); ok {
			if ab, ok := o.Get("buffer").Export().(goja.ArrayBuffer); ok {
				off, n := o.Get("byteOffset").ToInteger(), o.Get("byteLength").ToInteger()
				kind, b = websocket.BinaryMessage, ab.Bytes()[off:off+n]
			}
		}
	}
	if err := s.conn.Send(kind, b); err != nil {
		s.conn.Abort() // the read ends and reports the error
		return
	}
	s.sess.Sent()
}

// ping implements ping(): the pong's round trip is recorded in ws_ping.
func (s *socket) ping() {
	if s.state != open {
		panic(s.in.rt.NewTypeError("InvalidStateError: the WebSocket is not open"))
	}
	if err := s.conn.Ping(); err != nil {
		s.conn.Abort()
	}
}

// close implements close(code, reason).
func (s *socket) close(code, reason goja.Value) {
	if s.state == closing || s.state == closed {
		return
	}
	c := websocket.CloseNormalClosure
	if given(code) {
		c = int(code.ToInteger())
		if c != websocket.CloseNormalClosure && (c < 3000 || c > 4999) {
			panic(s.in.rt.NewTypeError(fmt.Sprintf("InvalidAccessError: the close code must be 1000 or between 3000 and 4999, got %d", c)))
		}
	}
	r := ""
	if given(reason) {
		r = reason.String()
	}
	if len(r) > 123 || !utf8.ValidString(r) {
		panic(s.in.rt.NewTypeError("SyntaxError: the close reason must be at most 123 bytes of UTF-8"))
	}
	prev := s.state
	s.state = closing
	if prev == open {
		_ = s.conn.Close(c, r)
	}
}

// given reports whether an optional argument was passed.
func given(v goja.Value) bool { return v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) }
