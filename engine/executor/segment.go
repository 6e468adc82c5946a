package executor

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Limits on execution segments, which keep the striping tables small (see Part).
const (
	// MaxSegmentDigits is the most digits one number of a segment or sequence may have.
	MaxSegmentDigits = 12
	// MaxStripe is the largest common denominator a segment sequence may have: the striping
	// table of a sequence holds one entry per unit of it.
	MaxStripe = 1_000_000
	// maxStripeWork bounds the striping work: common denominator × number of segments.
	maxStripeWork = 50_000_000
)

// ErrSegment is wrapped by every error about --execution-segment and
// --execution-segment-sequence; errors.Is also matches it with ErrConfig.
var ErrSegment error = segmentError{}

type segmentError struct{}

func (segmentError) Error() string { return "invalid execution segment" }

// Is makes ErrSegment match ErrConfig.
func (segmentError) Is(target error) bool { return target == ErrConfig }

var ratZero, ratOne = big.NewRat(0, 1), big.NewRat(1, 1)

// Segment is the part (From, To] of every scenario that one process runs, with
// 0 ≤ From < To ≤ 1 (k6's execution segment). The zero Segment is invalid; use ParseSegment or
// WholeSegment. A Segment is immutable.
type Segment struct {
	from, to *big.Rat
}

// WholeSegment returns the segment 0:1, the whole test.
func WholeSegment() Segment { return Segment{from: ratZero, to: ratOne} }

// ParseSegment parses k6's --execution-segment syntax: "from:to" or just "to" (meaning 0:to),
// each a fraction ("1/3"), a decimal ("0.25") or a percentage ("25%"). An empty string is
// the whole test. Errors wrap ErrSegment.
func ParseSegment(s string) (Segment, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return WholeSegment(), nil
	}
	from, toStr := ratZero, s
	if a, b, ok := strings.Cut(s, ":"); ok {
		var err error
		if from, err = parseRatio(a); err != nil {
			return Segment{}, fmt.Errorf("execution segment %q: %w", s, err)
		}
		toStr = b
	}
	to, err := parseRatio(toStr)
	if err != nil {
		return Segment{}, fmt.Errorf("execution segment %q: %w", s, err)
	}
	seg, err := newSegment(from, to)
	if err != nil {
		return Segment{}, fmt.Errorf("execution segment %q: %w", s, err)
	}
	return seg, nil
}

func newSegment(from, to *big.Rat) (Segment, error) {
	switch {
	case from.Sign() < 0:
		return Segment{}, fmt.Errorf("%w: start %s is below 0", ErrSegment, from.RatString())
	case to.Cmp(ratOne) > 0:
		return Segment{}, fmt.Errorf("%w: end %s is above 1", ErrSegment, to.RatString())
	case from.Cmp(to) >= 0:
		return Segment{}, fmt.Errorf("%w: start %s must be below end %s", ErrSegment, from.RatString(), to.RatString())
	}
	return Segment{from: from, to: to}, nil
}

// String returns the segment as "from:to" with fractions, e.g. "1/3:2/3".
func (s Segment) String() string {
	if s.from == nil {
		return "0:1"
	}
	return s.from.RatString() + ":" + s.to.RatString()
}

// Equal reports whether s and o are the same segment.
func (s Segment) Equal(o Segment) bool {
	return s.fromRat().Cmp(o.fromRat()) == 0 && s.toRat().Cmp(o.toRat()) == 0
}

// IsWhole reports whether s is 0:1.
func (s Segment) IsWhole() bool { return s.Equal(WholeSegment()) }

func (s Segment) fromRat() *big.Rat {
	if s.from == nil {
		return ratZero
	}
	return s.from
}

func (s Segment) toRat() *big.Rat {
	if s.to == nil {
		return ratOne
	}
	return s.to
}

func (s Segment) length() *big.Rat { return new(big.Rat).Sub(s.toRat(), s.fromRat()) }

// Sequence is k6's --execution-segment-sequence: consecutive segments, e.g. 0:1/3, 1/3:2/3,
// 2/3:1. Gaps before the first and after the last segment are filled when a Part is made.
type Sequence []Segment

// ParseSequence parses a comma-separated list of at least two increasing points, each a
// fraction, decimal or percentage ("0,1/3,2/3,1"). An empty string is the empty sequence.
// Errors wrap ErrSegment.
func ParseSequence(s string) (Sequence, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) < 2 {
		return nil, fmt.Errorf("execution segment sequence %q: %w: needs at least 2 points, e.g. \"0,1/2,1\"", s, ErrSegment)
	}
	seq := make(Sequence, 0, len(parts)-1)
	var prev *big.Rat
	for i, p := range parts {
		r, err := parseRatio(p)
		if err != nil {
			return nil, fmt.Errorf("execution segment sequence %q: point %d: %w", s, i+1, err)
		}
		if prev != nil {
			seg, err := newSegment(prev, r)
			if err != nil {
				return nil, fmt.Errorf("execution segment sequence %q: point %d: %w", s, i+1, err)
			}
			seq = append(seq, seg)
		}
		prev = r
	}
	return seq, nil
}

// String returns the sequence as comma-separated points.
func (q Sequence) String() string {
	if len(q) == 0 {
		return ""
	}
	pts := []string{q[0].fromRat().RatString()}
	for _, s := range q {
		pts = append(pts, s.toRat().RatString())
	}
	return strings.Join(pts, ",")
}

// filled returns q with the gaps 0:first and last:1 added; seg alone when q is empty.
func (q Sequence) filled(seg Segment) Sequence {
	if len(q) == 0 {
		q = Sequence{seg}
	}
	out := make(Sequence, 0, len(q)+2)
	if first := q[0].fromRat(); first.Sign() > 0 {
		out = append(out, Segment{from: ratZero, to: first})
	}
	out = append(out, q...)
	if last := q[len(q)-1].toRat(); last.Cmp(ratOne) < 0 {
		out = append(out, Segment{from: last, to: ratOne})
	}
	return out
}

// parseRatio parses "a/b", a decimal "0.25" or a percentage "25%" / "12.5%" into a
// non-negative rational. Numbers have at most MaxSegmentDigits digits and no exponent.
func parseRatio(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	s = strings.TrimSuffix(s, "%")
	var r *big.Rat
	if a, b, ok := strings.Cut(s, "/"); ok && !pct {
		num, err1 := parseDecimal(a, false)
		den, err2 := parseDecimal(b, false)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%w: %q is not a fraction: %w", ErrSegment, s, err)
		}
		if den.Sign() == 0 {
			return nil, fmt.Errorf("%w: %q divides by zero", ErrSegment, s)
		}
		r = num.Quo(num, den)
	} else {
		var err error
		if r, err = parseDecimal(s, true); err != nil {
			return nil, fmt.Errorf("%w: %q is not a fraction, decimal or percentage: %w", ErrSegment, s, err)
		}
	}
	if pct {
		r.Quo(r, big.NewRat(100, 1))
	}
	return r, nil
}

// parseDecimal parses digits with an optional fraction part (when frac is set).
func parseDecimal(s string, frac bool) (*big.Rat, error) {
	intPart, fracPart, hasDot := strings.Cut(s, ".")
	digits := 0
	for _, part := range []string{intPart, fracPart} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return nil, fmt.Errorf("unexpected %q", c)
			}
			digits++
		}
	}
	switch {
	case digits == 0 || (hasDot && (!frac || fracPart == "")):
		return nil, errors.New("expected digits")
	case digits > MaxSegmentDigits:
		return nil, fmt.Errorf("more than %d digits", MaxSegmentDigits)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, errors.New("not a number")
	}
	return r, nil
}
