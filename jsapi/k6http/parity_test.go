package k6http

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// parityServer is the target of the parity table: net/http's own server, counting the
// connections and requests it saw.
type parityServer struct {
	*httptest.Server
	conns, reqs atomic.Int64
}

func newParityServer(t *testing.T) *parityServer {
	s := &parityServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", parityEcho)
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.Header().Set("ETag", `"v1"`)
		w.WriteHeader(code)
		_, _ = io.WriteString(w, "status body") // dropped by the server for 204 and 304
	})
	mux.HandleFunc("/redirect/{code}/{n}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		n, _ := strconv.Atoi(r.PathValue("n"))
		http.SetCookie(w, &http.Cookie{Name: "hop" + strconv.Itoa(n), Value: "1", Path: "/"})
		if n == 0 {
			http.Redirect(w, r, "/echo", code)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/redirect/%d/%d", code, n-1), code)
	})
	mux.HandleFunc("/cookie/set", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: r.URL.Query().Get("v"), Path: "/", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "pref", Value: "dark", Path: "/", MaxAge: 3600})
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, _ *http.Request) {
		for i := range 3 {
			_, _ = fmt.Fprintf(w, "chunk%d;", i)
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/large", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		_, _ = io.WriteString(w, strings.Repeat("0123456789abcdef", n/16))
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			_, _ = io.WriteString(w, "identity:"+r.Header.Get("Accept-Encoding"))
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = io.WriteString(zw, strings.Repeat("zipped ", 100))
		_ = zw.Close()
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
		_, _ = io.WriteString(w, "bye")
	})
	mux.HandleFunc("/head", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "42")
		if r.Method != http.MethodHead {
			_, _ = io.WriteString(w, strings.Repeat("h", 42))
		}
	})
	mux.HandleFunc("/early", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		_, _ = io.WriteString(w, "after hints")
	})
	mux.HandleFunc("/eof-delimited", func(w http.ResponseWriter, _ *http.Request) {
		c, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
		_ = buf.Flush()
		_ = c.Close()
	})
	mux.HandleFunc("/slow", slow)
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.reqs.Add(1)
		mux.ServeHTTP(w, r)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// parityEcho answers what the server received: method, headers, framing and a digest of
// the body.
func parityEcho(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && params["boundary"] != "" {
		body = bytes.ReplaceAll(body, []byte(params["boundary"]), []byte("B")) // random per request
	}
	sum := sha256.Sum256(body)
	w.Header().Add("X-Multi", "a")
	w.Header().Add("X-Multi", "b")
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "headers": r.Header,
		"host": r.Host, "length": r.ContentLength, "te": r.TransferEncoding, "close": r.Close,
		"body_len": len(body), "body_sha": hex.EncodeToString(sum[:8]), "uri": r.RequestURI})
}

// observeJS turns a response (or an array of them) into a JSON string of everything a
// script can see, timings and addresses aside; a JSON body is parsed, a long one summarised.
const observeJS = `function observe(x) {
  const sorted = (o) => Object.keys(o).sort().reduce((a, k) => { a[k] = o[k]; return a }, {});
  const one = (r) => {
    const h = sorted(r.headers); delete h.Date;
    let body = r.body;
    if (body !== null && typeof body === "object") body = "binary:" + body.byteLength;
    else if (typeof body === "string" && String(h["Content-Type"]).startsWith("application/json")) body = JSON.parse(body);
    else if (typeof body === "string" && body.length > 100) body = body.length + ":" + body.slice(0, 20) + "..." + body.slice(-20);
    return {status: r.status, status_text: r.status_text, proto: r.proto, url: r.url,
      error: r.error, error_code: r.error_code, headers: h, cookies: sorted(r.cookies), body: body,
      request: {method: r.request.method, url: r.request.url, headers: sorted(r.request.headers),
        cookies: r.request.cookies, body: r.request.body.length}};
  };
  return JSON.stringify(Array.isArray(x) ? x.map(one) : one(x), null, 1)
    .replace(/boundary=[0-9a-f]+/g, "boundary=*"); // random per request

}`

// parityRun is what one path showed for a case: the script's view, the server's view and
// the samples.
type parityRun struct {
	Script         string
	Conns, Reqs    int64
	Samples        []string // http_reqs tag sets, in order
	Sent, Received float64
}

func runParity(t *testing.T, s *parityServer, netHTTP bool, js string) parityRun {
	e := newEnvPath(t, nil, netHTTP)
	e.set("base", s.URL)
	e.run(observeJS)
	conns, reqs := s.conns.Load(), s.reqs.Load()
	out := e.run(`observe(` + js + `)`).String()
	run := parityRun{Script: out, Conns: s.conns.Load() - conns, Reqs: s.reqs.Load() - reqs,
		Sent: e.vu.Rec.Sum(metrics.DataSent, nil), Received: e.vu.Rec.Sum(metrics.DataReceived, nil)}
	for _, smp := range e.vu.Rec.Of(metrics.HTTPReqs, nil) {
		tags := smp.Tags.Map()
		keys := make([]string, 0, len(tags))
		for k, v := range tags {
			keys = append(keys, k+"="+v)
		}
		sort.Strings(keys)
		run.Samples = append(run.Samples, strings.Join(keys, " "))
	}
	return run
}

// parityCases are the HTTP cases both paths must show alike; want is a piece of what the fast
// path must show, so an equal but empty result cannot pass; conns, when positive, is how many
// connections the case opens, and -1 when that depends on timing (concurrent requests race
// their dials against connections going idle, on both paths).
var parityCases = []struct {
	name, js, want string
	conns          int64
}{
	{"get", `http.get(base + "/echo?q=1")`, `"uri": "/echo?q=1"`, 0},
	{"head", `http.head(base + "/head")`, `"Content-Length": "42"`, 0},
	{"post string", `http.post(base + "/echo", "a=1&b=2")`, `"body_len": 7`, 0},
	{"post empty", `http.post(base + "/echo", "")`, `"length": 0`, 0},
	{"post nothing", `http.post(base + "/echo")`, `"method": "POST"`, 0},
	{"post form", `http.post(base + "/echo", {a: "1", b: "x y"})`, `application/x-www-form-urlencoded`, 0},
	{"post binary", `http.post(base + "/echo", new Uint8Array([0, 1, 2, 255]).buffer)`, `"body_len": 4`, 0},
	{"post multipart", `http.post(base + "/echo", {f: http.file("content", "a.txt", "text/plain"), k: "v"})`, `multipart/form-data`, 0},
	{"put patch del options purge", `[http.put(base + "/echo", "u"), http.patch(base + "/echo", "p"),
		http.del(base + "/echo", "d"), http.options(base + "/echo"), http.request("PURGE", base + "/echo", "x")]`, `"method": "PURGE"`, 0},
	{"headers", `http.get(base + "/echo", {headers: {"X-Custom": "v", "User-Agent": "ua/1", "Content-Type": "text/x",
		"Host": "example.test", "Accept": "application/json"}})`, `"host": "example.test"`, 0},
	{"large request body", `http.post(base + "/echo", "x".repeat(3 << 20))`, `"body_len": 3145728`, 0},
	{"large response text", `http.get(base + "/large?n=4194304")`, `4194304:0123456789abcdef0123`, 0},
	{"large response binary", `http.get(base + "/large?n=1048576", {responseType: "binary"})`, `binary:1048576`, 0},
	{"large response none", `http.get(base + "/large?n=1048576", {responseType: "none"})`, `"body": null`, 0},
	{"chunked response", `http.get(base + "/chunked")`, `chunk0;chunk1;chunk2;`, 0},
	{"gzip", `[http.get(base + "/gzip"), http.get(base + "/gzip", {headers: {"Accept-Encoding": "br"}})]`, `identity:br`, 0},
	{"204 and 304 keep the connection", `[http.get(base + "/status/204"), http.get(base + "/status/304"),
		http.get(base + "/echo")]`, `"status": 304`, 1},
	{"error statuses", `[http.get(base + "/status/404"), http.post(base + "/status/500", "x"),
		http.get(base + "/status/503")]`, `"error_code": 1503`, 0},
	{"early hints", `http.get(base + "/early")`, `after hints`, 0},
	{"body until close", `[http.get(base + "/eof-delimited"), http.get(base + "/echo")]`, `until the end`, 2},
	{"redirect chain", `http.get(base + "/redirect/302/2")`, `"uri": "/echo"`, 0},
	{"redirect 302 post becomes get", `http.post(base + "/redirect/302/0", "body")`, `"method": "GET"`, 0},
	{"redirect 303", `http.put(base + "/redirect/303/0", "body")`, `"method": "GET"`, 0},
	{"redirect 307 keeps the body", `http.post(base + "/redirect/307/1", "body")`, `"body_len": 4`, 0},
	{"redirect 308", `http.patch(base + "/redirect/308/0", "body")`, `"method": "PATCH"`, 0},
	{"redirect limit", `[http.get(base + "/redirect/302/3", {redirects: 1}), http.get(base + "/redirect/302/3", {redirects: 0})]`,
		`"status": 302`, 0},
	{"cookies", `[http.get(base + "/cookie/set?v=s1"), http.get(base + "/echo"),
		http.get(base + "/echo", {cookies: {extra: "e"}})]`, `sid=s1`, 0},
	{"cookies from redirect hops", `http.get(base + "/redirect/302/1")`, `hop1=1; hop0=1`, 0},
	{"keep-alive reuse", `[1, 2, 3, 4, 5].map(() => http.get(base + "/echo"))`, `"close": false`, 1},
	{"connection close asked", `[1, 2, 3].map(() => http.get(base + "/echo", {headers: {Connection: "close"}}))`, `"close": true`, 3},
	{"connection close answered", `[1, 2, 3].map(() => http.get(base + "/close"))`, `"body": "bye"`, 3},
	{"batch", `http.batch([base + "/echo", ["POST", base + "/echo", "b"], {method: "GET", url: base + "/status/404"}])`,
		`"error_code": 1404`, -1},
	{"timeout then a fresh request", `[http.get(base + "/slow?ms=5000", {timeout: "100ms"}), http.get(base + "/echo")]`,
		`"error_code": 1050`, 2},
}

// TestPathParity runs every HTTP case on the fast path and on net/http and asserts that a
// script, the server and the metrics see the same thing: the fast path behaves like net/http.
func TestPathParity(t *testing.T) {
	t.Parallel()
	for _, tc := range parityCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newParityServer(t)
			fast := runParity(t, s, false, tc.js)
			std := runParity(t, s, true, tc.js)
			require.Contains(t, fast.Script, tc.want, "the case shows what it is about")
			if tc.conns > 0 {
				assert.Equal(t, tc.conns, fast.Conns, "connections opened by the fast path")
			}
			assert.Equal(t, std.Script, fast.Script, "the script's view")
			if tc.conns >= 0 {
				assert.Equal(t, std.Conns, fast.Conns, "connections opened")
			}
			assert.Equal(t, std.Reqs, fast.Reqs, "requests served")
			assert.Equal(t, std.Samples, fast.Samples, "http_reqs samples")
			assert.Equal(t, std.Sent, fast.Sent, "data_sent")
			assert.Equal(t, std.Received, fast.Received, "data_received")
		})
	}
}
