import { Counter, Gauge, Rate, Trend } from "k6/metrics";

const payments = new Counter("payments");
const balance = new Gauge("balance");
const okRate = new Rate("ok_rate");
const latency = new Trend("pay_latency", true);
const plain = new Trend("plain_trend");

export default function () {
  payments.add(2, { currency: "EUR" });
  balance.add(10.5);
  okRate.add(true);
  okRate.add(0);
  latency.add(12);
  plain.add("3");
  globalThis.name = latency.name;
}

export function addNaN() {
  payments.add("lots");
}

export function lateMetric() {
  new Counter("too_late");
}
