package executor

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"sort"
)

// Part is this process's share of every scenario: a segment within a full sequence of
// segments (k6's execution tuple). Work is split by striping: positions 0, 1, 2, ... of
// anything countable (VUs, iterations, arrival-rate ticks) are dealt to the sequence's
// segments in a fixed repeating pattern of Stripe() positions, each segment getting its length
// times Stripe() positions per period, spread as evenly as possible (larger segments choose
// first). Every process computes the same pattern from the sequence alone, so N processes
// together run exactly the whole, with no coordinator.
//
// A nil *Part is the whole test. A Part is immutable and safe for concurrent use.
type Part struct {
	seg   Segment
	seq   Sequence // filled: from 0 to 1 without gaps
	index int      // of seg in seq
	lcd   int64    // the stripe: common denominator of the segments' lengths
	owned [][]int64
}

// NewPart returns the part of seg within seq. An empty seq means seg alone, with the gaps
// around it filled; otherwise seg must be one of seq's segments (after filling). The result
// is nil when seg is the whole test. Errors wrap ErrSegment.
func NewPart(seg Segment, seq Sequence) (*Part, error) {
	full := seq.filled(seg)
	if len(full) == 1 && seg.IsWhole() {
		return nil, nil
	}
	index := slices.IndexFunc(full, seg.Equal)
	if index < 0 {
		return nil, fmt.Errorf("%w: segment %s is not in the sequence %s", ErrSegment, seg, full)
	}
	return newPart(full, index)
}

func newPart(full Sequence, index int) (*Part, error) {
	lcd := big.NewInt(1)
	for _, s := range full {
		d := s.length().Denom()
		g := new(big.Int).GCD(nil, nil, lcd, d)
		lcd.Mul(lcd, new(big.Int).Quo(d, g))
		if lcd.Cmp(big.NewInt(MaxStripe)) > 0 {
			return nil, fmt.Errorf("%w: sequence %s is too fine (common denominator above %d)", ErrSegment, full, MaxStripe)
		}
	}
	if lcd.Int64()*int64(len(full)) > maxStripeWork {
		return nil, fmt.Errorf("%w: sequence %s has too many segments", ErrSegment, full)
	}
	p := &Part{seg: full[index], seq: full, index: index, lcd: lcd.Int64()}
	p.owned = stripe(full, p.lcd)
	return p, nil
}

// stripe deals positions 0..lcd-1 to the segments: each position goes to the largest segment
// (by length, then by order) that is due, a segment of n positions per lcd being due at
// position i once it has at most i*n/lcd of them. As the lengths sum to 1, some segment is
// always due, and each ends with exactly its n positions, evenly spaced.
func stripe(full Sequence, lcd int64) [][]int64 {
	n := make([]int64, len(full))
	for i, s := range full {
		l := s.length()
		n[i] = new(big.Int).Quo(new(big.Int).Mul(l.Num(), big.NewInt(lcd)), l.Denom()).Int64()
	}
	order := make([]int, len(full))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(n[b], n[a]) })
	owned := make([][]int64, len(full))
	for i := range owned {
		owned[i] = make([]int64, 0, n[i])
	}
	for pos := range lcd {
		for _, j := range order {
			if int64(len(owned[j]))*lcd <= pos*n[j] {
				owned[j] = append(owned[j], pos)
				break
			}
		}
	}
	return owned
}

// Segment returns the part's segment (0:1 for a nil Part).
func (p *Part) Segment() Segment {
	if p == nil {
		return WholeSegment()
	}
	return p.seg
}

// Sequence returns the full sequence the part belongs to.
func (p *Part) Sequence() Sequence {
	if p == nil {
		return Sequence{WholeSegment()}
	}
	return p.seq
}

// Stripe returns the length of the repeating striping pattern (1 for a nil Part).
func (p *Part) Stripe() int64 {
	if p == nil {
		return 1
	}
	return p.lcd
}

// Scale returns this part's share of n: how many of the positions 0..n-1 it owns. The shares
// of all the parts of a sequence sum to n.
func (p *Part) Scale(n int64) int64 {
	if p == nil {
		return n
	}
	return scaleOwned(p.owned[p.index], p.lcd, n)
}

func scaleOwned(owned []int64, lcd, n int64) int64 {
	if n <= 0 {
		return 0
	}
	rest := n % lcd
	return n/lcd*int64(len(owned)) + int64(sort.Search(len(owned), func(i int) bool { return owned[i] >= rest }))
}

// Global returns the position in the whole test of this part's k-th position (0-based): how
// an iteration's number in this process maps to its number in the test. It is strictly
// increasing, and distinct parts of a sequence never return the same position.
func (p *Part) Global(k uint64) uint64 {
	if p == nil {
		return k
	}
	own := p.owned[p.index]
	m := uint64(len(own))
	return k/m*uint64(p.lcd) + uint64(own[k%m])
}

// ForValue returns the part to use for splitting work that only the owners of some of n
// things may do, as k6 does for iterations shared by n VUs or an arrival rate served by n
// VUs: the sequence is re-cut into segments of length Scale(n)/n, dropping empty ones, so that
// a process without any of the n things gets no work. ok is false when this part gets none
// of n. When every part gets at least one of n and n is too large to re-cut, the part itself
// is returned (its shares still sum exactly).
func (p *Part) ForValue(n int64) (q *Part, ok bool) {
	if p == nil || (n > 0 && n%p.lcd == 0) {
		return p, n > 0
	}
	if p.Scale(n) == 0 {
		return nil, false
	}
	if n > MaxStripe || n*int64(len(p.seq)) > maxStripeWork {
		return p, true // n ≥ lcd here, so every segment has a share
	}
	var (
		seq   Sequence
		index int
		prev  int64
	)
	for i := range p.seq {
		c := scaleOwned(p.owned[i], p.lcd, n)
		if c == 0 {
			continue
		}
		if i == p.index {
			index = len(seq)
		}
		seq = append(seq, Segment{from: big.NewRat(prev, n), to: big.NewRat(prev+c, n)})
		prev += c
	}
	if len(seq) == 1 {
		return nil, true
	}
	q, err := newPart(seq, index)
	if err != nil {
		return p, true // unreachable: n is within the limits checked above
	}
	return q, true
}

// inTest returns Global as an engine.ScenarioPlan.InTest func, nil for the whole test.
func (p *Part) inTest() func(uint64) uint64 {
	if p == nil {
		return nil
	}
	return p.Global
}
