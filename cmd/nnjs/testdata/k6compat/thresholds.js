// k6 docs, "Thresholds": crossed thresholds end the run with exit code 99.
import http from 'k6/http';

export const options = {
  iterations: 4,
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<5000'],
  },
};

export default function () {
  http.get(`${__ENV.TARGET}/status/500`);
}
