// The nnjs side of bench/http-vs-wrk.sh: one GET per iteration, no think time, like wrk.
import http from 'k6/http';

export const options = { vus: 50, duration: '15s', discardResponseBodies: true };

export default function () {
  http.get(__ENV.TARGET || 'http://127.0.0.1:8090/');
}
