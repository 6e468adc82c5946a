package metrics

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// trendBatch is how many raw trend samples an accumulator buffers before the recording VU folds
// them into its sparse histogram. Below that many samples per interval the flusher folds them,
// off the VUs' path. It bounds the raw buffer at 8 KB per shard and series; the buffer grows
// only as far as the series' rate needs.
const trendBatch = 1024

// seriesKey identifies a series in a shard: the metric and the identity of its tag set, so
// equal tag sets built separately share one accumulator.
type seriesKey struct {
	m    *Metric
	tags string
}

// acc aggregates the samples of one series received since its last reset. It is used under its
// shard's lock (hot buffer) or by the flusher alone (cold buffer, interval totals).
type acc struct {
	m     *Metric
	tags  *Tags
	count uint64
	sum   float64 // Counter: total; Rate: non-zero samples; Trend: sum
	min   float64
	max   float64
	last  float64 // Gauge: value with the highest seq
	seq   uint64  // Gauge: collector sequence number of last
	buf   []float64
	hist  *hdr.PackedHistogram // Trend only: samples folded out of buf
}

func newAcc(m *Metric, tags *Tags) *acc {
	a := &acc{m: m, tags: tags}
	if m.Type == Trend {
		a.hist = hdr.NewPacked(1, trendMax, TrendSigFigs)
	}
	a.reset()
	return a
}

// reset empties the accumulator, keeping its buffers for reuse.
func (a *acc) reset() {
	a.count, a.sum, a.last, a.seq = 0, 0, 0, 0
	a.min, a.max = math.Inf(1), math.Inf(-1)
	a.buf = a.buf[:0]
	if a.hist != nil {
		a.hist.Reset()
	}
}

// add records one sample; seq orders gauge samples across shards.
func (a *acc) add(v float64, seq uint64) {
	a.count++
	switch a.m.Type {
	case Counter:
		a.sum += v
	case Rate:
		if v != 0 {
			a.sum++
		}
	case Gauge:
		if seq >= a.seq {
			a.last, a.seq = v, seq
		}
		a.minMax(v, v)
	case Trend:
		a.sum += v
		a.minMax(v, v)
		a.buf = append(a.buf, v)
		if len(a.buf) == trendBatch {
			a.fold()
		}
	}
}

func (a *acc) minMax(lo, hi float64) {
	if lo < a.min {
		a.min = lo
	}
	if hi > a.max {
		a.max = hi
	}
}

// fold moves the buffered raw trend samples into the histogram.
func (a *acc) fold() {
	for _, v := range a.buf {
		_ = a.hist.RecordValue(ScaleTrend(v))
	}
	a.buf = a.buf[:0]
}

// merge adds o (another accumulator of the same series) into a. For gauges the sample with
// the higher sequence number wins.
func (a *acc) merge(o *acc) {
	if o.count == 0 {
		return
	}
	a.count += o.count
	a.sum += o.sum
	a.minMax(o.min, o.max)
	if a.m.Type == Gauge && o.seq >= a.seq {
		a.last, a.seq = o.last, o.seq
	}
	if a.hist != nil {
		o.fold()
		a.fold()
		a.hist.Merge(o.hist)
	}
}

// buffer is one generation of a shard's accumulators.
type buffer struct {
	accs map[seriesKey]*acc
	// samples are the raw samples kept for the collector's Stream (nil without one), up to
	// keep; dropped counts the ones beyond.
	samples []Sample
	dropped uint64
	// recent caches, per metric ID, the accumulator last used with a tag-set pointer: a VU
	// records several metrics with the same *Tags, which then skips hashing the tags key.
	recent []recentAcc
}

type recentAcc struct {
	tags *Tags
	a    *acc
}

// lookup returns the accumulator of m with tags, creating it on first use.
func (b *buffer) lookup(m *Metric, tags *Tags) *acc {
	id := m.ID
	if id >= 0 && id < len(b.recent) {
		if r := b.recent[id]; r.a != nil && r.tags == tags && r.a.m == m {
			return r.a
		}
	}
	k := seriesKey{m: m, tags: tags.Key()}
	a := b.accs[k]
	if a == nil {
		a = newAcc(m, tags)
		b.accs[k] = a
	}
	if id >= 0 {
		if id >= len(b.recent) {
			b.recent = append(b.recent, make([]recentAcc, id+1-len(b.recent))...)
		}
		b.recent[id] = recentAcc{tags: tags, a: a}
	}
	return a
}

func newBuffer() *buffer { return &buffer{accs: make(map[seriesKey]*acc)} }

// shard is a slice of the recording state. VUs mapped to it record into its hot buffer under
// its mutex, which is held for a few tens of nanoseconds; the collector swaps hot and cold on
// each tick and merges cold without holding the lock. It implements Recorder and is safe for
// concurrent use.
type shard struct {
	mu   sync.Mutex
	hot  *buffer
	cold *buffer // owned by the collector's flusher
	seq  *atomic.Uint64
	keep int      // raw samples kept per interval for the stream; 0: none
	_    [64]byte // keep neighbouring shards' mutexes on separate cache lines
}

func newShard(seq *atomic.Uint64, keep int) *shard {
	return &shard{hot: newBuffer(), cold: newBuffer(), seq: seq, keep: keep}
}

// Add records value for m with tags into the shard's hot buffer. It allocates only the first
// time a series is seen in this buffer (and, with a stream, when the sample buffer grows). A
// nil metric is ignored.
func (s *shard) Add(m *Metric, tags *Tags, value float64) {
	if m == nil {
		return
	}
	var seq uint64
	if m.Type == Gauge {
		seq = s.seq.Add(1)
	}
	var now int64
	if s.keep > 0 {
		now = time.Now().UnixNano()
	}
	s.mu.Lock()
	s.hot.lookup(m, tags).add(value, seq)
	if s.keep > 0 {
		s.hot.keepSample(Sample{Metric: m, Tags: tags, Value: value, Time: now}, s.keep)
	}
	s.mu.Unlock()
}

// swap exchanges the hot and cold buffers and returns the new cold one.
func (s *shard) swap() *buffer {
	s.mu.Lock()
	s.hot, s.cold = s.cold, s.hot
	s.mu.Unlock()
	return s.cold
}

// drain calls fn for each accumulator of b that received samples, then resets it. Accumulators
// that stayed empty for a whole interval are dropped, so series that stop receiving samples
// (for example high-cardinality tags) do not keep memory.
func (b *buffer) drain(fn func(k seriesKey, a *acc)) {
	clear(b.recent) // it may point at accumulators deleted below
	for k, a := range b.accs {
		if a.count == 0 {
			delete(b.accs, k)
			continue
		}
		fn(k, a)
		a.reset()
	}
}
