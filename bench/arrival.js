// The nnjs side of bench/arrival.sh: an open model. constant-arrival-rate starts RATE
// iterations per second for DURATION whatever the server does; each iteration is one GET of a
// loopback endpoint that answers after 100 ms. With too few VUs (MAX) the executor must drop
// the iterations it cannot start on time (dropped_iterations) instead of slowing down.
import http from 'k6/http';
import { sleep } from 'k6';

const pre = Number(__ENV.PRE || 150);

export const options = {
  discardResponseBodies: true,
  scenarios: {
    arrival: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 1000),
      timeUnit: '1s',
      duration: __ENV.DURATION || '20s',
      preAllocatedVUs: pre,
      maxVUs: Number(__ENV.MAX || pre),
    },
  },
};

// MODE=sleep replaces the request by sleep(0.1): the same 100 ms iterations without the HTTP
// client or the server, to tell the executor's own timing from the network's.
const sleepOnly = __ENV.MODE === 'sleep';

export default function () {
  if (sleepOnly) {
    sleep(0.1);
    return;
  }
  http.get(__ENV.TARGET || 'http://127.0.0.1:8090/');
}
