// k6 docs, "Groups": checks inside groups, group_duration per group.
import http from 'k6/http';
import { group, check } from 'k6';

export const options = { iterations: 2 };

export default function () {
  group('visit', () => {
    check(http.get(`${__ENV.TARGET}/`), { 'home 200': (r) => r.status === 200 });
    group('api', () => {
      check(http.get(`${__ENV.TARGET}/json`), { 'json ok': (r) => r.json().status === 'ok' });
    });
  });
}
