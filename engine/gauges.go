package engine

import (
	"fmt"
	"sync"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// lockedRecorder serialises the engine's own samples, recorded from several goroutines, and
// keeps the number of active VUs so that vus samples are recorded in the order of changes.
type lockedRecorder struct {
	mu     sync.Mutex
	rec    metrics.Recorder
	active int64
}

func (l *lockedRecorder) add(m *metrics.Metric, tags *metrics.Tags, v float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rec.Add(m, tags, v)
}

// changeActive adds delta to the active VUs and records vus.
func (e *Engine) changeActive(delta int64) {
	l := e.rec
	l.mu.Lock()
	defer l.mu.Unlock()
	l.active += delta
	l.rec.Add(e.m.vus, e.baseTags, float64(l.active))
}

// recordVUsMax records vus_max, the VUs initialised so far (after an on-demand init).
func (e *Engine) recordVUsMax() {
	l := e.rec
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rec.Add(e.m.vusMax, e.baseTags, float64(e.pool.inited.Load()))
}

// recordGauges records vus and vus_max (at init and on every gauge tick).
func (e *Engine) recordGauges() {
	l := e.rec
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rec.Add(e.m.vus, e.baseTags, float64(l.active))
	l.rec.Add(e.m.vusMax, e.baseTags, float64(e.pool.inited.Load()))
}

// builtinMetrics are the metrics the engine records.
type builtinMetrics struct {
	vus, vusMax, iterations, iterationDuration, dropped, interrupted, errors *metrics.Metric
}

func lookupMetrics(r *metrics.Registry) (builtinMetrics, error) {
	var m builtinMetrics
	for _, f := range []struct {
		dst  **metrics.Metric
		name string
	}{
		{&m.vus, metrics.VUs}, {&m.vusMax, metrics.VUsMax}, {&m.iterations, metrics.Iterations},
		{&m.iterationDuration, metrics.IterationDuration}, {&m.dropped, metrics.DroppedIterations},
		{&m.interrupted, metrics.IterationsInterrupted}, {&m.errors, metrics.IterationErrors},
	} {
		if *f.dst = r.Get(f.name); *f.dst == nil {
			return m, fmt.Errorf("registry lacks built-in metric %q", f.name)
		}
	}
	return m, nil
}
