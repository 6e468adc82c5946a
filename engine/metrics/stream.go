package metrics

import "sync"

// Sample is one recorded value with the time it was recorded, as a Stream receives it.
type Sample struct {
	Metric *Metric
	Tags   *Tags
	Value  float64
	Time   int64 // Unix nanoseconds
}

// Stream receives every raw sample of a run, for outputs that write them one by one (see
// CollectorConfig.Stream).
type Stream interface {
	// Samples receives the batch of one shard for one interval. It is called by the flushing
	// goroutine while the collector holds its flush lock, so it must return quickly: hand the
	// batch to another goroutine. The receiver owns the batch and calls Release when done.
	Samples(b *SampleBatch)
}

// SampleBatch is the samples one shard recorded during one interval, in recording order.
type SampleBatch struct {
	Samples []Sample
	// Dropped counts the samples recorded in the interval beyond the shard's limit (see
	// CollectorConfig.StreamLimit); they are in the run totals but not in Samples.
	Dropped uint64
}

// Release hands the batch's memory back for reuse; b must not be used afterwards.
func (b *SampleBatch) Release() {
	if cap(b.Samples) == 0 {
		return
	}
	clear(b.Samples) // drop the metric and tag pointers
	s := b.Samples[:0]
	b.Samples = nil
	samplePool.Put(&s)
}

// samplePool recycles the sample slices of released batches.
var samplePool sync.Pool

// keepSample appends one sample for the stream, or counts it as dropped when the buffer
// already holds limit samples.
func (b *buffer) keepSample(s Sample, limit int) {
	if len(b.samples) >= limit {
		b.dropped++
		return
	}
	if b.samples == nil {
		if p, ok := samplePool.Get().(*[]Sample); ok {
			b.samples = *p
		}
	}
	b.samples = append(b.samples, s)
}

// takeSamples returns the buffer's kept samples as a batch (nil when it has none) and leaves
// the buffer without any.
func (b *buffer) takeSamples() *SampleBatch {
	if len(b.samples) == 0 && b.dropped == 0 {
		return nil
	}
	batch := &SampleBatch{Samples: b.samples, Dropped: b.dropped}
	b.samples, b.dropped = nil, 0
	return batch
}
