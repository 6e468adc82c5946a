import { sleep } from "k6";

export default function () {
  while (true) {}
}

export function sleeper() {
  sleep(30);
  globalThis.afterSleep = true;
}

export function quick() {
  globalThis.quick = (globalThis.quick || 0) + 1;
}
