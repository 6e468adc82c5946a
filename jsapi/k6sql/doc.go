// Package k6sql is the `nnjs/sql` JavaScript module: PostgreSQL from scenarios through one
// shared pgxpool per database URL (never a pool or connection per VU), with SQL metrics and
// SQLSTATE-carrying errors. It is also importable as `k6/x/sql` with `k6/x/sql/driver/postgres`, so xk6-sql
// scripts for PostgreSQL run unmodified.
//
// Wiring (cmd): one Module per run, registered under its three names, closed at the end.
//
//	sqlmod := k6sql.New()
//	sqlmod.Register(reg) // nnjs/sql, k6/x/sql, k6/x/sql/driver/postgres
//	defer sqlmod.Close()
//	for _, p := range sqlmod.Pools() { ... } // pool gauges for reports
//
// In a script:
//
//	import sql from 'nnjs/sql';
//	const db = sql.open(__ENV.DB_URL, { maxConns: 20, name: 'wallets' }); // init code only
//	export default function () {
//	  const rows = db.query('SELECT id, balance FROM wallets WHERE id = $1', 42);
//	  const one = db.queryRow('SELECT now() AS t');         // first row or null
//	  const { rowsAffected } = db.exec('UPDATE wallets SET balance = balance - $1 WHERE id = $2',
//	    10, 42, { name: 'debit' });                          // trailing {name} sets the tag
//	  db.tx((tx) => {
//	    tx.exec('UPDATE wallets SET balance = balance - 1 WHERE id = $1', 1);
//	    tx.exec('UPDATE wallets SET balance = balance + 1 WHERE id = $1', 2);
//	  }, { isolation: 'serializable', retries: 3 });
//	}
//
// Pools: sql.open only registers the URL (after the Guard, if one is set, checked it once on
// a short connection made under the VU's context, outside the module's lock); the pgxpool is
// created (once) on the first statement, sized by maxConns (default DefaultMaxConns, or the
// URL's pool_max_conns), never by the number of VUs. The first open of a URL decides its
// options; a URL opened both read-only and read-write has one pool of each. Connections say
// application_name "nnjs" unless the URL names one. db.close() only detaches the VU's handle;
// the pools are closed by (*Module).Close.
//
// readOnly: sql.open(url, {readOnly: true}) opens any database (no Guard) and guarantees the
// script cannot write through it: statements that could leave read-only mode are refused
// (ErrReadOnly, code 25006), every statement runs alone in a transaction begun READ ONLY and
// verified, and commits only after the server confirms it is still read-only.
//
// Values: int2/int4/oid and floats are numbers; int8 is a number within ±2^53 and a decimal
// string beyond; numeric/decimal are strings (no precision loss); timestamp, timestamptz and
// date are Dates (millisecond precision; timestamp without time zone is read as UTC);
// json/jsonb are parsed; bool, text and enums as such; uuid is a string; bytea an ArrayBuffer;
// arrays are arrays; NULL is null; other types (interval, inet, ranges ...) are their text.
// Arguments: numbers, strings, booleans, null/undefined (NULL), BigInt, Date, ArrayBuffer and
// typed arrays (bytea), arrays (PostgreSQL arrays), other objects (JSON text).
//
// Errors: failed statements throw an Error named SQLError whose code is the SQLSTATE
// ("40P01", "23505", ...; "08001" when no connection could be made, "08006" when one broke)
// or CodeCanceled / CodeClient, with detail, hint, constraint, table, schema, column and
// severity from the server. Passwords never appear in messages. Statements, tx and queryRow
// in init code throw; open outside init code throws. A database sql.open cannot use
// (unreachable, full, not staging) fails init with an *OpenError that errors.As finds.
//
// Metrics: sql_query_duration, sql_queries and sql_errors (tags name, op, db, plus code on
// errors, plus the VU's tags); sql_tx_duration (name, db); sql_pool_acquire_duration and the
// gauges sql_pool_in_use, sql_pool_idle, sql_pool_max (db only), recorded on every acquire.
// name is the trailing {name} option or a fingerprint such as "UPDATE wallets" (Fingerprint).
// The BEGIN and COMMIT of db.tx are recorded as statements named "BEGIN" and "COMMIT".
//
// Concurrency: Module is safe for concurrent use; an instance, its handles and tx objects
// belong to one VU and are used from its goroutine. Every statement runs under the VU's
// Context, so stopping a run cancels it.
package k6sql
