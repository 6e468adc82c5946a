import { check, group, sleep } from "k6";
import { helper } from "./lib/helper.js";

export const options = { vus: 2, tags: { team: "qa" } };

globalThis.initCount = (globalThis.initCount || 0) + 1;
const initVU = __VU;

export function setup() {
  return { token: "abc", list: [1, 2] };
}

export default function (data) {
  data.list.push(__VU); // mutation stays in this VU
  if (data.list.length !== 3 + __ITER) {
    throw new Error("data shared between VUs or iterations reset: " + JSON.stringify(data.list));
  }
  check(data, { "has token": (d) => d.token === "abc", "is helper": () => helper(2) === 4 });
}

export function teardown(data) {
  if (data.token !== "abc" || data.list.length !== 2) {
    throw new Error("teardown got " + JSON.stringify(data));
  }
  globalThis.tornDown = true;
}
