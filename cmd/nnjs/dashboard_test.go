package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/report"
)

// sseEvent is one server-sent event.
type sseEvent struct{ name, data string }

// readEvents sends the events of an event stream to out until the stream ends.
func readEvents(ctx context.Context, url string, out chan<- sseEvent) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			ev.data = strings.TrimPrefix(line, "data: ")
		case line == "":
			out <- ev
			ev = sseEvent{}
		}
	}
	return sc.Err()
}

// requestsIn returns the http_reqs total of a dashboard update event.
func requestsIn(t *testing.T, ev sseEvent) float64 {
	t.Helper()
	var u struct {
		Data report.Data `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(ev.data), &u))
	require.True(t, u.Data.Live)
	for _, m := range u.Data.Metrics {
		if m.Name == "http_reqs" {
			return m.Sum
		}
	}
	return 0
}

// TestDashboardLiveThenFinal is acceptance 2: during a 15 s run two viewers of the dashboard
// see the request counter grow between two updates; at the end the dashboard serves the final
// report, whose totals are the summary's, and keeps serving it for the hold.
func TestDashboardLiveThenFinal(t *testing.T) {
	t.Parallel()
	tg := newCountingTarget(t, nil)
	script := scriptFile(t, "live.js", `
import http from 'k6/http';
import { sleep } from 'k6';
export default function () { http.get(__ENV.TARGET); sleep(0.05); }
`)
	export := filepath.Join(t.TempDir(), "summary.json")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	appCtx, stopHold := context.WithCancel(ctx)
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		a := newApp(appCtx, strings.NewReader(""), &stdout, &stderr, func(string) (string, bool) { return "", false })
		a.environ = func() []string { return nil }
		done <- a.main([]string{"run", "-q", "-u", "2", "-d", "15s", "--dashboard=127.0.0.1:0", "--dashboard-hold", "2m",
			"--summary-export", export, "-e", "TARGET=" + tg.URL, script})
	}()
	urlRE := regexp.MustCompile(`dashboard on (http://\S+/)`)
	var base string
	require.Eventually(t, func() bool {
		m := urlRE.FindStringSubmatch(stderr.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	}, 30*time.Second, 20*time.Millisecond, stderr.String())

	viewers := make([]chan sseEvent, 2)
	for i := range viewers {
		viewers[i] = make(chan sseEvent, 64)
		go func() { _ = readEvents(ctx, base+"events", viewers[i]) }()
	}
	for i, events := range viewers {
		first := -1.0
		for ev := range events {
			require.Equal(t, "update", ev.name, "viewer %d: the run is still going", i)
			n := requestsIn(t, ev)
			if first < 0 {
				first = n
				continue
			}
			if n > first {
				break // the counter grew between two updates
			}
		}
	}
	for i, events := range viewers {
		for ev := range events {
			if ev.name == "final" {
				break
			}
			require.Equal(t, "update", ev.name, "viewer %d", i)
		}
	}

	resp, err := http.Get(base + "data.json")
	require.NoError(t, err)
	var final report.Data
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&final))
	resp.Body.Close()
	assert.False(t, final.Live)
	assert.True(t, final.Verdict.Passed, final.Verdict)
	sum := loadExport(t, export)
	assert.Equal(t, sum.num(t, "http_reqs", "count"), metricRow(t, &final, "http_reqs").Sum)
	assert.Equal(t, sum.num(t, "iterations", "count"), metricRow(t, &final, "iterations").Sum)
	assert.Equal(t, sum.num(t, "http_req_duration", "p(95)"), metricRow(t, &final, "http_req_duration").P95)

	page, err := http.Get(base)
	require.NoError(t, err)
	var body bytes.Buffer
	_, _ = body.ReadFrom(page.Body)
	page.Body.Close()
	assert.Contains(t, body.String(), `"verdict":{"passed":true`, "the page is now the final report")
	select {
	case code := <-done:
		t.Fatalf("the run returned %d before its hold ended", code)
	default:
	}
	stopHold() // Ctrl-C ends the hold
	assert.Equal(t, exitOK, <-done, stderr.String())
}
