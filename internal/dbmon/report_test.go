package dbmon

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAggregatesPairsGroupedAndSorted(t *testing.T) {
	t.Parallel()
	a := newAggregates()
	lockWallet := pairSample{
		blocked:  "UPDATE wallets SET balance = 10 WHERE member_id = 80001",
		blocking: "SELECT * FROM wallets WHERE member_id = 80001 FOR UPDATE", blockingState: "idle in transaction",
	}
	for i, wait := range []float64{100, 900, 300} {
		p := lockWallet
		p.blocked = fmt.Sprintf("UPDATE wallets SET balance = %d WHERE member_id = %d", i, 80000+i)
		p.waitMs = wait
		a.add(sample{pairs: []pairSample{p}}, dbCounters{})
	}
	a.add(sample{pairs: []pairSample{{blocked: "UPDATE users SET pvg_cache = 1", blocking: "UPDATE users SET pvg_cache = 2",
		blockingState: "active", waitMs: 5000}}}, dbCounters{})

	r := a.report()
	require.Len(t, r.Blocking, 2)
	top := r.Blocking[0]
	assert.Equal(t, int64(3), top.Count)
	assert.Equal(t, 900.0, top.MaxWaitMs)
	assert.Equal(t, "UPDATE wallets SET balance = ? WHERE member_id = ?", top.BlockedFingerprint)
	assert.Equal(t, "SELECT * FROM wallets WHERE member_id = ? FOR UPDATE", top.BlockingFingerprint)
	assert.Equal(t, "UPDATE wallets SET balance = 0 WHERE member_id = 80000", top.BlockedExample)
	assert.Equal(t, "idle in transaction", top.BlockingState)
	assert.Equal(t, int64(1), r.Blocking[1].Count)
}

func TestAggregatesPairsBounded(t *testing.T) {
	t.Parallel()
	a := newAggregates()
	for i := range maxPairs + 10 {
		q := fmt.Sprintf("UPDATE t%d SET v = 1", i) // distinct table names: distinct fingerprints
		a.addPair(pairSample{blocked: q, blocking: q})
	}
	a.addPair(pairSample{blocked: "UPDATE t0 SET v = 2", blocking: "UPDATE t0 SET v = 3"})
	r := a.report()
	assert.Len(t, r.Blocking, maxPairs)
	assert.Equal(t, int64(10), r.BlockingDropped)
	assert.Equal(t, int64(2), r.Blocking[0].Count, "known pairs still count after the cap")
}

func TestReportJSONAndText(t *testing.T) {
	t.Parallel()
	a := newAggregates()
	a.add(sample{
		states: map[string]int64{"active": 4, "idle in transaction": 2}, lockWaits: 3, lockWait: 1234, queryAge: 56,
		pairs: []pairSample{{blocked: "UPDATE wallets SET balance = 1", blocking: "SELECT 1", blockingState: "idle in transaction", waitMs: 850}},
	}, dbCounters{deadlocks: 1, commits: 40, rollbacks: 2})
	a.addRows("wallets", "update", 7)
	r := a.report()
	r.Database, r.IntervalMs = "postgres://app:xxxxx@db/x", 1000

	b, err := json.Marshal(r)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"deadlocks", "peakConnections", "peakLockWaits", "maxLockWaitMs", "blocking", "rowsChanged"} {
		assert.Contains(t, m, k)
	}
	assert.Equal(t, 1.0, m["deadlocks"])

	var sb strings.Builder
	require.NoError(t, r.WriteText(&sb))
	text := sb.String()
	for _, want := range []string{
		"postgres://app:xxxxx@db/x (every 1s, 1 samples)",
		"deadlocks.............: 1",
		"commits / rollbacks...: 40 / 2",
		"peak connections......: 6 together (active=4 idle in transaction=2)",
		"peak per state........: active=4 idle in transaction=2 (each at its own moment)",
		"peak lock waits.......: 3 (longest wait 1.2s, oldest query 56ms)",
		"rows wallets", "~7",
		"1× waited up to 850ms", "blocked:  UPDATE wallets SET balance = 1", "blocking: SELECT 1 (idle in transaction)",
	} {
		assert.Contains(t, text, want)
	}
}

// TestPeaksLabelledPerState: per-state peaks of different moments are not presented as one
// moment; the total comes with the states of its own moment.
func TestPeaksLabelledPerState(t *testing.T) {
	t.Parallel()
	a := newAggregates()
	a.add(sample{states: map[string]int64{"idle": 21}}, dbCounters{})
	a.add(sample{states: map[string]int64{"idle": 17, "active": 4, "idle in transaction": 2}}, dbCounters{})
	a.add(sample{states: map[string]int64{"idle": 3, "active": 2}}, dbCounters{})
	r := a.report()
	assert.Equal(t, int64(23), r.PeakTotal)
	assert.Equal(t, map[string]int64{"idle": 17, "active": 4, "idle in transaction": 2}, r.PeakTotalStates)
	assert.Equal(t, map[string]int64{"idle": 21, "active": 4, "idle in transaction": 2}, r.PeakConnections)

	var sb strings.Builder
	require.NoError(t, r.WriteText(&sb))
	assert.Contains(t, sb.String(), "peak connections......: 23 together (idle=17 active=4 idle in transaction=2)\n")
	assert.Contains(t, sb.String(), "peak per state........: idle=21 active=4 idle in transaction=2 (each at its own moment)\n")
	assert.NotContains(t, sb.String(), "note:", "a running monitor has no last sample yet")
}

func TestReportTextNotesAndWarnings(t *testing.T) {
	t.Parallel()
	a := newAggregates()
	r := a.report()
	r.Stopped, r.FlushNote = true, "flush wait cut short: the run was interrupted"
	r.Warnings = []string{`options.db.monitor.tables: no table "walets"`}
	var sb strings.Builder
	require.NoError(t, r.WriteText(&sb))
	assert.Contains(t, sb.String(), "peak connections......: 0 together (none)")
	assert.Contains(t, sb.String(), "note: the last sample may miss statistics PostgreSQL had not published yet (flush wait cut short: the run was interrupted)")
	assert.Contains(t, sb.String(), `warning: options.db.monitor.tables: no table "walets"`)

	r.StatsFlushed, r.FlushNote = true, ""
	sb.Reset()
	require.NoError(t, r.WriteText(&sb))
	assert.NotContains(t, sb.String(), "note:")
}
