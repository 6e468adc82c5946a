// The smallest nnjs script: one VU, one iteration, one request.
//
//   nnjs run -e TARGET=http://127.0.0.1:8090 examples/hello.js
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get(__ENV.TARGET || 'http://127.0.0.1:8090');
  check(res, { 'status is 200': (r) => r.status === 200 });
}
