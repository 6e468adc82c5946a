package k6http

import (
	"net"
	"net/http/httptrace"
	"testing"

	"github.com/stretchr/testify/assert"
)

// sinkConn is a connection that takes every write and has a loopback peer.
type sinkConn struct{ net.Conn }

func (sinkConn) Write(b []byte) (int, error) { return len(b), nil }
func (sinkConn) RemoteAddr() net.Addr        { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }

// deliveringConn is a connection whose Write hands the bytes to the peer (delivered), then
// blocks until released: the moment when the server may already answer.
type deliveringConn struct {
	sinkConn
	delivered, release chan struct{}
}

func (c *deliveringConn) Write(b []byte) (int, error) {
	close(c.delivered)
	<-c.release
	return len(b), nil
}

// TestWrittenBytesCountedBeforeThePeerHasThem: the bytes of a request are in data_sent once
// the server can have them, not only when Write returns (net/http writes on another
// goroutine, and the VU finished before the count: data_sent 0 for some https requests).
func TestWrittenBytesCountedBeforeThePeerHasThem(t *testing.T) {
	t.Parallel()
	dc := &deliveringConn{delivered: make(chan struct{}), release: make(chan struct{})}
	cc := &countConn{Conn: dc}
	tr := newTracer()
	tr.begin()
	tr.onGotConn(httptrace.GotConnInfo{Conn: cc})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = cc.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	}()
	<-dc.delivered
	assert.Equal(t, int64(18), tr.sent.Load())
	close(dc.release)
	<-done
	assert.Equal(t, int64(18), tr.sent.Load(), "counted once")
}

// TestBytesGoToTheRequestHoldingTheConnection: a connection goes back to the pool before its
// request has finished; the next request's bytes on it are the next request's only (batch
// requests counted each other's bytes), and a dial's handshake goes to the first holder.
func TestBytesGoToTheRequestHoldingTheConnection(t *testing.T) {
	t.Parallel()
	cc := &countConn{Conn: sinkConn{}}
	_, _ = cc.Write([]byte("hello")) // a TLS handshake before any request holds it
	a, b := newTracer(), newTracer()
	a.begin()
	b.begin()
	a.onGotConn(httptrace.GotConnInfo{Conn: cc})
	_, _ = cc.Write([]byte("aaa"))
	b.onGotConn(httptrace.GotConnInfo{Conn: cc, Reused: true}) // a's body is read, b takes the connection
	_, _ = cc.Write([]byte("bbbb"))
	a.finish()
	_, _ = cc.Write([]byte("cc"))
	b.finish()
	_, _ = cc.Write([]byte("idle"))
	assert.Equal(t, int64(5+3), a.sent.Load())
	assert.Equal(t, int64(4+2), b.sent.Load())
	assert.Equal(t, int64(4), cc.unownedWritten.Load(), "no request holds it")
}
