package k6sql

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A readOnly handle is nnjs's promise that a script cannot write to a database that is not a
// staging target, so it does not rely on any one check:
//
//  1. readOnlyRefusal refuses, before sending, text that could leave read-only mode: several
//     statements, transaction control (BEGIN, COMMIT, ROLLBACK ...), SET at session level,
//     SET TRANSACTION / SESSION CHARACTERISTICS, SET of the read-only settings, RESET,
//     DISCARD and set_config();
//  2. every statement runs in a transaction nnjs begins READ ONLY and immediately checks
//     with a statement, which also fixes its access mode (PostgreSQL accepts SET TRANSACTION
//     READ WRITE only before a transaction's first query);
//  3. a statement is sent only while that transaction is still open, and with the extended
//     protocol, so that the server runs exactly one statement;
//  4. the transaction commits only if the server confirms, in the same round trip, that it
//     is still read-only (so a statement that slipped through cannot commit a write);
//  5. the pool's sessions default to default_transaction_read_only = on.

// assertReadOnly fails the transaction unless it is read-only; as a query it also fixes the
// transaction's access mode.
const assertReadOnly = `DO $nnjs$BEGIN IF current_setting('transaction_read_only') <> 'on' THEN ` +
	`RAISE EXCEPTION USING ERRCODE = '25006', ` +
	`MESSAGE = 'nnjs: the transaction of a readOnly handle is not read-only'; END IF; END$nnjs$`

// readOnlyTx returns the options of a transaction of a readOnly handle: BEGIN ... READ ONLY
// followed by the check, and COMMIT preceded by it.
func readOnlyTx(o pgx.TxOptions) pgx.TxOptions {
	begin := "BEGIN"
	if o.IsoLevel != "" {
		begin += " ISOLATION LEVEL " + string(o.IsoLevel)
	}
	o.AccessMode = pgx.ReadOnly
	o.BeginQuery = begin + " READ ONLY; " + assertReadOnly
	o.CommitQuery = assertReadOnly + "; COMMIT"
	return o
}

// commitReadOnly commits tx (a transaction begun with readOnlyTx), or rolls it back when a
// statement failed in it, with pgx's error for that case.
func commitReadOnly(ctx context.Context, tx pgx.Tx) error {
	if tx.Conn().PgConn().TxStatus() == 'E' {
		rollback(ctx, tx)
		return pgx.ErrTxCommitRollback
	}
	return tx.Commit(ctx)
}

// readOnlyQuerier runs a readOnly handle's statements inside its transaction tx.
type readOnlyQuerier struct{ tx pgx.Tx }

// Query sends one statement with the extended protocol while tx is open.
func (q readOnlyQuerier) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	conn := q.tx.Conn()
	if st := conn.PgConn().TxStatus(); st != 'T' && st != 'E' {
		return nil, fmt.Errorf("%w: the statement would run outside nnjs's read-only transaction", ErrReadOnly)
	}
	if conn.Config().DefaultQueryExecMode == pgx.QueryExecModeSimpleProtocol {
		args = append([]any{pgx.QueryExecModeDescribeExec}, args...)
	}
	return q.tx.Query(ctx, sql, args...)
}

// Exec runs a statement through Query: pgx's Exec without arguments would use the simple
// protocol, which accepts several statements in one string.
func (q readOnlyQuerier) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	rows.Close()
	return rows.CommandTag(), rows.Err()
}

// readOnlyRefusal says why a readOnly handle must not send a statement, or nil.
func readOnlyRefusal(info stmtInfo) error {
	refuse := func(why string) error { return fmt.Errorf("%w: %s", ErrReadOnly, why) }
	switch {
	case info.stmts > 1:
		return refuse("several statements in one call (send them one by one, in db.tx for one transaction)")
	case info.setConfig:
		return refuse("set_config() changes settings")
	case len(info.lead) == 0:
		return nil
	}
	lead := info.lead
	switch lead[0] {
	case "BEGIN", "START", "COMMIT", "END", "ABORT":
		return refuse(lead[0] + ": nnjs runs each statement of a readOnly handle in its own read-only transaction; use db.tx to group them")
	case "ROLLBACK":
		if !slices.Contains(lead[1:], "TO") {
			return refuse("ROLLBACK: nnjs ends the transactions of a readOnly handle itself")
		}
	case "PREPARE":
		if len(lead) > 1 && lead[1] == "TRANSACTION" {
			return refuse("PREPARE TRANSACTION")
		}
	case "SET":
		return setRefusal(lead[1:], refuse)
	case "RESET", "DISCARD":
		return refuse(lead[0] + " changes session settings")
	}
	return nil
}

// setRefusal judges SET [LOCAL | SESSION] name ...: only SET LOCAL of a setting other than
// the access mode passes.
func setRefusal(rest []string, refuse func(string) error) error {
	local := len(rest) > 0 && rest[0] == "LOCAL"
	if len(rest) > 0 && (rest[0] == "LOCAL" || rest[0] == "SESSION") {
		rest = rest[1:]
	}
	if len(rest) > 0 {
		switch strings.ToLower(strings.Trim(rest[0], `"`)) {
		case "transaction", "session":
			return refuse("SET TRANSACTION / SET SESSION CHARACTERISTICS changes the access mode")
		case "transaction_read_only", "default_transaction_read_only":
			return refuse("SET " + rest[0] + " changes the access mode")
		}
	}
	if !local {
		return refuse("SET at session level outlives the statement (use SET LOCAL inside db.tx)")
	}
	return nil
}
