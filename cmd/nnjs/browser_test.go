package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium returns the path of a Chromium or Chrome binary. Without one the test fails in CI
// (CI is set; .ci/run installs Debian's chromium) and is skipped elsewhere.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH: .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH (apt-get install chromium)")
	return ""
}

// pageEvents is what the browser reported while it showed a page.
type pageEvents struct {
	mu       sync.Mutex
	requests []string // URLs requested
	errors   []string // console errors, uncaught exceptions, error log entries
}

func (p *pageEvents) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, ev.Request.URL)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == "error" || ev.Type == "assert" {
			p.errors = append(p.errors, "console."+string(ev.Type))
		}
	case *runtime.EventExceptionThrown:
		p.errors = append(p.errors, "exception: "+ev.ExceptionDetails.Text)
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError {
			p.errors = append(p.errors, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	}
}

// chartInfo is what the test reads of each chart in the page.
type chartInfo struct {
	ID     string    `json:"id"`
	Labels []string  `json:"labels"`
	Points []int     `json:"points"` // non-null values per series
	Sums   []float64 `json:"sums"`   // sum of each series' values
	Ink    int       `json:"ink"`    // canvas pixels in the series' colours
}

// chartsJS reads every uPlot instance the page exposes: its series' data and how many pixels
// of the canvas carry a series colour (the lines were drawn, not only the axes).
const chartsJS = `nnjsReport.charts.map((c) => {
  const u = c.uplot, cv = u.ctx.canvas, px = u.ctx.getImageData(0, 0, cv.width, cv.height).data;
  const colours = u.series.slice(1).map((s) => s.stroke()).map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  let ink = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (colours.some(([r, g, b]) => Math.abs(px[i] - r) < 24 && Math.abs(px[i + 1] - g) < 24 && Math.abs(px[i + 2] - b) < 24 && px[i + 3] > 128)) ink++;
  }
  return { id: c.id, labels: u.series.slice(1).map((s) => s.label), ink,
    points: u.data.slice(1).map((s) => s.filter((v) => v !== null).length),
    sums: u.data.slice(1).map((s) => s.reduce((a, v) => a + (v || 0), 0)) };
})`

// TestReportInBrowser is acceptance 1: the report of a DB-direct payment run in legacy mode,
// opened from disk in headless Chromium, draws every chart, lists the crossed thresholds and
// the failed C19 as failed, charts the deadlocks the monitor counted (the run provokes one on
// purpose), logs no error and makes no network request.
func TestReportInBrowser(t *testing.T) {
	browser := chromium(t)
	dbURL, _ := initStaging(t, dbPaymentSeed...)
	dir := t.TempDir()
	page := filepath.Join(dir, "defects.html")
	code, out, errOut := run(nil, "run", "-q", "--report", page, "-e", "DB="+dbURL, "-e", "MEMBER_COUNT=40",
		"-e", "VUS=6", "-e", "DURATION=4s", filepath.Join(dbPaymentDir, "defects.js"))
	require.Equal(t, exitIntegrity, code, out+errOut)
	d := reportData(t, page)
	require.Len(t, d.DB, 1)
	require.Positive(t, d.DB[0].Report.Deadlocks, "defects.js provokes a deadlock")
	raw, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), testPassword)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.WindowSize(1400, 1000), chromedp.Flag("disable-gpu", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	var events pageEvents
	require.NoError(t, chromedp.Listen(bctx, events.listen))
	_, err = chromedp.Call(bctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(bctx, cdplog.Enable, cdp.Empty{})
	require.NoError(t, err)

	url := "file://" + page
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(url), chromedp.WaitVisible("#charts .uplot")))
	charts, err := chromedp.Run(bctx, chromedp.Evaluate[[]chartInfo](chartsJS))
	require.NoError(t, err)
	failedThresholds, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#thresholds tr.failed')].map((r) => r.textContent)`))
	require.NoError(t, err)
	failedChecks, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#integrity tr.failed')].map((r) => r.textContent)`))
	require.NoError(t, err)
	verdict, err := chromedp.Run(bctx, chromedp.Text("#verdict"))
	require.NoError(t, err)
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(90))
	require.NoError(t, err)
	shotPath := filepath.Join(dir, "report.png")
	require.NoError(t, os.WriteFile(shotPath, shot, 0o644))
	t.Logf("screenshot: %s", shotPath)

	ids := map[string]chartInfo{}
	for _, c := range charts {
		ids[c.ID] = c
		assert.Positive(t, c.Ink, "chart %s drew its lines", c.ID)
		for i, n := range c.Points {
			assert.Positive(t, n, "chart %s series %q has data", c.ID, c.Labels[i])
		}
	}
	for _, id := range []string{"vus", "throughput", "custom-counters", "db-connections", "db-locks", "db-xact", "sql-latency"} {
		assert.Contains(t, ids, id, "chart %s is drawn", id)
	}
	locks := ids["db-locks"]
	require.Contains(t, locks.Labels, "deadlocks")
	for i, l := range locks.Labels {
		if l == "deadlocks" {
			assert.Equal(t, float64(d.DB[0].Report.Deadlocks), locks.Sums[i], "the chart shows every deadlock the monitor counted")
		}
	}
	assert.Contains(t, verdict, "FAILED")
	assert.Contains(t, verdict, "exit code 110")
	assert.Contains(t, strings.Join(failedThresholds, "\n"), "db_deadlocks")
	assert.Contains(t, strings.Join(failedThresholds, "\n"), "payments_failed")
	assert.Contains(t, strings.Join(failedChecks, "\n"), "C19")

	events.mu.Lock()
	defer events.mu.Unlock()
	assert.Empty(t, events.errors, "no console errors")
	assert.Equal(t, []string{url}, events.requests, "no request but the page itself")
}
