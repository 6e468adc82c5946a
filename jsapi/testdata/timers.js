import * as timers from "k6/timers";

export function order() {
  const log = [];
  globalThis.log = log;
  setTimeout(() => log.push("timeout 0"), 0);
  setTimeout((a, b) => log.push(`args ${a} ${b}`), 0, 1, 2);
  Promise.resolve().then(() => log.push("microtask"));
  let n = 0;
  const iv = setInterval(() => {
    n++;
    log.push(`interval ${n}`);
    if (n === 3) {
      clearInterval(iv);
      setTimeout(() => log.push("late"), 0);
    }
  }, 5);
  const never = setTimeout(() => log.push("cleared"), 1);
  clearTimeout(never);
  log.push("sync");
}

export function sameFunctions() {
  globalThis.same = timers.setTimeout === setTimeout && timers.clearInterval === clearInterval &&
    typeof timers.setInterval === "function" && typeof clearTimeout === "function";
}

export async function awaits() {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const t0 = Date.now();
  await sleep(20);
  await Promise.all([sleep(10), sleep(15)]);
  globalThis.waited = Date.now() - t0;
}

export function throwsInTimer() {
  setTimeout(() => {
    throw new Error("timer boom");
  }, 1);
}

export async function rejects() {
  await null;
  throw new Error("async boom");
}

export function unhandled() {
  setTimeout(() => Promise.reject("plain reason"), 0);
}

export function forever() {
  globalThis.ticks = 0;
  setInterval(() => globalThis.ticks++, 5);
}

export function done() {
  globalThis.fine = true;
}

export async function setup() {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { from: "async setup" };
}

export async function teardown(data) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  globalThis.teardownData = data.from;
}

export async function handleSummary() {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { stdout: "async summary" };
}
