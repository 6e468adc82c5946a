package metrics

import (
	"sort"
	"strings"
)

// Tag is one key/value pair.
type Tag struct{ Key, Value string }

// Tags is an immutable, sorted tag set with a precomputed identity key. Build it once and
// reuse it for every sample that carries the same tags; the zero value and nil are the empty set.
type Tags struct {
	pairs []Tag
	key   string
}

// NewTags builds a tag set from a map.
func NewTags(m map[string]string) *Tags {
	pairs := make([]Tag, 0, len(m))
	for k, v := range m {
		pairs = append(pairs, Tag{k, v})
	}
	return fromPairs(pairs)
}

func fromPairs(pairs []Tag) *Tags {
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].Key < pairs[j].Key })
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p.Key)
		b.WriteByte(':')
		b.WriteString(p.Value)
	}
	return &Tags{pairs: pairs, key: b.String()}
}

// With returns a new set with key set to value (replacing an existing value).
func (t *Tags) With(key, value string) *Tags {
	return t.Merge(map[string]string{key: value})
}

// Merge returns a new set with every pair of m added, replacing existing values.
func (t *Tags) Merge(m map[string]string) *Tags {
	if len(m) == 0 {
		return t
	}
	pairs := make([]Tag, 0, t.Len()+len(m))
	for _, p := range t.Pairs() {
		if _, ok := m[p.Key]; !ok {
			pairs = append(pairs, p)
		}
	}
	for k, v := range m {
		pairs = append(pairs, Tag{k, v})
	}
	return fromPairs(pairs)
}

// Get returns the value of key.
func (t *Tags) Get(key string) (string, bool) {
	for _, p := range t.Pairs() {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

// Contains reports whether every pair of sub is in t (the sub-metric filter test).
func (t *Tags) Contains(sub *Tags) bool {
	for _, p := range sub.Pairs() {
		if v, ok := t.Get(p.Key); !ok || v != p.Value {
			return false
		}
	}
	return true
}

// Pairs returns the pairs sorted by key. The slice must not be modified.
func (t *Tags) Pairs() []Tag {
	if t == nil {
		return nil
	}
	return t.pairs
}

// Len returns the number of pairs.
func (t *Tags) Len() int { return len(t.Pairs()) }

// Key returns the identity of the set: "k1:v1,k2:v2" in key order.
func (t *Tags) Key() string {
	if t == nil {
		return ""
	}
	return t.key
}

// Map returns a fresh map of the pairs.
func (t *Tags) Map() map[string]string {
	m := make(map[string]string, t.Len())
	for _, p := range t.Pairs() {
		m[p.Key] = p.Value
	}
	return m
}

// Recorder records samples. Implementations must never block a VU on another VU's recording,
// and there is no global per-sample channel. A Recorder is used by one goroutine at a time; make one per VU.
type Recorder interface {
	// Add records value for metric m with tags. For a Rate, a non-zero value counts as a pass.
	Add(m *Metric, tags *Tags, value float64)
}
