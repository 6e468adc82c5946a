// Package k6ws is the k6/ws module: ws.connect(url, params, fn) opens a WebSocket, calls
// fn(socket), and runs the socket's events on the VU's goroutine until the socket closes (it
// blocks, as in k6), then returns the handshake response ({url, status, headers, body,
// error}). The socket has on(event, fn) for open, message, binaryMessage, ping, pong, error
// and close; send, sendBinary, ping, setTimeout, setInterval and close. It records k6's ws_*
// metrics (see wsconn). A stop closes the socket and ends the iteration there.
//
//	reg.Register(k6ws.New(wsconn.Options{}), "k6/ws")
package k6ws
