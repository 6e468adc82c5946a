// NN-6 scenario 2, ramp: 0 -> 200 VUs over 2 minutes, then 200 VUs for 8 minutes, to see
// how latency and refusals grow with concurrency (the seed's intent; its Locust command
// reached 200 users in 10 s).
//
//   nnjs run -e API=http://127.0.0.1:8080 --summary-export ramp.json scenarios/ramp.js
//
// Quick run: -e SCALE=0.05 multiplies both stages (2m+8m -> 6s+24s); -e VUS=50 replaces the
// peak. Other knobs are listed at the top of lib/payments.js.
//
// Thresholds (NN-6): p95 < 2 s, p99 < 5 s, error rate < 1 %, checks > 99 %, no failed
// payment (an error answer: 5xx or unexpected 4xx; transport errors count in http_req_failed);
// refusals (402/409) are counted apart in payments_refused.
import { gracefulStop, iteration, paymentThresholds, scaled, setupPayments, vus } from './lib/payments.js';

const peak = vus(200);

export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-vus',
      gracefulStop: gracefulStop(),
      startVUs: 0,
      stages: [
        { duration: scaled('2m'), target: peak },
        { duration: scaled('8m'), target: peak },
      ],
      gracefulRampDown: '30s',
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
