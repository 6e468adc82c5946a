package dashboard_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/dashboard"
	"github.com/nnprotect/nnjs/internal/report"
)

// live returns live data whose timeline has n columns of one line.
func live(n int) *report.Data {
	tl := &report.Timeline{IntervalMs: 1000}
	l := &report.Line{Metric: "http_reqs", Type: "counter", Contains: "default"}
	for i := range n {
		tl.End = append(tl.End, int64(1000*(i+1)))
		tl.Dur = append(tl.Dur, 1000)
		l.Count = append(l.Count, 1)
		l.Sum = append(l.Sum, float64(i))
	}
	tl.Lines = []*report.Line{l}
	return report.Build(report.Input{Live: true, Timeline: tl})
}

// nextEvent reads one server-sent event.
func nextEvent(t *testing.T, r *bufio.Reader) (name string, data map[string]any) {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &data))
		case line == "":
			return name, data
		}
	}
}

// TestStreamSendsOnlyNewColumns: a viewer gets the whole timeline once, then only the
// columns it lacks; the final report ends the stream and becomes the page.
func TestStreamSendsOnlyNewColumns(t *testing.T) {
	d, err := dashboard.Listen("127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = d.Serve() }()
	defer d.Close(context.Background())
	d.Publish(live(2))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL()+"events", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)

	name, ev := nextEvent(t, r)
	require.Equal(t, "update", name)
	tl := ev["timeline"].(map[string]any)
	assert.Equal(t, 0.0, tl["from"])
	assert.Len(t, tl["end"], 2)
	assert.Nil(t, ev["data"].(map[string]any)["timeline"], "the timeline travels only as a delta")

	d.Publish(live(3))
	_, ev = nextEvent(t, r)
	tl = ev["timeline"].(map[string]any)
	assert.Equal(t, 2.0, tl["from"])
	assert.Equal(t, []any{2.0}, tl["lines"].([]any)[0].(map[string]any)["sum"])

	final := report.Build(report.Input{Title: "final", Verdict: report.Verdict{Passed: true, Meaning: "ok"}})
	require.NoError(t, d.Finish(final))
	name, _ = nextEvent(t, r)
	assert.Equal(t, "final", name)
	page, err := http.Get(d.URL())
	require.NoError(t, err)
	b, _ := io.ReadAll(page.Body)
	page.Body.Close()
	assert.Contains(t, string(b), "<title>final</title>")
	assert.NotContains(t, string(b), "connect-src", "the final page is a static report")
}
