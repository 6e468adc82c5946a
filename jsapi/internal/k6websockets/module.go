package k6websockets

import (
	"fmt"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/internal/wsconn"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// Ready states of a WebSocket.
const (
	connecting = iota
	open
	closing
	closed
)

// New returns the module; cfg tunes the connections (tests redirect hosts with it).
func New(cfg wsconn.Options) modules.Module {
	return modules.ModuleFunc(func(vu modules.VU) (*goja.Object, error) {
		m, err := wsconn.LookupMetrics(vu.Registry())
		if err != nil {
			return nil, fmt.Errorf("k6/websockets: %w", err)
		}
		in := &instance{vu: vu, rt: vu.Runtime(), metrics: m, cfg: cfg}
		ctor := in.rt.ToValue(in.construct).ToObject(in.rt)
		for i, n := range []string{"CONNECTING", "OPEN", "CLOSING", "CLOSED"} {
			_ = ctor.Set(n, i)
		}
		obj := in.rt.NewObject()
		if err := obj.Set("WebSocket", ctor); err != nil {
			return nil, fmt.Errorf("k6/websockets: %w", err)
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
