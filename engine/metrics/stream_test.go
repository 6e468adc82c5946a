package metrics_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// streamSink is a Stream that keeps what it receives; block, when set, makes Samples wait
// until it is closed.
type streamSink struct {
	mu      sync.Mutex
	samples []metrics.Sample
	dropped uint64
	batches int
	entered chan struct{} // closed when Samples first waits on block
	block   chan struct{}
}

func (s *streamSink) Samples(b *metrics.SampleBatch) {
	if s.block != nil {
		close(s.entered)
		<-s.block
		s.block = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.samples = append(s.samples, b.Samples...)
	s.dropped += b.Dropped
	s.batches++
	b.Release()
}

func TestStreamReceivesEverySampleWithItsTime(t *testing.T) {
	reg := metrics.NewRegistry()
	sink := &streamSink{}
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 3, Stream: sink})
	reqs, dur := reg.Get(metrics.HTTPReqs), reg.Get(metrics.HTTPReqDuration)
	tags := metrics.NewTags(map[string]string{"name": "pay"})
	before := time.Now().UnixNano()
	var wg sync.WaitGroup
	for vu := range 6 {
		wg.Go(func() {
			rec := c.Recorder(uint64(vu))
			for i := range 1000 {
				rec.Add(reqs, tags, 1)
				rec.Add(dur, tags, float64(vu*1000+i))
			}
		})
	}
	wg.Wait()
	c.Flush()
	c.Flush() // an empty interval hands over nothing
	after := time.Now().UnixNano()

	require.Len(t, sink.samples, 12000)
	assert.Equal(t, 3, sink.batches, "one batch per shard with samples, none for an empty interval")
	assert.Zero(t, sink.dropped)
	var count, sum float64
	lo, hi := 1e18, -1.0
	for _, s := range sink.samples {
		assert.Same(t, tags, s.Tags)
		assert.GreaterOrEqual(t, s.Time, before)
		assert.LessOrEqual(t, s.Time, after)
		switch s.Metric {
		case reqs:
			count += s.Value
		case dur:
			sum += s.Value
			lo, hi = min(lo, s.Value), max(hi, s.Value)
		}
	}
	total := c.Snapshot().Aggregate(dur, nil)
	assert.Equal(t, c.Snapshot().Aggregate(reqs, nil).Sum, count)
	assert.Equal(t, total.Sum, sum)
	assert.Equal(t, total.Min, lo)
	assert.Equal(t, total.Max, hi)
}

func TestStreamCountsSamplesBeyondItsLimit(t *testing.T) {
	reg := metrics.NewRegistry()
	sink := &streamSink{}
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 2, Stream: sink, StreamLimit: 100})
	reqs := reg.Get(metrics.HTTPReqs)
	for range 80 {
		c.Recorder(0).Add(reqs, nil, 1) // shard 0 keeps 50 per interval
	}
	c.Flush()
	for range 30 {
		c.Recorder(0).Add(reqs, nil, 1)
	}
	c.Flush()
	assert.Len(t, sink.samples, 80)
	assert.Equal(t, uint64(30), sink.dropped)
	assert.Equal(t, uint64(110), c.Snapshot().Aggregate(reqs, nil).Count, "the run totals have every sample")
}

// TestRecordingNeverWaitsForTheStream blocks the stream in a flush and records meanwhile.
func TestRecordingNeverWaitsForTheStream(t *testing.T) {
	reg := metrics.NewRegistry()
	sink := &streamSink{entered: make(chan struct{}), block: make(chan struct{})}
	c := metrics.NewCollector(reg, metrics.CollectorConfig{Shards: 1, Stream: sink})
	reqs := reg.Get(metrics.HTTPReqs)
	c.Recorder(0).Add(reqs, nil, 1)
	flushed := make(chan struct{})
	go func() { c.Flush(); close(flushed) }()
	<-sink.entered
	for range 10_000 { // the flush is stuck in Samples; recording goes on
		c.Recorder(0).Add(reqs, nil, 1)
	}
	close(sink.block)
	<-flushed
	c.Flush()
	assert.Len(t, sink.samples, 10_001)
}

func TestNoTimeSeriesUnlessAsked(t *testing.T) {
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{})
	c.Recorder(0).Add(reg.Get(metrics.HTTPReqs), nil, 1)
	c.Flush()
	assert.Nil(t, c.TimeSeries())
	assert.Equal(t, uint64(1), c.Snapshot().Aggregate(reg.Get(metrics.HTTPReqs), nil).Count)
}
