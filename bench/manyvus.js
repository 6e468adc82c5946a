// The nnjs side of bench/manyvus.sh: a closed model with many VUs, each doing one GET of a
// loopback endpoint and then sleeping 1 s, so VUS VUs should make close to VUS iterations/s.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  vus: Number(__ENV.VUS || 5000),
  duration: __ENV.DURATION || '20s',
  discardResponseBodies: true,
};

export default function () {
  http.get(__ENV.TARGET || 'http://127.0.0.1:8090/');
  sleep(1);
}
