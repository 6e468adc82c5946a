package modules_test

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// owner counts how many times each built-in was built for it.
type owner struct{ built map[string]int }

var lazyTable = modules.NewLazyTable(map[string]func(o *owner) any{
	"b": func(o *owner) any { o.built["b"]++; return func() int { return 2 } },
	"a": func(o *owner) any { o.built["a"]++; return func() int { return 1 } },
})

func newLazy(t *testing.T) (*goja.Runtime, *modules.LazyObject[*owner]) {
	t.Helper()
	rt := goja.New()
	o := modules.NewLazyObject(rt, lazyTable, &owner{built: map[string]int{}})
	require.NoError(t, rt.Set("obj", rt.NewDynamicObject(o)))
	return rt, o
}

func TestLazyTableNamesSorted(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"a", "b"}, lazyTable.Names())
}

func TestLazyPropsBuildOnFirstRead(t *testing.T) {
	t.Parallel()
	rt, o := newLazy(t)
	assert.Empty(t, o.Owner.built, "nothing built before use")
	v, err := rt.RunString(`obj.a === obj.a && obj.a() === 1`)
	require.NoError(t, err)
	assert.Equal(t, true, v.Export())
	assert.Equal(t, map[string]int{"a": 1}, o.Owner.built, "a built once, b not at all")
	assert.Equal(t, 1, o.Built())
}

func TestLazyPropsScriptProperties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      any
	}{
		{"keys sorted", `Object.keys(obj).join(",")`, "a,b"},
		{"added keys after built-ins", `obj.z = 1; obj.a; obj.c = 2; obj.z = 3; Object.keys(obj).join(",")`, "a,b,z,c"},
		{"overwritten built-in not listed twice", `obj.b = 5; Object.keys(obj).join(",") + obj.b`, "a,b5"},
		{"added property read", `obj.x = 7; obj.x`, int64(7)},
		{"added property deleted", `obj.x = 1; delete obj.x; ("x" in obj) + Object.keys(obj).join(",")`, "falsea,b"},
		{"built-in kept on delete", `delete obj.a; typeof obj.a`, "function"},
		{"overwritten built-in kept on delete", `obj.a = 3; delete obj.a; obj.a`, int64(3)},
		{"unknown name", `typeof obj.nothing`, "undefined"},
		{"in built-in before read", `"b" in obj`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt, _ := newLazy(t)
			v, err := rt.RunString(tc.src)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v.Export())
		})
	}
}
