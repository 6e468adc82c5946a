package modules

import (
	"errors"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeVU is a VU that only has a runtime; any other method panics (nil embedded interface),
// which proves the code under test does not call it.
type fakeVU struct {
	VU
	rt *goja.Runtime
}

func (v *fakeVU) Runtime() *goja.Runtime { return v.rt }

// named returns a module whose instance is an object with {name: name}, to tell modules apart.
func named(name string) Module {
	return ModuleFunc(func(vu VU) (*goja.Object, error) {
		o := vu.Runtime().NewObject()
		if err := o.Set("name", name); err != nil {
			return nil, err
		}
		return o, nil
	})
}

// instanceName returns the "name" property of m's instance for a fresh runtime.
func instanceName(t *testing.T, m Module) string {
	t.Helper()
	o, err := m.NewInstance(&fakeVU{rt: goja.New()})
	require.NoError(t, err)
	return o.Get("name").String()
}

func TestRegistryGet(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	reg.Register(named("http"), "k6/http", "nnjs/http")
	reg.Register(named("core"), "k6")

	tests := []struct {
		name, spec, want string
		found            bool
	}{
		{name: "first alias", spec: "k6/http", want: "http", found: true},
		{name: "second alias", spec: "nnjs/http", want: "http", found: true},
		{name: "other module", spec: "k6", want: "core", found: true},
		{name: "unknown", spec: "k6/ws", found: false},
		{name: "prefix of a name", spec: "k6/htt", found: false},
		{name: "case matters", spec: "K6", found: false},
		{name: "empty", spec: "", found: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, ok := reg.Get(tc.spec)
			require.Equal(t, tc.found, ok)
			if !tc.found {
				assert.Nil(t, m)
				return
			}
			require.NotNil(t, m)
			assert.Equal(t, tc.want, instanceName(t, m))
		})
	}
}

func TestRegistryRegisterDuplicatePanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		first []string
		again []string
	}{
		{name: "same name twice in one call", again: []string{"k6", "k6"}},
		{name: "name taken by an earlier call", first: []string{"k6/http"}, again: []string{"k6/http"}},
		{name: "alias taken by an earlier call", first: []string{"k6/http", "nnjs/http"},
			again: []string{"nnjs/sql", "nnjs/http"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reg := NewRegistry()
			orig := named("orig")
			reg.Register(orig, tc.first...)
			assert.Panics(t, func() { reg.Register(named("dup"), tc.again...) })
			for _, n := range tc.first {
				m, ok := reg.Get(n)
				require.True(t, ok, n)
				assert.Equal(t, "orig", instanceName(t, m), "%s must keep its first module", n)
			}
		})
	}
}

func TestRegistryDistinctNamesDoNotPanic(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	assert.NotPanics(t, func() {
		reg.Register(named("a"), "k6")
		reg.Register(named("b"), "k6/http", "nnjs/http")
		reg.Register(named("c"))
	})
	assert.Len(t, reg.Names(), 3)
}

func TestRegistryNamesSorted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		calls [][]string
		want  []string
	}{
		{name: "empty", want: []string{}},
		{name: "one", calls: [][]string{{"k6"}}, want: []string{"k6"}},
		{
			name:  "several calls and aliases",
			calls: [][]string{{"nnjs/sql"}, {"k6/http", "nnjs/http"}, {"k6", "nnjs"}, {"k6/data"}},
			want:  []string{"k6", "k6/data", "k6/http", "nnjs", "nnjs/http", "nnjs/sql"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reg := NewRegistry()
			for i, names := range tc.calls {
				reg.Register(named(string(rune('a'+i))), names...)
			}
			got := reg.Names()
			assert.Equal(t, tc.want, got)
			if len(got) > 0 {
				got[0] = "mutated"
				assert.Equal(t, tc.want, reg.Names(), "Names must return a fresh slice")
			}
		})
	}
}

func TestModuleFunc(t *testing.T) {
	t.Parallel()
	errBoom := errors.New("boom")
	tests := []struct {
		name string
		err  error
	}{
		{name: "object"},
		{name: "error", err: errBoom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := &fakeVU{rt: goja.New()}
			want := vu.rt.NewObject()
			var got VU
			calls := 0
			var m Module = ModuleFunc(func(v VU) (*goja.Object, error) {
				calls++
				got = v
				if tc.err != nil {
					return nil, tc.err
				}
				return want, nil
			})
			obj, err := m.NewInstance(vu)
			assert.Equal(t, 1, calls)
			assert.Same(t, vu, got, "the function must receive the VU passed to NewInstance")
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.Nil(t, obj)
				return
			}
			require.NoError(t, err)
			assert.Same(t, want, obj)
		})
	}
}
