package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandleSummaryGetsSetupData(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "hs.js", `
export function setup() { return { token: 'abc', n: 3 }; }
export default function () {}
export function handleSummary(data) { return { stdout: JSON.stringify(data.setup_data) + '|' + typeof data.metrics.iterations }; }
`)
	r := nnjs(context.Background(), nil, "run", "-q", script)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, `{"token":"abc","n":3}|object`, r.stdout)
}
