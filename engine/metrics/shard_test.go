package metrics

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestIdleSeriesLeaveShardBuffers checks that series which stop receiving samples (such as
// high-cardinality tags) are dropped from the shard buffers after a quiet interval, while the
// run totals keep them.
func TestIdleSeriesLeaveShardBuffers(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	c := NewCollector(reg, CollectorConfig{Shards: 1})
	m := reg.Get(HTTPReqDuration)
	rec := c.Recorder(0)
	for i := range 500 {
		rec.Add(m, NewTags(map[string]string{"url": "/item/" + strconv.Itoa(i)}), 1)
	}
	keep := NewTags(map[string]string{"url": "/home"})
	rec.Add(m, keep, 1)
	s := c.shards[0]
	c.Flush() // swaps: the 501 accumulators are now in cold, reset
	assert.Len(t, s.cold.accs, 501)
	rec.Add(m, keep, 2)
	c.Flush() // the buffer with /home only is drained; the one with 501 series becomes hot
	c.Flush() // that one is drained again after a quiet interval: all its series are dropped
	assert.Len(t, s.hot.accs, 1, "/home, kept after its busy interval")
	assert.Empty(t, s.cold.accs)
	assert.Len(t, c.Snapshot().Series, 501)
}

// TestSeriesRecordedAgainAfterEvictionIsCounted checks that a series evicted from a buffer for
// idleness is counted when it records again into that buffer (no stale lookup cache).
func TestSeriesRecordedAgainAfterEvictionIsCounted(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	c := NewCollector(reg, CollectorConfig{Shards: 1})
	m := reg.Get(Iterations)
	tags := NewTags(map[string]string{"scenario": "a"})
	rec := c.Recorder(0)
	rec.Add(m, tags, 1)
	for range 4 { // the buffer that held the series is drained twice: evicted, then hot again
		c.Flush()
	}
	rec.Add(m, tags, 1)
	c.Flush()
	assert.Equal(t, uint64(2), c.Snapshot().Aggregate(m, nil).Count)
}
