package k6sql_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/internal/pgtest"
	"github.com/nnprotect/nnjs/jsapi"
	"github.com/nnprotect/nnjs/jsapi/k6sql"
)

const e2eScript = `
import sql from 'nnjs/sql';
import xsql from 'k6/x/sql';
import driver from 'k6/x/sql/driver/postgres';

const db = sql.open(__ENV.DB, { maxConns: 2, name: 'e2e' });
const xdb = xsql.open(driver, __ENV.DB);

export function setup() {
  db.exec('CREATE TABLE hits (vu int)');
}

export default function () {
  db.tx((tx) => tx.exec('INSERT INTO hits VALUES ($1)', __VU), { retries: 1 });
  if (xdb.exec('UPDATE hits SET vu = vu WHERE vu = $1', __VU).rowsAffected() < 1) {
    throw new Error('row of VU ' + __VU + ' missing');
  }
}

export function teardown() {
  const n = db.queryRow('SELECT count(*)::int AS n FROM hits').n;
  if (n !== 4) throw new Error('expected 4 rows, got ' + n);
  db.close();
}
`

// countingRecorder counts samples per metric name.
type countingRecorder struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *countingRecorder) Add(m *metrics.Metric, _ *metrics.Tags, _ float64) {
	c.mu.Lock()
	c.n[m.Name]++
	c.mu.Unlock()
}

// TestEndToEnd runs a script through jsapi with both import forms: setup, two VUs of two
// iterations, teardown.
func TestEndToEnd(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	path := filepath.Join(t.TempDir(), "script.js")
	require.NoError(t, os.WriteFile(path, []byte(e2eScript), 0o600))

	mod := k6sql.New()
	defer mod.Close()
	reg := jsapi.DefaultModules()
	mod.Register(reg)
	prg, err := jsapi.Compile(path, jsapi.CompileOptions{Modules: reg})
	require.NoError(t, err)
	mreg := metrics.NewRegistry()
	rec := &countingRecorder{n: map[string]int{}}
	r, err := jsapi.NewRunner(prg, jsapi.RunnerConfig{
		Registry: mreg, NewRecorder: func(uint64) metrics.Recorder { return rec },
		Env: map[string]string{"DB": dbURL},
	})
	require.NoError(t, err)

	ctx := context.Background()
	require.NoError(t, r.Setup(ctx))
	for id := uint64(1); id <= 2; id++ {
		vu, err := r.NewVU(ctx, id)
		require.NoError(t, err)
		act := vu.Activate(engine.Activation{Scenario: "default", Exec: "default"})
		for range 2 {
			require.NoError(t, act.Iterate(ctx, engine.Iteration{}))
		}
		act.Deactivate()
	}
	require.NoError(t, r.Teardown(ctx))

	pools := mod.Pools()
	require.Len(t, pools, 1, "both import forms share the URL's pool")
	assert.Equal(t, "e2e", pools[0].Name)
	assert.EqualValues(t, 2, pools[0].MaxConns)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Equal(t, 4, rec.n[k6sql.TxDuration])
	assert.Positive(t, rec.n[k6sql.QueryDuration])
	assert.Zero(t, rec.n[k6sql.Errors])
	require.NotNil(t, mreg.Get(k6sql.PoolInUse), "metrics are in the run's registry")
}
