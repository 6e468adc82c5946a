// NN-6 scenario 4, endurance: 100 VUs for 1 hour, to catch slow leaks (memory, connections,
// sessions left idle in a transaction) and latency drift.
//
//   nnjs run -e API=http://127.0.0.1:8080 --summary-export endurance.json scenarios/endurance.js
//
// Quick run: -e SCALE=0.05 multiplies the duration (1h -> 3m); -e DURATION=20m sets it
// outright (DURATION wins over SCALE); -e VUS=50 replaces the VU count. Other knobs are
// listed at the top of lib/payments.js. Wallets drain in an hour: seed larger balances
// (nnjs seed --min-balance 500000 --max-balance 1000000) or most payments end refused.
//
// Thresholds (NN-6): p95 < 2 s, p99 < 5 s, error rate < 1 %, checks > 99 %, no failed
// payment (an error answer: 5xx or unexpected 4xx; transport errors count in http_req_failed);
// refusals (402/409) are counted apart in payments_refused.
import { gracefulStop, iteration, paymentThresholds, scaled, setupPayments, vus } from './lib/payments.js';

export const options = {
  scenarios: {
    endurance: {
      executor: 'constant-vus',
      gracefulStop: gracefulStop(),
      vus: vus(100),
      duration: __ENV.DURATION || scaled('1h'),
    },
  },
  thresholds: paymentThresholds(true),
};

export function setup() {
  return setupPayments();
}

export default function (data) {
  iteration(data);
}
