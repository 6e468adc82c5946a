package report

import (
	"strings"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// Metric names the report knows beyond engine/metrics' built-ins: the database monitor's and
// nnjs/sql's (their packages register them; the report reads them by name only).
const (
	dbConnections    = "db_connections"
	sqlQueryDuration = "sql_query_duration"
	sqlQueries       = "sql_queries"
	sqlErrors        = "sql_errors"
)

// chartedWhole are the metrics charted as one line each, all series merged.
var chartedWhole = map[string]bool{
	metrics.VUs: true, metrics.VUsMax: true, metrics.Iterations: true, metrics.IterationDuration: true,
	metrics.DroppedIterations: true, metrics.IterationErrors: true, metrics.IterationsInterrupted: true,
	metrics.HTTPReqs: true, metrics.HTTPReqFailed: true, metrics.HTTPReqDuration: true,
	metrics.Checks: true, metrics.DataSent: true, metrics.DataReceived: true,
	"db_lock_waits": true, "db_lock_wait_max": true, "db_query_age_max": true,
	"db_deadlocks": true, "db_xact_commit": true, "db_xact_rollback": true,
	sqlQueries: true, sqlErrors: true, "sql_tx_duration": true, "sql_pool_in_use": true,
}

// chartedByTag are the metrics charted as one line per value of a tag.
var chartedByTag = map[string]string{
	dbConnections:    "state",
	sqlQueryDuration: "name",
}

// notCharted are built-in metrics the report leaves out of the charts (HTTP timing parts,
// groups, per-table row counts, pool internals).
var notCharted = map[string]bool{
	metrics.GroupDuration: true, metrics.HTTPReqBlocked: true, metrics.HTTPReqConnecting: true,
	metrics.HTTPReqTLSHandshaking: true, metrics.HTTPReqSending: true, metrics.HTTPReqWaiting: true,
	metrics.HTTPReqReceiving: true, "db_rows_changed": true, "sql_pool_acquire_duration": true,
	"sql_pool_idle": true, "sql_pool_max": true,
}

// chartGroup says in which charted group a series goes: its tag ("k=v", or "" for the whole
// metric), and false when the metric is not charted. Metrics the script defines (custom
// metrics such as payments_ok) are charted whole.
func chartGroup(m *metrics.Metric, tags *metrics.Tags) (string, bool) {
	switch {
	case chartedWhole[m.Name]:
		return "", true
	case chartedByTag[m.Name] != "":
		key := chartedByTag[m.Name]
		v, ok := tags.Get(key)
		if !ok {
			v = "(none)"
		}
		return key + "=" + v, true
	case notCharted[m.Name], strings.HasPrefix(m.Name, "db_"), strings.HasPrefix(m.Name, "sql_"):
		return "", false
	}
	return "", true
}
