package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGCDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		env         map[string]string
		mem         uint64
		wantPercent int
		wantLimit   int64
	}{
		{"defaults", nil, 8 << 30, gcPercent, 4 << 30},
		{"unknown memory", nil, 0, gcPercent, 0},
		{"GOGC set", map[string]string{"GOGC": "100"}, 8 << 30, 0, 0},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, 8 << 30, gcPercent, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			percent, limit := gcDefaults(lookup, tc.mem)
			assert.Equal(t, tc.wantPercent, percent)
			assert.Equal(t, tc.wantLimit, limit)
		})
	}
}

func TestMemTotal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, content string
		want          uint64
	}{
		{"meminfo", "MemFree:  10 kB\nMemTotal:       24576000 kB\n", 24576000 << 10},
		{"missing line", "MemFree:  10 kB\n", 0},
		{"garbage", "MemTotal: lots\n", 0},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, string(rune('a'+i)))
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
			assert.Equal(t, tc.want, memTotal(path))
		})
	}
	assert.Zero(t, memTotal(filepath.Join(dir, "absent")))
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
