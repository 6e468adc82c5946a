export const options = {
  vus: __ENV.VUS ? parseInt(__ENV.VUS, 10) : 1,
  duration: "10s",
  thresholds: { http_req_duration: ["p(95)<500"] },
};

export default function () {}

export function handleSummary(data) {
  const bytes = new Uint8Array([110, 110]);
  return {
    stdout: "checks: " + data.metrics.checks.values.rate + "\n",
    "out/summary.json": JSON.stringify(data),
    "raw.bin": bytes.buffer,
  };
}
