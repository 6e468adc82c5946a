import { check } from "k6";
import { Wallet, total } from "./wallet";
const legacy = require("./legacy.cjs");

interface Opts {
  vus: number;
}
export const options: Opts = { vus: 1 };

export default function (): void {
  const w: Wallet = { id: "w1", balance: 10 };
  const sum: number = total([w, { id: "w2", balance: 5 }]);
  globalThis.result = `${sum}:${legacy.greet("nnjs")}:${w?.id ?? "none"}`;
  check(sum, { "sum is 15": (s: number) => s === 15 });
}
