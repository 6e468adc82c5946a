package main

import (
	"errors"
	"math"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixed is a memory source with the given figures; 0 means the source has no answer.
func fixed(cgroup, machine uint64) memorySource {
	provider := func(v uint64) memlimit.Provider {
		return func() (uint64, error) {
			if v == 0 {
				return 0, memlimit.ErrNoLimit
			}
			return v, nil
		}
	}
	return memorySource{cgroup: provider(cgroup), machine: provider(machine)}
}

func TestGCDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		env         map[string]string
		src         memorySource
		wantPercent int
		wantLimit   int64
	}{
		{"defaults", nil, fixed(0, 8<<30), gcPercent, 4 << 30},
		{"unknown memory", nil, fixed(0, 0), gcPercent, 0},
		{"pod limit", nil, fixed(2<<30, 64<<30), gcPercent, 2 << 30 * 9 / 10},
		{"GOGC set", map[string]string{"GOGC": "100"}, fixed(2<<30, 8<<30), 0, 0},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, fixed(2<<30, 8<<30), gcPercent, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			percent, limit := gcDefaults(lookup, tc.src)
			assert.Equal(t, tc.wantPercent, percent)
			assert.Equal(t, tc.wantLimit, limit)
		})
	}
}

// TestSoftLimit: under a cgroup limit lower than half the machine (a pod, a container) the
// soft limit is 90% of the cgroup's, so the collector works before the OOM killer does;
// otherwise it stays half of the machine's memory.
func TestSoftLimit(t *testing.T) {
	t.Parallel()
	broken := memorySource{
		cgroup:  func() (uint64, error) { return 0, errors.New("no mountinfo") },
		machine: func() (uint64, error) { return 8 << 30, nil },
	}
	tests := []struct {
		name string
		src  memorySource
		want int64
	}{
		{"no cgroup limit: half the machine", fixed(0, 24<<30), 12 << 30},
		{"pod limit under half the machine", fixed(2<<30, 24<<30), 2 << 30 * 9 / 10},
		{"cgroup limit above half the machine", fixed(20<<30, 24<<30), 12 << 30},
		{"cgroup limit, machine unknown", fixed(1<<30, 0), 1 << 30 * 9 / 10},
		{"cgroup unreadable", broken, 4 << 30},
		{"nothing known", fixed(0, 0), 0},
		{"huge figures stay positive", fixed(0, math.MaxUint64), math.MaxInt64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, softLimit(tc.src))
		})
	}
}

// TestHostMemoryReadsTheMachine: the wiring reads real figures on this machine (the cgroup
// may or may not be limited here, so only the machine's memory is asserted).
func TestHostMemoryReadsTheMachine(t *testing.T) {
	t.Parallel()
	total, err := hostMemory.machine()
	require.NoError(t, err)
	assert.Greater(t, total, uint64(64<<20))
	assert.Positive(t, softLimit(hostMemory))
}

func TestPercentForCapsHeadroom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		live uint64
		want int
	}{
		{"unknown live heap", 0, gcPercent},
		{"small heap keeps GOGC", 10 << 20, gcPercent},
		{"headroom exactly the cap", maxHeadroom * 100 / gcPercent, gcPercent},
		{"large heap: headroom capped", 4 * maxHeadroom, 25},
		{"huge heap: floor", 100 * maxHeadroom, minPercent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, percentFor(tc.live, gcPercent))
		})
	}
}
