// NN-6 scenario 3, spike: 300 VUs at once (no ramp) for 3 minutes, to find the breaking
// point: lock queues on the hot wallets, pool exhaustion, 503 "busy" after the API's retries.
//
//   nnjs run -e API=http://127.0.0.1:8080 --summary-export spike.json scenarios/spike.js
//
// Quick run: -e SCALE=0.05 multiplies the duration (3m -> 9s); -e VUS=100 replaces the 300.
// Other knobs are listed at the top of lib/payments.js.
//
// Thresholds (NN-6): p95 < 2 s, p99 < 5 s, error rate < 1 %, checks > 99 %. A spike may
// shed a few payments with 503, so unlike the other scenarios a single failed payment does
// not fail the run; payments_failed{reason:busy} in the summary says how many were shed.
import { gracefulStop, iteration, paymentThresholds, scaled, setupPayments, vus } from './lib/payments.js';

export const options = {
  scenarios: {
    spike: {
      executor: 'constant-vus', // all VUs start together: no ramp
      gracefulStop: gracefulStop(),
      vus: vus(300),
      duration: scaled('3m'),
    },
  },
  thresholds: paymentThresholds(false),
};

export function setup() {
  return setupPayments();
}

export default function (data) {
  iteration(data);
}
