// Package dbmon samples the PostgreSQL database under test during a load run and records what
// it sees as ordinary metrics, so they share the timeline and the thresholds of HTTP metrics.
// It replaces NN-6's monitor_load_test.py and monitoring_queries.sql (and reads deadlocks from
// pg_stat_database, not pg_stat_database_conflicts).
//
//	cfg, err := dbmon.ParseOptions(opts.Extra["db"]) // options.db = {url, monitor: {interval}}
//	if cfg.Enabled {
//		mon, err := dbmon.New(cfg, reg)             // registers the db_* metrics
//		err = mon.Start(ctx, collector.Recorder(0)) // connects, takes the baseline
//		defer mon.Stop()                            // last sample, then close
//	}
//	...
//	rep := mon.Report() // totals and blocking pairs; rep.WriteText(w) for the summary
//
// Metrics (only sessions of the monitored database, without the monitor itself):
//
//	db_connections{state}              Gauge  sessions by state (active, idle, idle in transaction, ...)
//	db_lock_waits                      Gauge  sessions waiting on a lock
//	db_lock_wait_max                   Gauge  longest current lock wait (ms)
//	db_query_age_max                   Gauge  oldest running statement (ms)
//	db_deadlocks                       Counter deadlocks since the start (pg_stat_database)
//	db_xact_commit, db_xact_rollback   Counter transactions (rate = per second)
//	db_rows_changed{table,op}          Counter rows inserted/updated/deleted (pg_stat_user_tables)
//
// Counters are recorded as deltas between samples, so `count` is the total since Start and a
// threshold such as `db_deadlocks: ['count==0']` works like any other. Every sample is one
// read-only transaction on the monitor's own connection (application_name 'nnjs-monitor',
// never a pooled VU connection). It calls pg_stat_clear_snapshot() first, so counters are
// fresh whatever stats_fetch_consistency says, and pg_stat_force_next_flush() (PostgreSQL 15)
// so that its own commit is visible to, and subtracted by, the next sample. Note that every new
// connection's startup is a committed transaction of its own in db_xact_commit.
//
// Freshness: PostgreSQL backends publish their counters at transaction end at most once a
// second, and an idle backend up to ten seconds later; a backend that exits publishes at once.
// Stop therefore belongs after the VUs' pool is closed. Gauges and blocking pairs read live
// state and are not delayed.
//
// Blocking pairs: each sample lists every session waiting on a lock with each session that
// blocks it (pg_blocking_pids). Pairs are grouped by the fingerprints of both statements
// (constants replaced by '?'); the blocker's statement is its current or last one, which for
// an "idle in transaction" blocker is the statement after the one that took the lock.
// Report.Blocking keeps at most 256 distinct pairs.
//
// Privileges: without superuser or pg_read_all_stats, pg_stat_activity hides the statements
// of other roles' sessions, so fingerprints read "<insufficient privilege>".
package dbmon
