package k6http

import (
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// faultCase is a misbehaving server and what k6 reports for a request to it. A request whose
// response did not arrive whole is a failed request: status 0, error and error_code set,
// counted in http_req_failed, whatever the request form.
type faultCase struct {
	name    string
	serve   behaviour
	timeout string
	status  int
	code    int
	msg     string
}

var faultCases = []faultCase{
	// A read that fails with ECONNRESET is 1220 in k6, in the head or in the body; k6 drops
	// the head of a response whose body failed and reports status 0.
	{"reset mid-body", resetMidBody, faultLong, 0, codeTCPResetByPeer, "read: connection reset by peer"},
	{"reset before headers", resetEarly, faultLong, 0, codeTCPResetByPeer, "read: connection reset by peer"},
	// Fewer bytes than Content-Length then FIN, or a chunked stream without its last chunk:
	// the body reader fails with io.ErrUnexpectedEOF, an error k6 has no code for: 1000 and
	// the innermost error's message.
	{"truncated body", truncate, faultLong, 0, codeGeneric, "unexpected EOF"},
	{"chunked stream cut", chunkCut, faultLong, 0, codeGeneric, "unexpected EOF"},
	// k6's timeout covers the whole request, body included: 1050 "request timeout".
	{"dripped body", dripBody, faultShort, 0, codeRequestTimeout, "request timeout"},
	{"stalled body", stallBody, faultShort, 0, codeRequestTimeout, "request timeout"},
	{"dripped headers", slowHeaders, faultShort, 0, codeRequestTimeout, "request timeout"},
	{"no answer", hang, faultShort, 0, codeRequestTimeout, "request timeout"},
	// Closed before a response byte: io.EOF, 1000 "EOF" (no retry: the connection was new).
	{"closed before headers", closeEarly, faultLong, 0, codeGeneric, "EOF"},
	// Not HTTP at all: net/http's parse error, 1000 with its message.
	{"not HTTP", garbage, faultLong, 0, codeGeneric, `malformed HTTP response "SSH-2.0-OpenSSH_9.6"`},
	// A 5xx is a response: its status, 1000+status, no error; failed under the default
	// callback (200-399).
	{"503", unavailable, faultLong, 503, 1503, ""},
}

// requestForms are the ways a script makes a request; u is the target, r a URL redirecting
// to it, p the params (the case's timeout).
var requestForms = []struct{ name, js string }{
	{"get", `http.get(u, p)`},
	{"post with body", `http.post(u, "payload=1", p)`},
	{"batch array", `http.batch([["GET", u, null, p]])[0]`},
	{"batch object", `http.batch({a: {method: "POST", url: u, body: "x", params: p}}).a`},
	{"responseType none", `http.get(u, Object.assign({responseType: "none"}, p))`},
	{"responseType binary", `http.get(u, Object.assign({responseType: "binary"}, p))`},
	{"redirect to the fault", `http.get(r, p)`},
}

func TestFaultTable(t *testing.T) {
	t.Parallel()
	for _, path := range transportPaths {
		for _, fc := range faultCases {
			t.Run(path.name+"/"+fc.name, func(t *testing.T) {
				t.Parallel()
				target := newFaultServer(t, fc.serve)
				redirect := newFaultServer(t, redirectTo(target.url))
				envs := make([]*env, len(requestForms))
				errs := make([]error, len(requestForms))
				var wg sync.WaitGroup
				for i, form := range requestForms { // every form at once: a slow fault costs its timeout once
					e := newEnvPath(t, nil, path.netHTTP)
					e.set("u", target.url)
					e.set("r", redirect.url)
					envs[i] = e
					wg.Go(func() {
						_, errs[i] = e.vu.RunErr(`var p = {timeout: "` + fc.timeout + `"}; var res = ` + form.js)
					})
				}
				wg.Wait()
				for i, form := range requestForms {
					t.Run(form.name, func(t *testing.T) {
						require.NoError(t, errs[i])
						assertFault(t, envs[i], fc, target.url, form.name == "redirect to the fault")
					})
				}
			})
		}
	}
}

// assertFault checks the response and the samples of one request to a fault server. A
// redirected request has, as in k6, a sample set for the 302 hop (a success) before the one
// of the fault.
func assertFault(t *testing.T, e *env, fc faultCase, url string, redirected bool) {
	t.Helper()
	assert.Equal(t, int64(fc.status), e.run(`res.status`).Export(), "status")
	assert.Equal(t, int64(fc.code), e.run(`res.error_code`).Export(), "error_code")
	assert.Equal(t, fc.msg, e.run(`res.error`).Export(), "error")
	assert.Equal(t, fc.status == 200, e.run(`res.status === 200`).Export(), "a status 200 check")
	assert.Equal(t, url, e.run(`res.url`).Export(), "url: the request that failed")
	if fc.status == 0 {
		assert.Equal(t, "", e.run(`res.status_text + res.proto`).Export(), "no response head")
		assert.Equal(t, int64(0), e.run(`Object.keys(res.headers).length`).Export(), "no headers")
	}
	hops := 1
	if redirected {
		hops = 2
	}
	reqs := e.vu.Rec.Of(metrics.HTTPReqs, nil)
	require.Len(t, reqs, hops)
	failed := e.vu.Rec.Of(metrics.HTTPReqFailed, nil)
	require.Len(t, failed, hops)
	if redirected {
		assert.Equal(t, 0.0, failed[0].Value, "the 302 hop succeeded")
		assert.Equal(t, "302", failed[0].Tags.Map()["status"])
	}
	last := failed[hops-1]
	assert.Equal(t, 1.0, last.Value, "http_req_failed")
	tags := last.Tags.Map()
	assert.Equal(t, url, tags["url"], "the fault's sample names its own URL")
	assert.Equal(t, strconv.Itoa(fc.status), tags["status"])
	assert.Equal(t, strconv.Itoa(fc.code), tags["error_code"])
	assert.Equal(t, "false", tags["expected_response"])
	if fc.msg != "" {
		assert.Equal(t, fc.msg, tags["error"])
	}
	_, hasProto := tags["proto"]
	assert.Equal(t, fc.status != 0, hasProto, "proto tag only on a whole response")
}
