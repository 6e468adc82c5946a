package k6sql

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/internal/pgtest"
	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

// maxValue is the largest value of samples (0 for none).
func maxValue(samples []modulestest.Sample) float64 {
	var m float64
	for _, s := range samples {
		m = max(m, s.Value)
	}
	return m
}

// world is one test run: the module, a metric registry and recorder shared by its VUs.
type world struct {
	t   testing.TB
	mod *Module
	reg *metrics.Registry
	rec *modulestest.Recorder
	url string
}

// newWorld gives the test its own database and a module closed at the end.
func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, mod: New(), reg: metrics.NewRegistry(), rec: &modulestest.Recorder{}}
	w.url = pgtest.NewDatabase(t)
	t.Cleanup(w.mod.Close)
	return w
}

// vu builds a VU whose runtime has the globals sql (nnjs/sql), xsql (k6/x/sql), driver (the
// postgres driver token) and URL; it is left in init mode.
func (w *world) vu(id uint64) *modulestest.VU {
	w.t.Helper()
	v := modulestest.NewVU(w.t)
	v.IDValue, v.Init, v.Reg, v.Rec = id, true, w.reg, w.rec
	v.TagSet = metrics.NewTags(map[string]string{"scenario": "default"})
	native, err := w.mod.NewInstance(v)
	require.NoError(w.t, err)
	xk6, err := w.mod.XK6().NewInstance(v)
	require.NoError(w.t, err)
	drv, err := PostgresDriver().NewInstance(v)
	require.NoError(w.t, err)
	require.NoError(w.t, v.RT.Set("sql", native))
	require.NoError(w.t, v.RT.Set("xsql", xk6))
	require.NoError(w.t, v.RT.Set("driver", drv.Get("default")))
	require.NoError(w.t, v.RT.Set("URL", w.url))
	return v
}

// opened returns a VU that ran `const db = sql.open(URL, opts)` in init code and left init.
func (w *world) opened(id uint64, opts string) *modulestest.VU {
	w.t.Helper()
	v := w.vu(id)
	if opts == "" {
		opts = "{}"
	}
	v.Run(w.t, "var db = sql.open(URL, "+opts+");")
	v.Init = false
	return v
}
