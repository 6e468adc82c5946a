package jsapi

import (
	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// methodTable is the shared description of an object of methods (console, crypto): the
// factory of each method, given the VU. Immutable, shared by all VUs.
type methodTable = modules.LazyTable[*vu]

func newMethodTable(build map[string]func(v *vu) any) *methodTable {
	return modules.NewLazyTable(build)
}

// lazyObject returns an object whose methods are built on the first read of each, so a VU
// pays only for the methods its script uses (a goja function costs about 0.7 KB).
func (v *vu) lazyObject(t *methodTable) *goja.Object {
	return v.rt.NewDynamicObject(modules.NewLazyObject(v.rt, t, v))
}
