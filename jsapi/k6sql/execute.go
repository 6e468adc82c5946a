package k6sql

import (
	"context"
	"fmt"
	"time"

	"github.com/dop251/goja"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// querier is what a statement needs: a pooled connection or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// execute runs one statement on the session under the VU's context and records its metrics.
// When the context ends, it interrupts the iteration and returns undefined.
func (in *instance) execute(s *session, st statement, kind resultKind) (goja.Value, error) {
	ctx := in.vu.Context()
	if s.pool.readOnly {
		if err := readOnlyRefusal(st.info); err != nil {
			in.recordQuery(s.pool, st.info, 0, err)
			return nil, err
		}
	}
	var (
		out goja.Value
		dur time.Duration
	)
	err := in.withQuerier(ctx, s, func(q querier) error {
		start := time.Now()
		var err error
		if kind == affected {
			out, err = in.exec(ctx, q, st)
		} else {
			out, err = in.query(ctx, q, st, kind == firstRow)
		}
		dur = time.Since(start)
		return err
	})
	if modules.StopIfCancelled(in.vu) { // the iteration ends here: no result, no sample
		return goja.Undefined(), nil
	}
	in.recordQuery(s.pool, st.info, dur, err)
	if err != nil {
		if s.tx != nil && retryable(err) {
			s.retry = true
		}
		return nil, wrapMasked(s.pool.masker, err, "sql: %s", st.info.name)
	}
	return out, nil
}

// withQuerier runs fn on the session's transaction, or on a connection acquired for it; on
// a readOnly handle, inside a read-only transaction of its own.
func (in *instance) withQuerier(ctx context.Context, s *session, fn func(querier) error) error {
	if s.tx != nil {
		return fn(s.querier())
	}
	c, err := in.acquire(ctx, s.pool)
	if err != nil {
		return err
	}
	defer c.Release()
	if !s.pool.readOnly {
		return fn(c)
	}
	tx, err := c.BeginTx(ctx, readOnlyTx(pgx.TxOptions{}))
	if err != nil {
		return err
	}
	if err := fn(readOnlyQuerier{tx}); err != nil {
		rollback(ctx, tx)
		return err
	}
	return commitReadOnly(ctx, tx)
}

// exec runs a statement without reading rows.
func (in *instance) exec(ctx context.Context, q querier, st statement) (goja.Value, error) {
	tag, err := q.Exec(ctx, st.text, st.args...)
	if err != nil {
		return nil, err
	}
	return in.execResult(tag.RowsAffected()), nil
}

// execResult is {rowsAffected: n} for nnjs/sql, and xk6-sql's object with rowsAffected()
// and lastInsertId() for k6/x/sql.
func (in *instance) execResult(n int64) goja.Value {
	obj := in.rt.NewObject()
	if !in.xk6 {
		_ = obj.Set("rowsAffected", n)
		return obj
	}
	_ = obj.Set("rowsAffected", func() int64 { return n })
	_ = obj.Set("lastInsertId", func() goja.Value {
		panic(in.rt.NewGoError(fmt.Errorf("sql: lastInsertId is not supported by PostgreSQL; use INSERT ... RETURNING")))
	})
	return obj
}

// query runs a statement and converts its rows (all of them, or the first one or null).
func (in *instance) query(ctx context.Context, q querier, st statement, first bool) (goja.Value, error) {
	rows, err := q.Query(ctx, st.text, st.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	dec := in.newDecoder(rows.FieldDescriptions())
	var list []any
	for rows.Next() {
		row, err := dec.row(rows)
		if err != nil {
			return nil, err
		}
		if first {
			rows.Close()
			return row, rows.Err()
		}
		list = append(list, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if first {
		return goja.Null(), nil
	}
	return in.rt.NewArray(list...), nil
}
