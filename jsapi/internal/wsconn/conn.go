package wsconn

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// closeWait bounds the close handshake and control frame writes.
const closeWait = 5 * time.Second

// Options configure Dial.
type Options struct {
	Header       http.Header
	Subprotocols []string
	TLS          *tls.Config
	// Redirect maps the "host:port" dialled to another address (tests; see k6http.Config).
	Redirect func(addr string) string
	// Timeout bounds the connection and handshake (default 60s).
	Timeout time.Duration
}

// Conn is one WebSocket connection. Send, Ping, Close and Abort may be called from any
// goroutine; Read runs on its own goroutine.
type Conn struct {
	ws       *websocket.Conn
	wmu      sync.Mutex
	sent     atomic.Int64 // bytes written to the socket
	recv     atomic.Int64 // bytes read from it
	closing  atomic.Bool
	unwatch  func() bool
	pingMu   sync.Mutex
	pingSeq  int
	pings    map[string]time.Time // ping payload → when it was sent
	Protocol string               // the subprotocol the server chose
}

// Handler receives what Read reads, on Read's goroutine.
type Handler interface {
	Message(kind int, data []byte)
	Ping(data []byte)
	// Pong is the answer to a ping: rtt is its round trip when it answers Ping, else -1.
	Pong(rtt time.Duration)
	// Closed is called once, last: err is a *websocket.CloseError for a close frame, or the
	// read error.
	Closed(err error)
}

// Dial opens a WebSocket connection to rawURL under ctx. res is the handshake response when
// there was one (also on a refused upgrade).
func Dial(ctx context.Context, rawURL string, o Options) (*Conn, *http.Response, error) {
	c := &Conn{}
	nd := &net.Dialer{}
	d := websocket.Dialer{
		HandshakeTimeout: o.Timeout, Subprotocols: o.Subprotocols, TLSClientConfig: o.TLS,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if o.Redirect != nil {
				addr = o.Redirect(addr)
			}
			nc, err := nd.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &countConn{Conn: nc, c: c}, nil
		},
	}
	if d.HandshakeTimeout <= 0 {
		d.HandshakeTimeout = 60 * time.Second
	}
	ws, res, err := d.DialContext(ctx, rawURL, o.Header)
	if err != nil {
		return nil, res, fmt.Errorf("websocket: dial %s: %w", rawURL, err)
	}
	c.ws, c.Protocol = ws, ws.Subprotocol()
	c.unwatch = context.AfterFunc(ctx, c.Abort) // a stopped run closes its sockets
	return c, res, nil
}

// Read reads frames until the connection ends, handing each to h; it answers pings. It
// returns after h.Closed.
func (c *Conn) Read(h Handler) {
	c.ws.SetPingHandler(func(data string) error {
		h.Ping([]byte(data))
		err := c.control(websocket.PongMessage, []byte(data))
		if errors.Is(err, websocket.ErrCloseSent) {
			return nil
		}
		return err
	})
	c.ws.SetPongHandler(func(data string) error { h.Pong(c.roundTrip(data)); return nil })
	for {
		kind, data, err := c.ws.ReadMessage()
		if err != nil { // gorilla answered a close frame already
			c.unwatch()
			_ = c.ws.Close()
			h.Closed(err)
			return
		}
		h.Message(kind, data)
	}
}

// Send writes one data frame.
func (c *Conn) Send(kind int, data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(closeWait * 6))
	return c.ws.WriteMessage(kind, data)
}

// Ping sends a ping frame; its pong's round trip goes to Handler.Pong.
func (c *Conn) Ping() error {
	c.pingMu.Lock()
	c.pingSeq++
	id := strconv.Itoa(c.pingSeq)
	if c.pings == nil {
		c.pings = map[string]time.Time{}
	}
	c.pings[id] = time.Now()
	c.pingMu.Unlock()
	return c.control(websocket.PingMessage, []byte(id))
}

// roundTrip returns the round trip of the ping a pong with data answers, or -1.
func (c *Conn) roundTrip(data string) time.Duration {
	c.pingMu.Lock()
	defer c.pingMu.Unlock()
	sent, ok := c.pings[data]
	if !ok {
		return -1
	}
	delete(c.pings, data)
	return time.Since(sent)
}

func (c *Conn) control(kind int, data []byte) error {
	return c.ws.WriteControl(kind, data, time.Now().Add(closeWait))
}

// Close starts the close handshake with code and reason; Read ends when the server answers,
// or closeWait later.
func (c *Conn) Close(code int, reason string) error {
	if !c.closing.CompareAndSwap(false, true) {
		return nil
	}
	err := c.control(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason))
	_ = c.ws.SetReadDeadline(time.Now().Add(closeWait))
	return err
}

// Abort closes the connection at once (Read then ends).
func (c *Conn) Abort() {
	c.closing.Store(true)
	_ = c.ws.Close()
}

// Bytes returns the bytes written and read so far (frames and handshake).
func (c *Conn) Bytes() (sent, received int64) { return c.sent.Load(), c.recv.Load() }

// countConn counts a connection's bytes.
type countConn struct {
	net.Conn
	c *Conn
}

func (cc *countConn) Read(p []byte) (int, error) {
	n, err := cc.Conn.Read(p)
	cc.c.recv.Add(int64(n))
	return n, err
}

func (cc *countConn) Write(p []byte) (int, error) {
	n, err := cc.Conn.Write(p)
	cc.c.sent.Add(int64(n))
	return n, err
}
