package summary

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ms   float64
		unit string
		want string
	}{
		{0, "", "0s"},
		{0.0005, "", "500ns"},
		{0.00051239, "", "512ns"},
		{0.5, "", "500µs"},
		{0.50329, "", "503.29µs"},
		{0.503299, "", "503.29µs"}, // truncated, not rounded
		{1, "", "1ms"},
		{148.929, "", "148.92ms"},
		{999.999, "", "999.99ms"},
		{1000, "", "1s"},
		{1500, "", "1.5s"},
		{59999, "", "59.99s"},
		{60000, "", "1m0s"},
		{125000, "", "2m5s"},
		{125999, "", "2m5s"},
		{3600000, "", "1h0m0s"},
		{3723000, "", "1h2m3s"},
		{1234.5678, "ms", "1234.57ms"},
		{1234.5678, "s", "1.23s"},
		{1.5, "us", "1500.00µs"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, formatDuration(tc.ms, tc.unit), "%v %q", tc.ms, tc.unit)
	}
}

func TestFormatBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		b    float64
		want string
	}{
		{0, "0 B"},
		{9, "9 B"},
		{10, "10 B"},
		{999, "999 B"},
		{1000, "1.0 kB"},
		{1234, "1.2 kB"},
		{9960, "10 kB"},
		{56789, "57 kB"},
		{1_500_000, "1.5 MB"},
		{56_789_012, "57 MB"},
		{2.5e9, "2.5 GB"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, formatBytes(tc.b), "%v", tc.b)
	}
}

func TestFormatPercentAndNumbers(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "0.00%", formatPercent(0))
	assert.Equal(t, "100.00%", formatPercent(1))
	assert.Equal(t, "99.99%", formatPercent(0.99999), "truncated, not rounded")
	assert.Equal(t, "33.33%", formatPercent(1.0/3))
	assert.Equal(t, "5560", fixedNoTrailingZeros(5560, 6))
	assert.Equal(t, "25.849124", fixedNoTrailingZeros(25.8491237, 6))
	assert.Equal(t, "1.5", fixedNoTrailingZeros(1.5000001, 6))
	assert.Equal(t, "0", fixedNoTrailingZeros(0.0000001, 6))
	assert.Equal(t, "-2", fixedNoTrailingZeros(-2, 6))
}

func TestFormatValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    float64
		m    Metric
		want string
	}{
		{0.25, Metric{Type: "rate", Contains: "default"}, "25.00%"},
		{2048, Metric{Type: "counter", Contains: "data"}, "2.0 kB"},
		{12.345, Metric{Type: "trend", Contains: "time"}, "12.34ms"},
		{12.345, Metric{Type: "gauge", Contains: "default"}, "12.345"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, formatValue(tc.v, tc.m, ""))
	}
}
