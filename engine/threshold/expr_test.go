package threshold

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		agg   Agg
		p     float64
		op    Op
		value float64
		key   string
	}{
		{"avg<200", AggAvg, 0, OpLT, 200, "avg"},
		{"min <= 1", AggMin, 0, OpLE, 1, "min"},
		{"med>3.5", AggMed, 0, OpGT, 3.5, "med"},
		{" max >= 10 ", AggMax, 0, OpGE, 10, "max"},
		{"p(95)<500", AggPercentile, 95, OpLT, 500, "p(95)"},
		{"p(99.9) < 1500", AggPercentile, 99.9, OpLT, 1500, "p(99.9)"},
		{"p(0)>=0", AggPercentile, 0, OpGE, 0, "p(0)"},
		{"p(100)<1", AggPercentile, 100, OpLT, 1, "p(100)"},
		{"count==0", AggCount, 0, OpEq, 0, "count"},
		{"count===5", AggCount, 0, OpStrictEq, 5, "count"},
		{"rate!=1", AggRate, 0, OpNE, 1, "rate"},
		{"rate<0.01", AggRate, 0, OpLT, 0.01, "rate"},
		{"value>-3", AggValue, 0, OpGT, -3, "value"},
		{"value<1e3", AggValue, 0, OpLT, 1000, "value"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.agg, e.Agg)
			assert.Equal(t, tc.p, e.Percentile)
			assert.Equal(t, tc.op, e.Op)
			assert.Equal(t, tc.value, e.Value)
			assert.Equal(t, tc.key, e.AggKey())
			assert.Equal(t, tc.in, e.Source)
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "avg", "avg=5", "avg 5", "<5", "avg<", "avg<abc", "avg<5<6", "mean<5",
		"AVG<5", "p95<5", "p(95<5", "p()<5", "p(x)<5", "p(101)<5", "p(-1)<5", "p( 95 )<5",
		"p (95)<5", "avg<NaN", "avg=<5",
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(in)
			require.ErrorIs(t, err, ErrSyntax)
		})
	}
}

func TestExprHolds(t *testing.T) {
	t.Parallel()
	// observed values below, equal to and above the threshold value 10
	tests := []struct {
		op                 Op
		below, equal, over bool
	}{
		{OpLT, true, false, false},
		{OpLE, true, true, false},
		{OpGT, false, false, true},
		{OpGE, false, true, true},
		{OpEq, false, true, false},
		{OpStrictEq, false, true, false},
		{OpNE, true, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.op.String(), func(t *testing.T) {
			t.Parallel()
			e, err := Parse("avg" + tc.op.String() + "10")
			require.NoError(t, err)
			require.Equal(t, tc.op, e.Op)
			assert.Equal(t, tc.below, e.Holds(9.5), "below")
			assert.Equal(t, tc.equal, e.Holds(10), "equal")
			assert.Equal(t, tc.over, e.Holds(10.5), "over")
			assert.Equal(t, tc.op == OpNE, e.Holds(math.NaN()), "NaN")
		})
	}
}
