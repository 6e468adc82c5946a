// The TypeScript twin of examples/k6-compat.js: same scenarios, same counts, with types.
//
//   nnjs run -e TARGET=http://127.0.0.1:8090 examples/k6-compat.ts
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import encoding from 'k6/encoding';
import k6crypto from 'k6/crypto';

interface Item {
  sku: string;
  qty: number;
}

interface SetupData {
  token: string;
}

const BASE: string = __ENV.TARGET || 'http://127.0.0.1:8090';

const skus: Item[] = new SharedArray('skus', (): Item[] => [
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

export function setup(): SetupData {
  const res = http.get(`${BASE}/json`);
  check(res, { 'setup: target is up': (r) => r.status === 200 });
  return { token: encoding.b64encode(`qa:${(k6crypto.sha256('secret', 'hex') as string).slice(0, 8)}`) };
}

export function browse(data: SetupData): void {
  group('catalogue', () => {
    const res = http.get(`${BASE}/json`, { headers: { Authorization: `Basic ${data.token}` }, tags: { name: 'catalogue' } });
    const ok: boolean = check(res, {
      'status is 200': (r) => r.status === 200,
      'has items': (r) => (r.json('items') as unknown[]).length === 2,
    });
    jsonOK.add(ok);
  });
}

export function order(data: SetupData): void {
  const item: Item = skus[exec.scenario.iterationInTest % skus.length];
  const start: number = Date.now();
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

export function teardown(data: SetupData): void {
  check(data, { 'teardown got setup data': (d: SetupData) => typeof d.token === 'string' });
}
