package jsapi

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/internal/k6timers"
)

// installGlobals defines __VU, __ITER, __ENV, console, open, crypto, global and the timer
// functions (setTimeout, clearTimeout, setInterval, clearInterval).
func (v *vu) installGlobals(env map[string]string) error {
	rt := v.rt
	g := rt.GlobalObject()
	steps := []error{
		g.DefineDataProperty("__VU", rt.ToValue(v.id), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE),
		g.DefineAccessorProperty("__ITER", rt.ToValue(func() int64 { return max(v.iter, 0) }), nil,
			goja.FLAG_FALSE, goja.FLAG_TRUE),
		v.setEnv(env, nil),
		rt.Set("console", v.console()),
		rt.Set("open", v.open),
		rt.Set("crypto", v.webCrypto()),
		rt.Set("global", g),
		k6timers.Install(v),
	}
	for _, err := range steps {
		if err != nil {
			return fmt.Errorf("globals: %w", err)
		}
	}
	return nil
}

// setEnv sets __ENV to a fresh object of env with over layered on top.
func (v *vu) setEnv(env, over map[string]string) error {
	obj := v.rt.NewObject()
	for k, val := range env {
		_ = obj.Set(k, val)
	}
	for k, val := range over {
		_ = obj.Set(k, val)
	}
	return v.rt.Set("__ENV", obj)
}

// consoleLevels are the console methods and the log level each writes at.
var consoleLevels = map[string]slog.Level{
	"log": slog.LevelInfo, "info": slog.LevelInfo, "debug": slog.LevelDebug,
	"warn": slog.LevelWarn, "error": slog.LevelError,
}

// consoleMethods builds the console methods of a VU; output goes to the run's logger with
// the VU id.
var consoleMethods = newMethodTable(map[string]func(v *vu) any{
	"log": consoleMethod("log"), "info": consoleMethod("info"), "debug": consoleMethod("debug"),
	"warn": consoleMethod("warn"), "error": consoleMethod("error"),
})

func consoleMethod(name string) func(v *vu) any {
	lvl := consoleLevels[name]
	return func(v *vu) any {
		return func(call goja.FunctionCall) goja.Value {
			v.log(lvl, call.Arguments)
			return goja.Undefined()
		}
	}
}

// console returns the console object; its methods are built on first use.
func (v *vu) console() *goja.Object { return v.lazyObject(consoleMethods) }

func (v *vu) log(lvl slog.Level, args []goja.Value) {
	lg := v.sh.logger
	if !lg.Enabled(context.Background(), lvl) {
		return
	}
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = v.format(a)
	}
	lg.Log(context.Background(), lvl, strings.Join(parts, " "), "source", "console", "vu", v.id)
}

// format renders a console argument: strings as they are, errors by their message, other
// objects as JSON when they can be.
func (v *vu) format(a goja.Value) string {
	o, ok := a.(*goja.Object)
	if !ok || o.ClassName() == "Error" || o.ClassName() == "Function" {
		return a.String()
	}
	s, err := v.strFn(goja.Undefined(), a)
	if err != nil || goja.IsUndefined(s) {
		return a.String()
	}
	return s.String()
}

// open reads a file in init code: a string, or an ArrayBuffer with mode "b". Relative paths
// are resolved against the directory of the calling module's original file.
func (v *vu) open(name string, mode goja.Value) goja.Value {
	if !v.inInit {
		v.throw("open() can only be called in init code (the top level of the script)")
	}
	path := v.resolvePath(name)
	b, err := v.sh.prg.files.read(path)
	if err != nil {
		panic(v.rt.NewGoError(err))
	}
	if mode != nil && !goja.IsUndefined(mode) && mode.String() == "b" {
		return v.rt.ToValue(v.rt.NewArrayBuffer(append([]byte(nil), b...)))
	}
	return v.rt.ToValue(string(b))
}

// resolvePath resolves name against the directory of the innermost script frame.
func (v *vu) resolvePath(name string) string {
	name = strings.TrimPrefix(name, "file://")
	if filepath.IsAbs(name) {
		return filepath.Clean(name)
	}
	base := v.sh.baseDir
	for _, f := range v.rt.CaptureCallStack(0, nil) {
		if fn := f.Position().Filename; fn != "" {
			if p, err := url.PathUnescape(fn); err == nil && filepath.IsAbs(p) {
				base = filepath.Dir(p)
				break
			}
		}
	}
	return filepath.Join(base, name)
}

// cryptoMethods builds the methods of the global crypto object of a VU.
var cryptoMethods = newMethodTable(map[string]func(v *vu) any{
	"randomUUID":      func(*vu) any { return newUUID },
	"getRandomValues": func(v *vu) any { return v.getRandomValues },
})

// webCrypto returns the global crypto object (randomUUID, getRandomValues).
func (v *vu) webCrypto() *goja.Object { return v.lazyObject(cryptoMethods) }

// getRandomValues implements crypto.getRandomValues(typedArray).
func (v *vu) getRandomValues(arr *goja.Object) *goja.Object {
	buf, ok := arr.Get("buffer").Export().(goja.ArrayBuffer)
	if !ok {
		v.throw("crypto.getRandomValues: argument must be a typed array")
	}
	off, n := arr.Get("byteOffset").ToInteger(), arr.Get("byteLength").ToInteger()
	if n > 65536 {
		v.throw("crypto.getRandomValues: %d bytes requested, at most 65536 allowed", n)
	}
	_, _ = rand.Read(buf.Bytes()[off : off+n])
	return arr
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
