package k6sql

import (
	"net/url"
	"sync"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

func TestTxCommitAndRollback(t *testing.T) {
	w := newWorld(t)
	v := w.opened(1, "")
	v.Run(t, `db.exec("CREATE TABLE t (id int PRIMARY KEY, v int)")`)

	got := v.Run(t, `db.tx((tx) => {
		tx.exec("INSERT INTO t VALUES (1, 10)");
		return tx.queryRow("SELECT v FROM t WHERE id = 1").v;
	})`)
	assert.EqualValues(t, 10, got.ToInteger(), "tx returns fn's result and sees its own writes")
	assert.EqualValues(t, 1, v.Run(t, `db.queryRow("SELECT count(*) AS n FROM t").n`).ToInteger(), "committed")

	exc := v.Exception(t, `db.tx((tx) => {
		tx.exec("INSERT INTO t VALUES (2, 20)");
		throw new Error("boom");
	})`)
	assert.Equal(t, "boom", exc.Get("message").String(), "the script's exception is rethrown")
	assert.EqualValues(t, 1, v.Run(t, `db.queryRow("SELECT count(*) AS n FROM t").n`).ToInteger(), "rolled back")
	require.NotEmpty(t, w.rec.Of(TxDuration, map[string]string{"name": "tx"}))

	exc = v.Exception(t, `var leaked; db.tx((tx) => { leaked = tx; }); leaked.exec("SELECT 1")`)
	assert.Contains(t, exc.Get("message").String(), ErrTxDone.Error())
}

func TestTxOptions(t *testing.T) {
	w := newWorld(t)
	v := w.opened(1, "")
	v.Run(t, `db.exec("CREATE TABLE t (id int)")`)
	iso := v.Run(t, `db.tx((tx) => tx.queryRow("SHOW transaction_isolation").transaction_isolation,
		{isolation: 'serializable', name: 'iso'})`)
	assert.Equal(t, "serializable", iso.String())
	require.NotEmpty(t, w.rec.Of(TxDuration, map[string]string{"name": "iso"}))

	exc := v.Exception(t, `db.tx((tx) => tx.exec("INSERT INTO t VALUES (1)"), {readOnly: true})`)
	assert.Equal(t, "25006", exc.Get("code").String(), "read-only transaction refuses writes")
	exc = v.Exception(t, `db.tx(() => {}, {isolation: 'chaos'})`)
	assert.Equal(t, "TypeError", exc.Get("name").String())
}

func TestSQLErrorCarriesServerFields(t *testing.T) {
	w := newWorld(t)
	v := w.opened(1, "")
	v.Run(t, `db.exec("CREATE TABLE wallets (id int CONSTRAINT wallets_pk PRIMARY KEY)")`)
	v.Run(t, `db.exec("INSERT INTO wallets VALUES (1)")`)
	exc := v.Exception(t, `db.exec("INSERT INTO wallets VALUES ($1)", 1)`)
	assert.Equal(t, "SQLError", exc.Get("name").String())
	assert.Equal(t, "23505", exc.Get("code").String())
	assert.Equal(t, "wallets_pk", exc.Get("constraint").String())
	assert.Equal(t, "wallets", exc.Get("table").String())
	assert.Equal(t, "public", exc.Get("schema").String())
	assert.Contains(t, exc.Get("detail").String(), "(id)=(1)")
	assert.True(t, v.Run(t, `(function(){ try { db.exec("INSERT INTO wallets VALUES (1)") } catch (e) { return e instanceof Error && e.code === '23505' } })()`).ToBoolean())
	assert.EqualValues(t, 2, w.rec.Sum(Errors, map[string]string{"code": "23505", "name": "INSERT wallets", "op": OpInsert}))
}

// barrier lets two VUs meet once: the first call of each VU waits for the other; later calls
// (retries) pass.
type barrier struct {
	wg sync.WaitGroup
}

func newBarrier() *barrier {
	b := &barrier{}
	b.wg.Add(2)
	return b
}

func (b *barrier) install(t *testing.T, v *modulestest.VU) {
	var once sync.Once
	require.NoError(t, v.RT.Set("barrier", func() {
		once.Do(func() {
			b.wg.Done()
			b.wg.Wait()
		})
	}))
}

// deadlockURL lowers deadlock_timeout for the test's sessions (the test user is a superuser).
func deadlockURL(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	q := u.Query()
	q.Set("deadlock_timeout", "100ms")
	u.RawQuery = q.Encode()
	return u.String()
}

// runDeadlock makes two VUs update rows 1 and 2 in opposite orders inside db.tx(opts) and
// returns what each VU's script returned: "ok" or the caught error's code.
func runDeadlock(t *testing.T, w *world, opts string) [2]string {
	a, b := w.opened(1, ""), w.opened(2, "")
	a.Run(t, `db.exec("DROP TABLE IF EXISTS acc"); db.exec("CREATE TABLE acc (id int PRIMARY KEY, n int)");
		db.exec("INSERT INTO acc VALUES (1, 0), (2, 0)")`)
	bar := newBarrier()
	var out [2]string
	var wg sync.WaitGroup
	for i, pair := range []struct {
		vu          *modulestest.VU
		first, next int
	}{{a, 1, 2}, {b, 2, 1}} {
		bar.install(t, pair.vu)
		script := `(function(){ try { db.tx((tx) => {
				tx.exec("UPDATE acc SET n = n + 1 WHERE id = $1", ` + itoa(pair.first) + `);
				barrier();
				tx.exec("UPDATE acc SET n = n + 1 WHERE id = $1", ` + itoa(pair.next) + `);
			}, ` + opts + `); return "ok"; } catch (e) { return e.code; } })()`
		wg.Add(1)
		go func() {
			defer wg.Done()
			val, err := pair.vu.RunErr(script)
			if assert.NoError(t, err) {
				out[i] = val.String()
			}
		}()
	}
	wg.Wait()
	return out
}

func itoa(i int) string { return goja.New().ToValue(i).String() }

func TestDeadlockSurfacesAs40P01(t *testing.T) {
	w := newWorld(t)
	w.url = deadlockURL(t, w.url)
	out := runDeadlock(t, w, "{}")
	assert.ElementsMatch(t, []string{"ok", "40P01"}, out[:])
	assert.EqualValues(t, 1, w.rec.Sum(Errors, map[string]string{"code": "40P01", "op": OpUpdate}))
}

func TestDeadlockRetried(t *testing.T) {
	w := newWorld(t)
	w.url = deadlockURL(t, w.url)
	out := runDeadlock(t, w, "{retries: 3}")
	assert.Equal(t, [2]string{"ok", "ok"}, out)
	// the victim's retry may deadlock again (it can re-lock its first row before the survivor
	// wakes up); three retries absorb that
	deadlocks := w.rec.Sum(Errors, map[string]string{"code": "40P01"})
	assert.GreaterOrEqual(t, deadlocks, 1.0, "the first attempt failed")
	assert.LessOrEqual(t, deadlocks, 3.0)
	v := w.opened(3, "")
	assert.Equal(t, "2,2", v.Run(t, `db.query("SELECT n FROM acc ORDER BY id").map(r => r.n).join()`).String(),
		"both transactions committed exactly once")
}
