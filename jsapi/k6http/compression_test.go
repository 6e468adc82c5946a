package k6http

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodingServer answers /enc?c=CODINGS with "payload" encoded with each coding in turn and
// Content-Encoding set, /raw?c=... with the header set over a plain body (undecodable),
// and /in with the request's Content-Encoding and its body decoded back, or the raw body
// when it has none.
func encodingServer(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/enc", func(w http.ResponseWriter, r *http.Request) {
		list, err := parseCompression(r.URL.Query().Get("c"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body, err := compress(list, []byte("payload:"+r.Header.Get("Accept-Encoding")))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Encoding", r.URL.Query().Get("c"))
		_, _ = w.Write(body)
	})
	mux.HandleFunc("/raw", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", r.URL.Query().Get("c"))
		_, _ = io.WriteString(w, "not encoded at all")
	})
	mux.HandleFunc("/in", func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": r.Header["Content-Encoding"]},
			Body: io.NopCloser(bytes.NewReader(raw))}
		body, finish := decoded(resp)
		plain, err := io.ReadAll(body)
		if err = finish(err); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, r.Header.Get("Content-Encoding")+"|"+string(plain))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestResponseDecoding: as k6, no Accept-Encoding is added, and a body in a coding k6 knows
// is decoded whoever asked for it, on both transport paths; the header stays.
func TestResponseDecoding(t *testing.T) {
	t.Parallel()
	base := encodingServer(t)
	for _, path := range transportPaths {
		t.Run(path.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvPath(t, nil, path.netHTTP)
			e.set("base", base)
			tests := []struct{ name, js, want string }{
				{"no implicit Accept-Encoding", `http.get(base+"/enc?c=gzip").body`, "payload:"},
				{"gzip", `http.get(base+"/enc?c=gzip", {headers: {"Accept-Encoding": "gzip"}}).body`, "payload:gzip"},
				{"deflate", `http.get(base+"/enc?c=deflate").body`, "payload:"},
				{"br", `http.get(base+"/enc?c=br").body`, "payload:"},
				{"zstd", `http.get(base+"/enc?c=zstd").body`, "payload:"},
				{"two codings", `http.get(base+"/enc?c=" + encodeURIComponent("gzip, br")).body`, "payload:"},
				{"binary", `String.fromCharCode(...new Uint8Array(http.get(base+"/enc?c=br", {responseType: "binary"}).body))`, "payload:"},
				{"header kept", `http.get(base+"/enc?c=gzip").headers["Content-Encoding"]`, "gzip"},
				{"unknown coding left alone", `http.get(base+"/raw?c=compress").body`, "not encoded at all"},
				{"none reads nothing", `String(http.get(base+"/raw?c=gzip", {responseType: "none"}).status)`, "200"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					assert.Equal(t, tc.want, e.run(tc.js).Export())
				})
			}
		})
	}
}

// TestResponseDecodingFailure: a body that arrived whole but cannot be decoded is k6's 1701,
// a failed request.
func TestResponseDecodingFailure(t *testing.T) {
	t.Parallel()
	base := encodingServer(t)
	for _, c := range []string{"gzip", "deflate", "zstd", "br"} {
		t.Run(c, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			e.set("base", base)
			e.run(`var res = http.get(base+"/raw?c=` + c + `")`)
			assert.Equal(t, int64(0), e.run(`res.status`).Export())
			assert.Equal(t, int64(codeDecompress), e.run(`res.error_code`).Export())
			assert.True(t, strings.HasPrefix(e.run(`res.error`).String(), "error decompressing response body ("))
			assert.Equal(t, 1.0, e.vu.Rec.Sum("http_req_failed", nil))
		})
	}
}

func TestRequestCompression(t *testing.T) {
	t.Parallel()
	base := encodingServer(t)
	e := newEnv(t, nil)
	e.set("base", base)
	tests := []struct{ name, js, want string }{
		{"gzip", `http.post(base+"/in", "hello", {compression: "gzip"}).body`, "gzip|hello"},
		{"deflate", `http.post(base+"/in", "hello", {compression: "deflate"}).body`, "deflate|hello"},
		{"br", `http.post(base+"/in", "hello", {compression: "br"}).body`, "br|hello"},
		{"zstd", `http.post(base+"/in", "hello", {compression: "zstd"}).body`, "zstd|hello"},
		{"chain", `http.post(base+"/in", "hello", {compression: "gzip,  br"}).body`, "gzip, br|hello"},
		{"form body", `http.post(base+"/in", {a: "1"}, {compression: "gzip"}).body`, "gzip|a=1"},
		{"no body", `http.get(base+"/in", {compression: "gzip"}).body`, "|"},
		{"empty means none", `http.post(base+"/in", "hello", {compression: ""}).body`, "|hello"},
		{"request.body stays plain", `http.post(base+"/in", "hello", {compression: "gzip"}).request.body`, "hello"},
		{"script's header wins", `http.post(base+"/in", "hello", {compression: "gzip", headers: {"Content-Encoding": "gzip"}}).body`, "gzip|hello"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, e.run(tc.js).Export())
		})
	}
	assert.ErrorContains(t, e.runErr(`http.post(base+"/in", "x", {compression: "lzw"})`),
		`unknown compression algorithm "lzw", supported algorithms are gzip, deflate, br, zstd`)
}

func TestCompressRoundTrip(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("nnjs "), 1000)
	for _, c := range codings {
		out, err := compress([]string{c}, data)
		require.NoError(t, err)
		assert.Less(t, len(out), len(data), c)
		resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {c}}, Body: io.NopCloser(bytes.NewReader(out))}
		body, finish := decoded(resp)
		got, err := io.ReadAll(body)
		require.NoError(t, finish(err))
		assert.Equal(t, data, got, c)
	}
}

func FuzzParseCompression(f *testing.F) {
	for _, s := range []string{"gzip", "gzip, br", " zstd ,deflate", ",", "lzw"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		list, err := parseCompression(s)
		if err != nil {
			return
		}
		for _, c := range list {
			if !knownCoding(c) {
				t.Fatalf("%q accepted %q", s, c)
			}
		}
	})
}
