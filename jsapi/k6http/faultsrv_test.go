package k6http

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/options"
)

// transportPaths are the two ways a request can go: the fast HTTP/1.1 path (plain http) and
// net/http's Transport (https, proxies, Expect, noConnectionReuse). Tests that run on both
// force the second one for plain http too, so one loopback server serves both.
var transportPaths = []struct {
	name    string
	netHTTP bool
}{{"fast", false}, {"net-http", true}}

// newEnvPath is newEnv with every request of the module on one path.
func newEnvPath(t testing.TB, opts *options.Options, netHTTP bool) *env {
	t.Helper()
	mod := New(Config{})
	for k := range mod.transports {
		mod.transport(transportKind(k), nil).netHTTP = netHTTP
	}
	return newEnvModule(t, opts, mod)
}

// Timeouts of requests to fault servers: short where the fault is slowness (it must expire), generous
// elsewhere (it must not: those faults end a request in milliseconds).
const (
	faultShort = "300ms"
	faultLong  = "20s"
)

// faultServer is a loopback HTTP/1.1 server on raw TCP: it reads each request (body included)
// and lets a behaviour answer it, correctly or breaking HTTP on purpose (reset, truncation,
// drip, silence, garbage). Connections are numbered from 1 in the order they are accepted.
type faultServer struct {
	url      string
	behave   behaviour
	tls      *tls.Config   // nil: plain http
	done     chan struct{} // closed at cleanup: hanging and dripping behaviours return
	accepted atomic.Int64
	requests atomic.Int64

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// faultConn is one accepted connection: Conn carries HTTP (TLS over raw for an https fault
// server), raw is the TCP connection under it.
type faultConn struct {
	net.Conn
	raw *net.TCPConn
}

// behaviour answers one request on connection number conn; keep reports whether the
// connection stays open for another request.
type behaviour func(s *faultServer, c faultConn, conn int64, req *http.Request) (keep bool)

// newFaultServer starts a plain-http fault server on 127.0.0.1 and stops it at cleanup.
func newFaultServer(t testing.TB, b behaviour) *faultServer {
	return startFaultServer(t, b, nil)
}

// newTLSFaultServer is newFaultServer speaking https (a self-signed certificate).
func newTLSFaultServer(t testing.TB, b behaviour) *faultServer {
	cert := httptest.NewTLSServer(http.NotFoundHandler())
	conf := cert.TLS.Clone()
	cert.Close()
	return startFaultServer(t, b, conf)
}

func startFaultServer(t testing.TB, b behaviour, conf *tls.Config) *faultServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	scheme := "http://"
	if conf != nil {
		scheme = "https://"
	}
	s := &faultServer{url: scheme + ln.Addr().String() + "/", behave: b, tls: conf,
		done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept(ln)
	t.Cleanup(func() {
		_ = ln.Close()
		close(s.done)
		s.mu.Lock()
		for c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *faultServer) accept(ln net.Listener) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		n := s.accepted.Add(1)
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c.(*net.TCPConn), n)
	}
}

func (s *faultServer) serve(raw *net.TCPConn, n int64) {
	defer s.wg.Done()
	c := faultConn{Conn: raw, raw: raw}
	defer func() {
		_ = c.Close()
		s.mu.Lock()
		delete(s.conns, raw)
		s.mu.Unlock()
	}()
	if s.tls != nil {
		c.Conn = tls.Server(raw, s.tls)
	}
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		s.requests.Add(1)
		if !s.behave(s, c, n, req) {
			return
		}
	}
}

// write sends s and reports whether it was sent.
func write(c net.Conn, s string) bool {
	_, err := io.WriteString(c, s)
	return err == nil
}

// reset closes c with an RST instead of a FIN (SO_LINGER 0).
func reset(c faultConn) {
	_ = c.raw.SetLinger(0)
	_ = c.raw.Close()
}

// okHead is a 200 response head announcing n body bytes.
func okHead(n int) string {
	return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + strconv.Itoa(n) + "\r\n\r\n"
}

// partial is the body prefix the cutting behaviours send before the cut.
const partial = "0123456789"

// dripEvery is the pace of the dripping behaviours: far slower than any body or header.
const dripEvery = 50 * time.Millisecond

// drip writes b every dripEvery until the server stops or the client goes away.
func (s *faultServer) drip(c net.Conn, b string) { s.dripAt(c, b, dripEvery) }

// dripAt writes b every d until the server stops or the client goes away.
func (s *faultServer) dripAt(c net.Conn, b string, d time.Duration) {
	tick := time.NewTicker(d)
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-tick.C:
			if !write(c, b) {
				return
			}
		}
	}
}

// The behaviours of the fault table.
var (
	// answerOK answers 200 "ok" and keeps the connection.
	answerOK behaviour = func(_ *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		return write(c, okHead(2)+"ok")
	}
	// resetMidBody announces 1000 bytes, sends 10, then resets the connection.
	resetMidBody behaviour = func(_ *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		write(c, okHead(1000)+partial)
		reset(c)
		return false
	}
	// truncate announces 1000 bytes, sends 10, then closes the connection cleanly.
	truncate behaviour = func(_ *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		write(c, okHead(1000)+partial)
		return false
	}
	// chunkCut sends one chunk of a chunked body, then closes before the last chunk.
	chunkCut behaviour = func(_ *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		write(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n"+partial+"\r\n")
		return false
	}
	// dripBody announces 1000 bytes and sends one per dripEvery.
	dripBody = dripBodyEvery(dripEvery)
	// stallBody announces 1000 bytes, sends 10, then neither sends nor closes.
	stallBody behaviour = func(s *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		write(c, okHead(1000)+partial)
		<-s.done
		return false
	}
	// slowHeaders sends the status line, then one header line per dripEvery, never ending
	// the head.
	slowHeaders behaviour = func(s *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		if write(c, "HTTP/1.1 200 OK\r\n") {
			s.drip(c, "X-Drip: 1\r\n")
		}
		return false
	}
	// hang reads the request and never answers.
	hang behaviour = func(s *faultServer, _ faultConn, _ int64, _ *http.Request) bool {
		<-s.done
		return false
	}
	// closeEarly reads the request and closes without a byte of response.
	closeEarly behaviour = func(*faultServer, faultConn, int64, *http.Request) bool { return false }
	// resetEarly reads the request and resets without a byte of response.
	resetEarly behaviour = func(_ *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		reset(c)
		return false
	}
	// garbage answers with a line that is not HTTP (an SSH banner), then closes.
	garbage behaviour = func(_ *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		write(c, "SSH-2.0-OpenSSH_9.6\r\n")
		return false
	}
	// unavailable answers 503 with a body and keeps the connection.
	unavailable behaviour = func(_ *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		return write(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")
	}
)

// redirectTo answers 302 Found to target and keeps the connection.
func redirectTo(target string) behaviour {
	return func(_ *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		return write(c, "HTTP/1.1 302 Found\r\nLocation: "+target+"\r\nContent-Length: 0\r\n\r\n")
	}
}

// firstConn behaves as first on the server's first connection and as answerOK on later ones.
func firstConn(first behaviour) behaviour {
	return func(s *faultServer, c faultConn, n int64, req *http.Request) bool {
		if n == 1 {
			return first(s, c, n, req)
		}
		return answerOK(s, c, n, req)
	}
}

// dripBodyEvery announces 1000 body bytes and sends one every d.
func dripBodyEvery(d time.Duration) behaviour {
	return func(s *faultServer, c faultConn, _ int64, _ *http.Request) bool {
		if write(c, okHead(1000)) {
			s.dripAt(c, "x", d)
		}
		return false
	}
}
