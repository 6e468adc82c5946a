// NN-6 scenario 1, baseline: 100 VUs paying at once for 10 minutes, to set the reference
// latencies of the payment API under sustained concurrent load.
//
//   nnjs run -e API=http://127.0.0.1:8080 --summary-export baseline.json scenarios/baseline.js
//
// Quick run: -e SCALE=0.05 multiplies the duration (10m -> 30s); -e DURATION=2m sets it
// outright (DURATION wins over SCALE); -e VUS=30 replaces the VU count. Other knobs (members,
// products, hot set, think time) are listed at the top of lib/payments.js.
//
// Thresholds (NN-6): p95 < 2 s, p99 < 5 s, error rate < 1 %, checks > 99 %, and no failed
// payment at all (an error answer: 5xx or unexpected 4xx; transport errors count in
// http_req_failed); refusals (402/409) are counted apart in payments_refused.
// Integrity: nnjs run --integrity $DB takes the baseline and reconciles the payment counters
// (README: "Reconciliation").
import { gracefulStop, iteration, paymentThresholds, scaled, setupPayments, vus } from './lib/payments.js';

export const options = {
  scenarios: {
    baseline: {
      executor: 'constant-vus',
      gracefulStop: gracefulStop(),
      vus: vus(100),
      duration: __ENV.DURATION || scaled('10m'),
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
