// setup() data reaches every iteration and teardown(); custom metrics; randomSeed.
import { check, randomSeed } from 'k6';
import { Counter, Trend } from 'k6/metrics';

const orders = new Counter('orders_created');
const amounts = new Trend('order_amount');

export const options = { iterations: 3, thresholds: { orders_created: ['count==3'], checks: ['rate==1'] } };

export function setup() {
  return { currency: 'MXN' };
}

export default function (data) {
  randomSeed(7);
  const a = Math.random();
  randomSeed(7);
  orders.add(1);
  amounts.add(100);
  check(data, {
    'setup data': (d) => d.currency === 'MXN',
    'seeded random repeats': () => Math.random() === a,
  });
}

export function teardown(data) {
  if (data.currency !== 'MXN') throw new Error('teardown got no setup data');
}
