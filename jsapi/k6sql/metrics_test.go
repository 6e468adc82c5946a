package k6sql

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/engine/threshold"
)

func TestMetricsRegistered(t *testing.T) {
	reg := metrics.NewRegistry()
	_, err := registerMetrics(reg)
	require.NoError(t, err)
	for name, want := range map[string][2]any{
		QueryDuration: {metrics.Trend, metrics.Time}, Queries: {metrics.Counter, metrics.Default},
		Errors: {metrics.Counter, metrics.Default}, TxDuration: {metrics.Trend, metrics.Time},
		PoolAcquireDuration: {metrics.Trend, metrics.Time}, PoolInUse: {metrics.Gauge, metrics.Default},
		PoolIdle: {metrics.Gauge, metrics.Default}, PoolMax: {metrics.Gauge, metrics.Default},
	} {
		m := reg.Get(name)
		require.NotNil(t, m, name)
		assert.Equal(t, want[0], m.Type, name)
		assert.Equal(t, want[1], m.Contains, name)
	}
	_, err = reg.New(Queries+"_x", metrics.Counter, metrics.Default)
	require.NoError(t, err)
	reg2 := metrics.NewRegistry()
	_, err = reg2.New(Queries, metrics.Trend, metrics.Default)
	require.NoError(t, err)
	_, err = registerMetrics(reg2)
	assert.ErrorIs(t, err, metrics.ErrConflict, "a script metric of another type with our name is refused")
}

func TestMetricTagsAndName(t *testing.T) {
	w := newWorld(t)
	v := w.opened(1, "{name: 'main'}")
	v.Run(t, `db.exec("CREATE TABLE wallets (id int, n int)")`)
	v.Run(t, `db.exec("UPDATE wallets SET n = n + 1 WHERE id = $1", 1)`)
	v.Run(t, `db.exec("UPDATE wallets SET n = n + 1 WHERE id = $1", 1, {name: 'bump'})`)

	base := map[string]string{"db": "main", "scenario": "default"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, val := range base {
			m[k] = val
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	assert.Len(t, w.rec.Of(QueryDuration, with("name", "UPDATE wallets", "op", OpUpdate)), 1)
	assert.Len(t, w.rec.Of(QueryDuration, with("name", "bump", "op", OpUpdate)), 1)
	assert.EqualValues(t, 1, w.rec.Sum(Queries, with("name", "CREATE", "op", OpOther)))
	assert.Empty(t, w.rec.Of(Errors, nil))
	v.Exception(t, `db.exec("UPDATE nowhere SET n = 1")`)
	assert.EqualValues(t, 1, w.rec.Sum(Errors, with("name", "UPDATE nowhere", "code", "42P01")))
}

// TestThresholdsOnSQLMetrics evaluates thresholds on a real collector snapshot.
func TestThresholdsOnSQLMetrics(t *testing.T) {
	w := newWorld(t)
	col := metrics.NewCollector(w.reg, metrics.CollectorConfig{})
	v := w.opened(1, "{maxConns: 3, name: 'th'}")
	v.RecorderOverride = col.Recorder(1)
	v.Run(t, `db.exec("CREATE TABLE u (id int PRIMARY KEY)"); db.exec("INSERT INTO u VALUES (1)")`)
	v.Exception(t, `db.exec("INSERT INTO u VALUES (1)")`)
	col.Flush()

	var cfg map[string]options.Thresholds
	require.NoError(t, json.Unmarshal([]byte(`{
		"sql_query_duration{op:insert}": ["p(95)<60000"],
		"sql_queries": ["count==3"],
		"sql_errors{code:23505}": ["count==1"],
		"sql_errors{code:40P01}": ["count==0"],
		"sql_pool_max{db:th}": ["value==3"],
		"sql_pool_acquire_duration": ["max<60000"]
	}`), &cfg))
	set, err := threshold.New(w.reg, cfg)
	require.NoError(t, err)
	res := set.Evaluate(col.Snapshot())
	for _, r := range res {
		assert.True(t, r.OK, "%s observed %v", r.Threshold.Name, r.Observed)
	}
	require.Len(t, res, 6)
}
