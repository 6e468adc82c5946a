package executor_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/executor"
)

func TestFilter(t *testing.T) {
	t.Parallel()
	cfgs, err := executor.FromOptions(parse(t, `{"scenarios": {
		"browse": {"executor": "constant-vus", "duration": "1s"},
		"pay": {"executor": "constant-arrival-rate", "rate": 5, "duration": "1s", "preAllocatedVUs": 1},
		"refund": {"executor": "per-vu-iterations", "startTime": "1s"}}}`))
	require.NoError(t, err)
	cases := []struct {
		name  string
		names []string
		want  []string
	}{
		{"no filter", nil, []string{"browse", "pay", "refund"}},
		{"one", []string{"pay"}, []string{"pay"}},
		{"repeated flag keeps config order", []string{"refund", "browse"}, []string{"browse", "refund"}},
		{"comma-separated", []string{"refund,pay"}, []string{"pay", "refund"}},
		{"duplicates and blanks", []string{"pay", " pay ,", ""}, []string{"pay"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := executor.Filter(cfgs, tc.names)
			require.NoError(t, err)
			var names []string
			for _, c := range got {
				names = append(names, c.Base().Name)
			}
			assert.Equal(t, tc.want, names)
		})
	}
	t.Run("unknown name", func(t *testing.T) {
		t.Parallel()
		got, err := executor.Filter(cfgs, []string{"pay", "payy"})
		assert.Nil(t, got)
		assert.ErrorIs(t, err, executor.ErrUnknownScenario)
		assert.ErrorIs(t, err, executor.ErrConfig)
		assert.ErrorContains(t, err, `"payy" (allowed: browse, pay, refund)`, "the error lists the scenarios")
	})
}
