// k6/execution test.abort(): the run stops at once with exit code 108.
import exec from 'k6/execution';

export const options = { iterations: 10 };

export default function () {
  if (exec.scenario.iterationInTest === 2) {
    exec.test.abort('stop here');
  }
}
