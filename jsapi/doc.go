// Package jsapi runs k6-compatible JavaScript/TypeScript scenarios on goja. A script is bundled
// once with esbuild (ES modules, TypeScript, local imports, CommonJS require) and compiled once;
// every VU gets a fresh goja runtime that runs the init code, and the built-in modules (k6,
// k6/metrics, k6/execution, k6/data, k6/encoding, k6/crypto, k6/timers, k6/ws, k6/websockets,
// plus what the caller registers, such as k6/http and nnjs/sql) are resolved at run time from a modules.Registry. Each VU runs
// its code on an event loop (package eventloop): an iteration ends when its function returned
// and nothing it started (timers, requests, sockets) is pending.
//
//	reg := jsapi.DefaultModules()
//	reg.Register(k6http.New(k6http.Config{}), "k6/http", "nnjs/http")
//	prg, err := jsapi.Compile("script.js", jsapi.CompileOptions{Modules: reg})
//	raw, err := prg.Options(ctx, env)          // the script's `export const options`
//	r, err := jsapi.NewRunner(prg, jsapi.RunnerConfig{Modules: reg, Registry: metricsReg, ...})
//	// r implements engine.Runner; r.HandleSummary runs handleSummary(data).
package jsapi
