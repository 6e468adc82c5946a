package jsapi

import (
	"github.com/dop251/goja"
)

// require resolves a built-in module for this VU. Local files were bundled by esbuild, so
// only registered names reach it. Each module is instantiated once per VU.
func (v *vu) require(name string) goja.Value {
	if obj, ok := v.mods[name]; ok {
		return obj
	}
	m, ok := v.sh.modules.Get(name)
	if !ok {
		panic(v.rt.NewGoError(&UnknownModuleError{Name: name}))
	}
	obj, err := m.NewInstance(v)
	if err != nil {
		panic(v.rt.NewGoError(err))
	}
	if d := obj.Get("default"); d != nil && !goja.IsUndefined(d) {
		// let esbuild's __toESM use the module's own default export
		_ = obj.DefineDataProperty("__esModule", v.rt.ToValue(true), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	}
	v.mods[name] = obj
	return obj
}

// UnknownModuleError is thrown by require for a specifier no module is registered under.
type UnknownModuleError struct{ Name string }

func (e *UnknownModuleError) Error() string {
	return "unknown module " + `"` + e.Name + `"` + " (built-in modules are k6, k6/*, nnjs/*; local files are bundled)"
}
