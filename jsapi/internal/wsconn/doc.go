// Package wsconn is the WebSocket connection both WebSocket modules (k6/ws and k6/websockets)
// are built on, over gorilla/websocket (the library k6 uses, so handshakes, close codes and
// control frames behave as they do under k6): dialling with the request's headers and
// subprotocols, a reader goroutine that hands every frame to the module, serialised writes,
// a bounded close handshake, and k6's ws_* metrics plus data_sent/data_received.
//
//	c, res, err := wsconn.Dial(ctx, url, wsconn.Options{Header: h})
//	go c.Read(handler) // Message, Ping, Pong, then Closed exactly once
//	err = c.Send(websocket.TextMessage, []byte("hi"))
//	c.Close(1000, "")
package wsconn
