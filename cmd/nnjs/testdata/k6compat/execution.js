// k6/execution: VU tags on later samples, instance counters, test.fail() (exit 110).
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';

export const options = {
  scenarios: { shop: { executor: 'per-vu-iterations', vus: 2, iterations: 2 } },
  thresholds: { 'http_reqs{step:tagged}': ['count==4'] },
};

export default function () {
  exec.vu.tags.step = 'tagged';
  http.get(`${__ENV.TARGET}/`);
  check(exec, {
    'scenario name': (e) => e.scenario.name === 'shop',
    'progress in range': (e) => e.scenario.progress >= 0 && e.scenario.progress < 1,
  });
  if (exec.vu.idInTest === 2 && exec.vu.iterationInScenario === 1) {
    exec.test.fail('found a bad record');
  }
}
