// A plain k6 script: it imports only k6 modules and runs unmodified under k6 and nnjs.
//
//   nnjs run -e TARGET=http://127.0.0.1:8090 examples/k6-compat.js
//
// Three scenarios, one per closed-model executor; counts are exact: per_vu runs 10 VUs x 7
// iterations = 70 iterations and 70 requests; shared runs 30 iterations over 3 VUs.
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import encoding from 'k6/encoding';
import k6crypto from 'k6/crypto';

const BASE = __ENV.TARGET || 'http://127.0.0.1:8090';

const skus = new SharedArray('skus', () => [
  { sku: 'KIT-1', qty: 1 },
  { sku: 'P-7', qty: 2 },
  { sku: 'P-9', qty: 3 },
]);

const orders = new Counter('orders_placed');
const lastOrderSize = new Gauge('last_order_size');
const jsonOK = new Rate('json_ok');
const orderTime = new Trend('order_time', true);

export const options = {
  scenarios: {
    per_vu: { executor: 'per-vu-iterations', vus: 10, iterations: 7, exec: 'browse', tags: { flow: 'browse' } },
    shared: { executor: 'shared-iterations', vus: 3, iterations: 30, exec: 'order', startTime: '1s' },
    steady: { executor: 'constant-vus', vus: 2, duration: '3s', exec: 'order', env: { STEADY: '1' } },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<1000', 'max<5000'],
    'http_req_duration{scenario:per_vu}': ['p(99)<2000'],
    checks: ['rate>0.99'],
    orders_placed: ['count>=30'],
    order_time: ['avg<1000'],
  },
};

export function setup() {
  const res = http.get(`${BASE}/json`);
  check(res, { 'setup: target is up': (r) => r.status === 200 });
  return { token: encoding.b64encode(`qa:${k6crypto.sha256('secret', 'hex').slice(0, 8)}`) };
}

export function browse(data) {
  group('catalogue', () => {
    const res = http.get(`${BASE}/json`, { headers: { Authorization: `Basic ${data.token}` }, tags: { name: 'catalogue' } });
    const ok = check(res, {
      'status is 200': (r) => r.status === 200,
      'has items': (r) => r.json('items').length === 2,
    });
    jsonOK.add(ok);
  });
}

export function order(data) {
  const item = skus[exec.scenario.iterationInTest % skus.length];
  const start = Date.now();
  group('checkout', () => {
    const body = JSON.stringify({ sku: item.sku, qty: item.qty, id: crypto.randomUUID(), vu: exec.vu.idInTest });
    const res = http.post(`${BASE}/echo`, body, { headers: { 'Content-Type': 'application/json' }, tags: { name: 'order' } });
    check(res, { 'order echoed': (r) => r.json('sku') === item.sku });
  });
  orders.add(1, { sku: item.sku });
  lastOrderSize.add(item.qty);
  orderTime.add(Date.now() - start);
  if (__ENV.STEADY) sleep(0.5);
}

export function teardown(data) {
  check(data, { 'teardown got setup data': (d) => typeof d.token === 'string' });
}
