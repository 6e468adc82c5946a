package metrics

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// ErrBadSnapshot is returned by DecodeSnapshot for data that is not a valid encoded snapshot.
var ErrBadSnapshot = errors.New("malformed snapshot encoding")

// snapshotMagic starts every encoded snapshot; its last byte is the format version.
const snapshotMagic = "NNJSSNP\x01"

// MarshalBinary encodes the snapshot for another process (for example to merge the results of
// several machines): run start and length, then each series with its metric's name, type and
// value type, its tags, its exact count, sum, min, max and last, and for trends the HDR
// histogram in hdrhistogram-go's V2 compressed encoding.
func (s *Snapshot) MarshalBinary() ([]byte, error) {
	out := append([]byte(nil), snapshotMagic...)
	var start int64 // 0 encodes the zero time
	if !s.Start.IsZero() {
		start = s.Start.UnixNano()
	}
	out = binary.AppendVarint(out, start)
	out = binary.AppendVarint(out, int64(s.Elapsed))
	out = binary.AppendUvarint(out, uint64(len(s.Series)))
	for _, se := range s.Series {
		var err error
		if out, err = appendSeries(out, se); err != nil {
			return nil, fmt.Errorf("metrics: encode snapshot: %s: %w", se.Metric.Name, err)
		}
	}
	return out, nil
}

func appendSeries(out []byte, se Series) ([]byte, error) {
	out = appendString(out, se.Metric.Name)
	out = append(out, byte(se.Metric.Type), byte(se.Metric.Contains))
	pairs := se.Tags.Pairs()
	out = binary.AppendUvarint(out, uint64(len(pairs)))
	for _, p := range pairs {
		out = appendString(appendString(out, p.Key), p.Value)
	}
	k := se.Sink
	out = binary.AppendUvarint(out, k.Count)
	for _, f := range []float64{k.Sum, k.Min, k.Max, k.Last} {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(f))
	}
	if se.Metric.Type != Trend {
		return out, nil
	}
	h, err := k.Hist.Encode()
	if err != nil {
		return nil, fmt.Errorf("encode histogram: %w", err)
	}
	return appendString(out, string(h)), nil
}

func appendString(out []byte, s string) []byte {
	return append(binary.AppendUvarint(out, uint64(len(s))), s...)
}

// DecodeSnapshot decodes data written by Snapshot.MarshalBinary. Its metrics are looked up in
// reg by name, and registered there when missing; a metric registered with another type is an
// error wrapping ErrConflict. Malformed data gives an error wrapping ErrBadSnapshot.
func DecodeSnapshot(reg *Registry, data []byte) (*Snapshot, error) {
	d := &decoder{data: data}
	if string(d.take(len(snapshotMagic))) != snapshotMagic {
		return nil, fmt.Errorf("metrics: decode snapshot: %w: bad header", ErrBadSnapshot)
	}
	s := &Snapshot{}
	if start := d.varint(); start != 0 {
		s.Start = time.Unix(0, start)
	}
	s.Elapsed = time.Duration(d.varint())
	n := d.uvarint()
	for i := uint64(0); i < n && d.err == nil; i++ {
		se, err := d.series(reg)
		if err != nil {
			return nil, fmt.Errorf("metrics: decode snapshot: series %d: %w", i, err)
		}
		s.Series = append(s.Series, se)
	}
	switch {
	case d.err != nil:
		return nil, fmt.Errorf("metrics: decode snapshot: %w", d.err)
	case len(d.data) > 0:
		return nil, fmt.Errorf("metrics: decode snapshot: %w: %d trailing bytes", ErrBadSnapshot, len(d.data))
	}
	s.sort()
	return s, nil
}

// decoder reads the encoding; the first error sticks and later reads return zero values.
type decoder struct {
	data []byte
	err  error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrBadSnapshot, what)
	}
	d.data = nil
}

func (d *decoder) take(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.data) {
		d.fail("truncated")
		return nil
	}
	b := d.data[:n]
	d.data = d.data[n:]
	return b
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.data)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.data = d.data[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.data)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.data = d.data[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.data)) {
		d.fail("truncated string")
		return ""
	}
	return string(d.take(int(n)))
}

func (d *decoder) float() float64 {
	b := d.take(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (d *decoder) series(reg *Registry) (Series, error) {
	name := d.string()
	kind := d.take(2)
	var tags []Tag
	for n := d.uvarint(); n > 0 && d.err == nil; n-- {
		tags = append(tags, Tag{Key: d.string(), Value: d.string()})
	}
	k := &Sink{Count: d.uvarint(), Sum: d.float(), Min: d.float(), Max: d.float(), Last: d.float()}
	if d.err != nil {
		return Series{}, d.err
	}
	typ, contains := Type(kind[0]), ValueType(kind[1])
	if typ < Counter || typ > Trend || contains > Data {
		return Series{}, fmt.Errorf("%w: bad metric type %d/%d", ErrBadSnapshot, typ, contains)
	}
	m, err := reg.New(name, typ, contains)
	if err != nil {
		return Series{}, err
	}
	k.Type = typ
	if typ == Trend {
		if k.Hist, err = d.histogram(k.Count); err != nil {
			return Series{}, err
		}
	}
	return Series{Metric: m, Tags: fromPairs(tags), Sink: k}, nil
}

func (d *decoder) histogram(count uint64) (*hdr.PackedHistogram, error) {
	raw := d.string()
	if d.err != nil {
		return nil, d.err
	}
	h, err := hdr.DecodePacked([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: histogram: %w", ErrBadSnapshot, err)
	}
	if h.TotalCount() < 0 || uint64(h.TotalCount()) != count {
		return nil, fmt.Errorf("%w: histogram holds %d samples, sink %d", ErrBadSnapshot, h.TotalCount(), count)
	}
	return h, nil
}

// Clone returns a deep copy of the snapshot that the caller owns (for example to Merge into).
func (s *Snapshot) Clone() *Snapshot {
	c := &Snapshot{Start: s.Start, Elapsed: s.Elapsed, Series: make([]Series, len(s.Series))}
	for i, se := range s.Series {
		c.Series[i] = Series{Metric: se.Metric, Tags: se.Tags, Sink: se.Sink.Clone()}
	}
	return c
}

// Merge adds the series of o into s, matching series by metric name, type and tags, so that the
// merged counts and sums are exact and trend percentiles are those of all samples. The merged
// snapshot spans both runs, which are taken to be parts of one test that ran at the same time
// (execution segments): the VU gauges vus and vus_max add up (their value, min and max); for
// any other gauge present in both, o's last value wins. Merge modifies s, which must be owned
// by the caller (from DecodeSnapshot or Clone, never a Collector's shared Snapshot); o is not
// modified.
func (s *Snapshot) Merge(o *Snapshot) {
	if o == nil {
		return
	}
	idx := make(map[string]int, len(s.Series))
	for i, se := range s.Series {
		idx[mergeKey(se)] = i
	}
	for _, se := range o.Series {
		k := mergeKey(se)
		if i, ok := idx[k]; ok {
			if dst := s.Series[i].Sink; concurrentGauge(se.Metric) && dst.Count > 0 && se.Sink.Count > 0 {
				dst.Count += se.Sink.Count
				dst.Last += se.Sink.Last
				dst.Min += se.Sink.Min
				dst.Max += se.Sink.Max
			} else {
				dst.Merge(se.Sink)
			}
			continue
		}
		idx[k] = len(s.Series)
		s.Series = append(s.Series, Series{Metric: se.Metric, Tags: se.Tags, Sink: se.Sink.Clone()})
	}
	s.mergeSpan(o)
	s.sort()
}

// concurrentGauge reports whether m counts something every process has its own share of at
// the same time (VUs), so that merged processes add up.
func concurrentGauge(m *Metric) bool {
	return m.Type == Gauge && (m.Name == VUs || m.Name == VUsMax)
}

func mergeKey(se Series) string {
	return se.Metric.Name + "\x00" + se.Metric.Type.String() + "\x00" + se.Tags.Key()
}

// mergeSpan makes s cover its own period and o's.
func (s *Snapshot) mergeSpan(o *Snapshot) {
	switch {
	case o.Start.IsZero():
		return
	case s.Start.IsZero():
		s.Start, s.Elapsed = o.Start, o.Elapsed
		return
	}
	end := s.Start.Add(s.Elapsed)
	if oe := o.Start.Add(o.Elapsed); oe.After(end) {
		end = oe
	}
	if o.Start.Before(s.Start) {
		s.Start = o.Start
	}
	s.Elapsed = end.Sub(s.Start)
}

// sort orders series by metric ID, then name, then tags, as a Collector does.
func (s *Snapshot) sort() {
	slices.SortStableFunc(s.Series, func(a, b Series) int {
		return cmp.Or(cmp.Compare(a.Metric.ID, b.Metric.ID), cmp.Compare(a.Metric.Name, b.Metric.Name),
			cmp.Compare(a.Tags.Key(), b.Tags.Key()))
	})
}
