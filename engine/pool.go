package engine

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// PlanVUs returns how many VUs a run of these scenarios needs: the largest sum of MaxVUs over
// scenarios whose windows [StartTime, End()) overlap. VUs are reused between scenarios that do
// not overlap.
func PlanVUs(plans []ScenarioPlan) int64 {
	type event struct {
		at    time.Duration
		delta int64
	}
	events := make([]event, 0, 2*len(plans))
	for _, p := range plans {
		events = append(events, event{p.StartTime, p.MaxVUs}, event{p.End(), -p.MaxVUs})
	}
	// At equal times ends come first: a scenario ending at t frees its VUs for one starting at t.
	slices.SortFunc(events, func(a, b event) int {
		if a.at != b.at {
			return compare(a.at, b.at)
		}
		return compare(a.delta, b.delta)
	})
	var cur, peak int64
	for _, ev := range events {
		cur += ev.delta
		peak = max(peak, cur)
	}
	return peak
}

func compare[T int64 | time.Duration](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// vuPool holds the initialised VUs that no scenario is using, and each VU's recorder.
type vuPool struct {
	size int64
	idle chan VU
	recs []metrics.Recorder // by VU id - 1
}

func newVUPool(size int64) *vuPool {
	return &vuPool{size: size, idle: make(chan VU, size), recs: make([]metrics.Recorder, size)}
}

// get returns an idle VU, waiting for one to be released if none is (which a correct plan
// avoids), or ctx's error.
func (p *vuPool) get(ctx context.Context) (VU, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case vu := <-p.idle:
		return vu, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *vuPool) put(vu VU) { p.idle <- vu }

func (p *vuPool) recorder(vu VU) metrics.Recorder { return p.recs[vu.ID()-1] }

// initVUs initialises the pool's VUs, GOMAXPROCS at a time, and records vus_max.
func (e *Engine) initVUs(ctx context.Context) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	vus := make([]VU, e.pool.size)
	for i := range vus {
		id := uint64(i + 1)
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			vu, err := e.cfg.Runner.NewVU(ctx, id)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = &InitError{VU: id, Err: err}
					cancel()
				}
				mu.Unlock()
				return
			}
			vus[id-1] = vu
			e.pool.recs[id-1] = e.cfg.NewRecorder(id)
		})
	}
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("engine: %w", firstErr)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("engine: init VUs: %w", ctx.Err())
	}
	for i, vu := range vus {
		if id := uint64(i + 1); vu.ID() != id {
			return fmt.Errorf("engine: %w", &InitError{VU: id, Err: fmt.Errorf("runner returned VU %d", vu.ID())})
		}
		e.pool.put(vu)
	}
	e.rec = &lockedRecorder{rec: e.cfg.NewRecorder(0)}
	e.recordGauges()
	return nil
}

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

// recordGauges records vus and vus_max (at init and on every gauge tick).
func (e *Engine) recordGauges() {
	l := e.rec
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rec.Add(e.m.vus, e.baseTags, float64(l.active))
	l.rec.Add(e.m.vusMax, e.baseTags, float64(e.pool.size))
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
