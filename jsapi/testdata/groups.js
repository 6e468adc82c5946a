import { check, group, fail } from "k6";

export default function () {
  group("outer", function () {
    group("inner", function () {
      check(1, { "one is one": (v) => v === 1 });
    });
    check(2, { "two is three": (v) => v === 3, "truthy value": true }, { extra: "yes" });
  });
  globalThis.ret = check(0, { "zero": (v) => v === 0 });
  globalThis.group = group("value", () => 42);
}

export function throwingCheck() {
  check(1, { "bad": () => { throw new Error("cond failed"); } });
}

export function throwInGroup() {
  try {
    group("g", () => fail("stop here"));
  } catch (e) {
    globalThis.caught = String(e);
  }
  check(1, { "after": () => true });
}
