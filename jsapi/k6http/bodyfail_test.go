package k6http

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
)

// TestCutBodyIsNotReused: a connection whose body did not arrive whole never goes back to the
// keep-alive pool; the next request gets a new connection and a clean answer.
func TestCutBodyIsNotReused(t *testing.T) {
	t.Parallel()
	cuts := []struct {
		name  string
		serve behaviour
	}{{"dripped", dripBody}, {"stalled", stallBody}}
	for _, path := range transportPaths {
		for _, cut := range cuts {
			t.Run(path.name+"/"+cut.name, func(t *testing.T) {
				t.Parallel()
				respTypes := []string{"text", "none", "binary"}
				servers := make([]*faultServer, len(respTypes))
				got := make([]string, len(respTypes))
				errs := make([]error, len(respTypes))
				var wg sync.WaitGroup
				for i, rt := range respTypes {
					servers[i] = newFaultServer(t, firstConn(cut.serve))
					e := newEnvPath(t, nil, path.netHTTP)
					e.set("u", servers[i].url)
					e.set("rt", rt)
					wg.Go(func() {
						var v goja.Value
						v, errs[i] = e.vu.RunErr(`[1, 2, 3].map((n) => {
							const res = http.get(u, {timeout: n === 1 ? "300ms" : "20s", responseType: rt});
							return res.status + " " + res.error_code }).join(", ")`)
						if errs[i] == nil {
							got[i] = v.String()
						}
					})
				}
				wg.Wait()
				for i, rt := range respTypes {
					require.NoError(t, errs[i], rt)
					assert.Equal(t, "0 1050, 200 0, 200 0", got[i], rt)
					assert.Equal(t, int64(2), servers[i].accepted.Load(), "%s: the cut connection was dropped, the new one kept", rt)
				}
			})
		}
	}
}

// TestIssueRepro is the reproduction of a body that did not arrive whole counted as a
// success: 200 OK announcing 1000 bytes, 10 sent, then a reset; and a body dripped at one
// byte a second under timeout 3s. Both are failed requests (status 0) on both paths and
// over TLS.
func TestIssueRepro(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		serve   behaviour
		timeout string
		code    int
	}{
		{"reset", resetMidBody, faultLong, codeTCPResetByPeer},
		{"drip 1 byte per second", dripBodyEvery(time.Second), "3s", codeRequestTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			plain := newFaultServer(t, tc.serve)
			secure := newTLSFaultServer(t, tc.serve)
			envs := []*env{newEnvPath(t, nil, false), newEnvPath(t, nil, true),
				newEnv(t, &options.Options{InsecureSkipTLSVerify: ptr(true)})}
			urls := []string{plain.url, plain.url, secure.url}
			got := make([]string, len(envs))
			errs := make([]error, len(envs))
			var wg sync.WaitGroup
			for i, e := range envs { // at once: the drip costs its 3 s once
				e.set("u", urls[i])
				wg.Go(func() {
					var v goja.Value
					v, errs[i] = e.vu.RunErr(`var res = http.get(u, {timeout: "` + tc.timeout + `"});
						[res.status, res.error_code, res.status === 200].join(" ")`)
					if errs[i] == nil {
						got[i] = v.String()
					}
				})
			}
			wg.Wait()
			for i, name := range []string{"fast", "net-http", "tls"} {
				require.NoError(t, errs[i], name)
				assert.Equal(t, "0 "+strconv.Itoa(tc.code)+" false", got[i], name)
				assert.Equal(t, 1.0, envs[i].vu.Rec.Sum(metrics.HTTPReqFailed, nil), "%s: counted in http_req_failed", name)
			}
		})
	}
}
