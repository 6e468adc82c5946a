// k6 docs, "Checks": 5 iterations × 3 checks on a JSON response; one check fails each time.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 5 };

export default function () {
  const res = http.get(`${__ENV.TARGET}/json`);
  check(res, {
    'is status 200': (r) => r.status === 200,
    'has two items': (r) => r.json('items.#') === 2,
    'is teapot': (r) => r.status === 418,
  });
}
