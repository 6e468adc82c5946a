package jsapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"
)

// wsServer is a loopback WebSocket echo server: it echoes text and binary messages, answers
// pings, closes with 1000 on the text "close" and counts the connections it saw end.
type wsServer struct {
	*httptest.Server
	opened, ended atomic.Int64
	URL           string // ws://...
	connected     chan struct{}
}

func newWSServer(t *testing.T) *wsServer {
	s := &wsServer{connected: make(chan struct{}, 1024)}
	up := websocket.Upgrader{Subprotocols: []string{"chat"}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		s.opened.Add(1)
		defer s.ended.Add(1)
		select {
		case s.connected <- struct{}{}:
		default: // nobody waits for this many
		}
		for {
			kind, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			if kind == websocket.TextMessage && string(data) == "close" {
				_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "bye"))
				continue
			}
			if err := c.WriteMessage(kind, data); err != nil {
				return
			}
		}
	}))
	s.URL = "ws" + strings.TrimPrefix(s.Server.URL, "http")
	t.Cleanup(s.Close)
	return s
}
