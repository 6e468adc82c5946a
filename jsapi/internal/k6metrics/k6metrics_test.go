package k6metrics

import (
	"strings"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

func TestMetricTypesAndValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ctor     string
		typ      metrics.Type
		contains metrics.ValueType
		adds     string
		want     []float64
	}{
		{"Counter", `new Counter("my_counter")`, metrics.Counter, metrics.Default, `m.add(1); m.add(2.5)`, []float64{1, 2.5}},
		{"Gauge", `new Gauge("my_gauge")`, metrics.Gauge, metrics.Default, `m.add(10); m.add(-3)`, []float64{10, -3}},
		{"Rate booleans", `new Rate("my_rate")`, metrics.Rate, metrics.Default, `m.add(true); m.add(false)`, []float64{1, 0}},
		{"Rate numbers", `new Rate("my_rate")`, metrics.Rate, metrics.Default, `m.add(1); m.add(0)`, []float64{1, 0}},
		{"Trend", `new Trend("my_trend")`, metrics.Trend, metrics.Default, `m.add(12.5); m.add(0)`, []float64{12.5, 0}},
		{"Trend isTime", `new Trend("my_trend", true)`, metrics.Trend, metrics.Time, `m.add(3)`, []float64{3}},
		{"Trend isTime false", `new Trend("my_trend", false)`, metrics.Trend, metrics.Default, `m.add(3)`, []float64{3}},
		{"Gauge isTime", `new Gauge("my_gauge", true)`, metrics.Gauge, metrics.Time, `m.add(3)`, []float64{3}},
		{"numeric string", `new Counter("my_counter")`, metrics.Counter, metrics.Default, `m.add("4")`, []float64{4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, nil)
			vu.Run(t, `var m = `+tc.ctor)
			m := vu.Reg.Get(vu.Run(t, `m.name`).String())
			require.NotNil(t, m, "the metric must be registered")
			assert.Equal(t, tc.typ, m.Type)
			assert.Equal(t, tc.contains, m.Contains)

			vu.Init = false
			vu.Run(t, tc.adds)
			samples := vu.Rec.All()
			require.Len(t, samples, len(tc.want))
			for i, w := range tc.want {
				assert.Same(t, m, samples[i].Def)
				assert.Equal(t, w, samples[i].Value, i)
			}
		})
	}
}

func TestNameProperty(t *testing.T) {
	t.Parallel()
	vu := newVU(t, nil)
	assert.Equal(t, "waiting_time", vu.Run(t, `new Trend("waiting_time").name`).String())
}

func TestAddReturnsTrue(t *testing.T) {
	t.Parallel()
	vu := newVU(t, nil)
	vu.Run(t, `var c = new Counter("cc")`)
	vu.Init = false
	assert.Equal(t, true, vu.Run(t, `c.add(1)`).Export())
}

func TestAddTagsMergeWithVUTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tags string
		want map[string]string
	}{
		{"none", ``, map[string]string{"scenario": "default", "group": "::g"}},
		{"undefined", `, undefined`, map[string]string{"scenario": "default", "group": "::g"}},
		{"added", `, {endpoint: "pay", code: 200}`,
			map[string]string{"scenario": "default", "group": "::g", "endpoint": "pay", "code": "200"}},
		{"override", `, {scenario: "other"}`, map[string]string{"scenario": "other", "group": "::g"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, nil)
			vu.Run(t, `var c = new Counter("cc")`)
			vu.Init = false
			vu.TagSet = vu.TagSet.With("group", "::g")
			before := vu.TagSet
			vu.Run(t, `c.add(1`+tc.tags+`)`)
			samples := vu.Rec.All()
			require.Len(t, samples, 1)
			assert.Equal(t, tc.want, samples[0].Tags.Map())
			assert.Same(t, before, vu.Tags(), "add must not change the VU's tags")
		})
	}
}

func TestCreateOutsideInitThrows(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"Counter", "Gauge", "Rate", "Trend"} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, nil)
			vu.Init = false
			assert.Equal(t, "TypeError", vu.Throws(t, `new `+typ+`("late")`))
			assert.Nil(t, vu.Reg.Get("late"), "nothing is registered")
		})
	}
}

func TestAddMisuseThrows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		init bool
		add  string
	}{
		{"add in init code", true, `c.add(1)`},
		{"not a number", false, `c.add("abc")`},
		{"no value", false, `c.add()`},
		{"NaN", false, `c.add(NaN)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, nil)
			vu.Run(t, `var c = new Counter("cc")`)
			vu.Init = tc.init
			assert.Equal(t, "TypeError", vu.Throws(t, tc.add))
			assert.Empty(t, vu.Rec.All())
		})
	}
}

func TestReRegistration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, first, second string
		conflict            bool
	}{
		{"same type", `new Counter("xx")`, `new Counter("xx")`, false},
		{"same trend isTime", `new Trend("xx", true)`, `new Trend("xx", true)`, false},
		{"other type", `new Counter("xx")`, `new Trend("xx")`, true},
		{"rate vs gauge", `new Rate("xx")`, `new Gauge("xx")`, true},
		{"other value type", `new Trend("xx")`, `new Trend("xx", true)`, true},
		{"built-in with other type", `undefined`, `new Counter("checks")`, true},
		{"built-in with other value type", `undefined`, `new Trend("http_req_duration")`, true},
		{"built-in with same type", `undefined`, `new Counter("iterations")`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reg := metrics.NewRegistry()
			newVU(t, reg).Run(t, tc.first)
			// A second VU of the same run declares the metric again, as every VU runs init code.
			_, err := newVU(t, reg).RunErr(tc.second)
			if !tc.conflict {
				require.NoError(t, err)
				return
			}
			var ex *goja.Exception
			require.ErrorAs(t, err, &ex, "a conflicting declaration must throw")
			assert.ErrorIs(t, err, metrics.ErrConflict)
		})
	}
}

func TestSameNameInTwoVUsRecordsOneMetric(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	a, b := newVU(t, reg), newVU(t, reg)
	a.Run(t, `var c = new Counter("shared")`)
	b.Run(t, `var c = new Counter("shared")`)
	a.Init, b.Init = false, false
	a.Run(t, `c.add(1)`)
	b.Run(t, `c.add(2)`)
	require.Len(t, a.Rec.All(), 1)
	require.Len(t, b.Rec.All(), 1)
	assert.Same(t, a.Rec.All()[0].Def, b.Rec.All()[0].Def)
}

func TestBadNamesThrow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, arg string
		badName   bool // false: rejected before the registry (missing name)
	}{
		{"empty", `""`, true},
		{"colon", `"a:b"`, true},
		{"braces", `"a{b}"`, true},
		{"newline", `"a\nb"`, true},
		{"too long", `"` + strings.Repeat("x", 130) + `"`, true},
		{"space", `"my metric"`, true},
		{"dot", `"my.metric"`, true},
		{"dash", `"my-metric"`, true},
		{"leading digit", `"1metric"`, true},
		{"one character", `"a"`, true},
		{"non-ASCII", `"métrique"`, true},
		{"parentheses", `"p(95)"`, true},
		{"missing", ``, false},
		{"undefined", `undefined`, false},
		{"null", `null`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, nil)
			n := vu.Reg.Len()
			_, err := vu.RunErr(`new Counter(` + tc.arg + `)`)
			var ex *goja.Exception
			require.ErrorAs(t, err, &ex)
			if tc.badName {
				assert.ErrorIs(t, err, metrics.ErrBadName)
			} else {
				assert.Equal(t, "TypeError", vu.Throws(t, `new Counter(`+tc.arg+`)`))
			}
			assert.Equal(t, n, vu.Reg.Len(), "nothing is registered")
		})
	}
}

func TestGoodNamesAccepted(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"ab", "_a", "my_metric", "Payments_OK2", strings.Repeat("x", 129)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, nil)
			vu.Run(t, `new Counter(`+"`"+name+"`"+`)`)
			assert.NotNil(t, vu.Reg.Get(name))
		})
	}
}

// newVU returns a fake VU in init code with Counter, Gauge, Rate and Trend as globals, sharing
// reg (nil: a new registry).
func newVU(t *testing.T, reg *metrics.Registry) *modulestest.VU {
	t.Helper()
	vu := modulestest.NewVU(t)
	vu.Init, vu.Ctx = true, t.Context()
	if reg != nil {
		vu.Reg = reg
	}
	vu.Expose(t, vu.Instance(t, New(), "metrics"), "Counter", "Gauge", "Rate", "Trend")
	return vu
}
