package k6sql

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

// TestManyVUsShareOnePool runs 200 VUs on one pool of 20 connections: with a connection per
// VU the server (max_connections 100) would refuse them.
func TestManyVUsShareOnePool(t *testing.T) {
	w := newWorld(t)
	const vus, perVU = 200, 3
	all := make([]*modulestest.VU, vus)
	for i := range all {
		all[i] = w.opened(uint64(i+1), "{maxConns: 20, name: 'shared'}")
	}
	var wg sync.WaitGroup
	errs := make(chan error, vus)
	for _, v := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perVU {
				if _, err := v.RunErr(`db.queryRow("SELECT pg_sleep(0.005), 1 AS one").one`); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	pools := w.mod.Pools()
	require.Len(t, pools, 1, "one pool for the URL, whatever the number of VUs")
	assert.Equal(t, "shared", pools[0].Name)
	assert.EqualValues(t, 20, pools[0].MaxConns)
	assert.LessOrEqual(t, pools[0].Total, int32(20))
	assert.EqualValues(t, vus*perVU, pools[0].AcquireCount)

	assert.EqualValues(t, 20, maxValue(w.rec.Of(PoolMax, nil)))
	for _, s := range w.rec.Of(PoolMax, nil) {
		assert.EqualValues(t, 20, s.Value)
		assert.Equal(t, "db:shared", s.Tags.Key())
	}
	inUse := maxValue(w.rec.Of(PoolInUse, nil))
	assert.LessOrEqual(t, inUse, 20.0)
	assert.Greater(t, inUse, 1.0, "VUs ran concurrently")
	assert.Len(t, w.rec.Of(PoolAcquireDuration, map[string]string{"db": "shared"}), vus*perVU)
	assert.EqualValues(t, vus*perVU, w.rec.Sum(Queries, map[string]string{"db": "shared", "op": OpSelect}))
}

func TestPoolIsLazyAndClosedByModule(t *testing.T) {
	w := newWorld(t)
	v := w.opened(1, "")
	assert.Empty(t, w.mod.Pools(), "open alone creates no pool")
	v.Run(t, `db.exec("SELECT 1")`)
	require.Len(t, w.mod.Pools(), 1)
	assert.EqualValues(t, DefaultMaxConns, w.mod.Pools()[0].MaxConns)

	v.Run(t, `db.close()`)
	exc := v.Exception(t, `db.exec("SELECT 1")`)
	assert.Contains(t, exc.Get("message").String(), ErrHandleClosed.Error())
	other := w.opened(2, "")
	other.Run(t, `db.exec("SELECT 1")`) // db.close() of one VU leaves the shared pool open

	w.mod.Close()
	exc = other.Exception(t, `db.exec("SELECT 1")`)
	assert.Equal(t, CodeClient, exc.Get("code").String())
	_, err := w.vu(3).RunErr(`sql.open(URL)`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), ErrModuleClosed.Error())
}

func TestContextCancelsQuery(t *testing.T) {
	w := newWorld(t)
	v := w.opened(1, "")
	ctx, cancel := context.WithCancel(context.Background())
	v.Ctx = ctx
	timer := time.AfterFunc(200*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	_, err := v.RunErr(`db.query("SELECT pg_sleep(30)")`)
	assert.Less(t, time.Since(start), 10*time.Second, "the statement was cancelled")
	require.ErrorIs(t, err, context.Canceled, "a cancelled statement interrupts the runtime, it throws nothing")
	assert.Empty(t, w.rec.Of(Errors, nil), "and it is not an SQL error")

	v.Ctx = context.Background()
	assert.EqualValues(t, 1, v.Run(t, `db.queryRow("SELECT 1 AS n").n`).ToInteger(), "the pool recovered")
}

func TestInitContextRules(t *testing.T) {
	w := newWorld(t)
	v := w.vu(1)
	v.Run(t, `var db = sql.open(URL)`)
	for _, js := range []string{`db.query("SELECT 1")`, `db.queryRow("SELECT 1")`, `db.exec("SELECT 1")`, `db.tx(() => 1)`} {
		exc := v.Exception(t, js)
		assert.Contains(t, exc.Get("message").String(), ErrInitContext.Error(), js)
	}
	v.Init = false
	exc := v.Exception(t, `sql.open(URL)`)
	assert.Contains(t, exc.Get("message").String(), ErrOpenOutsideInit.Error())
	exc = v.Exception(t, `db.query(42)`)
	assert.Equal(t, "TypeError", exc.Get("name").String())
}

func TestOpenOptions(t *testing.T) {
	w := newWorld(t)
	v := w.vu(1)
	exc := v.Exception(t, `sql.open(URL, {maxConn: 3})`)
	assert.Equal(t, "TypeError", exc.Get("name").String(), "a typo in an option name throws")
	exc = v.Exception(t, `sql.open(URL, {maxConns: -1})`)
	assert.Equal(t, "TypeError", exc.Get("name").String())
	exc = v.Exception(t, `sql.open(URL, {maxConnLifetime: 'soon'})`)
	assert.Equal(t, "TypeError", exc.Get("name").String())
	v.Run(t, `var db = sql.open(URL, {maxConns: 3, minConns: 1, maxConnLifetime: '10m', maxConnIdleTime: 60000, name: 'x'})`)
	v.Init = false
	assert.Equal(t, "x", v.Run(t, `db.name`).String())
	v.Run(t, `db.exec("SELECT 1")`)
	require.Len(t, w.mod.Pools(), 1)
	assert.EqualValues(t, 3, w.mod.Pools()[0].MaxConns)
}
