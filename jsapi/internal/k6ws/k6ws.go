package k6ws

import (
	"fmt"
	"strconv"
	"time"

	"github.com/dop251/goja"
	"github.com/gorilla/websocket"

	"github.com/nnprotect/nnjs/jsapi/internal/wsconn"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// New returns the module; cfg tunes the connections (tests redirect hosts with it).
func New(cfg wsconn.Options) modules.Module {
	return modules.ModuleFunc(func(vu modules.VU) (*goja.Object, error) {
		m, err := wsconn.LookupMetrics(vu.Registry())
		if err != nil {
			return nil, fmt.Errorf("k6/ws: %w", err)
		}
		in := &instance{vu: vu, rt: vu.Runtime(), metrics: m, cfg: cfg}
		obj := in.rt.NewObject()
		if err := obj.Set("connect", in.connect); err != nil {
			return nil, fmt.Errorf("k6/ws: %w", err)
		}
		return obj, nil
	})
}

// instance is the module of one VU; used on its goroutine only.
type instance struct {
	vu      modules.VU
	rt      *goja.Runtime
	metrics wsconn.Metrics
	cfg     wsconn.Options
}

// connect implements ws.connect(url, [params], fn).
func (in *instance) connect(call goja.FunctionCall) goja.Value {
	if in.vu.InInit() {
		panic(in.rt.NewTypeError("ws.connect: connections cannot be opened in init code"))
	}
	url, params, fnArg := call.Argument(0).String(), call.Argument(1), call.Argument(2)
	if _, ok := goja.AssertFunction(params); ok {
		params, fnArg = nil, params
	}
	fn, ok := goja.AssertFunction(fnArg)
	if !ok {
		panic(in.rt.NewTypeError("ws.connect: the last argument must be a function(socket)"))
	}
	cfg := in.cfg
	var tags map[string]string
	cfg.Header, tags = wsconn.Params(params)
	ctx := in.vu.Context()
	start := time.Now()
	conn, res, err := wsconn.Dial(ctx, url, cfg)
	if modules.StopIfCancelled(in.vu) {
		return goja.Undefined()
	}
	if err != nil {
		panic(in.rt.NewGoError(err))
	}
	tags["url"], tags["status"], tags["subproto"] = url, strconv.Itoa(res.StatusCode), conn.Protocol
	s := newSocket(in, conn, in.vu.Tags().Merge(tags), start)
	s.sess.Connected(time.Since(start))
	if err := s.run(fn); err != nil {
		panic(err)
	}
	return in.response(url, res.StatusCode, res.Header)
}

// response is connect's result.
func (in *instance) response(url string, status int, h map[string][]string) goja.Value {
	hdr := in.rt.NewObject()
	for k, v := range h {
		if len(v) > 0 {
			_ = hdr.Set(k, v[0])
		}
	}
	obj := in.rt.NewObject()
	_ = obj.Set("url", url)
	_ = obj.Set("status", status)
	_ = obj.Set("headers", hdr)
	_ = obj.Set("body", "")
	_ = obj.Set("error", "")
	return obj
}

// Close codes: gorilla's names.
const normalClosure = websocket.CloseNormalClosure
