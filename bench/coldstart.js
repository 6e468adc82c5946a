// bench/coldstart.sh: one VU, one iteration, one GET; what the whole process costs from exec
// to exit (a k6 script too).
import http from 'k6/http';

export const options = { vus: 1, iterations: 1 };

export default function () {
  http.get(__ENV.TARGET || 'http://127.0.0.1:8095/');
}
