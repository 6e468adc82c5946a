// Runs examples/k6-compat.ts unmodified (it is imported, not copied) and adds sub-metric
// thresholds that expose per-scenario counts, plus a handleSummary that writes k6's summary
// data object to __ENV.SUMMARY_OUT as string. The exact counts are asserted by TestK6CompatCounts.
import { options as base } from '../../../examples/k6-compat.ts';

export { setup, teardown, browse, order } from '../../../examples/k6-compat.ts';

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

export function handleSummary(data: any): Record<string, string> {
  return { [__ENV.SUMMARY_OUT as string]: JSON.stringify(data) };
}
