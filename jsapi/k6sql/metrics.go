package k6sql

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// Names of the metrics the module records. They are registered in the run's registry when a VU
// first imports the module, so thresholds can name them like any built-in.
const (
	QueryDuration       = "sql_query_duration"        // Trend (time), tags name, op, db
	Queries             = "sql_queries"               // Counter, tags name, op, db
	Errors              = "sql_errors"                // Counter, tags name, op, db, code
	TxDuration          = "sql_tx_duration"           // Trend (time), tags name, db
	PoolAcquireDuration = "sql_pool_acquire_duration" // Trend (time), tag db
	PoolInUse           = "sql_pool_in_use"           // Gauge, tag db
	PoolIdle            = "sql_pool_idle"             // Gauge, tag db
	PoolMax             = "sql_pool_max"              // Gauge, tag db
)

// Error codes used in the "code" tag of sql_errors for failures that carry no SQLSTATE.
const (
	CodeCanceled = "canceled" // the VU's context ended (run stopped, timeout)
	CodeClient   = "client"   // connection, encoding or other client-side failure
)

// sqlMetrics are the registered metrics of the module.
type sqlMetrics struct {
	duration, queries, errors, tx, acquire, inUse, idle, max *metrics.Metric
}

func registerMetrics(reg *metrics.Registry) (sqlMetrics, error) {
	var m sqlMetrics
	err := reg.NewAll(
		metrics.Def{Dst: &m.duration, Name: QueryDuration, Type: metrics.Trend, Contains: metrics.Time},
		metrics.Def{Dst: &m.queries, Name: Queries, Type: metrics.Counter, Contains: metrics.Default},
		metrics.Def{Dst: &m.errors, Name: Errors, Type: metrics.Counter, Contains: metrics.Default},
		metrics.Def{Dst: &m.tx, Name: TxDuration, Type: metrics.Trend, Contains: metrics.Time},
		metrics.Def{Dst: &m.acquire, Name: PoolAcquireDuration, Type: metrics.Trend, Contains: metrics.Time},
		metrics.Def{Dst: &m.inUse, Name: PoolInUse, Type: metrics.Gauge, Contains: metrics.Default},
		metrics.Def{Dst: &m.idle, Name: PoolIdle, Type: metrics.Gauge, Contains: metrics.Default},
		metrics.Def{Dst: &m.max, Name: PoolMax, Type: metrics.Gauge, Contains: metrics.Default},
	)
	return m, err
}

// tagKey identifies a cached tag set: the VU's base tags plus the module's own.
type tagKey struct {
	base               *metrics.Tags
	name, op, db, code string
}

// maxCachedTags bounds a VU's tag cache; it is cleared when full.
const maxCachedTags = 512

// tagCache builds tag sets once per (base tags, name, op, db, code). Used by one VU only.
type tagCache map[tagKey]*metrics.Tags

func (c *tagCache) get(k tagKey) *metrics.Tags {
	if t, ok := (*c)[k]; ok {
		return t
	}
	if *c == nil || len(*c) >= maxCachedTags {
		*c = make(tagCache)
	}
	m := map[string]string{"db": k.db}
	for key, v := range map[string]string{"name": k.name, "op": k.op, "code": k.code} {
		if v != "" {
			m[key] = v
		}
	}
	t := k.base.Merge(m)
	(*c)[k] = t
	return t
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// recordQuery records one statement: its duration (when it reached the server), the count,
// and the error with its code.
func (in *instance) recordQuery(p *pool, info stmtInfo, d time.Duration, err error) {
	rec := in.vu.Recorder()
	k := tagKey{base: in.vu.Tags(), name: info.name, op: info.op, db: p.name}
	tags := in.tags.get(k)
	if d > 0 {
		rec.Add(in.met.duration, tags, ms(d))
	}
	rec.Add(in.met.queries, tags, 1)
	if err != nil {
		k.code = errorCode(err)
		rec.Add(in.met.errors, in.tags.get(k), 1)
	}
}

// recordTx records a finished transaction attempt.
func (in *instance) recordTx(p *pool, name string, d time.Duration) {
	tags := in.tags.get(tagKey{base: in.vu.Tags(), name: name, db: p.name})
	in.vu.Recorder().Add(in.met.tx, tags, ms(d))
}

// recordAcquire records how long getting a connection took and the pool gauges after it.
func (in *instance) recordAcquire(p *pool, d time.Duration, st *pgxpool.Stat) {
	rec := in.vu.Recorder()
	tags := in.tags.get(tagKey{db: p.name})
	rec.Add(in.met.acquire, tags, ms(d))
	rec.Add(in.met.inUse, tags, float64(st.AcquiredConns()))
	rec.Add(in.met.idle, tags, float64(st.IdleConns()))
	rec.Add(in.met.max, tags, float64(st.MaxConns()))
}
