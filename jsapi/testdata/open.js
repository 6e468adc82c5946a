import { loadGreeting } from "./data/loader.js";

const text = open("data/greeting.txt");
const bin = open("./data/bytes.bin", "b");
const viaModule = loadGreeting();

export default function () {
  globalThis.summary = [text.trim(), new Uint8Array(bin).join(","), viaModule.trim()].join("|");
}

export function openLate() {
  open("data/greeting.txt");
}
