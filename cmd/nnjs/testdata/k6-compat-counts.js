// Runs examples/k6-compat.js unmodified (it is imported, not copied) and adds sub-metric
// thresholds that expose per-scenario counts, plus a handleSummary that writes k6's summary
// data object to __ENV.SUMMARY_OUT. The exact counts are asserted by TestK6CompatCounts.
import { options as base } from '../../../examples/k6-compat.js';

export { setup, teardown, browse, order } from '../../../examples/k6-compat.js';

export const options = {
  ...base,
  thresholds: {
    ...base.thresholds,
    'iterations{scenario:per_vu}': ['count==70'],
    'http_reqs{scenario:per_vu}': ['count==70'],
    'iterations{scenario:shared}': ['count==30'],
    'http_reqs{scenario:shared}': ['count==30'],
    'iterations{scenario:steady}': ['count>0'],
  },
};

export function handleSummary(data) {
  return { [__ENV.SUMMARY_OUT]: JSON.stringify(data) };
}
