package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resetMidBodyTarget answers every request with a 200 announcing 1000 body bytes, sends 10
// and resets the connection (SO_LINGER 0). It returns the target's URL.
func resetMidBodyTarget(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = c.Close() }()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
				_ = c.(*net.TCPConn).SetLinger(0)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}

// TestBodyResetFailsTheThresholds: a response whose body was cut by a reset is a failed
// request, so thresholds on http_req_failed and on a status check cross and the run exits 99
// (it exited 0: the request counted as a 200).
func TestBodyResetFailsTheThresholds(t *testing.T) {
	t.Parallel()
	script := scriptFile(t, "reset.js", `
import http from 'k6/http';
import { check } from 'k6';
export const options = {
  iterations: 3,
  thresholds: { http_req_failed: ['rate<0.01'], checks: ['rate>0.99'] },
};
export default function () {
  const res = http.get(__ENV.TARGET);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
`)
	export := filepath.Join(t.TempDir(), "export.json")
	r := nnjs(t.Context(), nil, "run", "-q", "-e", "TARGET="+resetMidBodyTarget(t), "--summary-export", export, script)
	assert.Equal(t, exitThresholds, r.code, r.stderr)
	d := loadExport(t, export)
	assert.Equal(t, 1.0, d.num(t, "http_req_failed", "value"), "every request failed")
	assert.Equal(t, 0.0, d.num(t, "checks", "value"), "no status check passed")
}
