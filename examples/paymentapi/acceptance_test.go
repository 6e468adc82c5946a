package paymentapi

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/integrity"
	"github.com/nnprotect/nnjs/seed"
)

// Load shape of the acceptance run: every member of a 40-member ternary tree (depth 3) pays
// 6 orders at once, so wallets are shared, every payment touches the root, and parents and
// children pay concurrently.
const (
	acceptanceMembers  = 40
	acceptancePayments = 240
	acceptancePool     = 12
)

// loadOutcome is what one acceptance run observed.
type loadOutcome struct {
	ok, failed int64
	statuses   map[int]int
	stats      Stats
	metrics    string // the /metrics text after the load
	report     integrity.Report
}

// failed reports whether check id failed in the integrity report.
func (l loadOutcome) checkFailed(t *testing.T, id string) bool {
	res, ok := l.report.Result(id)
	require.True(t, ok, "check %s missing from the report", id)
	return res.Failed()
}

// runAcceptanceLoad seeds a k-ary tree, takes a baseline, creates the orders, fires acceptancePayments payments
// at once through HTTP, closes the service's pool and runs every integrity check.
func runAcceptanceLoad(t *testing.T, legacy bool) loadOutcome {
	sc := seed.DefaultConfig()
	sc.Count, sc.Tree, sc.Fanout = acceptanceMembers, seed.TreeKary, 3
	sc.MinBalance, sc.MaxBalance = 60000, 80000
	e := newEnv(t, sc, Config{Legacy: legacy}, acceptancePool)
	rng := integrity.Range{First: sc.First, Last: sc.Last()}
	base, err := integrity.TakeBaseline(e.ctx, e.pool, rng)
	require.NoError(t, err)
	kit, item := e.product("kit"), e.product("cápsulas")
	orders := make([]int, acceptancePayments)
	for i := range orders {
		line := LineRequest{ProductID: item, Qty: 1 + i%3}
		if i%4 == 0 {
			line = LineRequest{ProductID: kit, Qty: 1}
		}
		orders[i] = e.createOrder(e.member(i%acceptanceMembers), line).ID
	}

	out := loadOutcome{statuses: map[int]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, id := range orders {
		wg.Go(func() {
			<-start
			status, body, _ := e.pay(id, fmt.Sprintf("acc-%d", i))
			mu.Lock()
			defer mu.Unlock()
			out.statuses[status]++
			if status == http.StatusOK {
				out.ok++
				return
			}
			out.failed++
			if out.failed <= 3 {
				t.Logf("payment %d: %d %s", id, status, strings.TrimSpace(string(body)))
			}
		})
	}
	close(start)
	wg.Wait()
	out.stats = e.srv.Stats()
	_, metricsText, _ := e.do(http.MethodGet, "/metrics", nil, nil)
	out.metrics = string(metricsText)

	// Close the load's connections (it also flushes their deadlock statistics), then judge
	// the database from a fresh pool.
	e.pool.Close()
	checker, err := pgxpool.New(e.ctx, e.pool.Config().ConnString())
	require.NoError(t, err)
	defer checker.Close()
	out.report, err = integrity.Run(e.ctx, checker, integrity.Options{Range: rng, Baseline: &base,
		Reconcile: &integrity.Reconcile{PaymentsOK: out.ok, PaymentsFailed: &out.failed}})
	require.NoError(t, err)
	t.Logf("legacy=%v statuses=%v stats=%+v failing=%v", legacy, out.statuses, out.stats, out.report.Failing())
	return out
}

func TestAcceptanceConcurrentPayments(t *testing.T) {
	t.Parallel()
	out := runAcceptanceLoad(t, false)
	assert.Equal(t, int64(acceptancePayments), out.ok, "statuses %v", out.statuses)
	assert.Zero(t, out.stats.Deadlocks)
	assert.Zero(t, out.stats.Exhausted)
	assert.NotContains(t, out.metrics, `reason="deadlock"`)
	assert.False(t, out.checkFailed(t, "R01"), "pg_stat_database.deadlocks grew")
	for _, id := range []string{"C01", "C03", "C04", "C07", "C12", "C18", "C19", "C21"} {
		assert.False(t, out.checkFailed(t, id), "check %s", id)
	}
	if !assert.Empty(t, out.report.Failing(), "every check, warnings included, must pass") ||
		!assert.False(t, out.report.CriticalFailed()) {
		var sb strings.Builder
		require.NoError(t, out.report.WriteText(&sb))
		t.Log(sb.String())
	}
}

// TestAcceptanceLegacyDefectsAreCaught runs the same load against --legacy: the lost update
// on ancestors' pvg_cache must make C19 fail and/or the lock order must deadlock. Contention
// makes this near certain; the run is repeated up to three times before the test fails.
func TestAcceptanceLegacyDefectsAreCaught(t *testing.T) {
	t.Parallel()
	const attempts = 3
	for n := 1; n <= attempts; n++ {
		out := runAcceptanceLoad(t, true)
		lostUpdate := out.checkFailed(t, "C19")
		deadlocked := out.stats.Deadlocks > 0 || out.checkFailed(t, "R01")
		t.Logf("legacy run %d: C19 failed=%v, deadlocks=%v (service saw %d)", n, lostUpdate, deadlocked, out.stats.Deadlocks)
		if out.stats.Deadlocks > 0 {
			assert.Contains(t, out.metrics, `paymentapi_tx_aborts_total{reason="deadlock"}`)
		}
		if lostUpdate || deadlocked {
			assert.True(t, out.report.CriticalFailed())
			return
		}
	}
	t.Fatalf("legacy mode showed neither a lost PVG update (C19) nor a deadlock in %d runs", attempts)
}
