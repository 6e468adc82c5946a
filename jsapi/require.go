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
	inst, err := m.NewInstance(v)
	if err != nil {
		panic(v.rt.NewGoError(err))
	}
	obj := v.moduleObject(inst)
	v.mods[name] = obj
	return obj
}

// moduleObject returns what require gives the bundle for a module instance: an object that
// inherits the instance's exports and owns only default and __esModule. esbuild's __toESM and
// __toCommonJS copy every own property of a required module into a new object, each through
// a new getter closure (about 0.5 KB per export per VU); inherited exports are reached through
// the copy's prototype instead (__toESM keeps the module's prototype), so a VU does not pay
// for the copies. Named and default imports, require() and property reads are unchanged.
func (v *vu) moduleObject(inst *goja.Object) *goja.Object {
	obj := v.rt.NewObject()
	if err := obj.SetPrototype(inst); err != nil {
		return inst // unreachable: a fresh object is extensible and inst is not its descendant
	}
	if d := inst.Get("default"); d != nil && !goja.IsUndefined(d) {
		_ = obj.DefineDataProperty("default", d, goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)
		// let esbuild's __toESM use the module's own default export
		_ = obj.DefineDataProperty("__esModule", v.rt.ToValue(true), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	}
	return obj
}

// UnknownModuleError is thrown by require for a specifier no module is registered under.
type UnknownModuleError struct{ Name string }

func (e *UnknownModuleError) Error() string {
	return "unknown module " + `"` + e.Name + `"` + " (built-in modules are k6, k6/*, nnjs/*; local files are bundled)"
}
