// Package k6http is the `k6/http` JavaScript module (also importable as `nnjs/http`): k6's HTTP
// client API with k6's metrics, tags, error codes and cookie semantics.
//
// Wiring: build one Module per run and register it; the runtime calls NewInstance once per VU.
//
//	reg := modules.NewRegistry()
//	reg.Register(k6http.New(k6http.Config{}), "nnjs/http", "k6/http")
//
// In a script:
//
//	import http from 'k6/http';
//	export default function () {
//	  const res = http.get('http://127.0.0.1:8080/pay', { tags: { name: 'pay' }, timeout: '5s' });
//	  res.status; res.json('data.id'); res.timings.waiting;
//	}
//
// Connections: plain-http requests of every VU share one tuned transport per keep-alive
// setting (unlike k6, which gives each VU its own). With HTTP/1.1 a connection serves one
// request at a time, so a busy VU still holds its own connection while idle ones are shared:
// 5,000 VUs cost 5,000 sockets at most, not 5,000 transports with their own idle pools.
// https requests use the VU's own transport, as in k6: HTTP/2 is negotiated by ALPN when the
// server offers it, and a VU's HTTP/2 connection multiplexes that VU's requests only, so the
// connections a run opens, and the bytes each VU is charged, are k6's. options.tlsVersion,
// tlsCipherSuites, tlsAuth and insecureSkipTLSVerify shape every TLS connection; roots are
// the system's (SSL_CERT_FILE, SSL_CERT_DIR). options.noVUConnectionReuse gives a VU its own
// plain-http transport too, its idle connections closed at each iteration start.
//
// Fast path: plain-http keep-alive requests do not go through http.Transport's per-connection
// reader and writer goroutines. A small HTTP/1.1 RoundTripper (fastTransport) writes the
// request and reads the response on the VU's own goroutine over a pooled connection, which
// halves the CPU a loopback request costs (see bench/README.md). It keeps the transport's
// behaviour: httptrace timings, cancellation by the VU's context and
// params.timeout, a retry on a fresh connection when an idle one was closed by the server
// (idempotent requests; an idle connection is probed first when it is older than a second,
// or whatever its age before a request that cannot be retried, such as a POST). https,
// proxies, Expect: 100-continue and noConnectionReuse use the shared http.Transport. On both
// paths a host keeps at most Config.MaxIdleConnsPerHost idle connections, and one idle for
// Config.IdleConnTimeout (90s) is closed, whether or not another request comes.
//
// Compression: as in k6, no Accept-Encoding is added; a body whose Content-Encoding is gzip,
// deflate, br or zstd is decoded whoever asked for it (the header stays), and
// params.compression encodes the request body.
//
// Failed requests: a request succeeds only when its whole response arrived. A transport error,
// or a body cut by a reset, a timeout or a truncation, gives status 0 with k6's error and
// error_code (the partial body stays readable) and counts in http_req_failed; the connection
// of a cut body is closed, never reused.
//
// Bytes: data_sent and data_received are counted on the wire by a wrapping net.Conn and
// attributed to the request that holds the connection (TLS handshakes included); they carry
// the VU's tags only, as in k6.
//
// Concurrency: an instance belongs to its VU and is used from the VU's goroutine; batch()
// runs the network part of its requests on worker goroutines and records every metric on the
// VU goroutine.
package k6http
