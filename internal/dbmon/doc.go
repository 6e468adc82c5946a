// Package dbmon samples the PostgreSQL database under test during a load run and records what
// it sees as ordinary metrics, so they share the timeline and the thresholds of HTTP metrics.
// It replaces the separate Python monitor NN-6 ran beside its load tests (and reads deadlocks from
// pg_stat_database, not pg_stat_database_conflicts).
//
//	cfg, err := dbmon.ParseOptions(opts.Extra["db"]) // options.db = {url, monitor: {interval}}
//	if cfg.Enabled {
//		mon, err := dbmon.New(cfg, reg)             // registers the db_* metrics
//		err = mon.Start(ctx, collector.Recorder(0)) // connects, takes the baseline; ctx bounds only this
//		...                                         // the load; then close its pools
//		mon.Stop(ctx)                               // waits for the statistics flush, last sample, close
//	}
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
// Freshness: PostgreSQL (15+) sessions publish their counters at transaction end at most once
// a second, an idle one up to ten seconds after it went idle, and one that exits at once.
// Stop therefore belongs after the load's pools are closed, and it waits (up to FlushWait,
// options.db.monitor.flushWait, default DefaultFlushWait, while its context lasts) until no
// session that was busy during the run may still hold unpublished counters, before its last
// sample. Report.StatsFlushed says whether it could. Gauges and blocking pairs read live
// state and are not delayed; they come from one read of pg_stat_activity per sample, so they
// agree with each other.
//
// Row changes leave out nnjs's own bookkeeping tables (nnjs_meta, nnjs_baseline_*,
// nnjs_seed_*, nnjs_reset_*) unless Tables names them. Names in Tables that match no table
// at the start are reported as warnings (Report.Warnings, Config.Logger).
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
