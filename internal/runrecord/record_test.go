package runrecord

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRecordsSourcesOptionsAndTimes(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 4, 17, 20, 15, 0, time.FixedZone("CET", 3600))
	r, err := New(Input{
		Version: "v1.2.3", Args: []string{"nnjs", "run", "-e", "TOKEN=t0k", "scripts/pay.js"}, Script: "scripts/pay.js",
		Sources: []File{{"/w/scripts/pay.js", "aa"}, {"/w/scripts/lib/wallet.js", "bb"}, {"/w/shared/x.ts", "cc"}, {"https://jslib.k6.io/k6-utils/1.4.0/index.js", "dd"}, {"https://u:s3cret@h.test/m.js?password=p4ss", "ee"}},
		Options: map[string]any{"vus": 10}, Segment: "1/3:2/3", Sequence: "0,1/3,2/3,1", Start: start,
	})
	require.NoError(t, err)
	r.Finish(start.Add(90 * time.Second))
	assert.Regexp(t, `^[0-9a-f]{16}$`, r.ID)
	assert.Equal(t, "v1.2.3", r.NNJS.Version)
	assert.Equal(t, File{"scripts/pay.js", "aa"}, r.Script)
	assert.Equal(t, []File{{"lib/wallet.js", "bb"}, {"../shared/x.ts", "cc"}, {"https://jslib.k6.io/k6-utils/1.4.0/index.js", "dd"},
		{"https://u:xxxxx@h.test/m.js?password=xxxxx", "ee"}}, r.Modules,
		"local modules relative to the script, remote ones by URL, passwords masked")
	assert.Equal(t, []string{"nnjs", "run", "-e", "TOKEN=xxxxx", "scripts/pay.js"}, r.Command)
	assert.JSONEq(t, `{"vus":10}`, string(r.Options))

	b, err := json.Marshal(r)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.Equal(t, "2026-12-04T16:20:15Z", doc["start"], "UTC")
	assert.Equal(t, "2026-12-04T16:21:45Z", doc["end"])
	assert.Equal(t, "1/3:2/3", doc["executionSegment"])
	assert.NotContains(t, doc, "databases", "no database involved")

	assert.Regexp(t, regexp.MustCompile(`^run [0-9a-f]{16} · nnjs v1\.2\.3 · scripts/pay\.js sha256:aa \+4 modules · `+
		`segment 1/3:2/3 · 2026-12-04T16:20:15Z → 2026-12-04T16:21:45Z · host \S+$`), r.Header())
}

func TestWholeTestIsSegmentZeroToOne(t *testing.T) {
	t.Parallel()
	r, err := New(Input{Script: "a.js", Sources: []File{{"/a.js", "aa"}}, Start: time.Now()})
	require.NoError(t, err)
	assert.Equal(t, "0:1", r.ExecutionSegment)
	assert.Equal(t, []File{}, r.Modules)
	assert.NotEmpty(t, r.NNJS.Version)
	assert.NotContains(t, r.Header(), "segment")
}
