package metrics

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// CollectorConfig configures a Collector. The zero value gives the defaults.
type CollectorConfig struct {
	// Interval is the period between merges by Run (default 1s); it is also the resolution of
	// the time series.
	Interval time.Duration
	// Shards is the number of recording shards (default 4×GOMAXPROCS).
	Shards int
	// KeepSeries makes the collector keep, per series, one time-series point per interval
	// (TimeSeries), for outputs that chart the run. Without it no point is kept and TimeSeries
	// returns nil.
	KeepSeries bool
	// MaxPoints bounds the points kept per series in the time series (default 1024). When a
	// series would exceed it, adjacent points are merged and the resolution halves.
	MaxPoints int
	// Stream, when not nil, receives every sample recorded, with the time it was recorded:
	// Recorders then also keep each sample in their shard, and each flush hands the samples of
	// the interval to Stream, one batch per shard. Recording stays lock-light and never waits
	// for Stream; a shard keeps at most StreamLimit/Shards samples per interval and counts the
	// ones beyond in SampleBatch.Dropped.
	Stream Stream
	// StreamLimit bounds the samples kept for Stream per interval over all shards (default
	// 2,097,152: 64 MiB of samples).
	StreamLimit int
	// MaxSeries bounds the distinct series (metric × tag set) the collector keeps (default
	// DefaultMaxSeries), so memory stays bounded when a script tags each request uniquely
	// (a unique URL per request). Samples of a new series beyond it go to their metric's
	// overflow series (see OverflowTag): every metric's total stays exact.
	MaxSeries int
}

func (cfg CollectorConfig) withDefaults() CollectorConfig {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.Shards <= 0 {
		cfg.Shards = 4 * runtime.GOMAXPROCS(0)
	}
	if cfg.MaxPoints <= 0 {
		cfg.MaxPoints = 1024
	}
	if cfg.StreamLimit <= 0 {
		cfg.StreamLimit = 1 << 21
	}
	if cfg.MaxSeries <= 0 {
		cfg.MaxSeries = DefaultMaxSeries
	}
	return cfg
}

// Collector aggregates the samples of a run in bounded memory, whatever the run length. VUs record through
// Recorders into sharded accumulators and never wait for the collector: each Add holds one
// shard's mutex for a few tens of nanoseconds. On every flush (each Interval under Run, or an
// explicit Flush) the collector swaps each shard's hot buffers for its cold ones, merges the
// cold ones into the run totals and a time-series point, and publishes an immutable Snapshot.
//
// All methods are safe for concurrent use.
type Collector struct {
	cfg    CollectorConfig
	reg    *Registry
	start  time.Time
	shards []*shard
	seq    atomic.Uint64 // orders gauge samples across shards
	snap   atomic.Pointer[Snapshot]

	mu      sync.Mutex // serialises flushes and guards what follows
	last    time.Time  // time of the previous flush
	flushes int64
	totals  map[seriesKey]*total
	order   []*total // totals sorted by metric ID then tags key
	sorted  bool
	touched []*total
	// overflowed counts the tag sets folded into overflow series, once per flush interval.
	overflowed int64
	end        time.Time // MarkEnd's; zero until then
}

// NewCollector returns a collector for the metrics of reg; its run starts now.
func NewCollector(reg *Registry, cfg CollectorConfig) *Collector {
	cfg = cfg.withDefaults()
	now := time.Now()
	c := &Collector{cfg: cfg, reg: reg, start: now, last: now, totals: map[seriesKey]*total{}}
	c.shards = make([]*shard, cfg.Shards)
	keep := 0
	if cfg.Stream != nil {
		keep = max(cfg.StreamLimit/cfg.Shards, 1)
	}
	for i := range c.shards {
		c.shards[i] = newShard(&c.seq, keep)
	}
	c.snap.Store(&Snapshot{Start: now})
	return c
}

// MarkStart sets the start of the run, from which snapshots measure Elapsed (and so every
// per-second rate): the engine calls it once the VUs are initialised, so a slow init does not
// dilute the rates. Without it the run starts when the collector was created.
func (c *Collector) MarkStart(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.start = t
}

// MarkEnd sets the end of the run: later snapshots (the final flush) measure Elapsed up to t,
// not up to the flush, so what runs after the load (closing connections, the database
// monitor's last sample) does not dilute the rates either.
func (c *Collector) MarkEnd(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.end = t
}

// Registry returns the registry the collector was built with.
func (c *Collector) Registry() *Registry { return c.reg }

// Recorder returns the recorder for VU vuID (0 for the engine's own goroutines). Recorders are
// shared by the VUs mapped to the same shard and hold no per-VU memory; Add never allocates once
// a series has been seen in the current interval.
func (c *Collector) Recorder(vuID uint64) Recorder {
	return c.shards[vuID%uint64(len(c.shards))]
}

// Run flushes every Interval until ctx is done, then flushes a last time and returns.
func (c *Collector) Run(ctx context.Context) {
	t := time.NewTicker(c.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			c.Flush()
			return
		case <-t.C:
			c.Flush()
		}
	}
}

// Flush merges everything recorded so far into the run totals, closes a time-series interval
// and publishes a new Snapshot.
func (c *Collector) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	dt := now.Sub(c.last)
	c.last = now
	cold := make([]*buffer, len(c.shards))
	for i, s := range c.shards {
		cold[i] = s.swap()
	}
	for _, b := range cold {
		if batch := b.takeSamples(); batch != nil {
			c.cfg.Stream.Samples(batch)
		}
		b.drain(c.absorb)
	}
	maxPoints := 0 // no time series
	if c.cfg.KeepSeries {
		maxPoints = c.cfg.MaxPoints
	}
	for _, t := range c.touched {
		t.close(now, dt, c.flushes, maxPoints)
	}
	c.touched = c.touched[:0]
	c.flushes++
	c.snap.Store(c.buildSnapshot(now))
}

// absorb merges one drained shard accumulator into its series' interval accumulator.
func (c *Collector) absorb(k seriesKey, a *acc) {
	t := c.totals[k]
	switch {
	case t == nil && len(c.totals) >= c.cfg.MaxSeries:
		t = c.overflow(a.m, a.tags)
	case t == nil:
		t = newTotal(a.m, a.tags)
		c.totals[k] = t
		c.order = append(c.order, t)
		c.sorted = false
	}
	if !t.touched {
		t.touched = true
		c.touched = append(c.touched, t)
	}
	t.iv.merge(a)
}

func (c *Collector) buildSnapshot(now time.Time) *Snapshot {
	if !c.sorted {
		slices.SortFunc(c.order, func(a, b *total) int {
			return cmp.Or(cmp.Compare(a.m.ID, b.m.ID), cmp.Compare(a.tags.Key(), b.tags.Key()))
		})
		c.sorted = true
	}
	end := now
	if !c.end.IsZero() && c.end.Before(now) {
		end = c.end
	}
	s := &Snapshot{Start: c.start, Elapsed: max(end.Sub(c.start), 0), Taken: now, Series: make([]Series, len(c.order))}
	for i, t := range c.order {
		s.Series[i] = Series{Metric: t.m, Tags: t.tags, Sink: t.published}
	}
	return s
}

// Snapshot returns the run totals as of the latest flush. The snapshot is immutable and shared:
// callers must not modify it (use Snapshot.Clone to get a copy to merge into).
func (c *Collector) Snapshot() *Snapshot { return c.snap.Load() }

// TimeSeries returns a copy of the per-interval points of every series, in snapshot order, or
// nil when the collector keeps no time series (CollectorConfig.KeepSeries).
func (c *Collector) TimeSeries() []TimeSeries {
	if !c.cfg.KeepSeries {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]TimeSeries, 0, len(c.order))
	for _, t := range c.order {
		out = append(out, TimeSeries{Metric: t.m, Tags: t.tags, Points: slices.Clone(t.line.points)})
	}
	return out
}
