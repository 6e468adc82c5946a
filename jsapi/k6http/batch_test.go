package k6http

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

func TestBatchShapesAndOrder(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	e.run(`var arr = http.batch([
		base+"/conc?i=0",
		["GET", base+"/conc?i=1"],
		{method: "POST", url: base+"/echo", body: "b", params: {tags: {name: "echo"}}},
		["GET", base+"/conc?i=3", null, {responseType: "text"}],
	])`)
	assert.Equal(t, true, e.run(`Array.isArray(arr) && arr.length === 4`).Export())
	assert.Equal(t, "0", e.run(`arr[0].body`).Export())
	assert.Equal(t, "1", e.run(`arr[1].body`).Export())
	assert.Equal(t, "b", e.run(`arr[2].json().body`).Export())
	assert.Equal(t, "3", e.run(`arr[3].body`).Export())

	e.run(`var obj = http.batch({first: base+"/conc?i=a", second: {url: base+"/conc?i=b"}})`)
	assert.Equal(t, "a,b", e.run(`Object.keys(obj).map(k => obj[k].body).join()`).Export())
	assert.Equal(t, "first,second", e.run(`Object.keys(obj).join()`).Export())
	assert.Len(t, e.vu.Rec.Of(metrics.HTTPReqs, nil), 6)
}

func TestBatchParallelism(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     *options.Options
		wantPeak int64
	}{
		{"batchPerHost caps", &options.Options{BatchPerHost: ptr(int64(3))}, 3},
		{"batch caps", &options.Options{Batch: ptr(int64(2)), BatchPerHost: ptr(int64(0))}, 2},
		{"defaults", nil, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			e := newEnv(t, tc.opts)
			e.set("base", srv.URL)
			e.run(`var reqs = []; for (let i = 0; i < 12; i++) reqs.push(base+"/conc?i="+i);
				var out = http.batch(reqs)`)
			assert.Equal(t, "0,1,2,3,4,5,6,7,8,9,10,11", e.run(`out.map(r => r.body).join()`).Export())
			assert.Equal(t, tc.wantPeak, srv.maxInflight.Load())
		})
	}
}

func TestBatchBadURLDoesNotStopOthers(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	e.run(`var out = http.batch(["ftp://nope", base+"/conc?i=ok"])`)
	assert.Equal(t, int64(codeInvalidURL), e.run(`out[0].error_code`).Export())
	assert.Equal(t, "ok", e.run(`out[1].body`).Export())
}

func TestCookies(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		name      string
		opts      *options.Options
		afterIter string // Cookie header seen after a new iteration
	}{
		{"reset per iteration", nil, ""},
		{"noCookiesReset", &options.Options{NoCookiesReset: ptr(true)}, "sid=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tc.opts)
			e.set("base", srv.URL)
			e.vu.StartIteration()
			e.run(`var set = http.get(base+"/setcookie?v=1")`)
			assert.Equal(t, "1", e.run(`set.cookies.sid[0].value`).Export())
			assert.Equal(t, "sid=1", e.run(`http.get(base+"/echo").json().headers.Cookie || ""`).Export())
			e.vu.StartIteration()
			assert.Equal(t, tc.afterIter, e.run(`http.get(base+"/echo").json().headers.Cookie || ""`).Export())
		})
	}
}

func TestCookieParamsAndJar(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	e.run(`var jar = http.cookieJar(); jar.set(base, "a", "1"); jar.set(base, "b", "2")`)
	assert.Equal(t, "1", e.run(`jar.cookiesForURL(base).a[0]`).Export())
	cookie := e.run(`http.get(base+"/echo", {cookies: {b: {value: "9", replace: true}, c: "3"}}).json().headers.Cookie`).String()
	assert.Contains(t, cookie, "a=1")
	assert.Contains(t, cookie, "b=9")
	assert.Contains(t, cookie, "c=3")
	assert.NotContains(t, cookie, "b=2")
	e.run(`jar.delete(base, "a")`)
	assert.Equal(t, "b=2", e.run(`http.get(base+"/echo").json().headers.Cookie`).Export())
	e.run(`jar.clear(base)`)
	assert.Equal(t, "", e.run(`http.get(base+"/echo").json().headers.Cookie || ""`).Export())

	e.run(`var own = new http.CookieJar(); own.set(base, "o", "1")`)
	assert.Equal(t, "o=1", e.run(`http.get(base+"/echo", {jar: own}).json().headers.Cookie`).Export())
	assert.Equal(t, "", e.run(`http.get(base+"/echo").json().headers.Cookie || ""`).Export())
}

func TestByteCounters(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	e.run(`var body = "x".repeat(10000); var res = http.post(base+"/echo", body)`)
	sent := e.vu.Rec.Sum(metrics.DataSent, nil)
	recv := e.vu.Rec.Sum(metrics.DataReceived, nil)
	respLen := float64(len(e.run(`res.body`).String()))
	assert.Greater(t, sent, 10000.0)
	assert.Less(t, sent, 11000.0)
	assert.Greater(t, recv, respLen)
	assert.Less(t, recv, respLen+1000)
	tags := e.vu.Rec.Of(metrics.DataSent, nil)[0].Tags
	assert.Equal(t, e.vu.TagSet, tags, "data_* carry the VU tags only")

	e.vu.Rec.Reset()
	e.run(`http.get(base+"/bytes")`) // a reused connection counts only this request
	assert.Greater(t, e.vu.Rec.Sum(metrics.DataSent, nil), 50.0)
	assert.Less(t, e.vu.Rec.Sum(metrics.DataSent, nil), 400.0)
	recvSmall := e.vu.Rec.Sum(metrics.DataReceived, nil)
	assert.Greater(t, recvSmall, 5.0)
	assert.Less(t, recvSmall, 300.0)
}

func TestDynamicResponse(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	e.run(`var res = http.get(base+"/json"); res.extra = 5; res.status = 7`)
	assert.Equal(t, int64(5), e.run(`res.extra`).Export())
	assert.Equal(t, int64(7), e.run(`res.status`).Export())
	assert.Equal(t, true, e.run(`res.headers === res.headers`).Export())
	keys := e.run(`Object.keys(res).join()`).String()
	assert.Contains(t, keys, "timings")
	assert.Contains(t, keys, "extra")
	js := e.run(`JSON.parse(JSON.stringify(res))`).Export().(map[string]any)
	require.Contains(t, js, "body")
	assert.Contains(t, js["body"], "items")
}
