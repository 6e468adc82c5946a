package jsapi

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/executor"
	"github.com/nnprotect/nnjs/engine/metrics"
)

const vuIDScript = `import exec from 'k6/execution';
export default function () {
  globalThis.ids = [exec.vu.idInTest, exec.vu.idInInstance, __VU];
}
`

// vuIDs runs one iteration on VUs 1..n of a runner configured with inTest and returns, per VU,
// [vu.idInTest, vu.idInInstance, __VU].
func vuIDs(t *testing.T, n uint64, inTest func(uint64) uint64) [][]int64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ids.js")
	require.NoError(t, os.WriteFile(path, []byte(vuIDScript), 0o644))
	prg, err := Compile(path, CompileOptions{})
	require.NoError(t, err)
	rec := &fakeRecorders{}
	r, err := NewRunner(prg, RunnerConfig{Registry: metrics.NewRegistry(), NewRecorder: rec.new, VUInTest: inTest})
	require.NoError(t, err)
	var out [][]int64
	for id := uint64(1); id <= n; id++ {
		ev, err := r.NewVU(context.Background(), id)
		require.NoError(t, err)
		v := ev.(*vu)
		v.Activate(engine.Activation{Scenario: "s", Executor: "constant-vus"})
		require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
		var ids []int64
		for _, x := range v.global("ids").([]any) {
			ids = append(ids, x.(int64))
		}
		out = append(out, ids)
	}
	return out
}

func TestVUIDInTestIsUniqueAcrossExecutionSegments(t *testing.T) {
	t.Parallel()
	type segment struct {
		seg  string
		want []int64 // idInTest of the segment's VUs 1, 2, ...
	}
	tests := []struct {
		name     string
		sequence string
		segments []segment
	}{
		// three equal segments deal the VU ids round-robin
		{"thirds", "0,1/3,2/3,1", []segment{
			{"0:1/3", []int64{1, 4, 7, 10}}, {"1/3:2/3", []int64{2, 5, 8, 11}}, {"2/3:1", []int64{3, 6, 9, 12}},
		}},
		// 1/4 and 3/4: the larger segment gets 3 ids of every 4
		{"uneven", "0,1/4,1", []segment{
			{"0:1/4", []int64{2, 6, 10}}, {"1/4:1", []int64{1, 3, 4, 5, 7, 8, 9, 11, 12}},
		}},
		{"whole", "", []segment{{"0:1", []int64{1, 2, 3}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			seq, err := executor.ParseSequence(tc.sequence)
			require.NoError(t, err)
			seen := map[int64]string{}
			for _, s := range tc.segments {
				seg, err := executor.ParseSegment(s.seg)
				require.NoError(t, err)
				part, err := executor.NewPart(seg, seq)
				require.NoError(t, err)
				var got []int64
				for i, ids := range vuIDs(t, uint64(len(s.want)), part.Global) {
					local := int64(i + 1)
					assert.Equal(t, local, ids[1], "segment %s: vu.idInInstance is the local id", s.seg)
					assert.Equal(t, local, ids[2], "segment %s: __VU is the local id (as k6)", s.seg)
					prev, dup := seen[ids[0]]
					assert.False(t, dup, "idInTest %d of segment %s already used by segment %s", ids[0], s.seg, prev)
					seen[ids[0]] = s.seg
					got = append(got, ids[0])
				}
				assert.Equal(t, s.want, got, "segment %s: vu.idInTest", s.seg)
			}
		})
	}
}

func TestVUIDInTestWithoutSegmentsIsTheLocalID(t *testing.T) {
	t.Parallel()
	assert.Equal(t, [][]int64{{1, 1, 1}, {2, 2, 2}}, vuIDs(t, 2, nil))
}
