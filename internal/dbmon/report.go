package dbmon

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// maxPairs bounds the distinct blocking pairs kept; later new pairs only count in
// Report.BlockingDropped, so memory stays bounded whatever the run length.
const maxPairs = 256

// Report is what the monitor saw during the run, for the end-of-test summary and the
// handleSummary data. JSON keys are camelCase, like k6's data.state.
type Report struct {
	// Database is the monitored connection string, password masked.
	Database string `json:"database"`
	// Interval is the sampling period in milliseconds.
	IntervalMs float64 `json:"intervalMs"`
	// Samples counts successful samples; Errors failed ones (LastError is the latest).
	Samples   int64  `json:"samples"`
	Errors    int64  `json:"errors"`
	LastError string `json:"lastError,omitempty"`
	// Deadlocks, Commits and Rollbacks are totals since the run started; the monitor's own
	// sampling transactions are not counted.
	Deadlocks int64 `json:"deadlocks"`
	Commits   int64 `json:"commits"`
	Rollbacks int64 `json:"rollbacks"`
	// PeakTotal is the highest number of sessions seen at one sample and PeakTotalStates
	// their states at that moment. PeakConnections is the highest number seen in each state,
	// each at its own moment: they need not add up to PeakTotal.
	PeakTotal       int64            `json:"peakTotal"`
	PeakTotalStates map[string]int64 `json:"peakTotalStates"`
	PeakConnections map[string]int64 `json:"peakConnections"`
	// PeakLockWaits is the most sessions seen waiting on locks at one sample.
	PeakLockWaits int64 `json:"peakLockWaits"`
	// MaxLockWaitMs and MaxQueryAgeMs are the longest lock wait and statement age seen.
	MaxLockWaitMs float64 `json:"maxLockWaitMs"`
	MaxQueryAgeMs float64 `json:"maxQueryAgeMs"`
	// RowsChanged is the rows inserted, updated and deleted per table, sorted by table.
	// nnjs's own tables (nnjs_meta, nnjs_baseline_*, ...) are left out unless Tables names them.
	RowsChanged []TableChanges `json:"rowsChanged"`
	// Blocking lists the blocked/blocking statement pairs, most seen first.
	Blocking []BlockingPair `json:"blocking"`
	// BlockingDropped counts observations of pairs not kept once maxPairs were tracked.
	BlockingDropped int64 `json:"blockingDropped"`
	// Stopped reports that the monitor has taken its last sample. StatsFlushed says that the
	// last sample came after PostgreSQL published the statistics of every session busy
	// during the run, so commits and row counts are complete; FlushNote says why not.
	Stopped      bool   `json:"stopped"`
	StatsFlushed bool   `json:"statsFlushed"`
	FlushNote    string `json:"flushNote,omitempty"`
	// Warnings are problems with the monitor's configuration, such as a table of
	// options.db.monitor.tables that the database does not have.
	Warnings []string `json:"warnings,omitempty"`
}

// TableChanges is the row changes of one table during the run.
type TableChanges struct {
	Table   string `json:"table"`
	Inserts int64  `json:"inserts"`
	Updates int64  `json:"updates"`
	Deletes int64  `json:"deletes"`
}

// BlockingPair is a (blocked statement, blocking statement) pair grouped by fingerprint.
type BlockingPair struct {
	// BlockedFingerprint and BlockingFingerprint are the normalised statements (constants
	// replaced by '?'); the blocking one is the blocker's current or last statement.
	BlockedFingerprint  string `json:"blockedFingerprint"`
	BlockingFingerprint string `json:"blockingFingerprint"`
	// BlockedExample and BlockingExample are one statement of each, truncated.
	BlockedExample  string `json:"blockedExample"`
	BlockingExample string `json:"blockingExample"`
	// BlockingState is the blocker's state when last seen (often "idle in transaction").
	BlockingState string `json:"blockingState"`
	// Count is how many times the pair was seen: one per sample per blocked/blocking session.
	Count int64 `json:"count"`
	// MaxWaitMs is the longest wait of the blocked session seen for this pair.
	MaxWaitMs float64 `json:"maxWaitMs"`
}

// aggregates accumulates the report during the run.
type aggregates struct {
	r       Report
	pairs   map[[2]string]*BlockingPair
	rows    map[string]*TableChanges
	dropped int64
}

func newAggregates() aggregates {
	return aggregates{
		r:     Report{PeakConnections: map[string]int64{}, PeakTotalStates: map[string]int64{}},
		pairs: map[[2]string]*BlockingPair{}, rows: map[string]*TableChanges{},
	}
}

// add folds one sample and its counter deltas into the aggregates.
func (a *aggregates) add(s sample, d dbCounters) {
	r := &a.r
	r.Samples++
	r.Deadlocks += d.deadlocks
	r.Commits += d.commits
	r.Rollbacks += d.rollbacks
	var total int64
	for st, n := range s.states {
		total += n
		r.PeakConnections[st] = max(r.PeakConnections[st], n)
	}
	if total > r.PeakTotal {
		r.PeakTotal = total
		r.PeakTotalStates = maps.Clone(s.states)
	}
	r.PeakLockWaits = max(r.PeakLockWaits, s.lockWaits)
	r.MaxLockWaitMs = max(r.MaxLockWaitMs, s.lockWait)
	r.MaxQueryAgeMs = max(r.MaxQueryAgeMs, s.queryAge)
	for _, p := range s.pairs {
		a.addPair(p)
	}
}

func (a *aggregates) addPair(p pairSample) {
	k := [2]string{fingerprint(p.blocked), fingerprint(p.blocking)}
	bp := a.pairs[k]
	if bp == nil {
		if len(a.pairs) >= maxPairs {
			a.dropped++
			return
		}
		bp = &BlockingPair{BlockedFingerprint: k[0], BlockingFingerprint: k[1],
			BlockedExample: example(p.blocked), BlockingExample: example(p.blocking)}
		a.pairs[k] = bp
	}
	bp.Count++
	bp.BlockingState = p.blockingState
	bp.MaxWaitMs = max(bp.MaxWaitMs, p.waitMs)
}

func (a *aggregates) addRows(table, op string, n int64) {
	tc := a.rows[table]
	if tc == nil {
		tc = &TableChanges{Table: table}
		a.rows[table] = tc
	}
	switch op {
	case "insert":
		tc.Inserts += n
	case "update":
		tc.Updates += n
	case "delete":
		tc.Deletes += n
	}
}

func (a *aggregates) addError(err error) {
	a.r.Errors++
	a.r.LastError = err.Error()
}

// report returns an independent copy of the aggregates as a Report.
func (a *aggregates) report() Report {
	r := a.r
	r.PeakConnections = maps.Clone(a.r.PeakConnections)
	r.PeakTotalStates = maps.Clone(a.r.PeakTotalStates)
	r.Warnings = slices.Clone(a.r.Warnings)
	r.BlockingDropped = a.dropped
	r.Blocking = make([]BlockingPair, 0, len(a.pairs))
	for _, p := range a.pairs {
		r.Blocking = append(r.Blocking, *p)
	}
	slices.SortFunc(r.Blocking, func(x, y BlockingPair) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(y.MaxWaitMs, x.MaxWaitMs),
			cmp.Compare(x.BlockedFingerprint, y.BlockedFingerprint),
			cmp.Compare(x.BlockingFingerprint, y.BlockingFingerprint))
	})
	r.RowsChanged = make([]TableChanges, 0, len(a.rows))
	for _, tc := range a.rows {
		r.RowsChanged = append(r.RowsChanged, *tc)
	}
	slices.SortFunc(r.RowsChanged, func(x, y TableChanges) int { return cmp.Compare(x.Table, y.Table) })
	return r
}

// textPairs is how many blocking pairs WriteText shows.
const textPairs = 5

// WriteText renders a short block for the end-of-test summary.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "  database monitor: %s (every %s, %d samples", r.Database,
		time.Duration(r.IntervalMs*float64(time.Millisecond)), r.Samples)
	if r.Errors > 0 {
		fmt.Fprintf(&b, ", %d failed: %s", r.Errors, r.LastError)
	}
	b.WriteString(")\n")
	fmt.Fprintf(&b, "    deadlocks.............: %d\n", r.Deadlocks)
	fmt.Fprintf(&b, "    commits / rollbacks...: %d / %d\n", r.Commits, r.Rollbacks)
	fmt.Fprintf(&b, "    peak connections......: %d together (%s)\n", r.PeakTotal, statesText(r.PeakTotalStates))
	fmt.Fprintf(&b, "    peak per state........: %s (each at its own moment)\n", statesText(r.PeakConnections))
	fmt.Fprintf(&b, "    peak lock waits.......: %d (longest wait %s, oldest query %s)\n",
		r.PeakLockWaits, msText(r.MaxLockWaitMs), msText(r.MaxQueryAgeMs))
	for _, tc := range r.RowsChanged {
		fmt.Fprintf(&b, "    rows %-17s: +%d ~%d -%d\n", tc.Table, tc.Inserts, tc.Updates, tc.Deletes)
	}
	if n := len(r.Blocking); n > 0 {
		fmt.Fprintf(&b, "    blocking pairs (top %d of %d):\n", min(n, textPairs), n)
		for _, p := range r.Blocking[:min(n, textPairs)] {
			fmt.Fprintf(&b, "      %d× waited up to %s\n        blocked:  %s\n        blocking: %s (%s)\n",
				p.Count, msText(p.MaxWaitMs), p.BlockedExample, p.BlockingExample, p.BlockingState)
		}
	}
	if r.Stopped && !r.StatsFlushed {
		fmt.Fprintf(&b, "    note: the last sample may miss statistics PostgreSQL had not published yet (%s)\n", r.FlushNote)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "    warning: %s\n", w)
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("dbmon: write report: %w", err)
	}
	return nil
}

// statesText lists sessions per state, largest first: "active=8 idle=4" ("none" when empty).
func statesText(states map[string]int64) string {
	names := slices.Sorted(maps.Keys(states))
	slices.SortStableFunc(names, func(x, y string) int { return cmp.Compare(states[y], states[x]) })
	parts := make([]string, 0, len(names))
	for _, st := range names {
		if states[st] > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", st, states[st]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// msText formats milliseconds as a rounded duration ("850ms", "1.2s").
func msText(ms float64) string {
	d := time.Duration(ms * float64(time.Millisecond))
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Millisecond).String()
	}
}
