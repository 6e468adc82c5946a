package dbmon

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// fakeRecorder keeps the last value and the sum of each series.
type fakeRecorder struct {
	last, sum map[string]float64
	adds      map[string]int
}

func newFakeRecorder() *fakeRecorder {
	return &fakeRecorder{last: map[string]float64{}, sum: map[string]float64{}, adds: map[string]int{}}
}

func (f *fakeRecorder) Add(m *metrics.Metric, tags *metrics.Tags, v float64) {
	k := m.Name + "{" + tags.Key() + "}"
	f.last[k] = v
	f.sum[k] += v
	f.adds[k]++
}

func newTestTracker(t *testing.T, tables []string) *tracker {
	t.Helper()
	ms, err := registerMetrics(metrics.NewRegistry())
	require.NoError(t, err)
	return newTracker(ms, tables)
}

func TestTrackerDeltasExcludeOwnTransactions(t *testing.T) {
	t.Parallel()
	tr, rec := newTestTracker(t, nil), newFakeRecorder()
	base := sample{db: dbCounters{deadlocks: 7, commits: 1000, rollbacks: 50}}
	tr.apply(base, rec) // baseline: nothing counted
	tr.sampled(true)
	assert.Zero(t, rec.sum["db_deadlocks{}"])
	assert.Equal(t, 1, rec.adds["db_deadlocks{}"], "counters get a 0 sample at the baseline")

	// 10 load commits + 1 of the monitor's baseline transaction, 1 deadlock
	tr.apply(sample{db: dbCounters{deadlocks: 8, commits: 1011, rollbacks: 52}}, rec)
	tr.sampled(true)
	assert.Equal(t, 1.0, rec.sum["db_deadlocks{}"])
	assert.Equal(t, 10.0, rec.sum["db_xact_commit{}"])
	assert.Equal(t, 2.0, rec.sum["db_xact_rollback{}"])

	// the monitor's commit is not visible yet: carried to the next sample
	tr.apply(sample{db: dbCounters{deadlocks: 8, commits: 1011, rollbacks: 52}}, rec)
	tr.sampled(true)
	tr.apply(sample{db: dbCounters{deadlocks: 8, commits: 1015, rollbacks: 52}}, rec)
	assert.Equal(t, 12.0, rec.sum["db_xact_commit{}"], "1011→1015 is 2 own + 2 load commits")
	r := tr.agg.report()
	assert.Equal(t, int64(1), r.Deadlocks)
	assert.Equal(t, int64(12), r.Commits)
	assert.Equal(t, int64(4), r.Samples)
}

func TestTrackerStatsReset(t *testing.T) {
	t.Parallel()
	tr, rec := newTestTracker(t, nil), newFakeRecorder()
	tr.apply(sample{db: dbCounters{deadlocks: 5}}, rec)
	tr.apply(sample{db: dbCounters{deadlocks: 2}}, rec) // pg_stat_reset, then 2 deadlocks
	assert.Equal(t, 2.0, rec.sum["db_deadlocks{}"])
}

func TestTrackerConnectionStatesDropToZero(t *testing.T) {
	t.Parallel()
	tr, rec := newTestTracker(t, nil), newFakeRecorder()
	tr.apply(sample{states: map[string]int64{"idle in transaction (aborted)": 2, "active": 3}}, rec)
	assert.Equal(t, 2.0, rec.last["db_connections{state:idle in transaction (aborted)}"])
	assert.Equal(t, 0.0, rec.last["db_connections{state:idle}"])
	assert.Equal(t, 1, rec.adds["db_connections{state:idle}"], "base states are recorded as 0")

	tr.apply(sample{states: map[string]int64{"active": 1}}, rec)
	assert.Equal(t, 0.0, rec.last["db_connections{state:idle in transaction (aborted)}"],
		"a state that emptied must read 0, not its last count")
	assert.Equal(t, 1.0, rec.last["db_connections{state:active}"])
	r := tr.agg.report()
	assert.Equal(t, int64(3), r.PeakConnections["active"])
	assert.Equal(t, int64(5), r.PeakTotal)
}

func TestTrackerRowsChangedFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tables []string
		want   map[string]float64
	}{
		{"all tables with changes", nil, map[string]float64{
			"db_rows_changed{op:insert,table:wallets}": 3, "db_rows_changed{op:update,table:wallets}": 4,
			"db_rows_changed{op:insert,table:audit.log}": 9, "db_rows_changed{op:delete,table:orders}": 1,
		}},
		{"selected tables", []string{"public.wallets", "orders"}, map[string]float64{
			"db_rows_changed{op:insert,table:wallets}": 3, "db_rows_changed{op:update,table:wallets}": 4,
			"db_rows_changed{op:delete,table:orders}": 1,
		}},
		{"nnjs's own tables when named", []string{"nnjs_baseline_member"}, map[string]float64{
			"db_rows_changed{op:insert,table:nnjs_baseline_member}": 200,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr, rec := newTestTracker(t, tc.tables), newFakeRecorder()
			tr.apply(sample{tables: map[string]tableCounters{
				"wallets": {ins: 10, upd: 5}, "orders": {del: 2}, "idle_table": {ins: 4}, "nnjs_meta": {},
			}}, rec)
			tr.apply(sample{tables: map[string]tableCounters{
				"wallets": {ins: 13, upd: 9}, "orders": {del: 3}, "idle_table": {ins: 4},
				"audit.log": {ins: 9}, // created during the run
				// nnjs's bookkeeping is not the load's
				"nnjs_meta": {upd: 1}, "nnjs_baseline_member": {ins: 200}, "nnjs_baseline_run": {ins: 1},
				"pg_temp_3.nnjs_seed_users": {ins: 50},
			}}, rec)
			got := map[string]float64{}
			for k, v := range rec.sum {
				if len(k) > 15 && k[:15] == "db_rows_changed" {
					got[k] = v
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestOwnTable(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"nnjs_meta": true, "nnjs_baseline_member": true, "nnjs_baseline_paid_order": true,
		"pg_temp_3.nnjs_seed_users": true, "nnjs_reset_orders": true, "audit.nnjs_meta": true,
		"orders": false, "nnjs_idempotency_keys": false, "nnjs_metadata": false, "wallets": false,
	} {
		assert.Equal(t, want, ownTable(name), name)
	}
}

func TestTableFilterUnknown(t *testing.T) {
	t.Parallel()
	tables := map[string]tableCounters{"wallets": {}, "audit.log": {}}
	f := newTableFilter([]string{"wallets", "public.wallets", "audit.log", "walets", "public.orders"})
	assert.Equal(t, []string{"public.orders", "walets"}, f.unknown(tables))
	assert.Empty(t, tableFilter(nil).unknown(tables))
}
