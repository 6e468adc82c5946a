package dbmon

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// Names of the metrics the monitor records.
const (
	DBConnections  = "db_connections"   // Gauge, tag state: client sessions by state
	DBLockWaits    = "db_lock_waits"    // Gauge: sessions waiting on a lock
	DBLockWaitMax  = "db_lock_wait_max" // Gauge, time (ms): longest current lock wait
	DBQueryAgeMax  = "db_query_age_max" // Gauge, time (ms): oldest running statement
	DBDeadlocks    = "db_deadlocks"     // Counter: deadlocks since the run started
	DBXactCommit   = "db_xact_commit"   // Counter: committed transactions
	DBXactRollback = "db_xact_rollback" // Counter: rolled back transactions
	DBRowsChanged  = "db_rows_changed"  // Counter, tags table and op: rows changed
)

// baseStates are recorded on every sample, as 0 when no session is in them, so their series
// exist from the start; any other state is recorded from its first sighting on.
var baseStates = []string{"active", "idle", "idle in transaction"}

// metricSet holds the registered metrics.
type metricSet struct {
	connections, lockWaits, lockWaitMax, queryAgeMax *metrics.Metric
	deadlocks, commits, rollbacks, rowsChanged       *metrics.Metric
}

func registerMetrics(reg *metrics.Registry) (metricSet, error) {
	var ms metricSet
	err := reg.NewAll(
		metrics.Def{Dst: &ms.connections, Name: DBConnections, Type: metrics.Gauge, Contains: metrics.Default},
		metrics.Def{Dst: &ms.lockWaits, Name: DBLockWaits, Type: metrics.Gauge, Contains: metrics.Default},
		metrics.Def{Dst: &ms.lockWaitMax, Name: DBLockWaitMax, Type: metrics.Gauge, Contains: metrics.Time},
		metrics.Def{Dst: &ms.queryAgeMax, Name: DBQueryAgeMax, Type: metrics.Gauge, Contains: metrics.Time},
		metrics.Def{Dst: &ms.deadlocks, Name: DBDeadlocks, Type: metrics.Counter, Contains: metrics.Default},
		metrics.Def{Dst: &ms.commits, Name: DBXactCommit, Type: metrics.Counter, Contains: metrics.Default},
		metrics.Def{Dst: &ms.rollbacks, Name: DBXactRollback, Type: metrics.Counter, Contains: metrics.Default},
		metrics.Def{Dst: &ms.rowsChanged, Name: DBRowsChanged, Type: metrics.Counter, Contains: metrics.Default},
	)
	if err != nil {
		return ms, fmt.Errorf("dbmon: %w", err)
	}
	return ms, nil
}

// tracker turns samples into metric samples and run aggregates. It is not safe for concurrent
// use; the Monitor guards it.
type tracker struct {
	ms     metricSet
	tables tableFilter
	agg    aggregates

	started    bool
	prevDB     dbCounters
	prevTables map[string]tableCounters
	// firstTables are the tables of the baseline sample, against which Tables is checked.
	firstTables map[string]tableCounters
	// ownCommits and ownRollbacks count the monitor's own sampling transactions that the
	// next read will include, so they are not reported as load.
	ownCommits, ownRollbacks int64

	seenStates map[string]bool
	stateTags  map[string]*metrics.Tags
	rowTags    map[[2]string]*metrics.Tags
}

func newTracker(ms metricSet, tables []string) *tracker {
	t := &tracker{
		ms: ms, tables: newTableFilter(tables), agg: newAggregates(),
		prevTables: map[string]tableCounters{}, seenStates: map[string]bool{},
		stateTags: map[string]*metrics.Tags{}, rowTags: map[[2]string]*metrics.Tags{},
	}
	for _, st := range baseStates {
		t.seenStates[st] = true
	}
	return t
}

// apply records one sample. The first sample is the baseline: counters record 0.
func (t *tracker) apply(s sample, rec metrics.Recorder) {
	t.recordGauges(s, rec)
	var d dbCounters
	if t.started {
		d = dbCounters{
			deadlocks: delta(s.db.deadlocks, t.prevDB.deadlocks),
			commits:   subtractOwn(delta(s.db.commits, t.prevDB.commits), &t.ownCommits),
			rollbacks: subtractOwn(delta(s.db.rollbacks, t.prevDB.rollbacks), &t.ownRollbacks),
		}
		t.recordRows(s.tables, rec)
	}
	rec.Add(t.ms.deadlocks, nil, float64(d.deadlocks))
	rec.Add(t.ms.commits, nil, float64(d.commits))
	rec.Add(t.ms.rollbacks, nil, float64(d.rollbacks))
	t.prevDB, t.prevTables, t.started = s.db, s.tables, true
	if t.firstTables == nil {
		t.firstTables = s.tables
	}
	t.agg.add(s, d)
}

// sampled notes the outcome of the monitor's own sampling transaction.
func (t *tracker) sampled(ok bool) {
	if ok {
		t.ownCommits++
	} else {
		t.ownRollbacks++
	}
}

func (t *tracker) recordGauges(s sample, rec metrics.Recorder) {
	for st := range s.states {
		t.seenStates[st] = true
	}
	for st := range t.seenStates {
		rec.Add(t.ms.connections, t.stateTag(st), float64(s.states[st]))
	}
	rec.Add(t.ms.lockWaits, nil, float64(s.lockWaits))
	rec.Add(t.ms.lockWaitMax, nil, s.lockWait)
	rec.Add(t.ms.queryAgeMax, nil, s.queryAge)
}

func (t *tracker) recordRows(cur map[string]tableCounters, rec metrics.Recorder) {
	for name, c := range cur {
		if !t.tables.selected(name) || t.tables == nil && ownTable(name) {
			continue
		}
		p := t.prevTables[name] // a table created during the run starts from 0
		for _, op := range [...]struct {
			name     string
			cur, old int64
		}{{"insert", c.ins, p.ins}, {"update", c.upd, p.upd}, {"delete", c.del, p.del}} {
			if d := delta(op.cur, op.old); d > 0 {
				rec.Add(t.ms.rowsChanged, t.rowTag(name, op.name), float64(d))
				t.agg.addRows(name, op.name, d)
			}
		}
	}
}

func (t *tracker) stateTag(st string) *metrics.Tags {
	tg := t.stateTags[st]
	if tg == nil {
		tg = metrics.NewTags(map[string]string{"state": st})
		t.stateTags[st] = tg
	}
	return tg
}

func (t *tracker) rowTag(table, op string) *metrics.Tags {
	k := [2]string{table, op}
	tg := t.rowTags[k]
	if tg == nil {
		tg = metrics.NewTags(map[string]string{"table": table, "op": op})
		t.rowTags[k] = tg
	}
	return tg
}

// delta is the growth of a cumulative counter; after a statistics reset (cur < prev) every
// event counted since the reset is new.
func delta(cur, prev int64) int64 {
	if cur < prev {
		return cur
	}
	return cur - prev
}

// subtractOwn removes the monitor's own transactions from raw. When they are not visible yet
// (statistics flushed late) the remainder is carried to the next sample.
func subtractOwn(raw int64, own *int64) int64 {
	d := raw - *own
	if d < 0 {
		*own = -d
		return 0
	}
	*own = 0
	return d
}

// tableFilter selects the tables db_rows_changed reports; the zero value selects all.
type tableFilter map[string]bool

func newTableFilter(names []string) tableFilter {
	if len(names) == 0 {
		return nil
	}
	f := tableFilter{}
	for _, n := range names {
		f[n] = true
	}
	return f
}

// selected reports whether the table named as in pg_stat_user_tables (schema-qualified
// outside public) is selected. "public.wallets" in the list selects "wallets".
func (f tableFilter) selected(name string) bool {
	return f == nil || f[name] || f["public."+name]
}

// ownTable reports whether a table (named as in pg_stat_user_tables) is nnjs's bookkeeping
// rather than the system under test: the staging marker, the integrity baseline and the
// scratch tables of seeding and reset. Their rows are not the load's.
func ownTable(name string) bool {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if name == "nnjs_meta" {
		return true
	}
	for _, prefix := range []string{"nnjs_baseline_", "nnjs_seed_", "nnjs_reset_"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// unknown returns the names of f that match no table of tables (as in pg_stat_user_tables).
func (f tableFilter) unknown(tables map[string]tableCounters) []string {
	var out []string
	for n := range f {
		_, ok := tables[n]
		if !ok && strings.HasPrefix(n, "public.") {
			_, ok = tables[strings.TrimPrefix(n, "public.")]
		}
		if !ok {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}
