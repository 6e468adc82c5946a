package stream

import (
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// testMetrics registers a counter and a trend.
func testMetrics(t *testing.T) (reqs, dur *metrics.Metric) {
	t.Helper()
	reg := metrics.NewRegistry()
	reqs, err := reg.New("http_reqs", metrics.Counter, metrics.Default)
	require.NoError(t, err)
	dur, err = reg.New("http_req_duration", metrics.Trend, metrics.Time)
	require.NoError(t, err)
	return reqs, dur
}

var t0 = time.Date(2026, 12, 4, 17, 20, 15, 123456789, time.UTC)

func batch(samples ...metrics.Sample) *metrics.SampleBatch {
	return &metrics.SampleBatch{Samples: samples}
}

func read(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		require.NoError(t, err)
		r = gz
	}
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(b)
}

func TestJSONLinesAreK6s(t *testing.T) {
	reqs, dur := testMetrics(t)
	tags := metrics.NewTags(map[string]string{"method": "GET", "status": "200", "name": `a "quoted" url`})
	path := filepath.Join(t.TempDir(), "out.json")
	o, err := Open([]File{{JSON, path}}, Config{
		Thresholds: map[string][]string{"http_req_duration": {"p(95)<500"}},
		Submetrics: map[string][]Submetric{"http_reqs": {{Name: "http_reqs{status:200}", Suffix: "status:200", Tags: map[string]string{"status": "200"}}}},
	})
	require.NoError(t, err)
	o.Samples(batch(
		metrics.Sample{Metric: reqs, Tags: tags, Value: 1, Time: t0.UnixNano()},
		metrics.Sample{Metric: dur, Tags: nil, Value: 12.5, Time: t0.UnixNano()},
		metrics.Sample{Metric: reqs, Tags: tags, Value: 1, Time: t0.Add(time.Second).UnixNano()},
	))
	require.NoError(t, o.Close())
	assert.Equal(t, Stats{Written: 3}, o.Stats())
	ts := t0.Local().Format(time.RFC3339Nano)
	ts1 := t0.Add(time.Second).Local().Format(time.RFC3339Nano)
	want := `{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":[{"name":"http_reqs{status:200}","suffix":"status:200","tags":{"status":"200"}}]},"metric":"http_reqs"}
{"metric":"http_reqs","type":"Point","data":{"time":"` + ts + `","value":1,"tags":{"method":"GET","name":"a \"quoted\" url","status":"200"}}}
{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":["p(95)\u003c500"],"submetrics":null},"metric":"http_req_duration"}
{"metric":"http_req_duration","type":"Point","data":{"time":"` + ts + `","value":12.5,"tags":null}}
{"metric":"http_reqs","type":"Point","data":{"time":"` + ts1 + `","value":1,"tags":{"method":"GET","name":"a \"quoted\" url","status":"200"}}}
`
	assert.Equal(t, want, read(t, path))
}

func TestCSVRowsAreK6s(t *testing.T) {
	reqs, dur := testMetrics(t)
	path := filepath.Join(t.TempDir(), "out.csv.gz")
	o, err := Open([]File{{CSV, path}}, Config{})
	require.NoError(t, err)
	tags := metrics.NewTags(map[string]string{"method": "GET", "status": "200", "url": "http://x/?a=1,b", "team": "pay", "env": "ci", "vu": "3"})
	o.Samples(batch(
		metrics.Sample{Metric: reqs, Tags: tags, Value: 1, Time: t0.UnixNano()},
		metrics.Sample{Metric: dur, Value: 12.3456789, Time: t0.UnixNano()},
	))
	require.NoError(t, o.Close())
	rows, err := csv.NewReader(strings.NewReader(read(t, path))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, []string{"metric_name", "timestamp", "metric_value", "check", "error", "error_code", "expected_response",
		"group", "method", "name", "proto", "scenario", "service", "status", "subproto", "tls_version", "url",
		"extra_tags", "metadata"}, rows[0])
	sec := "1796404815"
	assert.Equal(t, []string{"http_reqs", sec, "1.000000", "", "", "", "", "", "GET", "", "", "", "", "200", "", "", "http://x/?a=1,b",
		"env=ci&team=pay", ""}, rows[1], "vu is left out, as k6 does by default")
	assert.Equal(t, []string{"http_req_duration", sec, "12.345679", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""}, rows[2])
}

func TestJSONAndCSVTogetherGzip(t *testing.T) {
	reqs, _ := testMetrics(t)
	dir := t.TempDir()
	js, cs := filepath.Join(dir, "a.json.gz"), filepath.Join(dir, "b.csv")
	o, err := Open([]File{{JSON, js}, {CSV, cs}}, Config{})
	require.NoError(t, err)
	for range 10 {
		o.Samples(batch(metrics.Sample{Metric: reqs, Value: 1, Time: t0.UnixNano()}))
	}
	require.NoError(t, o.Close())
	assert.Equal(t, 11, strings.Count(read(t, js), "\n"), "one Metric line and ten points")
	assert.Equal(t, 11, strings.Count(read(t, cs), "\n"), "the header and ten rows")
	assert.Equal(t, Stats{Written: 10}, o.Stats())
}

func TestDroppedSamplesAreCounted(t *testing.T) {
	reqs, _ := testMetrics(t)
	o, err := Open([]File{{JSON, filepath.Join(t.TempDir(), "a.json")}}, Config{QueueLimit: 2})
	require.NoError(t, err)
	s := metrics.Sample{Metric: reqs, Value: 1, Time: t0.UnixNano()}
	o.Samples(&metrics.SampleBatch{Samples: []metrics.Sample{s}, Dropped: 5}) // the collector's own drops
	o.Samples(batch(s, s, s))                                                 // more than the queue holds
	require.NoError(t, o.Close())
	o.Samples(batch(s)) // after Close
	assert.Equal(t, Stats{Written: 1, Dropped: 5 + 3 + 1}, o.Stats())
}

func TestWriteErrorIsReturnedAndCounted(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	reqs, _ := testMetrics(t)
	o, err := Open([]File{{JSON, "/dev/full"}}, Config{})
	require.NoError(t, err)
	s := metrics.Sample{Metric: reqs, Value: 1, Time: t0.UnixNano()}
	big := make([]metrics.Sample, 20000) // more than the write buffer
	for i := range big {
		big[i] = s
	}
	o.Samples(batch(big...))
	o.Samples(batch(s))
	err = o.Close()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/dev/full")
	assert.Equal(t, uint64(20001), o.Stats().Dropped)
}
