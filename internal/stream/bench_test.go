package stream

import (
	"path/filepath"
	"testing"

	"github.com/nnprotect/nnjs/engine/metrics"
)

func benchFormat(b *testing.B, f Format, name string) {
	reg := metrics.NewRegistry()
	m, _ := reg.New("http_req_duration", metrics.Trend, metrics.Time)
	tags := metrics.NewTags(map[string]string{"method": "GET", "status": "200", "url": "http://127.0.0.1:8080/json", "name": "http://127.0.0.1:8080/json", "scenario": "default", "proto": "HTTP/1.1", "expected_response": "true", "group": ""})
	o, err := Open([]File{{f, filepath.Join(b.TempDir(), name)}}, Config{QueueLimit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	const n = 1000
	for i := 0; i < b.N; i += n {
		s := make([]metrics.Sample, n)
		for j := range s {
			s[j] = metrics.Sample{Metric: m, Tags: tags, Value: 12.345678, Time: t0.UnixNano() + int64(j)}
		}
		o.Samples(batch(s...))
	}
	if err := o.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkJSON measures the writer's throughput per sample (queue included).
func BenchmarkJSON(b *testing.B)   { benchFormat(b, JSON, "a.json") }
func BenchmarkJSONGz(b *testing.B) { benchFormat(b, JSON, "a.json.gz") }
func BenchmarkCSV(b *testing.B)    { benchFormat(b, CSV, "a.csv") }
