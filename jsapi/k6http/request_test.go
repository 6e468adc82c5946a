package k6http

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

func TestMethods(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	tests := []struct{ name, js, method, body string }{
		{"get", `http.get(base+"/echo")`, "GET", ""},
		{"head", `http.head(base+"/echo")`, "HEAD", ""},
		{"post", `http.post(base+"/echo", "p")`, "POST", "p"},
		{"put", `http.put(base+"/echo", "u")`, "PUT", "u"},
		{"patch", `http.patch(base+"/echo", "a")`, "PATCH", "a"},
		{"del", `http.del(base+"/echo", "d")`, "DELETE", "d"},
		{"options", `http.options(base+"/echo")`, "OPTIONS", ""},
		{"request", `http.request("PURGE", base+"/echo", "x")`, "PURGE", "x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.run("var res = " + tc.js)
			assert.Equal(t, int64(200), e.run("res.status").Export())
			assert.Equal(t, "200 OK", e.run("res.status_text").Export())
			if tc.method == "HEAD" {
				assert.Equal(t, "", e.run("res.body").Export())
				return
			}
			assert.Equal(t, tc.method, e.run("res.json().method").Export())
			assert.Equal(t, tc.body, e.run("res.json().body").Export())
			assert.Equal(t, tc.method, e.run("res.request.method").Export())
			assert.Equal(t, tc.body, e.run("res.request.body").Export())
		})
	}
}

func TestMisuseThrows(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	for _, js := range []string{
		`http.request("BAD METHOD", base+"/echo")`,
		`http.get()`,
		`http.get(base, {timeout: "soon"})`,
		`http.get(base, {responseType: "blob"})`,
		`http.get(base, {headers: "x"})`,
		`http.get(base, {responseCallback: function() {}})`,
		`http.setResponseCallback(function() {})`,
		`http.expectedStatuses("200")`,
		`http.batch(1)`,
	} {
		assert.Error(t, e.runErr(js), js)
	}
}

func TestInitContextThrows(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.vu.Init = true
	e.set("base", srv.URL)
	for _, js := range []string{`http.get(base+"/echo")`, `http.batch([base+"/echo"])`} {
		err := e.runErr(js)
		require.Error(t, err)
		assert.Contains(t, err.Error(), ErrInitContext.Error())
	}
	assert.Empty(t, e.vu.Rec.Of(metrics.HTTPReqs, nil))
}

func TestHeadersAndBodies(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, &options.Options{UserAgent: ptr("ua-test")})
	e.set("base", srv.URL)
	e.run(`var res = http.post(base+"/echo", {a: "1", b: "x y"}, {headers: {"x-custom": "v", Host: "h.example"}})`)
	assert.Equal(t, "a=1&b=x+y", e.run("res.json().body").Export())
	assert.Equal(t, "application/x-www-form-urlencoded", e.run(`res.json().headers["Content-Type"]`).Export())
	assert.Equal(t, "v", e.run(`res.json().headers["X-Custom"]`).Export())
	assert.Equal(t, "ua-test", e.run(`res.json().headers["User-Agent"]`).Export())
	assert.Equal(t, "h.example", e.run(`res.json().host`).Export())
	assert.Equal(t, "a, b", e.run(`res.headers["X-Multi"]`).Export())
	assert.Equal(t, "application/json", e.run(`res.headers["Content-Type"]`).Export())
	assert.Equal(t, "HTTP/1.1", e.run(`res.proto`).Export())
	assert.Equal(t, "127.0.0.1", e.run(`res.remote_ip`).Export())
	assert.NotZero(t, e.run(`res.remote_port`).Export())

	e.run(`var buf = new Uint8Array([104, 105]).buffer; res = http.post(base+"/echo", buf)`)
	assert.Equal(t, "hi", e.run("res.json().body").Export())

	e.run(`res = http.post(base+"/echo", {f: http.file("DATA", "a.txt", "text/plain"), k: "v"})`)
	body := e.run("res.json().body").String()
	assert.Contains(t, body, `filename="a.txt"`)
	assert.Contains(t, body, "DATA")
	assert.Contains(t, e.run(`res.json().headers["Content-Type"]`).String(), "multipart/form-data")
}

func TestResponseTypes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	e.run(`var bin = http.get(base+"/bytes", {responseType: "binary"})`)
	assert.Equal(t, true, e.run(`bin.body instanceof ArrayBuffer`).Export())
	assert.Equal(t, "0,1,2,250,255", e.run(`Array.from(new Uint8Array(bin.body)).join()`).Export())
	e.run(`var none = http.get(base+"/json", {responseType: "none"})`)
	assert.Equal(t, true, e.run(`none.body === null && none.status === 200`).Export())

	d := newEnv(t, &options.Options{DiscardResponseBodies: ptr(true)})
	d.set("base", srv.URL)
	assert.Equal(t, true, d.run(`http.get(base+"/json").body === null`).Export())
	assert.Equal(t, "dot", d.run(`http.get(base+"/json", {responseType: "text"}).json("data.a\\.b")`).Export())
}

func TestJSON(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	e.run(`var res = http.get(base+"/json")`)
	tests := []struct {
		sel  string
		want any
	}{
		{`"data.items.1.id"`, int64(8)},
		{`"data.items.#"`, int64(2)},
		{`"ok"`, true},
		{`"data.a\\.b"`, "dot"},
		{`"data.missing.x"`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.sel, func(t *testing.T) {
			assert.Equal(t, tc.want, e.run("res.json("+tc.sel+")").Export())
		})
	}
	assert.Equal(t, true, e.run(`res.json() === res.json()`).Export(), "parsed once and cached")
	assert.Error(t, e.runErr(`http.get(base+"/bytes").json()`))
}

func TestTagsAndName(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, &options.Options{})
	e.set("base", srv.URL)
	e.run(`http.get(base+"/status/201", {tags: {name: "create", team: "pay"}})`)
	e.run(`http.get(http.url` + "`${base}/status/${204}`" + `)`)
	e.run(`http.get(base+"/status/200")`)
	reqs := e.vu.Rec.Of(metrics.HTTPReqs, nil)
	require.Len(t, reqs, 3)
	want := []map[string]string{
		{"name": "create", "url": "create", "team": "pay", "status": "201", "method": "GET",
			"scenario": "default", "expected_response": "true", "proto": "HTTP/1.1"},
		{"name": "${}/status/${}", "url": "${}/status/${}", "status": "204"},
		{"name": srv.URL + "/status/200", "url": srv.URL + "/status/200", "status": "200"},
	}
	for i, w := range want {
		got := reqs[i].Tags.Map()
		for k, v := range w {
			assert.Equal(t, v, got[k], "sample %d tag %s", i, k)
		}
	}
	_, hasErr := reqs[2].Tags.Get("error_code")
	assert.False(t, hasErr)
}

func TestTimings(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	v := timingsOf(e.run(`var r = http.get(base+"/slow?ms=30"); r.timings`))
	for _, k := range []string{"blocked", "connecting", "tls_handshaking", "sending", "waiting", "receiving", "duration"} {
		require.Contains(t, v, k)
		assert.GreaterOrEqual(t, v[k], 0.0, k)
	}
	assert.InDelta(t, v["sending"]+v["waiting"]+v["receiving"], v["duration"], 1e-9)
	assert.GreaterOrEqual(t, v["waiting"], 29.0)
	assert.Positive(t, v["connecting"], "first request dials")
	assert.GreaterOrEqual(t, v["blocked"], v["connecting"], "blocked spans the dial")
	dur := e.vu.Rec.Of(metrics.HTTPReqDuration, nil)
	require.Len(t, dur, 1)
	assert.InDelta(t, v["duration"], dur[0].Value, 1e-9)
	w := e.vu.Rec.Of(metrics.HTTPReqWaiting, nil)
	require.Len(t, w, 1)
	assert.GreaterOrEqual(t, w[0].Value, 29.0)

	v = timingsOf(e.run(`http.get(base+"/echo").timings`))
	assert.Zero(t, v["connecting"], "keep-alive reuses the connection")
}

func TestExpectedResponses(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		name, setup, call string
		failed            []float64 // nil: no http_req_failed samples
		expected          string    // expected_response tag, "" when absent
	}{
		{"default 404", ``, `http.get(base+"/status/404")`, []float64{1}, "false"},
		{"default 302 with no redirects", ``, `http.get(base+"/redirect/1", {redirects: 0})`, []float64{0}, "true"},
		{"global expectedStatuses", `http.setResponseCallback(http.expectedStatuses(404, {min: 500, max: 503}))`,
			`http.get(base+"/status/404"); http.get(base+"/status/502")`, []float64{0, 0}, "true"},
		{"global expectedStatuses miss", `http.setResponseCallback(http.expectedStatuses(201))`,
			`http.get(base+"/status/200")`, []float64{1}, "false"},
		{"per request callback", ``,
			`http.get(base+"/status/404", {responseCallback: http.expectedStatuses(404)})`, []float64{0}, "true"},
		{"disabled", `http.setResponseCallback(null)`, `http.get(base+"/status/500")`, nil, ""},
		{"disabled per request", ``, `http.get(base+"/status/500", {responseCallback: null})`, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			e.set("base", srv.URL)
			e.run(tc.setup)
			e.run(tc.call)
			var got []float64
			for _, s := range e.vu.Rec.Of(metrics.HTTPReqFailed, nil) {
				got = append(got, s.Value)
			}
			assert.Equal(t, tc.failed, got)
			reqs := e.vu.Rec.Of(metrics.HTTPReqs, nil)
			require.NotEmpty(t, reqs)
			v, _ := reqs[0].Tags.Get("expected_response")
			assert.Equal(t, tc.expected, v)
		})
	}
}

func TestStatusErrorCode(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("base", srv.URL)
	assert.Equal(t, int64(1404), e.run(`http.get(base+"/status/404").error_code`).Export())
	assert.Equal(t, "", e.run(`http.get(base+"/status/404").error`).Export())
	code, _ := e.vu.Rec.Of(metrics.HTTPReqs, nil)[0].Tags.Get("error_code")
	assert.Equal(t, "1404", code)
}

// timingsOf converts res.timings to float64s (goja exports whole numbers as int64).
func timingsOf(v goja.Value) map[string]float64 {
	out := map[string]float64{}
	for k, x := range v.Export().(map[string]any) {
		switch n := x.(type) {
		case int64:
			out[k] = float64(n)
		case float64:
			out[k] = n
		}
	}
	return out
}
