// Package modules is the contract between the JavaScript runtime (jsapi) and the built-in
// modules a script imports (k6/http, k6/metrics, nnjs/sql, ...): a Module is registered once
// per run and makes one Instance per VU, like the module API of k6.
//
//	reg := modules.NewRegistry()
//	reg.Register(k6http.New(k6http.Config{}), "k6/http", "nnjs/http")
//	// the runtime calls m.NewInstance(vu) the first time a VU requires the module
//
// LazyTable and LazyProps build an object's properties on first use, so that a VU pays only
// for the functions its script reads (memory per VU matters at thousands of VUs).
package modules

import (
	"context"
	"fmt"
	"log/slog"
	"sort"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/eventloop"
)

// VU is what a module instance sees of the virtual user that owns it. All methods must be
// called from the VU's own goroutine (the one running its goja.Runtime).
type VU interface {
	// Runtime is the VU's JS runtime. Never pass its values to another runtime.
	Runtime() *goja.Runtime
	// Context is the context of the running iteration (or of setup/teardown); it is cancelled
	// when the run stops, and, once asynchronous work was started, when the iteration ends.
	// During init it is a context that is never cancelled by iterations.
	Context() context.Context
	// InInit reports whether the VU is running init code (module top level), where I/O such
	// as HTTP requests is forbidden.
	InInit() bool
	// ID is the VU's id in the test (__VU); 0 for setup and teardown.
	ID() uint64
	// Recorder records metric samples for this VU; it never blocks on other VUs.
	Recorder() metrics.Recorder
	// Registry is the run's metric registry (custom metrics are registered in init code).
	Registry() *metrics.Registry
	// Tags returns the tags every sample of this VU carries right now: global option tags,
	// scenario tags (including "scenario") and the current "group".
	Tags() *metrics.Tags
	// SetTags replaces the current tags (group() uses it to set "group").
	SetTags(*metrics.Tags)
	// Options are the resolved run options.
	Options() *options.Options
	// OnIterationStart registers fn to run before each iteration of this VU (e.g. to reset
	// the cookie jar).
	OnIterationStart(fn func())
	// Logger is the run's logger with this VU's id; never nil. Modules log sparingly (rate-limit
	// anything that can repeat per request).
	Logger() *slog.Logger
	// EventLoop is the VU's event loop: asynchronous work (a promise settled later, a timer, a
	// socket) reserves its callback there and hands it back to run on the VU's goroutine.
	// While a reservation is open, Context returns the loop's context, which also ends when the
	// iteration does.
	EventLoop() *eventloop.Loop
}

// Module is a built-in JS module. NewInstance is called once per VU, the first time the VU
// requires the module, and returns the value the import/require yields (usually an object
// whose properties are the named exports; "default" is the default export if present).
type Module interface {
	NewInstance(vu VU) (*goja.Object, error)
}

// ModuleFunc adapts a function to Module.
type ModuleFunc func(vu VU) (*goja.Object, error)

// NewInstance calls f.
func (f ModuleFunc) NewInstance(vu VU) (*goja.Object, error) { return f(vu) }

// Registry maps import specifiers to modules. Build it with NewRegistry and Register before the
// run; it is read-only afterwards and then safe for concurrent use.
type Registry struct {
	byName map[string]Module
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byName: map[string]Module{}} }

// Register makes m importable under every name given. Registering a taken name panics:
// it is a wiring bug.
func (r *Registry) Register(m Module, names ...string) {
	for _, n := range names {
		if _, dup := r.byName[n]; dup {
			panic(fmt.Sprintf("modules: %q registered twice", n))
		}
		r.byName[n] = m
	}
}

// Get returns the module registered under name.
func (r *Registry) Get(name string) (Module, bool) {
	m, ok := r.byName[name]
	return m, ok
}

// Names returns every registered name, sorted (used to mark them external when bundling).
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.byName))
	for n := range r.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
