package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/examples/paymentapi"
)

// startPaymentAPI serves the reference payment API on the staging database at dbURL on a
// loopback port, until the test ends.
func startPaymentAPI(t *testing.T, dbURL string) string {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	srv, err := paymentapi.New(ctx, pool, paymentapi.Config{})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); pool.Close() }) // the API's sessions end before the database is dropped
	return ts.URL
}

// TestBaselineScenarioIntegrity runs scenarios/baseline.js at tiny scale against the correct
// reference API, with integrity inside the run, on wallets that drain within seconds (most
// payments end refused with 402: the false R04) and on wallets that cannot drain: no
// critical integrity check may fail, and the client's counts must match the database.
func TestBaselineScenarioIntegrity(t *testing.T) {
	for _, tc := range []struct {
		name     string
		balances []string
		refusals bool
	}{
		{"small balances", []string{"--min-balance", "500", "--max-balance", "2500"}, true},
		{"large balances", []string{"--min-balance", "100000000", "--max-balance", "200000000"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dbURL, _ := initStaging(t, append([]string{"--count", "20", "--tree", "kary", "--fanout", "3"}, tc.balances...)...)
			api := startPaymentAPI(t, dbURL)
			export := filepath.Join(t.TempDir(), "baseline.json")
			r := nnjs(context.Background(), nil, "run", "-q", "--integrity", dbURL, "--summary-export", export,
				"-e", "API="+api, "-e", "VUS=4", "-e", "DURATION=3s", "-e", "THINK=0-0.05", "-e", "MEMBER_COUNT=20",
				"-e", "HOT_MEMBERS=4", filepath.Join("..", "..", "scenarios", "baseline.js"))
			require.NotEqual(t, exitIntegrity, r.code, r.stdout+r.stderr)
			assert.Contains(t, []int{exitOK, exitThresholds}, r.code, "only latency may cross a threshold on a busy machine: "+r.stderr)
			for _, id := range []string{"C01", "C04", "C07", "C18", "C19", "C24", "R01", "R02", "R03", "R04"} {
				assert.Regexp(t, `(?m)^`+id+`\s+critical\s+pass\s+0\s`, r.stdout)
			}
			assert.NotContains(t, r.stdout, "CRITICAL FAILURE")
			doc := loadExport(t, export)
			assert.Positive(t, doc.num(t, "payments_ok", "count"))
			if tc.refusals {
				assert.Positive(t, doc.num(t, "payments_refused", "count"), "wallets drained: refusals")
			}
			for _, m := range []string{"payments_failed", "checks", "http_req_failed"} {
				for expr, th := range doc.Metrics[m]["thresholds"].(map[string]any) {
					assert.Equal(t, false, th, "%s %s crossed", m, expr) // the export says whether it failed
				}
			}
		})
	}
}
