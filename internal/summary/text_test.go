package summary

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

func text(t *testing.T, r *Report, opts TextOptions) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WriteText(&buf, r, opts))
	return buf.String()
}

// lineIndex returns the index of the line equal to want, or -1.
func lineIndex(lines []string, want string) int {
	for i, l := range lines {
		if l == want {
			return i
		}
	}
	return -1
}

func TestWriteTextThresholds(t *testing.T) {
	t.Parallel()
	out := text(t, newFixture(t).report(t, options.Options{}), TextOptions{NoColor: true})
	lines := strings.Split(out, "\n")
	th := lineIndex(lines, "  █ THRESHOLDS")
	total := lineIndex(lines, "  █ TOTAL RESULTS")
	require.True(t, th >= 0 && total > th, "THRESHOLDS comes first:\n%s", out)

	block := strings.Join(lines[th:total], "\n")
	for _, want := range []string{
		"    http_req_duration\n    ✓ 'p(95)<500' p(95)=400.12ms\n    ✓ 'avg<1000' avg=59ms\n",
		"      {name:pay}\n      ✗ 'p(95)<300' p(95)=600ms\n",
		"    http_req_failed\n    ✓ 'rate<0.1' rate=5.00%\n",
		"    iterations\n    ✓ 'rate>0.1' rate=0.5/s\n",
		"    dropped_iterations\n    ✓ 'count==0' no samples: judged on count=0 as in k6\n",
	} {
		assert.Contains(t, block, want)
	}
	assert.Less(t, strings.Index(block, "dropped_iterations"), strings.Index(block, "http_req_duration"), "sorted by name")
}

func TestWriteTextNoThresholds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, err := Data(Input{Snapshot: f.snap})
	require.NoError(t, err)
	out := text(t, r, TextOptions{NoColor: true})
	assert.NotContains(t, out, "THRESHOLDS")
	assert.Contains(t, out, "█ TOTAL RESULTS")
}

func TestWriteTextChecks(t *testing.T) {
	t.Parallel()
	out := text(t, newFixture(t).report(t, options.Options{}), TextOptions{NoColor: true})
	assert.Contains(t, out, ""+
		"    checks_total.......: 8      0.8/s\n"+
		"    checks_succeeded...: 87.50% 7 out of 8\n"+
		"    checks_failed......: 12.50% 1 out of 8\n"+
		"\n"+
		"    ✓ status is 200\n"+
		"\n"+
		"    █ GROUP: checkout\n"+
		"      ✗ paid\n"+
		"        ↳  66% — ✓ 2 / ✗ 1\n"+
		"\n"+
		"      ↳ GROUP: confirm\n"+
		"        ✓ receipt\n")
	assert.NotContains(t, out, "GROUP: browse", "groups without checks are not listed")
}

func TestWriteTextMetricSections(t *testing.T) {
	t.Parallel()
	out := text(t, newFixture(t).report(t, options.Options{}), TextOptions{NoColor: true})
	lines := strings.Split(out, "\n")
	prev := -1
	for _, title := range []string{"    CUSTOM", "    HTTP", "    EXECUTION", "    NETWORK"} {
		i := lineIndex(lines, title)
		require.Greater(t, i, prev, "section %q in k6's order:\n%s", title, out)
		prev = i
	}
	for _, want := range []string{
		"    wallet_balance...: 250 min=100 max=250",
		"    http_req_duration..............: avg=59ms  min=10ms  med=10ms     max=600ms p(90)=10ms  p(95)=400.12ms",
		"      { name:pay }.................: avg=500ms min=400ms med=400.12ms max=600ms p(90)=600ms p(95)=600ms",
		"    http_req_failed................: 5.00% 1 out of 20",
		"    http_reqs......................: 20    2/s",
		"    vus..................: 2 min=1 max=3",
		"    data_received...: 124 kB 12 kB/s",
	} {
		assert.Contains(t, lines, want)
	}
	for _, skipped := range []string{"http_req_waiting", "group_duration", "    checks."} {
		assert.NotContains(t, out, skipped, "compact mode leaves it out")
	}
}

func TestWriteTextAlignment(t *testing.T) {
	t.Parallel()
	out := text(t, newFixture(t).report(t, options.Options{}), TextOptions{NoColor: true})
	sections := strings.Split(out, "\n\n")
	checked := 0
	for _, sec := range sections {
		col := -1
		for _, l := range strings.Split(sec, "\n") {
			i := strings.Index(l, ".: ")
			if i < 0 {
				continue
			}
			c := utf8.RuneCountInString(l[:i])
			if col >= 0 {
				assert.Equal(t, col, c, "colons align in section:\n%s", sec)
			}
			col = c
			checked++
		}
	}
	assert.Greater(t, checked, 10)
}

func TestWriteTextTimeUnitAndStats(t *testing.T) {
	t.Parallel()
	r := newFixture(t).report(t, options.Options{SummaryTrendStats: []string{"avg", "p(99.9)", "count"}, SummaryTimeUnit: "s"})
	out := text(t, r, TextOptions{NoColor: true})
	assert.Contains(t, out, "http_req_duration..............: avg=0.06s p(99.9)=0.60s count=20")
}

func TestWriteTextColor(t *testing.T) {
	t.Parallel()
	r := newFixture(t).report(t, options.Options{})
	plain := text(t, r, TextOptions{NoColor: true})
	assert.NotContains(t, plain, "\x1b[")
	colored := text(t, r, TextOptions{})
	assert.Contains(t, colored, "\x1b[31m✗\x1b[0m \x1b[37m'p(95)<300'\x1b[0m")
	assert.Contains(t, colored, "\x1b[32m✓ status is 200\x1b[0m")
	assert.Contains(t, colored, "█ \x1b[1mTHRESHOLDS\x1b[0m")
	assert.Contains(t, colored, "wallet_balance\x1b[2;37m...:\x1b[0m \x1b[36m250\x1b[0m")
}

// A report that went through JSON (e.g. back from handleSummary) has no observed values or
// threshold order; the text still shows them from the metric values.
func TestWriteTextFromJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(newFixture(t).report(t, options.Options{}))
	require.NoError(t, err)
	var r Report
	require.NoError(t, json.Unmarshal(b, &r))
	out := text(t, &r, TextOptions{NoColor: true})
	assert.Contains(t, out, "    ✓ 'avg<1000' avg=59ms\n    ✓ 'p(95)<500' p(95)=400.12ms\n")
	assert.Contains(t, out, "      ✗ 'p(95)<300' p(95)=600ms\n")
	assert.Contains(t, out, "    ✓ 'count==0' count=0\n")
}

func TestWriteTextNoChecks(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	snap := &metrics.Snapshot{Series: []metrics.Series{add(reg.Get(metrics.Iterations), nil, 1)}}
	r, err := Data(Input{Snapshot: snap})
	require.NoError(t, err)
	out := text(t, r, TextOptions{NoColor: true})
	assert.NotContains(t, out, "checks_total")
	assert.Contains(t, out, "    iterations...: 1 0/s")
}
