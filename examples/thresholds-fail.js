// A script whose thresholds fail on purpose: nnjs exits 99 and the summary marks the
// crossed threshold with ✗.
//
//   nnjs run -e TARGET=http://127.0.0.1:8090 examples/thresholds-fail.js; echo $?   # 99
import http from 'k6/http';

export const options = {
  vus: 2,
  iterations: 10,
  thresholds: {
    http_req_failed: ['rate<0.01'],              // fails: every request gets a 503
    http_req_duration: ['p(95)<10000'],          // passes
  },
};

export default function () {
  http.get(`${__ENV.TARGET || 'http://127.0.0.1:8090'}/status/503`);
}
