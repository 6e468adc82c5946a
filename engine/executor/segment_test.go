package executor_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/executor"
)

func TestParseSegment(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
	}{
		{"1/3:2/3", "1/3:2/3"},
		{"0.5", "0:1/2"},
		{"50%:100%", "1/2:1"},
		{"2/4:75%", "1/2:3/4"},
		{"12.5%", "0:1/8"},
		{".25:0.5", "1/4:1/2"},
		{"", "0:1"},
		{" 0:1 ", "0:1"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			seg, err := executor.ParseSegment(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, seg.String())
		})
	}
}

func TestParseSegmentErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"2/3:1/3", "1/3:1/3", "1:2", "-1:1", "0:-1/2", "abc", "1/0", "0.5:", ":0.5", "1e-1", "0x1/2",
		"1/2/3", "5.", "%", "1/2%", "0.0000000000001", "1:1/3:2/3", "0", "1 /2",
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			_, err := executor.ParseSegment(in)
			require.Error(t, err)
			assert.ErrorIs(t, err, executor.ErrSegment)
			assert.ErrorIs(t, err, executor.ErrConfig)
		})
	}
}

func TestParseSequence(t *testing.T) {
	t.Parallel()
	seq, err := executor.ParseSequence("0,1/3,2/3,1")
	require.NoError(t, err)
	require.Len(t, seq, 3)
	assert.Equal(t, "1/3:2/3", seq[1].String())
	assert.Equal(t, "0,1/3,2/3,1", seq.String())

	seq, err = executor.ParseSequence("")
	require.NoError(t, err)
	assert.Empty(t, seq)

	for _, in := range []string{"0", "0,1/2,1/3", "0,0,1", "0,x,1", "0,1,2", "0,,1"} {
		_, err := executor.ParseSequence(in)
		assert.ErrorIs(t, err, executor.ErrSegment, in)
	}
}

func part(t testing.TB, seg, seq string) *executor.Part {
	t.Helper()
	s, err := executor.ParseSegment(seg)
	require.NoError(t, err)
	q, err := executor.ParseSequence(seq)
	require.NoError(t, err)
	p, err := executor.NewPart(s, q)
	require.NoError(t, err)
	return p
}

// parts returns the parts of every segment of seq.
func parts(t testing.TB, seq string) []*executor.Part {
	t.Helper()
	q, err := executor.ParseSequence(seq)
	require.NoError(t, err)
	out := make([]*executor.Part, len(q))
	for i, s := range q {
		out[i] = part(t, s.String(), seq)
	}
	return out
}

func TestNewPart(t *testing.T) {
	t.Parallel()
	assert.Nil(t, part(t, "", ""), "no segment is the whole test")
	assert.Nil(t, part(t, "0:1", "0,1"))

	p := part(t, "1/3:2/3", "")
	assert.Equal(t, "0,1/3,2/3,1", p.Sequence().String(), "gaps are filled")
	assert.Equal(t, int64(3), p.Stripe())

	p = part(t, "1/4:1/2", "1/4,1/2,1")
	assert.Equal(t, "0,1/4,1/2,1", p.Sequence().String())

	seg, err := executor.ParseSegment("1/3:2/3")
	require.NoError(t, err)
	seq, err := executor.ParseSequence("0,1/4,1/2,1")
	require.NoError(t, err)
	_, err = executor.NewPart(seg, seq)
	assert.ErrorIs(t, err, executor.ErrSegment, "the segment must be in the sequence")

	seq, err = executor.ParseSequence("0,1/999983,1/999979,1")
	require.NoError(t, err)
	_, err = executor.NewPart(seq[0], seq)
	assert.ErrorIs(t, err, executor.ErrSegment, "too fine a sequence is refused")
}

func TestPartScale(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		seq  string
		n    int64
		want []int64
	}{
		{"7 VUs in thirds", "0,1/3,2/3,1", 7, []int64{3, 2, 2}},
		{"1000 in thirds", "0,1/3,2/3,1", 1000, []int64{334, 333, 333}},
		{"100 in thirds", "0,1/3,2/3,1", 100, []int64{34, 33, 33}},
		{"1 in thirds", "0,1/3,2/3,1", 1, []int64{1, 0, 0}},
		{"2 in thirds", "0,1/3,2/3,1", 2, []int64{1, 1, 0}},
		{"halves and quarters", "0,1/2,3/4,1", 10, []int64{5, 3, 2}},
		{"uneven", "0,0.3,0.5,1", 10, []int64{3, 2, 5}},
		{"zero", "0,1/2,1", 0, []int64{0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []int64
			for _, p := range parts(t, tc.seq) {
				got = append(got, p.Scale(tc.n))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestPartsSumExactly checks, for many values and sequences, that shares sum to the value
// and that the parts' global positions never collide and cover 0..n-1.
func TestPartsSumExactly(t *testing.T) {
	t.Parallel()
	for _, seq := range []string{"0,1/3,2/3,1", "0,0.3,0.5,0.6,0.7,0.8,0.9,1", "0,1/7,1/2,1", "0,10%,1"} {
		ps := parts(t, seq)
		for n := range int64(150) {
			var sum int64
			seen := map[uint64]bool{}
			for _, p := range ps {
				share := p.Scale(n)
				sum += share
				for k := range uint64(share) {
					g := p.Global(k)
					require.False(t, seen[g], "%s n=%d: position %d twice", seq, n, g)
					require.Less(t, g, uint64(n))
					seen[g] = true
				}
			}
			require.Equal(t, n, sum, "%s n=%d", seq, n)
		}
	}
}

func TestPartForValue(t *testing.T) {
	t.Parallel()
	ps := parts(t, "0,1/3,2/3,1")
	// 1 VU: only the first third has it, so it takes every iteration.
	var got []int64
	for _, p := range ps {
		q, ok := p.ForValue(1)
		if !ok {
			got = append(got, -1)
			continue
		}
		got = append(got, q.Scale(9))
	}
	assert.Equal(t, []int64{9, -1, -1}, got)
	// 2 VUs: the third without one gets no iteration; the others share them.
	got = got[:0]
	for _, p := range ps {
		if q, ok := p.ForValue(2); ok {
			got = append(got, q.Scale(9))
		}
	}
	assert.Equal(t, []int64{5, 4}, got)
	// A value the stripe divides keeps the part.
	q, ok := ps[1].ForValue(3)
	assert.True(t, ok)
	assert.Same(t, ps[1], q)
}

// FuzzParseSegment: the parser never panics; what it accepts prints back to itself and makes
// a part whose shares sum exactly.
func FuzzParseSegment(f *testing.F) {
	for _, seed := range []string{"1/3:2/3", "0.5", "50%:100%", "", "2/4:75%", "1e3", "0:1/0", "9/10:1"} {
		f.Add(seed, "")
	}
	f.Add("1/3:2/3", "0,1/3,2/3,1")
	f.Add("0:1/2", "0,1/2,1")
	f.Fuzz(func(t *testing.T, segStr, seqStr string) {
		seg, err := executor.ParseSegment(segStr)
		if err != nil {
			require.ErrorIs(t, err, executor.ErrSegment)
			return
		}
		again, err := executor.ParseSegment(seg.String())
		require.NoError(t, err)
		require.True(t, seg.Equal(again))
		seq, err := executor.ParseSequence(seqStr)
		if err != nil {
			require.ErrorIs(t, err, executor.ErrSegment)
			return
		}
		p, err := executor.NewPart(seg, seq)
		if err != nil {
			require.ErrorIs(t, err, executor.ErrSegment)
			return
		}
		if p.Stripe()*int64(len(p.Sequence())) > 100_000 {
			return // valid, but too slow to make every part of it here
		}
		var sum int64
		for _, s := range p.Sequence() {
			other, err := executor.NewPart(s, p.Sequence())
			require.NoError(t, err)
			sum += other.Scale(1000)
		}
		require.Equal(t, int64(1000), sum)
	})
}
