package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prometheusBinary returns Debian's prometheus server, skipping the test without it, except
// in CI (CI=true), where it must be installed (.ci/run does) and the test fails instead.
func prometheusBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("prometheus")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("prometheus is not installed (apt-get install prometheus); CI must run this test")
		}
		t.Skip("prometheus is not installed")
	}
	return p
}

// freeAddr returns a loopback address nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// promServer is a Prometheus server started for one test.
type promServer struct{ addr string }

// startPrometheus starts Prometheus scraping target every second, with its own temporary
// configuration and storage; features are --enable-feature values. It stops with the test.
func startPrometheus(t *testing.T, bin, target string, features ...string) promServer {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"+
		"  - job_name: nnjs\n    static_configs:\n      - targets: ['%s']\n", target)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644))
	p := promServer{addr: freeAddr(t)}
	args := []string{"--config.file=" + filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + p.addr, "--log.level=warn"}
	for _, f := range features {
		args = append(args, "--enable-feature="+f)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &logWriter{t: t}, &logWriter{t: t}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + p.addr + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		require.True(t, time.Now().Before(deadline), "prometheus did not become ready: %v", err)
		time.Sleep(100 * time.Millisecond)
	}
}

// logWriter passes a child process's output to the test log.
type logWriter struct{ t *testing.T }

func (w *logWriter) Write(b []byte) (int, error) {
	w.t.Log(string(b))
	return len(b), nil
}

// query runs an instant PromQL query at time at and returns its single scalar result.
func (p promServer) query(t *testing.T, q string, at time.Time) float64 {
	t.Helper()
	u := "http://" + p.addr + "/api/v1/query?" + url.Values{"query": {q}, "time": {strconv.FormatFloat(float64(at.UnixNano())/1e9, 'f', 3, 64)}}.Encode()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	var r struct {
		Status string
		Error  string
		Data   struct {
			Result []struct {
				Value [2]any
			}
		}
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	require.Equal(t, "success", r.Status, "%s: %s", q, r.Error)
	require.Len(t, r.Data.Result, 1, "%s: one result", q)
	v, err := strconv.ParseFloat(r.Data.Result[0].Value[1].(string), 64)
	require.NoError(t, err)
	return v
}

// TestPrometheusScrapesTheRun is acceptance 3: two real Prometheus servers (one storing
// classic histograms, one native histograms) scrape nnjs every second during a 15 s run; the
// http_reqs total they stored equals the summary's, and histogram_quantile(0.95, ...) on
// either is within one bucket of the summary's p95.
func TestPrometheusScrapesTheRun(t *testing.T) {
	t.Parallel()
	bin := prometheusBinary(t)
	target := freeAddr(t)
	classic := startPrometheus(t, bin, target)
	native := startPrometheus(t, bin, target, "native-histograms")
	tg := newCountingTarget(t, nil)
	script := scriptFile(t, "s.js", `import http from 'k6/http';
import { sleep } from 'k6';
export const options = { vus: 4, duration: '15s' };
export default function () { http.get(__ENV.TARGET + '/json'); sleep(0.01); }
`)
	export := filepath.Join(t.TempDir(), "export.json")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := nnjs(ctx, nil, "run", "-q", "-e", "TARGET="+tg.URL, "--prometheus", target, "--prometheus-hold", "3s",
		"--summary-export", export, script)
	// The last scrape before this moment was of the final values: the endpoint served them
	// for 3 s after the run, and Prometheus scrapes every second.
	at := time.Now().Add(-500 * time.Millisecond)
	require.Equal(t, exitOK, r.code, r.stderr)
	exp := loadExport(t, export)
	count := exp.num(t, "http_reqs", "count")
	p95 := exp.num(t, "http_req_duration", "p(95)") / 1000 // seconds

	for name, p := range map[string]promServer{"classic": classic, "native": native} {
		assert.Equal(t, count, p.query(t, "sum(nnjs_http_reqs_total)", at), "%s: http_reqs total", name)
		assert.Equal(t, count, p.query(t, "sum(nnjs_http_req_failed_samples_total)", at), "%s: one http_req_failed sample per request", name)
	}
	q := classic.query(t, "histogram_quantile(0.95, sum by (le) (nnjs_http_req_duration_seconds_bucket))", at)
	t.Logf("http_reqs %v, p95 %v s, classic histogram_quantile %v", count, p95, q)
	assert.InDelta(t, 0, math.Log2(q/p95), 0.25, "classic buckets are 2^(1/4) wide: p95 %v, histogram_quantile %v", p95, q)
	q = native.query(t, "histogram_quantile(0.95, sum(nnjs_http_req_duration_seconds))", at)
	t.Logf("native histogram_quantile %v", q)
	assert.InDelta(t, 0, math.Log2(q/p95), 0.125, "native buckets are 2^(1/8) wide: p95 %v, histogram_quantile %v", p95, q)
}
