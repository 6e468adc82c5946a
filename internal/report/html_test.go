package report_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/internal/report"
)

// TestPageIsSelfContained: one file with everything inline, a policy that forbids any
// request, the data readable back, and no value of the run able to end its script element.
func TestPageIsSelfContained(t *testing.T) {
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{})
	evil := `</script><script>alert(1)</script>`
	c.Recorder(0).Add(reg.Get(metrics.Checks), metrics.NewTags(map[string]string{"check": evil}), 1)
	c.Flush()
	d := report.Build(report.Input{Title: "a <b> title", Snapshot: c.Snapshot(), Verdict: report.Verdict{Passed: true, Meaning: "ok"}})
	var b strings.Builder
	require.NoError(t, report.WriteHTML(&b, d))
	page := b.String()

	assert.NotRegexp(t, `<(script|link|img|iframe)[^>]+(src|href)=`, page, "nothing is loaded from elsewhere")
	assert.Contains(t, page, `content="default-src 'none';`)
	assert.NotContains(t, page, "connect-src", "a report from disk may not connect anywhere")
	assert.Contains(t, page, "<title>a &lt;b&gt; title</title>")
	assert.Equal(t, 3, strings.Count(page, "</script>"), "data, uPlot and the report's script: the check name cannot close one")
	m := regexp.MustCompile(`(?s)<script id="nnjs-data" type="application/json">(.*?)</script>`).FindStringSubmatch(page)
	require.NotNil(t, m)
	var back report.Data
	require.NoError(t, json.Unmarshal([]byte(m[1]), &back))
	require.Len(t, back.Checks, 1)
	assert.Equal(t, evil, back.Checks[0].Name)

	d.Live = true
	b.Reset()
	require.NoError(t, report.WriteHTML(&b, d))
	assert.Contains(t, b.String(), "connect-src 'self'", "the live page reads its event stream")
}

// TestVendoredUPlotIsThePinnedRelease: the embedded files are those SHA256SUMS records (make
// uplot checks them against the npm registry's release).
func TestVendoredUPlotIsThePinnedRelease(t *testing.T) {
	dir := filepath.Join("assets", "uplot")
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		require.True(t, ok, sc.Text())
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		got := sha256.Sum256(b)
		assert.Equal(t, sum, hex.EncodeToString(got[:]), name)
		n++
	}
	assert.Equal(t, 3, n, "script, style and licence")
}

// TestBuildTables: the per-request table groups by name, method and status with an
// aggregated row; thresholds without samples are "not judged".
func TestBuildTables(t *testing.T) {
	reg := metrics.NewRegistry()
	c := metrics.NewCollector(reg, metrics.CollectorConfig{})
	rec := c.Recorder(0)
	for i, name := range []string{"pay", "pay", "wallet"} {
		tags := metrics.NewTags(map[string]string{"name": name, "method": "POST", "status": "200"})
		rec.Add(reg.Get(metrics.HTTPReqs), tags, 1)
		rec.Add(reg.Get(metrics.HTTPReqDuration), tags, float64(10*(i+1)))
		rec.Add(reg.Get(metrics.HTTPReqFailed), tags, float64(i%2))
	}
	c.Flush()
	d := report.Build(report.Input{Snapshot: c.Snapshot()})
	require.Len(t, d.Requests, 3)
	pay, total := d.Requests[0], d.Requests[2]
	assert.Equal(t, []any{"pay", "POST", "200", 2.0, 1.0, 10.0, 20.0}, []any{pay.Name, pay.Method, pay.Status, pay.Count, pay.Failures, pay.Min, pay.Max})
	assert.Equal(t, []any{"Aggregated", 3.0, 1.0, 30.0}, []any{total.Name, total.Count, total.Failures, total.Max})
	assert.InDelta(t, 20, total.Avg, 1e-9)
	assert.Positive(t, total.RPS)
}
