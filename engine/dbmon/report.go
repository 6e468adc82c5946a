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
	// PeakConnections is the highest number of sessions seen in each state; PeakTotal the
	// highest number of sessions at one sample.
	PeakConnections map[string]int64 `json:"peakConnections"`
	PeakTotal       int64            `json:"peakTotal"`
	// PeakLockWaits is the most sessions seen waiting on locks at one sample.
	PeakLockWaits int64 `json:"peakLockWaits"`
	// MaxLockWaitMs and MaxQueryAgeMs are the longest lock wait and statement age seen.
	MaxLockWaitMs float64 `json:"maxLockWaitMs"`
	MaxQueryAgeMs float64 `json:"maxQueryAgeMs"`
	// RowsChanged is the rows inserted, updated and deleted per table, sorted by table.
	RowsChanged []TableChanges `json:"rowsChanged"`
	// Blocking lists the blocked/blocking statement pairs, most seen first.
	Blocking []BlockingPair `json:"blocking"`
	// BlockingDropped counts observations of pairs not kept once maxPairs were tracked.
	BlockingDropped int64 `json:"blockingDropped"`
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
		r:     Report{PeakConnections: map[string]int64{}},
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
	r.PeakTotal = max(r.PeakTotal, total)
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
	fmt.Fprintf(&b, "    peak connections......: %s\n", r.peakText())
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
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("dbmon: write report: %w", err)
	}
	return nil
}

// peakText lists the peak per state, largest first: "12 (active=8 idle=4)".
func (r Report) peakText() string {
	states := slices.Sorted(maps.Keys(r.PeakConnections))
	slices.SortStableFunc(states, func(x, y string) int {
		return cmp.Compare(r.PeakConnections[y], r.PeakConnections[x])
	})
	parts := make([]string, 0, len(states))
	for _, st := range states {
		parts = append(parts, fmt.Sprintf("%s=%d", st, r.PeakConnections[st]))
	}
	return fmt.Sprintf("%d (%s)", r.PeakTotal, strings.Join(parts, " "))
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
