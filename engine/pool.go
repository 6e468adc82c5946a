package engine

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// PlanVUs returns how many VUs a run of these scenarios needs: the largest sum of MaxVUs over
// scenarios whose windows [StartTime, End()) overlap. VUs are reused between scenarios that do
// not overlap. A window lasts at least 1ns, so a scenario that ends as it starts still counts.
func PlanVUs(plans []ScenarioPlan) int64 {
	type event struct {
		at    time.Duration
		delta int64
	}
	events := make([]event, 0, 2*len(plans))
	for _, p := range plans {
		end := max(p.End(), addSat(p.StartTime, 1))
		events = append(events, event{p.StartTime, p.MaxVUs}, event{end, -p.MaxVUs})
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

// planUpFront returns how many VUs to initialise before the run: PlanVUs over the VUs each
// scenario needs up front (MaxVUs - OnDemandVUs).
func planUpFront(plans []ScenarioPlan) int64 {
	up := make([]ScenarioPlan, len(plans))
	for i, p := range plans {
		up[i] = p
		up[i].MaxVUs = p.upFront()
	}
	return PlanVUs(up)
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

// pooledVU is an initialised VU with the recorder of its samples.
type pooledVU struct {
	vu  VU
	rec metrics.Recorder
}

// vuPool holds the initialised VUs that no scenario is using. It initialises planned VUs
// before the run and more on demand, never more than limit at once (ids keep growing after a
// failed init, so they stay unique). It is safe for concurrent use.
type vuPool struct {
	planned, limit int64
	inited         atomic.Int64 // VUs initialised successfully (vus_max)

	mu     sync.Mutex
	idle   []pooledVU
	count  int64         // VUs initialised or being initialised
	nextID uint64        // last id handed out
	freed  chan struct{} // closed and replaced when a VU is put back
}

func newVUPool(planned, limit int64) *vuPool {
	return &vuPool{planned: planned, limit: max(limit, planned), freed: make(chan struct{})}
}

// take returns an idle VU; else, while fewer than limit VUs exist, the id of a VU the caller
// must initialise (see initFailed); else it waits for a VU to be put back or ctx to end.
func (p *vuPool) take(ctx context.Context) (pooledVU, uint64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return pooledVU{}, 0, err
		}
		p.mu.Lock()
		if n := len(p.idle); n > 0 {
			v := p.idle[n-1]
			p.idle = p.idle[:n-1]
			p.mu.Unlock()
			return v, 0, nil
		}
		if p.count < p.limit {
			p.count++
			p.nextID++
			id := p.nextID
			p.mu.Unlock()
			return pooledVU{}, id, nil
		}
		freed := p.freed
		p.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
		}
	}
}

// initFailed gives back the slot of a VU whose initialisation failed.
func (p *vuPool) initFailed() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count--
	p.wake()
}

func (p *vuPool) put(v pooledVU) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, v)
	p.wake()
}

// wake tells waiters that the pool changed; p.mu is held.
func (p *vuPool) wake() {
	close(p.freed)
	p.freed = make(chan struct{})
}

// acquire returns an idle VU or initialises a new one (see vuPool.take).
func (e *Engine) acquire(ctx context.Context) (pooledVU, error) {
	v, id, err := e.pool.take(ctx)
	if err != nil || id == 0 {
		return v, err
	}
	v, err = e.newVU(ctx, id)
	if err != nil {
		e.pool.initFailed()
		return v, err
	}
	e.recordVUsMax()
	return v, nil
}

// newVU initialises VU id and its recorder.
func (e *Engine) newVU(ctx context.Context, id uint64) (pooledVU, error) {
	vu, err := e.cfg.Runner.NewVU(ctx, id)
	if err == nil && vu.ID() != id {
		err = fmt.Errorf("runner returned VU %d", vu.ID())
	}
	if err != nil {
		return pooledVU{}, &InitError{VU: id, Err: err}
	}
	e.pool.inited.Add(1)
	return pooledVU{vu: vu, rec: e.cfg.NewRecorder(id)}, nil
}

// initVUs initialises the pool's planned VUs, GOMAXPROCS at a time, and records vus_max.
func (e *Engine) initVUs(ctx context.Context) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	vus := make([]pooledVU, e.pool.planned)
	for i := range vus {
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			_, id, err := e.pool.take(ctx)
			if err == nil {
				vus[i], err = e.newVU(ctx, id)
			}
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("engine: %w", firstErr)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("engine: init VUs: %w", err)
	}
	// Idle VUs are taken last in, first out: put them back so that VU 1 is taken first.
	for _, v := range slices.Backward(vus) {
		e.pool.put(v)
	}
	e.rec = &lockedRecorder{rec: e.cfg.NewRecorder(0)}
	e.recordGauges()
	return nil
}
