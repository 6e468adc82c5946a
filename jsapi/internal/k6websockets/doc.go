// Package k6websockets is the k6/websockets module (also k6/experimental/websockets): the
// browser's WebSocket class on the VU's event loop. new WebSocket(url, protocols, params)
// connects in the background and keeps the iteration going until the socket is closed;
// events (open, message, ping, pong, error, close) are delivered on the VU's goroutine to the
// on<event> properties and to addEventListener listeners. Binary messages arrive as
// ArrayBuffers (binaryType "arraybuffer"; k6's default "blob" is not supported). It records
// k6's ws_* metrics (see wsconn).
//
//	reg.Register(k6websockets.New(), "k6/websockets", "k6/experimental/websockets")
package k6websockets
