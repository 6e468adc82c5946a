import { check, group } from "k6";

export function empty() {}

export function checked() {
  group("g", () => {
    check(1, { "is one": (v) => v === 1 });
  });
}
