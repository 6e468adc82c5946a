package jsapi

import (
	"github.com/nnprotect/nnjs/jsapi/internal/k6core"
	"github.com/nnprotect/nnjs/jsapi/internal/k6crypto"
	"github.com/nnprotect/nnjs/jsapi/internal/k6data"
	"github.com/nnprotect/nnjs/jsapi/internal/k6encoding"
	"github.com/nnprotect/nnjs/jsapi/internal/k6html"
	"github.com/nnprotect/nnjs/jsapi/internal/k6metrics"
	"github.com/nnprotect/nnjs/jsapi/internal/k6timers"
	"github.com/nnprotect/nnjs/jsapi/internal/k6websockets"
	"github.com/nnprotect/nnjs/jsapi/internal/k6ws"
	"github.com/nnprotect/nnjs/jsapi/internal/wsconn"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// Execution returns the k6/execution module (registered by DefaultModules).
func Execution() modules.Module { return executionModule{} }

// DefaultModules returns a new registry with the core modules under their k6 and nnjs names:
// k6, k6/metrics, k6/execution, k6/data, k6/encoding, k6/html, k6/crypto, k6/timers, k6/ws,
// k6/websockets (and k6/experimental/websockets). Callers add more (k6/http)
// with Register before compiling. Build one registry per run: k6/data keeps its shared
// arrays in it.
func DefaultModules() *modules.Registry { return defaultModules(wsconn.Options{}) }

// defaultModules is DefaultModules with the WebSocket connections tuned by ws.
func defaultModules(ws wsconn.Options) *modules.Registry {
	reg := modules.NewRegistry()
	reg.Register(k6core.New(), "k6", "nnjs")
	reg.Register(k6metrics.New(), "k6/metrics", "nnjs/metrics")
	reg.Register(Execution(), "k6/execution", "nnjs/execution")
	reg.Register(k6data.New(), "k6/data", "nnjs/data")
	reg.Register(k6encoding.New(), "k6/encoding", "nnjs/encoding")
	reg.Register(k6html.New(), "k6/html", "nnjs/html")
	reg.Register(k6crypto.New(), "k6/crypto", "nnjs/crypto")
	reg.Register(k6timers.New(), "k6/timers", "nnjs/timers")
	reg.Register(k6ws.New(ws), "k6/ws", "nnjs/ws")
	reg.Register(k6websockets.New(ws), "k6/websockets", "k6/experimental/websockets", "nnjs/websockets")
	return reg
}
