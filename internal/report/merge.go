package report

import (
	"math"
	"slices"
)

// MergeTimelines combines the timelines of several processes of one test (execution segments
// run side by side) into one, column by column on the shared clock. Columns are regrouped into
// buckets as wide as the coarsest input column; in a bucket, counts and sums add up, the VU
// gauges (vus, vus_max) add up across processes, other gauges keep the highest value, and
// trend percentiles are count-weighted means (ApproxPercentiles is set when that mixes
// several processes or columns). Nil timelines are skipped; it returns nil when none is left.
func MergeTimelines(tls ...*Timeline) *Timeline {
	tls = slices.DeleteFunc(slices.Clone(tls), func(t *Timeline) bool { return t == nil || len(t.End) == 0 })
	if len(tls) == 0 {
		return nil
	}
	if len(tls) == 1 {
		return tls[0].clone()
	}
	width := 0.0
	for _, t := range tls {
		width = math.Max(width, t.IntervalMs*math.Pow(2, float64(t.Halvings)))
	}
	width = math.Max(width, 1)
	buckets := map[int64]int{} // bucket number -> column
	var keys []int64
	for _, t := range tls {
		for _, e := range t.End {
			b := int64(math.Ceil(float64(e) / width))
			if _, ok := buckets[b]; !ok {
				buckets[b] = 0
				keys = append(keys, b)
			}
		}
	}
	slices.Sort(keys)
	out := &Timeline{IntervalMs: tls[0].IntervalMs, End: make([]int64, len(keys)), Dur: make([]float64, len(keys)),
		ApproxPercentiles: true}
	for i, b := range keys {
		buckets[b] = i
		out.End[i], out.Dur[i] = int64(float64(b)*width), width
	}
	out.Halvings = int(math.Round(math.Log2(width / math.Max(out.IntervalMs, 1))))
	lines := map[string]*Line{}
	for _, t := range tls {
		out.DroppedGroups += t.DroppedGroups
		into := map[string]*Line{} // this process's lines, regrouped into the buckets
		for _, l := range t.Lines {
			dst := newLine(l.Metric, l.Type, l.Contains, l.Tag, len(keys))
			for c, e := range t.End {
				dst.absorb(l, c, buckets[int64(math.Ceil(float64(e)/width))], false)
			}
			into[l.Key()] = dst
		}
		for k, l := range into {
			if lines[k] == nil {
				lines[k] = newLine(l.Metric, l.Type, l.Contains, l.Tag, len(keys))
				out.Lines = append(out.Lines, lines[k])
			}
			for c := range keys {
				lines[k].absorb(l, c, c, true)
			}
		}
	}
	return out
}

// absorb merges column c of src into column dst of l. across says src is another process
// (VU gauges then add up) rather than an earlier column of the same one (the later value
// wins).
func (l *Line) absorb(src *Line, c, dst int, across bool) {
	if math.IsNaN(src.Count[c]) {
		return
	}
	ca, cb := l.Count[dst], src.Count[c]
	for i, p := range l.percentiles() {
		(*p)[dst] = weighted((*p)[dst], ca, (*src.percentiles()[i])[c], cb)
	}
	if l.Last != nil {
		switch {
		case !across:
			l.Last[dst] = lastOf(l.Last[dst], src.Last[c])
		case l.Metric == "vus" || l.Metric == "vus_max":
			l.Last[dst] = addMissing(l.Last[dst], src.Last[c])
		default:
			l.Last[dst] = maxMissing(l.Last[dst], src.Last[c])
		}
	}
	if l.Sum != nil {
		l.Sum[dst] = addMissing(l.Sum[dst], src.Sum[c])
	}
	l.Count[dst] = addMissing(ca, cb)
}

// maxMissing is the larger of two values where NaN is "no sample".
func maxMissing(a, b float64) float64 { return bothPresent(a, b, math.Max) }
