package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteIndex(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	require.NoError(t, WriteIndex(&b, Index{Title: "nnjs suite <ci>", Code: 99, Meaning: "a threshold was crossed", Rows: []IndexRow{
		{Name: "pass", Script: "pass.js", Meaning: "ok", Duration: "1s", Thresholds: "2 passed", Checks: "-", Integrity: "-", Href: "r-pass.html"},
		{Name: "crossed", Script: "crossed.js", Code: 99, Meaning: "a threshold was crossed", Href: "sub dir/r-crossed.html"},
		{Name: "syntax", Script: "syntax.js", Code: 107, Meaning: "script error"},
		{Name: "late", Script: "late.js", NotRun: "--fail-fast: crossed exited 99"},
	}}))
	page := b.String()
	assert.Contains(t, page, "<title>nnjs suite &lt;ci&gt;</title>")
	assert.Contains(t, page, `<div class="head">FAILED, exit code 99</div>`)
	assert.Contains(t, page, `<a href="r-pass.html">report</a>`)
	assert.Contains(t, page, `<a href="sub%20dir/r-crossed.html">report</a>`)
	assert.Regexp(t, `<td>3</td><td title="syntax.js">syntax</td>\s*<td>107</td><td>script error</td>.*\s*<td>-</td>`, page, "no report link for a script that wrote none")
	assert.Contains(t, page, `<td colspan="5">not run: --fail-fast: crossed exited 99</td>`)
	assert.Contains(t, page, `content="default-src 'none';`, "the index makes no request either")
	assert.NotContains(t, page, "<script")
}
